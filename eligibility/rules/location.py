"""Where the rule files are: ``--rules``, else $ELIGIBILITY_RULES, else ./rules, else the rules installed with
the package. The one place every command that takes ``--rules`` asks."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from eligibility.errors import EligibilityError, RuleFileError

RULES_ENV = "ELIGIBILITY_RULES"
LOCAL = "rules"


class RulesNotFoundError(EligibilityError):
    """No rules folder anywhere the tool looks; the message names every place."""


def installed_rules() -> Path:
    """The rule files shipped inside the package (eligibility/bundled_rules, a link to the repository's rules/)."""
    return Path(str(resources.files("eligibility") / "bundled_rules"))


def _has_rules(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.yaml"))


def find_rules_dir(given: str | os.PathLike | None = None, *, cwd: Path | None = None) -> Path:
    """The rules folder to use. A folder named by ``--rules`` or $ELIGIBILITY_RULES is used as given (a missing
    one is an error naming it); otherwise ./rules when it exists, else the installed rules. When none is found
    the RuleFileError names every place looked at."""
    if given is not None:
        folder = Path(given)
        if not folder.is_dir():
            raise RuleFileError("rules directory not found (given with --rules)", file=folder)
        return folder
    from_env = os.environ.get(RULES_ENV)
    if from_env:
        folder = Path(from_env)
        if not folder.is_dir():
            raise RuleFileError(f"rules directory not found (named by ${RULES_ENV})", file=folder)
        return folder
    local = (cwd or Path.cwd()) / LOCAL
    if local.is_dir():
        return Path(LOCAL) if cwd is None else local
    installed = installed_rules()
    if _has_rules(installed):
        return installed
    raise RulesNotFoundError(f"no rule files found: --rules not given, ${RULES_ENV} not set, no {local}, and none "
                        f"installed with the package in {installed}; give --rules DIR")
