"""``eligibility import-map``: a mapping file proposed from an export's header and values and the agency's rule file.

Columns are matched to fields by their header (``Job Title`` -> assignment.title, ``Review Date`` ->
evaluation.date); values to terms by the rule file's display names and level titles, exactly but for case.
What cannot be matched is left as a TODO comment for the person who edits the proposal; nothing is guessed
at read time (eligibility.records.mapped_export reads only what the edited mapping says).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import get_args

from eligibility.errors import RecordError
from eligibility.records.mapped_export import read_text
from eligibility.records.mapping import entry_fields, parse_target, value_key
from eligibility.records.models import Evaluation
from eligibility.records.tabular import LIST_SEPARATOR
from eligibility.rules.rulebook import LoadedRulebook
from eligibility.rules.schema import EndorsementKind

# generic HR header words (no agency's terms): normalised header -> field
HEADER_WORDS = {
    "employee id": "id", "emp id": "id", "employee number": "id", "employee no": "id", "id": "id",
    "name": "name", "employee name": "name", "full name": "name", "education": "education",
    "job title": "assignment.title", "title": "assignment.title", "position title": "assignment.title",
    "job": "assignment.title", "classification": "assignment.title", "class title": "assignment.title",
    "start date": "assignment.start", "start": "assignment.start", "effective date": "assignment.start",
    "end date": "assignment.end", "end": "assignment.end", "fte": "assignment.fte",
    "position": "assignment.position", "position id": "assignment.position", "position number": "assignment.position",
    # the supervisor's account name in the service (an import changes a supervisor only through such a column)
    "supervisor": "supervisor", "supervisor id": "supervisor", "supervisor account": "supervisor",
    "supervisor login": "supervisor", "reports to": "supervisor", "manager": "supervisor", "manager id": "supervisor",
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d.%m.%Y")
TITLED = ("assignment.title", "endorsement.toward")
DATE_FIELDS = ("start", "end", "date", "issued", "obtained", "expires")
VALUED_FIELDS = ("title", "toward", "by", "kind", "kinds", "rating", "education")


def _words(header: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", header.lower()))


# generic words for the kinds of entries and their fields, in headers such as "Review Rating", "Prior End"
KIND_WORDS = {"license": "license", "licence": "license", "certification": "certification", "cert": "certification",
              "review": "evaluation", "evaluation": "evaluation", "appraisal": "evaluation", "rating": "evaluation",
              "endorsement": "endorsement", "endorsed": "endorsement", "prior": "experience",
              "previous": "experience", "experience": "experience", "leave": "leave", "assignment": "assignment"}
FIELD_WORDS = {"start": "start", "from": "start", "end": "end", "to": "end", "until": "end", "rating": "rating",
               "by": "by", "exp": "expires", "expires": "expires", "expiry": "expires", "expiration": "expires",
               "issued": "issued", "obtained": "obtained", "employer": "employer", "type": "kind", "kind": "kind",
               "for": "toward", "toward": "toward", "towards": "toward", "counts": "counts_toward_service",
               "utility": "public_utility", "fte": "fte", "date": "date", "title": "title"}


def guess_target(header: str) -> str | None:
    """The field a column header names, or None."""
    words = _words(header)
    if words in HEADER_WORDS:
        return HEADER_WORDS[words]
    split = words.split()
    kind = next((KIND_WORDS[w] for w in split if w in KIND_WORDS), None)
    if kind is None:
        return None
    names = [FIELD_WORDS[w] for w in split if w in FIELD_WORDS and FIELD_WORDS[w] != kind]
    names += ["kinds" if kind == "experience" else "kind", "start"]  # the entry itself ("Driver License")
    for name in names:
        name = "kinds" if kind == "experience" and name == "kind" else name
        name = "start" if name == "date" and "date" not in entry_fields(kind) else name
        if name in entry_fields(kind):
            return f"{kind}.{name}"
    return None


def candidates(book: LoadedRulebook, key: str) -> dict[str, str]:
    """Words an export may use for the terms of field ``key`` (casefolded word -> term)."""
    vocabulary = book.rulebook.vocabulary
    out: dict[str, str] = {}
    if key in TITLED:
        for series in book.rulebook.series:
            for version in series.versions:
                for level in version.levels:
                    term = f"{series.id}:{level.id}"
                    for word in (level.title, f"{version.title} {level.id}", term):
                        out.setdefault(word.casefold(), term)
        return out
    terms = {"evaluation.rating": get_args(Evaluation.model_fields["rating"].annotation),
             "endorsement.kind": get_args(EndorsementKind)}.get(key)
    if terms is not None:
        return {t.replace("_", " ").casefold(): t for t in terms} | {t: t for t in terms}
    labels = {"endorsement.by": vocabulary.roles, "license.kind": vocabulary.licenses,
              "certification.kind": vocabulary.certifications, "experience.kinds": vocabulary.experience_kinds,
              "education": vocabulary.education}.get(key)
    if labels is None:
        return {}
    terms = book.rulebook.terms()[{"endorsement.by": "roles", "license.kind": "licenses",
                                   "certification.kind": "certifications", "experience.kinds": "experience_kinds",
                                   "education": "education"}[key]]
    words = {t.replace("_", " ").casefold(): t for t in terms} if key == "education" else {}
    return words | {t.casefold(): t for t in terms} | {label.casefold(): term for term, label in labels.items()}


def guess_date_format(values: list[str]) -> str | None:
    """The first of DATE_FORMATS every value parses with (a proposal for the user to confirm), or None."""
    for fmt in DATE_FORMATS:
        try:
            for value in values:
                dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return fmt
    return None


def _q(text: str) -> str:
    """``text`` as a YAML scalar: plain when safe, else double-quoted."""
    plain = re.fullmatch(r"[A-Za-z][\w .'/()&-]*", text) and text.lower() not in {"yes", "no", "on", "off", "y", "n",
                                                                                  "true", "false", "null"}
    return text if plain and not text.endswith(" ") else json.dumps(text)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        rows = list(csv.reader(io.StringIO(read_text(path), newline="")))
    except csv.Error as exc:
        raise RecordError(f"invalid CSV: {exc}", file=path) from exc
    if not rows or not any(rows[0]):
        raise RecordError("the file is empty; the first line must be the header", file=path, line=1)
    header = [h.strip() for h in rows[0]]
    return header, [{h: c.strip() for h, c in zip(header, row)} for row in rows[1:]]


def _value_maps(book: LoadedRulebook, targets: dict[str, str | None], rows: list[dict[str, str]]) -> list[str]:
    """The ``values:`` section: each distinct value of a column whose field has terms, matched or TODO."""
    by_key: dict[str, list[str]] = {}
    for column, target in targets.items():
        if target is None or parse_target(target)[2] not in VALUED_FIELDS:
            continue
        found = by_key.setdefault(value_key(target), [])
        for row in rows:
            cell = row.get(column, "")
            parts = cell.split(LIST_SEPARATOR) if target.endswith(".kinds") else [cell]
            found += [p.strip() for p in parts if p.strip() and p.strip() not in found]
    lines = ["values:" + (" {}" if not by_key else "") + "   # export value -> the rule file's term, by field"]
    for key, found in by_key.items():
        known = candidates(book, key)
        matched = [(v, known[v.casefold()]) for v in found if v.casefold() in known and known[v.casefold()] != v]
        todo = [v for v in found if v.casefold() not in known]
        note = "   # job title -> SERIES:LEVEL" if key in TITLED else ""
        lines.append(f"  {key}:" + ("" if matched else " {}") + note)
        lines += [f"    {json.dumps(value)}: {_q(term)}" for value, term in matched]
        lines += [f"    # TODO {json.dumps(value)}: " for value in todo]
    return lines


def propose(export: str | Path, book: LoadedRulebook) -> str:
    """The text of a proposed mapping file for ``export``, with TODO comments where a person must decide."""
    header, rows = _read(Path(export))
    targets: dict[str, str | None] = {}
    for column in header:
        target = guess_target(column)
        targets[column] = target if target not in targets.values() else None
    lines = [f"# Mapping of {Path(export).name} for {book.agency}, proposed by eligibility import-map: check every",
             "# line, fill in the TODOs, then: eligibility roster EXPORT --map THIS_FILE (docs/csv-records.md).",
             f"agency: {book.agency}"]
    dates = [r.get(c, "") for c in header for r in rows if targets[c] and parse_target(targets[c])[2] in DATE_FIELDS]
    fmt = guess_date_format([d for d in dates if d])
    lines.append(f"date_format: {json.dumps(fmt)}   # check: how the export writes dates (strptime codes)" if fmt
                 else 'date_format: "%Y-%m-%d"   # TODO: how the export writes dates (strptime codes: %m/%d/%Y ...)')
    lines.append("columns:   # export column -> field (null: not used)")
    for column in header:
        target = targets[column]
        todo = "" if target else "   # TODO: a field, or null (docs/csv-records.md)"
        lines.append(f"  {_q(column)}: {target or 'null'}{todo}")
    lines += _value_maps(book, targets, rows)
    lines += ["positions: []   # TODO: budgeted positions ({id: ..., class: SERIES, level: LEVEL, vacant: true}); "
              "none: no position is vacant"]
    return "\n".join(lines) + "\n"
