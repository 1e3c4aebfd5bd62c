"""The service's one door into the rest of eligibility: every name the service uses from the engine, the records,
the reports and the decision log is re-exported here, so that moving those modules touches this file only.

Nothing else in eligibility.service imports ``eligibility.<module>``; it imports ``from .core import ...``.
"""

from __future__ import annotations

from eligibility.audit.chain import GENESIS, Anchor, Chain, Verification, parse_anchor, utc_now, verify_chain
from eligibility.audit.key import LogKey, load_key
from eligibility.audit.log import (
    DecisionLog,
    canonical_json,
    positions_sha256,
    record_json,
    record_sha256,
    sha256_text,
)
from eligibility.audit.replay import ReplayReport, replay, replay_entry
from eligibility.audit import database, schema as decision_log_schema  # logstore: drivers opened; log schema
from eligibility.authoring.lint import lint_rulebook
from eligibility.authoring.scenarios import declares_rule_tests, load_cases, run_case
from eligibility.authoring.scenarios import discover as discover_rule_tests
from eligibility.decide.decision import Decision
from eligibility.decide.policy import AWAITING, FOR_HR, NOT_DECIDED, ROW_STATUSES  # policy: the status groupings, written once
from eligibility.decide.decision import DecisionError as UndecidedItem
from eligibility.decide.diffing import compare as compare_decisions
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import (
    AuditError,
    AuditUnavailable,
    EligibilityError,
    EvaluationError,
    InputError,
    NoTargetError,
    ProposalError,
    RecordError,
)
from eligibility.output.escaping import csv_cell
from eligibility.output.html_assets import self_contained
from eligibility.output.report import STATUS_LABELS, in_window, key_date_text, window_end
from eligibility.output.timeline_person import person_timeline_svg
from eligibility.output.writers import roster_csv
from eligibility.reclass.impact import anonymise, assess
from eligibility.reclass.proposal import proposal_from_document
from eligibility.reclass.report import impact_markdown
from eligibility.records.import_map import propose as propose_mapping
from eligibility.records.mapping import load_map
from eligibility.records.models import (
    Employee,
    Endorsement,
    Position,
    Roster,
    check_record,
    roster_from_document,
)
from eligibility.records.streaming import open_roster
from eligibility.records.writers import roster_yaml, write_roster_csv
from eligibility.rules.documents import Document, parse_yaml
from eligibility.rules.rulebook import LoadedRulebook, rulebook_from_bytes
from eligibility.rules.schema import EndorsementCriterion


def decision_json(decision: Decision) -> str:
    """The bytes ``eligibility check --format json`` prints for a decision (the canonical JSON and its newline)."""
    return decision.to_json() + "\n"


def endorsement_criteria(book) -> list[EndorsementCriterion]:
    """Every endorsement criterion of a loaded rulebook, in rule-file order (who gives which kind of endorsement)."""
    found = []
    for series in book.rulebook.series:
        for version in series.versions:
            for level in version.levels:
                for path in level.paths:
                    found += [c for c in path.criteria if isinstance(c, EndorsementCriterion)]
    return found


def vocabulary_roles(book) -> dict[str, str]:
    """The endorsing roles a rule file declares in its vocabulary: role id -> display name."""
    return dict(book.rulebook.vocabulary.roles)


__all__ = [
    "AuditError", "Decision", "DecisionLog", "Document", "EligibilityError",
    "Employee", "Endorsement", "EvaluationError", "Evaluator", "InputError", "NoTargetError", "Position",
    "ProposalError", "RecordError", "Roster", "STATUS_LABELS", "UndecidedItem",
    "anonymise", "assess", "canonical_json", "check_record", "csv_cell", "decision_json",
    "endorsement_criteria", "impact_markdown", "in_window", "key_date_text", "open_roster",
    "parse_anchor", "parse_yaml", "person_timeline_svg", "positions_sha256", "proposal_from_document",
    "record_json", "record_sha256", "replay", "roster_csv", "roster_from_document", "sha256_text",
    "vocabulary_roles", "write_roster_csv", "window_end",
    # chain: the one hash chain of both logs, and the log key
    "Anchor", "AuditUnavailable", "Chain", "GENESIS", "LogKey", "Verification", "load_key", "utc_now",
    "verify_chain",
    "self_contained",  # i22: the staff report download's Content-Security-Policy
]
__all__ += ["load_map", "propose_mapping"]  # w24b: HR-system exports through the agency's mapping
__all__ += ["AWAITING", "FOR_HR", "NOT_DECIDED", "ROW_STATUSES"]  # policy: status groupings and order from decide/policy.py
__all__ += ["LoadedRulebook", "compare_decisions", "declares_rule_tests", "discover_rule_tests", "lint_rulebook",
            "load_cases", "rulebook_from_bytes", "run_case", "ReplayReport", "replay_entry"]  # w26: rules versions
__all__ += ["database", "decision_log_schema"]  # logstore: the one driver module; the decision log's schema
__all__ += ["roster_yaml"]  # formats: the YAML roster writer (records.writers), for the service's export
from eligibility.authoring.draft import complete as complete_draft  # noqa: E402  rulespage: the page's drafting
from eligibility.authoring.draft import draft_specification  # noqa: E402
from eligibility.authoring.draft_merge import merge_draft  # noqa: E402
from eligibility.authoring.draft_report import compare as compare_draft  # noqa: E402
from eligibility.authoring.draft_report import recognised_share, sentence_rows  # noqa: E402
from eligibility.authoring.lint import lint_bytes  # noqa: E402
from eligibility.rules.rulebook import KnownTerms  # noqa: E402
from eligibility.authoring.sources import AttachedSources, decode_specification, plain_name  # noqa: E402

__all__ += ["AttachedSources", "compare_draft", "complete_draft", "decode_specification", "draft_specification",
            "KnownTerms", "lint_bytes", "merge_draft", "plain_name", "recognised_share",
            "sentence_rows"]  # rulespage: live lint, drafting, the rules in force
