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


@pytest.mark.parametrize("without", [None, "certifications"])
def test_new_terms_go_under_their_category_or_a_new_category(without):
    path = RULES / "jbwd.yaml"
    text = path.read_text(encoding="utf-8")
    loaded = rulebook_from_bytes(text.encode(), path.name)
    assert ("vocabulary", "certifications") not in loaded.document.positions
    drafted = complete(draft_specification("meter-reader-2020.txt", SPEC, "jbwd", loaded.rulebook), loaded.rulebook)
    drafted["vocabulary"] = {"licenses": {"class_b": "Class B driver's license"}}
    if without == "certifications":
        drafted["vocabulary"]["certifications"] = {"cpr_first_aid": "CPR and first aid"}
    merged, said = merge_draft(text, loaded, drafted, "draft-terms")
    book = rulebook_from_bytes(merged.encode(), path.name)
    assert book.rulebook.vocabulary.licenses == {**loaded.rulebook.vocabulary.licenses,
                                                 "class_b": "Class B driver's license"}
    if without == "certifications":
        assert "added to vocabulary certifications: cpr_first_aid" in said
        assert book.rulebook.vocabulary.certifications == {"cpr_first_aid": "CPR and first aid"}


def test_a_file_without_a_vocabulary_gets_one_above_its_series():
    import yaml

    plain = SPEC.replace("- High school diploma or equivalent.\n", "- One year of customer service experience.\n")
    first = complete(draft_specification("meter-reader-2020.txt", plain, "x"))
    first.pop("vocabulary", None)
    text = yaml.safe_dump(first, sort_keys=False, allow_unicode=True, width=120)
    loaded = rulebook_from_bytes(text.encode(), "x.yaml")
    later = plain.replace("July 1, 2020", "July 1, 2024").replace("One year", "Two years", 1)
    drafted = complete(draft_specification("meter-reader-2024.txt", later, "x", loaded.rulebook), loaded.rulebook)
    drafted["vocabulary"] = {"experience_kinds": {"customer_service": "customer service"}}
    merged, said = merge_draft(text, loaded, drafted, "draft-2024")
    book = rulebook_from_bytes(merged.encode(), "x.yaml")
    assert said == ["added version 2024 (effective 2024-07-01) to series meter-reader",
                    "listed the document meter-reader-2024.txt",
                    "added to vocabulary experience_kinds: customer_service"]
    assert book.rulebook.vocabulary.experience_kinds == {"customer_service": "customer service"}
    assert [v.id for v in book.rulebook.series[0].versions] == ["2020", "2024"]
