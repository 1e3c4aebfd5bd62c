"""The agency's column mappings for HR-system exports, kept in the store: every save is a new version (its text, who
saved it, when, and how: proposed from an export, edited in the page, or uploaded), nothing is overwritten, and the
newest is the one an import of an export reads. A mapping is checked as ``eligibility roster --map`` checks a mapping
file, and its errors name the mapping's line and field, never a file on the server."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import sqlalchemy as sa

from .. import activity
from .. import tables as t
from ..auth import Caller
from ..clock import Clock
from ..core import InputError, load_map, propose_mapping
from . import Refused

MAPPING_NAME = "mapping"  # how a stored mapping is named in errors ("mapping:4:3: columns.Title: ...")
MAX_MAPPING = 256 * 1024  # characters of a mapping's text
VIA = ("proposed", "edited", "uploaded")


def in_page_terms(exc: InputError, folder: str, names: dict[str, str] | None = None) -> InputError:
    """``exc`` with a file in the temporary ``folder`` named as the user knows it (its upload name, or ``names``)."""
    if exc.file and Path(exc.file).parent == Path(folder):
        exc.file = (names or {}).get(Path(exc.file).name, Path(exc.file).name)
        exc.args = (exc.render(),)
    return exc


def check(agency: str, text: str) -> None:
    """Refused 422 naming the mapping's line and field when ``text`` is not a mapping of ``agency``."""
    if len(text) > MAX_MAPPING:
        raise Refused(413, f"a mapping is at most {MAX_MAPPING // 1024} KB of text")
    with tempfile.TemporaryDirectory(prefix="eligibility-mapping-") as folder:
        path = Path(folder) / "mapping.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            mapping, _ = load_map(path)
        except InputError as exc:
            exc = in_page_terms(exc, folder, {"mapping.yaml": MAPPING_NAME})
            raise Refused(422, str(exc), [{"field": exc.field, "line": exc.line, "column": exc.column,
                                           "message": exc.message, "suggestion": exc.suggestion}]) from None
    if mapping.agency != agency:
        raise Refused(422, f"{MAPPING_NAME}: agency: the mapping is for agency {mapping.agency!r}, not {agency!r}",
                      [{"field": "agency", "line": None, "column": None, "suggestion": None,
                        "message": f"the mapping is for agency {mapping.agency!r}, not {agency!r}"}])


def _row(row) -> dict:
    return {"agency": row.agency, "version": row.version, "text": row.mapping_text, "sha256": row.mapping_sha256,
            "via": row.via, "actor": row.actor, "saved_at": row.saved_at}


def current(db, agency: str) -> dict | None:
    """The newest saved mapping of ``agency`` (version, text, via, actor, saved_at), or None."""
    m = t.import_mappings
    with db.read() as conn:
        row = conn.execute(sa.select(m).where(m.c.agency == agency).order_by(m.c.version.desc()).limit(1)).first()
    return _row(row) if row else None


def history(db, agency: str) -> list[dict]:
    """Every saved version of the agency's mapping, newest first."""
    m = t.import_mappings
    with db.read() as conn:
        rows = conn.execute(sa.select(m).where(m.c.agency == agency).order_by(m.c.version.desc())).all()
    return [_row(r) for r in rows]


def save(db, caller: Caller, clock: Clock, client: str | None, agency: str, text: str, *, made_from: int,
         via: str, precondition: bool = False) -> dict:
    """Keep ``text`` as the agency's next mapping version, made from version ``made_from`` (0: there was none);
    Refused 409 when another was saved since (412 when ``made_from`` came as an If-Match precondition), 422 when
    it is not a valid mapping. Logged."""
    if via not in VIA:
        raise Refused(422, f"via must be one of {', '.join(VIA)}")
    text = text.replace("\r\n", "\n")
    check(agency, text)
    m = t.import_mappings
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with db.write() as conn:
        last = conn.execute(sa.select(m.c.version, m.c.mapping_sha256).where(m.c.agency == agency)
                            .order_by(m.c.version.desc()).limit(1)).first()
        now = last.version if last else 0
        if now != made_from:
            raise Refused(412 if precondition else 409, f"the mapping was saved by someone else since you opened it (version {made_from}, "
                               f"now {now}); nothing was saved: open it again")
        values = {"agency": agency, "version": now + 1, "mapping_text": text, "mapping_sha256": digest, "via": via,
                  "actor": caller.name, "saved_at": clock.stamp()}
        conn.execute(m.insert().values(**values))
        activity.append(conn, actor=caller.name, client=client, action="mapping.save", agency=agency,
                        subject=f"mapping {agency}", before=last.mapping_sha256 if last else None, after=digest,
                        changed=["mapping"], detail={"version": now + 1, "via": via})
    return {"agency": agency, "version": values["version"], "text": text, "sha256": digest, "via": via,
            "actor": caller.name, "saved_at": values["saved_at"]}


def propose(book, name: str, data: bytes) -> str:
    """A proposed mapping for an export (``import-map``'s proposal, TODOs where a person must decide), saved
    nowhere; Refused 422 in the page's terms when the export cannot be read."""
    with tempfile.TemporaryDirectory(prefix="eligibility-export-") as folder:
        path = Path(folder) / (Path(name).name or "export.csv")
        path.write_bytes(data)
        try:
            text = propose_mapping(path, book)
        except InputError as exc:
            raise Refused(422, str(in_page_terms(exc, folder))) from None
    body = [line for line in text.splitlines() if not line.startswith("# ")]  # the proposal's command-line words
    head = f"# Column mapping of {path.name} for {book.agency}, proposed from the export: check every line and " \
           "fill in the TODOs."
    return "\n".join([head, *body]) + "\n"


__all__ = ["MAPPING_NAME", "check", "current", "history", "in_page_terms", "propose", "save"]
