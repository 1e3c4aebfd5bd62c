"""A draft written into the agency's rule file (authoring/draft_merge.py, the rules page's editor): only the drafted
version, the document, new vocabulary terms and rules_version change; the result loads, and lints clean against the
specification it came from, for each of the five source documents (skipped without ../shared/specs)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from factories import RULES, SPECS

from eligibility.authoring.draft import complete, draft_specification
from eligibility.authoring.draft_merge import merge_draft
from eligibility.authoring.lint import lint_bytes
from eligibility.authoring.sources import AttachedSources
from eligibility.rules.rulebook import rulebook_from_bytes

SPECS_DIR = Path(os.environ.get("ELIGIBILITY_SPECS", SPECS))
FIVE = [("ccwd-customer-service-specialist-2017.txt", "ccwd", "replaced version 2017"),
        ("ccwd-office-specialist-ii-2002.txt", "ccwd", "replaced version 2002"),
        ("csr-series-seiu1021-2015.txt", "csr-district", "replaced version 2015"),
        ("customer-account-specialist-2017.txt", "cas-district", "replaced version 2017"),
        ("jbwd-customer-support-specialist-2023.txt", "jbwd", "replaced version 2023")]
SPEC = """Coastside County Water District
Class Specification: Meter Reader I/II
Effective Date: July 1, 2020

MINIMUM QUALIFICATIONS

Meter Reader I
- High school diploma or equivalent.

Meter Reader II
- Two years at the Meter Reader I level.
"""


def _merged(name: str, text: str, agency: str) -> tuple[str, str, list[str]]:
    path = RULES / f"{agency}.yaml"
    data = path.read_bytes()
    loaded = rulebook_from_bytes(data, path.name)
    drafted = draft_specification(name, text, agency, loaded.rulebook)
    merged, said = merge_draft(data.decode("utf-8"), loaded, complete(drafted, loaded.rulebook), "draft-test")
    return data.decode("utf-8"), merged, said


def test_a_new_series_is_added_and_nothing_else_of_the_file_changes():
    before, after, said = _merged("meter-reader-2020.txt", SPEC, "ccwd")
    assert said == ["added series meter-reader with version 2020 (effective 2020-07-01)",
                    "listed the document meter-reader-2020.txt"]
    removed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("- ")]
    assert removed == ['- rules_version: "2026.12.05"']
    book, findings = lint_bytes(after.encode(), "ccwd.yaml", AttachedSources({"meter-reader-2020.txt": SPEC}))
    assert book is not None and [f.render() for f in findings if f.severity == "error"] == []
    series = book.rulebook.series[-1]
    assert (series.id, [lv.id for lv in series.versions[0].levels]) == ("meter-reader", ["I", "II"])
    assert book.rulebook.rules_version == "draft-test"


@pytest.mark.skipif(not SPECS_DIR.is_dir(), reason=f"the shared specs folder {SPECS_DIR} is absent")
@pytest.mark.parametrize("name, agency, done", FIVE)
def test_each_source_written_into_its_rule_file_lints_clean_against_its_text(name, agency, done):
    text = (SPECS_DIR / name).read_text(encoding="utf-8")
    before, after, said = _merged(name, text, agency)
    assert said[0].startswith(done)
    book, findings = lint_bytes(after.encode(), f"{agency}.yaml", AttachedSources({name: text}))
    assert book is not None and [f.render() for f in findings if f.severity == "error"] == []
    head = before[:before.index("\nseries:")].splitlines()  # everything above the series stays, comments too
    assert [line for line in head if line not in after.splitlines()] == ['rules_version: "2026.12.05"']
