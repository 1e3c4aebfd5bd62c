"""What a proposed rules version would do, before it applies: its lint findings, the agency's rule tests run under
it, and its population impact on the agency's stored employees (whose status, eligible date or target changes,
from what to what, as ``diff-rules`` says it) against the version in force on the same day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.engine import Connection

from .. import accounts, store
from ..roles import Roles
from ..core import (
    AttachedSources,
    Decision,
    EligibilityError,
    Evaluator,
    LoadedRulebook,
    compare_decisions,
    declares_rule_tests,
    discover_rule_tests,
    lint_rulebook,
    load_cases,
    run_case,
)


NOT_CHECKED = "quotes not checked: no specification text attached"


def quotes(book: LoadedRulebook | None, kept: dict[str, dict]) -> dict:
    """Which documents of the file lint's quote check read (with the SHA-256 of the kept text) and which it could
    not, and the sentence that says so (None when every listed document was checked)."""
    listed = [d.file for d in book.rulebook.documents] if book is not None else []
    damaged = [d for d in listed if d in kept and kept[d].get("damaged")]
    checked = [{"document": d, "sha256": kept[d]["sha256"]} for d in listed if d in kept and d not in damaged]
    missing = [d for d in listed if d not in kept]
    if book is None:
        note = "quotes not checked: the rule file does not load"
    elif not checked and not damaged:
        note = NOT_CHECKED
    else:
        notes = [f"quotes of {d} not checked: its kept text does not match its SHA-256 {kept[d]['sha256']} (it was "
                 f"changed outside the service)" for d in damaged]
        notes += [f"quotes of {', '.join(missing)} not checked: no specification text attached"] if missing else []
        note = "; ".join(notes) or None
    return {"checked": checked, "unchecked": damaged + missing, "note": note}


def counted(findings: list, book: LoadedRulebook | None, kept: dict[str, dict]) -> dict:
    """Lint findings as the pages and the API show them: counts, the findings, and what the quote check read."""
    rows = [f.model_dump(mode="json") for f in findings]
    return {"errors": sum(f["severity"] == "error" for f in rows),
            "warnings": sum(f["severity"] == "warning" for f in rows), "findings": rows,
            "quotes": quotes(book, kept)}


def sources_of(kept: dict[str, dict]) -> AttachedSources | None:
    """The kept specification texts (document -> row with its ``content``) as lint reads a sources folder; a text
    changed outside the service (``damaged``) is left out."""
    usable = {d: r["content"] for d, r in kept.items() if not r.get("damaged")}
    return AttachedSources(usable, "the specification texts kept in the store") if usable else None


def lint(book: LoadedRulebook, kept: dict[str, dict]) -> dict:
    """The file's lint findings, with lint's quote check (and its every-sentence-accounted-for check) against the
    specification texts kept in the store; a document without a kept text is named as not checked."""
    return counted(lint_rulebook(book, sources_of(kept)), book, kept)


def rule_tests(state, evaluator: Evaluator, agency: str) -> dict:
    """The agency's rule tests (RULES/tests of the folder the service was started with) run under ``evaluator``."""
    folder = getattr(state, "rules_dir", None)
    if not folder or not Path(folder).is_dir():
        return {"ran": False, "why": "no rules folder with rule tests beside the service", "passed": 0, "failed": 0,
                "errors": 0, "failures": []}
    results = []
    for path in discover_rule_tests(folder):
        if not declares_rule_tests(path):
            continue
        try:
            cases = load_cases(path)
        except EligibilityError as exc:
            results.append({"case": str(path), "outcome": "error", "detail": [str(exc)]})
            continue
        for case in cases:
            if case.agency != agency:
                continue
            with state.decider.engine_lock:
                outcome = run_case(evaluator, case)
            if outcome.outcome != "passed":
                results.append({"case": f"{Path(case.file).name}:{case.line} {case.case.name}",
                                "outcome": outcome.outcome, "detail": outcome.diffs or [outcome.error or ""]})
            else:
                results.append({"case": case.case.name, "outcome": "passed"})
    count = {k: sum(r["outcome"] == k for r in results) for k in ("passed", "failed", "error")}
    return {"ran": True, "why": None, "passed": count["passed"], "failed": count["failed"],
            "errors": count["error"], "failures": [r for r in results if r["outcome"] != "passed"]}


def _side(item) -> dict | None:
    if item is None:
        return None
    return {"status": item.status, "eligible_on": item.eligible_on.isoformat() if item.eligible_on else None,
            "target": item.target, "rules_version": item.rules_version}


def impact(state, conn: Connection, agency: str, new: Evaluator, day: dt.date) -> dict:
    """Every stored employee of the agency whose decision as of ``day`` changes from the version in force that day
    to ``new``: from what to what, and the criteria responsible."""
    roster = store.roster(conn, agency)
    try:
        old_sha, old = state.decider.rules_for(conn, agency, day)
    except EligibilityError as exc:
        return {"as_of": day.isoformat(), "before": None, "compared": 0, "changes": [], "error": str(exc)}
    with state.decider.engine_lock:
        before = list(old.evaluate_roster(roster, day))
        after = list(new.evaluate_roster(roster, day))
    names = {e.id: e.name for e in roster.employees}
    changes = compare_decisions(before, after)
    version = next((d.rules_version for d in before if isinstance(d, Decision)), None)
    return {"as_of": day.isoformat(), "before": version, "before_sha256": old_sha, "compared": len(before),
            "error": None,
            "changes": [{"employee_id": c.employee_id, "name": names.get(c.employee_id), "fields": list(c.fields),
                         "before": _side(c.before), "after": _side(c.after),
                         "criteria": [x.text() for x in c.criteria]} for c in changes]}


def roles_left(conn: Connection, agency: str, new: LoadedRulebook, old: LoadedRulebook | None) -> list[dict]:
    """The agency's accounts (not disabled) whose role ``new`` no longer has: an endorsing role it neither declares
    nor asks an endorsement of. Approved, the version leaves them able to sign in and read, and to endorse nothing;
    each with its role's title as the version in force words it."""
    kept = set(Roles({agency: new}).roles_of(agency))
    before = Roles({agency: old}) if old is not None else None
    return [{"name": a.name, "role": a.role, "title": before.title(a.role, agency) if before else a.role,
             "state": a.state} for a in accounts.listing(conn, agency) if not a.disabled and a.role not in kept]


__all__ = ["NOT_CHECKED", "counted", "impact", "lint", "quotes", "roles_left", "rule_tests", "sources_of"]
