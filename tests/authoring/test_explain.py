"""explain-rules: every criterion in plain English with its citation and reading; docs/rules is up to date."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from factories import ROOT, RULES

from eligibility.authoring.explain import explain_rulebook
from eligibility.cli import main
from eligibility.errors import RuleFileError
from eligibility.rules.documents import parse_yaml
from eligibility.rules.rulebook import load_rules_dir, rulebook_from_document

BOOKS = load_rules_dir(RULES)


@pytest.mark.parametrize("agency", sorted(BOOKS))
def test_docs_rules_page_is_the_current_explain_rules_output(agency):
    page = ROOT / "docs" / "rules" / f"{agency}.md"
    assert page.read_text(encoding="utf-8") == explain_rulebook(BOOKS[agency]), (
        f"docs/rules/{agency}.md is stale: run `eligibility explain-rules --out docs/rules`")


@pytest.mark.parametrize("agency", sorted(BOOKS))
def test_every_criterion_appears_with_its_quote_and_interpretation(agency):
    text = explain_rulebook(BOOKS[agency])
    for series in BOOKS[agency].rulebook.series:
        for version in series.versions:
            assert f"### Version {version.id}: {version.title}, in force from {version.effective}" in text
            for level in version.levels:
                assert f"#### Level {level.id}: {level.title}" in text
                for path in level.paths:
                    for crit in path.criteria:
                        assert f"**`{crit.id}`** ({crit.kind.replace('_', ' ')})" in text
                        assert f"“{' '.join(crit.source.quote.split())}”" in text
                        if crit.interpretation:
                            assert f"   - Interpretation: {' '.join(crit.interpretation.split())}" in text
                for note in level.notes:
                    assert f"- {' '.join(note.split())}" in text


def test_ccwd_advancement_reads_in_plain_english():
    text = explain_rulebook(BOOKS["ccwd"])
    assert "### Version 2002: Office Specialist, in force from 2002-05-01 to 2017-09-11\n" in text
    assert "### Version 2017: Customer Service Specialist, in force from 2017-09-12 (the latest version)\n" in text
    assert ("1. **`service_at_i`** (service time): At least 4 years of service with the agency at level I "
            "(Customer Service Specialist I) in this series, counted in full-time equivalent days, with unpaid leave "
            "not counted. The review window runs from 4 years to 5 years of credited service: eligibility starts at "
            "4; advancement is expected to be reviewed by 5.\n"
            "   - If not met: *not yet* — the date it will be met is projected from the current assignments.\n"
            "   - Source: `ccwd-customer-service-specialist-2017.txt`, Customer Service Specialist I: DISTINGUISHING "
            "CHARACTERISTICS: “after four to five years of successful experience at the”\n") in text
    assert ("5. **`approval_general_manager`** (endorsement): Approval by the General Manager toward Customer Service "
            "Specialist II (`customer-service-specialist:II`), dated on or before the decision date.\n"
            "   - If not met: *awaiting approval*.\n") in text
    assert ("No path into this level is encoded (it is the entry level of the series); the evaluator cannot decide "
            "advancement to it.") in text
    assert "Pay: grade not stated; the same as `customer-service-specialist:II` (the staff report says" in text


def test_experience_names_the_agency_series_that_count():
    text = explain_rulebook(BOOKS["ccwd"])
    assert ("**`office_experience`** (experience): At least 3 years of experience of these kinds, in any mix: customer "
            "service, secretarial, accounting, bookkeeping. Experience outside the agency counts, and so does service "
            "with the agency in: `customer-service-specialist`, `customer-service-technician`.") in text


MINI = """\
agency: mini
name: Mini District
rules_version: "1"
series:
  - id: clerk
    versions:
      - id: "2020"
        effective: 2020-01-01
        title: Clerk
        source: {document: mini.txt, section: header, quote: "Clerk series"}
        levels:
          - {id: I, title: Clerk I}
          - id: II
            title: Clerk II
            paths:
              - id: open
                kind: open_entry
                criteria:
                  - {id: utility, kind: experience, years: 3, kinds: [billing, clerical], public_utility_only: true,
                     source: {document: mini.txt, section: s, quote: q}}
                  - {id: typing, kind: service_time, years: 1, series: typist,
                     source: {document: mini.txt, section: s, quote: q}}
                  - {id: cpr, kind: certification, certification: cpr_first_aid,
                     source: {document: mini.txt, section: s, quote: q}}
          - {id: III, title: Clerk III}
  - id: typist
    versions:
      - id: "2020"
        effective: 2020-01-01
        title: Typist
        source: {document: mini.txt, section: header, quote: "Typist"}
        levels:
          - {id: I, title: Typist I}
"""


def test_public_utility_experience_other_series_and_a_level_without_paths():
    text = explain_rulebook(rulebook_from_document(parse_yaml(MINI, "rules/mini.yaml", RuleFileError)))
    assert ("At least 3 years of experience of these kinds, in any mix: billing, clerical. Only experience in a public "
            "utility counts; service with this agency does not.") in text
    assert "At least 1 year of service with the agency at any level in the `typist` series" in text
    assert ("A valid cpr first aid on the decision date: obtained by then, and its expiry date on file and not "
            "past (no expiry date on file leaves it for review).") in text
    assert "No path into this level is encoded (the rules give no way into it)" in text
    assert "Generated by `eligibility explain-rules mini` from `mini.yaml`, rules version 1." in text


def test_cli_explain_rules_prints_writes_and_refuses(tmp_path):
    runner = CliRunner()
    one = runner.invoke(main, ["explain-rules", "jbwd", "--rules", str(RULES)])
    assert one.exit_code == 0
    assert one.output == explain_rulebook(BOOKS["jbwd"])
    written = runner.invoke(main, ["explain-rules", "--rules", str(RULES), "--out", str(tmp_path / "out")])
    assert written.exit_code == 0
    assert written.output.splitlines() == [str(tmp_path / "out" / f"{a}.md") for a in sorted(BOOKS)]
    assert (tmp_path / "out" / "ccwd.md").read_text(encoding="utf-8") == explain_rulebook(BOOKS["ccwd"])
    unknown = runner.invoke(main, ["explain-rules", "ccdw", "--rules", str(RULES)])
    assert unknown.exit_code == 2
    assert unknown.output == ("eligibility: error: no rule file for agency 'ccdw' (did you mean 'ccwd'?); have: "
                              "cas-district, ccwd, csr-district, jbwd\n")
