"""Every error the package raises, under one root.

Exception tree::

    EligibilityError                 root: catch this to catch everything we raise
    ├── InputError                   a file the user gave us is unusable (exit code 2)
    │   ├── RuleFileError            rules/*.yaml: YAML, schema or cross-reference problem
    │   ├── RecordError              a roster or one employee record in it
    │   ├── ProposalError            a reclassification proposal file or one of its actions
    │   └── ScheduleError            a salary schedule file
    ├── EvaluationError              a record cannot be evaluated (no current assignment, unknown target)
    │   └── NoTargetError            nothing to decide: already at the top level of the series
    ├── EngineError                  the inference engine failed or misbehaved (durable_rules)
    └── AuditError                   the decision log cannot be opened, written or read
        └── AuditUnavailable         ... because its database cannot be reached (the service answers 503)

Every InputError carries the file, the line and column (1-based, when known), the field
path and an optional "did you mean" suggestion, and renders as one line:
``rules/ccwd.yaml:12:7: series[0].versions[1].levels[1].paths[0].criteria[2].kind: unknown value 'endorsment' (did you mean 'endorsement'?)``
Library errors (yaml, pydantic, durable_rules, sqlite) are translated with ``raise ... from exc``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "EligibilityError",
    "InputError",
    "RuleFileError",
    "RecordError",
    "ProposalError",
    "ScheduleError",
    "EvaluationError",
    "NoTargetError",
    "EngineError",
    "AuditError",
    "AuditUnavailable",
]


class EligibilityError(Exception):
    """Root of every error raised by the eligibility package."""


class InputError(EligibilityError):
    """A user-supplied file is unusable; renders as a single ``file:line:col: field: message`` line."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.field = field
        self.suggestion = suggestion
        super().__init__(self.render())

    @property
    def location(self) -> str:
        """``file:line:col`` as far as it is known."""
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self) -> str:
        text = f"{self.location}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return " ".join(text.split())


class RuleFileError(InputError):
    """A rule file is malformed or inconsistent."""


class RecordError(InputError):
    """A roster file, or one employee record in it, is malformed."""

    def __init__(self, message: str, *, employee_id: str | None = None, **kwargs) -> None:
        self.employee_id = employee_id
        super().__init__(message, **kwargs)


class ProposalError(InputError):
    """A reclassification proposal, or one of its actions, is invalid."""


class ScheduleError(InputError):
    """A salary schedule file is malformed."""


class EvaluationError(EligibilityError):
    """An employee record is well-formed but cannot be evaluated (e.g. no current assignment)."""

    def __init__(self, message: str, *, employee_id: str | None = None) -> None:
        self.employee_id = employee_id
        super().__init__(message)


class NoTargetError(EvaluationError):
    """Nothing to decide: the employee holds the top level of the series and no other target was given.

    ``reason`` says why in words; the advice (``ADVICE``) is written here once, after it."""

    ADVICE = "give another target with --to"

    def __init__(self, reason: str, *, employee_id: str | None = None) -> None:
        self.reason = reason
        super().__init__(f"{reason}; {self.ADVICE}", employee_id=employee_id)


class EngineError(EligibilityError):
    """The inference engine raised, swallowed an error, or returned an incomplete result."""


class AuditError(EligibilityError):
    """The decision log cannot be opened, written, verified or replayed."""


class AuditUnavailable(AuditError):
    """The decision log's database cannot be reached or does not answer (a connection refused, a lock not given
    up in time): nothing is wrong with the log, try again later."""
