"""The pytest plugin that runs rule tests: each case of RULES/tests/**/*.yaml is one pytest item.

Registered as the ``pytest11`` entry point ``eligibility.authoring.rule_tests_plugin`` (so ``pytest rules/tests`` works) and
loaded with ``-p`` by ``eligibility test``. A case file is collected when it says so (a top-level
``kind: eligibility/rule-tests`` line near its top, read without parsing) and lies under a ``tests`` folder whose
parent holds rule files (``*.yaml``); that parent is the rules folder its cases are decided with. Any other YAML file
is left to pytest and the project's other plugins, unread. A case file
with a schema error is one collection error naming file:line:field (pytest then exits 2); a failing case shows
the expected/actual diff and the decision's best path (``CaseResult.report``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.errors import EligibilityError

_EVALUATORS = pytest.StashKey[dict]()


def rules_dir_of(path: Path) -> Path | None:
    """The rules folder a rule-test file belongs to: the parent of its nearest ``tests`` ancestor, when that
    parent holds rule files; None for any other YAML file."""
    for folder in path.parents:
        if folder.name == "tests":
            return folder.parent if any(folder.parent.glob("*.yaml")) else None
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.suffix == ".yaml" and rules_dir_of(file_path) is not None:
        from eligibility.authoring.scenarios import declares_rule_tests

        if declares_rule_tests(file_path):
            return RuleTestFile.from_parent(parent, path=file_path)
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_EVALUATORS] = {}


def pytest_unconfigure(config: pytest.Config) -> None:
    for evaluator in config.stash.get(_EVALUATORS, {}).values():
        if not isinstance(evaluator, EligibilityError):
            evaluator.close()


def _evaluator(config: pytest.Config, rules_dir: Path):
    """One evaluator per rules folder for the whole session; a folder whose rules do not load raises its error
    for every case file under it (each a collection error)."""
    from eligibility.decide.evaluator import Evaluator

    cache = config.stash[_EVALUATORS]
    if rules_dir not in cache:
        try:
            cache[rules_dir] = Evaluator.from_dir(rules_dir)
        except EligibilityError as exc:
            cache[rules_dir] = exc
    if isinstance(cache[rules_dir], EligibilityError):
        raise cache[rules_dir]
    return cache[rules_dir]


class RuleTestFile(pytest.File):
    """One rule-test file: its cases, loaded and schema-checked; the rules they are decided with, loaded once."""

    def collect(self):
        from eligibility.authoring.scenarios import load_cases

        items = load_cases(self.path)
        evaluator = _evaluator(self.config, rules_dir_of(self.path))
        for loaded in items:
            yield RuleCase.from_parent(self, name=loaded.case.name, nodeid=loaded.id, loaded=loaded,
                                       evaluator=evaluator)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, EligibilityError):
            return excinfo.value.render() if hasattr(excinfo.value, "render") else str(excinfo.value)
        return super().repr_failure(excinfo, style)


class CaseFailed(Exception):
    """A rule-test case whose decision differs from its expectation, or that could not be decided."""

    def __init__(self, result) -> None:
        super().__init__(result.report())
        self.result = result


class RuleCase(pytest.Item):
    """One case, named ``<agency>/<file stem>::<case name>``."""

    def __init__(self, *, loaded, evaluator, **kwargs) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded
        self.evaluator = evaluator

    def runtest(self) -> None:
        from eligibility.authoring.scenarios import run_case

        result = run_case(self.evaluator, self.loaded)
        if not result.passed:
            raise CaseFailed(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.loaded.line - 1, self.nodeid
