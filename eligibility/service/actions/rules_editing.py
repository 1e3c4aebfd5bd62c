"""What the rules page's editor asks for while HR writes a version, none of which writes anything: the lint of the
text being edited (as ``eligibility lint`` gives it, positioned, with did-you-mean; with the quote check against
the agency's kept specification texts and the one being drafted from), and a draft from an uploaded class
specification (as ``eligibility rules draft SPEC --agency ID --from <the version in force>`` makes it), written into
the agency's rule file for the editor."""

from __future__ import annotations

import contextlib
import hashlib

from .. import rules_store
from ..bounds import Busy, Places
from ..auth import Caller
from ..clock import Clock
from ..core import (
    InputError,
    compare_draft,
    complete_draft,
    decode_specification,
    draft_specification,
    lint_bytes,
    merge_draft,
    plain_name,
    recognised_share,
    rulebook_from_bytes,
    sentence_rows,
)
from . import Refused
from .rules_checks import counted, sources_of
from .scope import stored_agency

MAX_FILE = 2 * 1024 * 1024  # one rule file
MAX_SPEC = 512 * 1024  # one class specification's text (the five sources are 7 to 26 kB)
MAX_AT_ONCE = 4  # lints and drafts running at once in a process (a lint of ccwd.yaml takes about 40 ms)
CHECKING = Places(MAX_AT_ONCE, 2.0, "the service is checking other rule files; try again in a moment")


@contextlib.contextmanager
def _slot():
    """One of the process's MAX_AT_ONCE places to lint or draft in; Refused 429 when none frees within 2 s."""
    try:
        with CHECKING.held():
            yield
    except Busy as exc:
        raise Refused(429, str(exc)) from None


def _plain(name: str) -> bool:
    return plain_name(name) and len(name) <= 200


def rule_bytes(text: str) -> bytes:
    """A rule file's text as stored and hashed (UTF-8); Refused 413 past MAX_FILE."""
    data = text.encode("utf-8")
    if len(data) > MAX_FILE:
        raise Refused(413, f"a rule file is at most {MAX_FILE // (1024 * 1024)} MB")
    return data


def check_source(document: str, text: str) -> None:
    """A specification text given with a rule file: a plain file name (as citations name it) and at most MAX_SPEC."""
    if not _plain(document):
        raise Refused(422, f"source: {document!r} is not a plain file name (as the rule file's documents list it)",
                      [{"field": "source.document", "message": "not a plain file name"}])
    _spec_size(document, len(text.encode("utf-8")))


def _spec_size(document: str, size: int) -> None:
    """Refused 413 for a specification of more than MAX_SPEC bytes."""
    if size > MAX_SPEC:
        raise Refused(413, f"{document}: a specification is at most {MAX_SPEC // 1024} kB; give its text only")


def lint_text(state, caller: Caller, agency: str, text: str, source: tuple[str, str] | None = None) -> dict:
    """The lint findings of a rule file being edited (named ``AGENCY.yaml``, as a proposal is), with the quote check
    against the agency's kept specification texts, and against ``source`` (document, text) when given."""
    data = rule_bytes(text)
    if source is not None:
        check_source(*source)
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        kept = rules_store.sources(conn, agency, None)
    if source is not None:
        kept = {**kept, source[0]: {"content": source[1], "sha256": _sha(source[1])}}
    with _slot():
        book, findings = lint_bytes(data, f"{agency}.yaml", sources_of(kept))
    if book is not None and book.agency != agency:
        shown = counted(findings, book, kept)
        line, col = book.document.position(("agency",))
        shown["findings"].insert(0, {"severity": "error", "code": "schema", "file": f"{agency}.yaml", "line": line,
                                     "col": col, "field": "agency",
                                     "message": f"agency: the file is agency {book.agency!r}, not {agency!r}"})
        shown["errors"] += 1
        return shown
    return counted(findings, book, kept)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _label(found: list[dict], day, document: str) -> str:
    """A rules_version no stored version of the agency has: 'draft-DAY-SPEC' (with -2, -3 ... when taken)."""
    stem = document.rsplit(".", 1)[0][:60]
    base = f"draft-{day.isoformat()}-{stem}"
    taken = {r["rules_version"] for r in found}
    return next(label for n in range(1, len(found) + 2)
                for label in [base if n == 1 else f"{base}-{n}"] if label not in taken)


def draft(state, caller: Caller, clock: Clock, agency: str, document: str, data: bytes) -> dict:
    """What ``rules draft`` proposes from an uploaded specification against the version of the agency's rules in
    force (series, levels, sentences with their quotes and proposed criteria, what the text adds, removes or changes,
    the share of the file's criteria citing it that the draft proposes), and the rule file with the draft written
    into it, for the editor. Nothing is stored: proposing the edited file keeps the text with the version."""
    if not _plain(document):
        raise Refused(422, f"{document!r}: give the specification's file name (no folders)",
                      [{"field": "document", "message": "not a plain file name"}])
    _spec_size(document, len(data))
    try:
        text = decode_specification(data, document)
    except InputError as exc:
        raise Refused(422, exc.render(), [{"line": exc.line, "field": "document", "message": exc.message}]) from None
    if not text.strip():
        raise Refused(422, f"{document}: the specification is empty", [{"field": "document", "message": "empty"}])
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        found = rules_store.rows(conn, agency)
        latest = rules_store.latest_approved(found, agency)
        if latest is None:
            raise Refused(409, f"agency {agency!r} has no rules version in the store to draft against: the operator "
                               f"imports them with 'eligibility db rules import DIR'")
        current = rules_store.content(conn, latest["id"])
    base = rulebook_from_bytes(current, latest["file_name"])
    against = f"{latest['file_name']} (rules {latest['rules_version']})"
    label = _label(found, clock.today(), document)
    with _slot():
        try:
            drafted = draft_specification(document, text, agency, base.rulebook)
            written = complete_draft(drafted, base.rulebook)
        except InputError as exc:
            raise Refused(422, exc.render(), [{"line": exc.line, "field": exc.field,
                                               "message": exc.message}]) from None
        hits, misses = recognised_share(drafted, base.rulebook)
        merged, done = merge_draft(current.decode("utf-8"), base, written, label)
    held = {s.id for s in base.rulebook.series}
    new_series = None if drafted.series_id in held else (
        f"{against} has no series {drafted.series_id!r}: the draft adds {drafted.title} to {agency}'s rules as a "
        f"new series. If {document} is another agency's specification, do not propose it.")
    return {"agency": agency, "document": document, "sha256": _sha(text), "based_on": latest["id"],
            "against": against, "series": drafted.series_id, "title": drafted.title, "new_series": new_series,
            "levels": [{"id": lv, "title": drafted.level_title(lv)} for lv in drafted.levels],
            "effective": drafted.effective.isoformat(), "date_quote": drafted.date_quote,
            "sentences": sentence_rows(drafted),
            "changes": [line.strip() for line in compare_draft(drafted, base.rulebook, against)],
            "proposed": {"criteria": hits + len(misses), "proposed": hits, "not_proposed": misses},
            "written": done, "rules_version": label, "text": merged, "source_text": text}


__all__ = ["MAX_FILE", "MAX_SPEC", "check_source", "draft", "lint_text", "rule_bytes"]
