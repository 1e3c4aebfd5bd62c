"""``eligibility template``: empty, documented roster files for an agency (CSV three-file layout, or YAML).

Each template has its header, one example employee built from the agency's rule file, and the values the
agency allows (series and levels, licenses, certifications, roles, experience kinds), so HR can start from it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, get_args

from eligibility.records.models import Employee, Evaluation, Position, Roster
from eligibility.records.writers import write_roster, write_roster_csv
from eligibility.rules.rulebook import LoadedRulebook
from eligibility.rules.schema import EndorsementKind

EXAMPLE_START = dt.date(2020, 3, 1)


def allowed_values(book: LoadedRulebook) -> list[tuple[str, list[str]]]:
    """(what, allowed values with their display names) for every field whose values the agency decides."""
    vocabulary, terms = book.rulebook.vocabulary, book.rulebook.terms()
    levels = []
    for series in book.rulebook.series:
        latest = max(series.versions, key=lambda v: v.effective)
        levels += [f"class {series.id}, level {lv.id} ({lv.title})" for lv in latest.levels]
    labelled = [(category, sorted(terms[category]), getattr(vocabulary, category)) for category in
                ("licenses", "certifications", "roles", "experience_kinds")]
    labelled.append(("education", list(vocabulary.education), vocabulary.education))  # the scale's own order
    out = [("class and level (assignments, positions; toward is CLASS:LEVEL)", levels)]
    where = {"licenses": "license kind", "certifications": "certification kind", "roles": "endorsement by (role)",
             "experience_kinds": "experience kinds", "education": "education (lowest first)"}
    out += [(where[category], [f"{t} ({labels.get(t, t)})" for t in values])
            for category, values, labels in labelled if values]
    out += [("evaluation rating", list(get_args(Evaluation.model_fields["rating"].annotation))),
            ("endorsement kind", list(get_args(EndorsementKind)))]
    return out


def example(book: LoadedRulebook) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One example employee (raw, as in a YAML roster) and one example position, from the rule file."""
    series = book.rulebook.series[0]
    latest = max(series.versions, key=lambda v: v.effective)
    first, top = latest.levels[0], latest.levels[min(1, len(latest.levels) - 1)]
    terms = book.rulebook.terms()
    scale = list(book.rulebook.vocabulary.education)  # the example holds the level after the lowest, when there is one
    education = {"education": scale[min(1, len(scale) - 1)]} if scale else {}
    raw: dict[str, Any] = {"id": "EXAMPLE-001", "name": "Example Person", **education,
                           "assignments": [{"class": series.id, "level": first.id, "start": EXAMPLE_START}],
                           "evaluations": [{"date": EXAMPLE_START.replace(year=2021), "rating": "satisfactory"}]}
    if terms["licenses"]:
        raw["licenses"] = [{"kind": sorted(terms["licenses"])[0], "expires": dt.date(2030, 1, 31)}]
    if terms["roles"]:
        raw["endorsements"] = [{"kind": "recommendation", "by": sorted(terms["roles"])[0],
                                "date": EXAMPLE_START.replace(year=2024), "toward": f"{series.id}:{top.id}"}]
    return raw, [{"id": "POS-1", "class": series.id, "level": top.id, "vacant": False}]


def _readme(book: LoadedRulebook, files: list[str]) -> str:
    lines = [f"Roster template for {book.agency} ({book.rulebook.name}).", "",
             f"Files: {', '.join(files)}; the layout is described in docs/csv-records.md.",
             "The rows after each header are an example: replace them with your people. Dates are YYYY-MM-DD.", "",
             "Allowed values for this agency:"]
    for what, values in allowed_values(book):
        lines += [f"  {what}:"] + [f"    {value}" for value in values]
    return "\n".join(lines) + "\n"


def write_csv_template(book: LoadedRulebook, directory: str | Path) -> list[Path]:
    """Write AGENCY.csv, AGENCY.history.csv, AGENCY.positions.csv (header and example row) and a README."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    raw, positions = example(book)
    roster = Roster(path="", agency=book.agency, positions=[Position.model_validate(p) for p in positions],
                    employees=[Employee.model_validate(raw)])
    paths = write_roster_csv(roster, directory / f"{book.agency}.csv")
    readme = directory / f"{book.agency}.README.txt"
    readme.write_text(_readme(book, [p.name for p in paths]), encoding="utf-8")
    return paths + [readme]


def write_yaml_template(book: LoadedRulebook, directory: str | Path) -> list[Path]:
    """Write AGENCY.yaml: a commented roster with one example employee and one example position."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    raw, positions = example(book)
    comments = [f"Roster template for {book.agency} ({book.rulebook.name}); format: eligibility/records.py.",
                "Replace the example employee and position with yours. Dates are YYYY-MM-DD, end dates inclusive;",
                "an omitted list means none on file, an omitted education means unknown.",
                "", "Allowed values for this agency:"]
    for what, values in allowed_values(book):
        comments += [f"  {what}:"] + [f"    {value}" for value in values]
    path = directory / f"{book.agency}.yaml"
    write_roster(path, {"agency": book.agency, "positions": positions}, [raw], "yaml", comment=comments, gap=True)
    return [path]
