"""rules draft: a rule file proposed from a specification's text, its quotes verbatim, every qualification sentence
accounted for, and what a new text adds, removes or changes against an existing rule file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from factories import RULES, SPECS

from eligibility.authoring.draft import complete, read_specification
from eligibility.authoring.draft_report import recognised_share
from eligibility.authoring.draft_forms import Terms
from eligibility.authoring.lint import lint_rules_dir
from eligibility.authoring.sentences import Coverage
from eligibility.cli import main
from eligibility.rules.rulebook import load_rulebook

SPECS_DIR = Path(os.environ.get("ELIGIBILITY_SPECS", SPECS))  # the shared specs folder (../shared/specs)
needs_specs = pytest.mark.skipif(not SPECS_DIR.is_dir(), reason=f"the shared specs folder {SPECS_DIR} is not present")

# An invented specification: every recognised form once, a sentence for a person, a desirable one.
SPEC = """\
JOB DESCRIPTION
Effective Date: March 4, 2021

METER CLERK I/II/III

DISTINGUISHING CHARACTERISTICS

Meter Clerk I – Is the entry level class in the series.
Meter Clerk III – Is the lead level class and is only available upon promotional opportunities.
A Meter Clerk I is eligible to advance to the Meter Clerk II level after two to three years of successful \
experience at the Meter Clerk I level, recommendation of the Field Supervisor and approval of the Director.

MINIMUM QUALIFICATIONS

Any combination of education and experience that would provide the required abilities is qualifying.

Meter Clerk I

- High school diploma or equivalent.
- One year of meter reading and/or clerical experience.
- Must pass a ~~credit~~ background check.
- Experience with meter software is desirable.

Meter Clerk III

- Graduation from high school or the equivalent.
- Four years of meter reading experience, or two years of experience serving at the Meter Clerk II level.

LICENSES

- Possession of a valid California driver's license and safe driving record.
"""

OLD = """\
agency: mini
name: Mini Water District
rules_version: "1"
documents:
  - {file: old.txt, title: Meter Clerk 2015}
vocabulary:
  licenses: {ca_driver_class_c: "California Class C driver's license"}
  experience_kinds: {meter_reading: meter reading}
  education: {none: none, high_school: high school}
series:
  - id: meter-clerk
    experience_kinds: [meter_reading]
    versions:
      - id: "2015"
        effective: 2015-01-01
        title: Meter Clerk
        source: {document: old.txt, section: header, quote: "Meter Clerk 2015"}
        by_hand:
          - what: a notary commission
            source: {document: old.txt, section: MQ, quote: "Must hold a notary commission."}
        levels:
          - id: I
            title: Meter Clerk I
            paths:
              - id: open_entry
                kind: open_entry
                criteria:
                  - {id: hs, kind: education, minimum: high_school, source: {document: old.txt, section: MQ, quote: "High school diploma or equivalent."}}
                  - {id: exp, kind: experience, years: 2, kinds: [meter_reading], source: {document: old.txt, section: MQ, quote: "Two years of meter reading and/or clerical experience."}}
          - id: II
            title: Meter Clerk II
          - id: III
            title: Meter Clerk III
"""


def _draft(text: str = SPEC, terms: Terms | None = None):
    draft = read_specification("meter-clerk.txt", text, "mini", terms or Terms())
    return draft, complete(draft)


def _paths(data: dict, level: str) -> dict:
    version = data["series"][0]["versions"][0]
    found = next(lv for lv in version["levels"] if lv["id"] == level)
    return {p["id"]: p for p in found.get("paths", [])}


def _lint(tmp_path: Path, data: dict, spec_name: str, spec_text: str | None = None, sources: Path | None = None):
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    (rules / "draft.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    if sources is None:
        sources = tmp_path / "specs"
        sources.mkdir(exist_ok=True)
        (sources / spec_name).write_text(spec_text, encoding="utf-8")
    coverage = Coverage()
    return lint_rules_dir(rules, sources, coverage), coverage


def test_series_levels_titles_and_date_are_read():
    draft, data = _draft()
    assert (draft.title, draft.levels, str(draft.effective)) == ("Meter Clerk", ["I", "II", "III"], "2021-03-04")
    version = data["series"][0]["versions"][0]
    assert data["series"][0]["id"] == "meter-clerk"
    assert [(lv["id"], lv["title"]) for lv in version["levels"]] == [
        ("I", "Meter Clerk I"), ("II", "Meter Clerk II"), ("III", "Meter Clerk III")]
    assert version["source"]["quote"] == "Effective Date: March 4, 2021"
    assert version["equivalency"]["quote"].startswith("Any combination of education and experience")
    repeated, _ = _draft(SPEC.replace("METER CLERK I/II/III", "METER CLERK III/II/I/II"))
    assert repeated.levels == ["I", "II", "III"]  # lowest first, each once


def test_recognised_forms_become_criteria_on_their_levels():
    _, data = _draft()
    advance = _paths(data, "II")["advancement_from_i"]
    assert advance["from_level"] == "I" and advance["incumbents"] is True
    by_id = {c["id"]: c for c in advance["criteria"]}
    assert by_id["service_at_i"] == {"id": "service_at_i", "kind": "service_time", "years": 2, "level": "I",
                                     "review_by_years": 3, "source": by_id["service_at_i"]["source"]}
    assert by_id["service_at_i"]["source"]["quote"] == \
        "after two to three years of successful experience at the Meter Clerk I level"
    assert by_id["successful_service"]["during"] == "service_at_i"
    assert (by_id["recommendation_field_supervisor"]["by"], by_id["approval_director"]["by"]) == \
        ("field_supervisor", "director")
    entry = {c["id"]: c for c in _paths(data, "I")["open_entry"]["criteria"]}
    assert entry["experience"]["years"] == 1 and entry["experience"]["kinds"] == ["meter_reading", "clerical"]
    assert entry["high_school"]["or_equivalent"] is True
    assert entry["drivers_license"]["source"]["quote"] == "Possession of a valid California driver's license"
    assert entry["vacancy"]["source"]["quote"] == "Meter Clerk I – Is the entry level class in the series."
    top = _paths(data, "III")
    assert {c["id"]: c.get("years") for c in top["advancement_from_ii"]["criteria"]} == {
        "service_at_ii": 2, "high_school": None, "vacancy": None, "drivers_license": None}
    assert [c["years"] for c in top["open_entry"]["criteria"] if c["kind"] == "experience"] == [4]


def test_every_other_sentence_is_to_confirm_by_hand_or_desirable():
    _, data = _draft()
    version = data["series"][0]["versions"][0]
    assert [(b["source"]["quote"], b.get("levels")) for b in version["by_hand"]] == [
        ("Must pass a background check.", ["I"]), ("safe driving record", None)]
    assert [d["quote"] for d in version["desirable"]] == ["Experience with meter software is desirable."]


def test_the_draft_lints_clean_against_its_text(tmp_path):
    _, data = _draft()
    findings, coverage = _lint(tmp_path, data, "meter-clerk.txt", SPEC)
    assert [f.render() for f in findings if f.severity == "error"] == []
    assert coverage.counts["unaccounted"] == 0 and coverage.total == 9


def test_a_level_adds_to_another_and_service_without_or_is_required_with_the_rest():
    text = SPEC.replace("Meter Clerk III\n", "Meter Clerk II\n\n"
                        "In addition to the qualifications for the Meter Clerk I:\n"
                        "- Two years of experience as a Meter Clerk with the District. Keeps the meter log.\n\n"
                        "Meter Clerk III\n")
    _, data = _draft(text)
    entry = {c["id"]: c for c in _paths(data, "II")["open_entry"]["criteria"]}
    assert entry["service_in_series"]["years"] == 2 and "level" not in entry["service_in_series"]
    assert entry["level_i_experience"]["years"] == 1
    assert entry["level_i_experience"]["source"]["quote"] == \
        "In addition to the qualifications for the Meter Clerk I:"
    assert "advancement_from_i" in _paths(data, "II")  # the advancement clause stays its own path


def test_terms_of_an_existing_rule_file_are_reused():
    book = yaml.safe_load(OLD)
    terms = Terms({"licenses": book["vocabulary"]["licenses"], "experience_kinds": {"meter_reading": "meter reading",
                                                                                   "clerical": "clerical"}})
    draft, data = _draft(terms=terms)
    entry = {c["id"]: c for c in _paths(data, "I")["open_entry"]["criteria"]}
    assert entry["drivers_license"]["license"] == "ca_driver_class_c"
    assert "licenses" not in draft.terms.added


def test_against_an_existing_file_it_shows_what_changes(tmp_path):
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "meter-clerk.txt").write_text(SPEC, encoding="utf-8")
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(main, ["rules", "draft", str(tmp_path / "meter-clerk.txt"), "--agency", "mini",
                                       "--from", str(tmp_path / "old.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  changed: 'Two years of meter reading and/or clerical experience.' (I open_entry/exp (experience)) -> " \
           "'One year of meter reading and/or clerical experience.'" in lines
    assert "  removed: 'Must hold a notary commission.' (to confirm by hand: a notary commission)" in lines
    assert "  added (to confirm by hand, I): 'Must pass a background check.'" in lines
    assert "  unchanged: 1 citations" in lines
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written["name"] == "Mini Water District" and written["series"][0]["id"] == "meter-clerk"
    assert load_rulebook(out).rulebook.series[0].versions[0].id == "2021"


def test_bad_input_is_one_line_and_nothing_is_written(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["rules", "draft", str(tmp_path / "none.txt"), "--agency", "mini"])
    assert missing.exit_code == 2 and "none.txt: cannot read the specification" in missing.output
    (tmp_path / "latin1.txt").write_bytes("Effective Date: March 4, 2021\nCaf\xe9 I\n".encode("latin-1"))
    latin = runner.invoke(main, ["rules", "draft", str(tmp_path / "latin1.txt"), "--agency", "mini"])
    assert latin.exit_code == 2 and "latin1.txt: cannot read the specification: it is not UTF-8 text" in latin.output
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "s.txt").write_text(SPEC, encoding="utf-8")
    untitled = runner.invoke(main, ["rules", "draft", str(tmp_path / "old.yaml"), "--agency", "mini"])
    assert untitled.exit_code == 2 and "series: no class title with a level" in untitled.output
    other = runner.invoke(main, ["rules", "draft", str(tmp_path / "s.txt"), "--agency", "ccwd",
                                 "--from", str(tmp_path / "old.yaml")])
    assert other.exit_code == 2 and "agency: the rule file is for 'mini', not 'ccwd'" in other.output
    (tmp_path / "undated.txt").write_text(SPEC.replace("Effective Date: March 4, 2021", ""), encoding="utf-8")
    undated = runner.invoke(main, ["rules", "draft", str(tmp_path / "undated.txt"), "--agency", "mini"])
    assert undated.exit_code == 2 and "no date found in the text: give --effective DATE" in undated.output
    dated = runner.invoke(main, ["rules", "draft", str(tmp_path / "undated.txt"), "--agency", "mini",
                                 "--effective", "2020-07-01"])
    assert dated.exit_code == 0 and "effective: 2020-07-01" in dated.output
    nowhere = runner.invoke(main, ["rules", "draft", str(tmp_path / "s.txt"), "--agency", "mini",
                                   "-o", str(tmp_path / "old.yaml" / "draft.yaml")])  # under a file: no folder
    assert nowhere.exit_code == 2 and "cannot write the draft" in nowhere.output
    assert (tmp_path / "old.yaml").read_text(encoding="utf-8") == OLD
    into = runner.invoke(main, ["rules", "draft", str(tmp_path / "s.txt"), "--agency", "mini",
                                "-o", str(tmp_path / "new" / "draft.yaml")])
    assert into.exit_code == 0 and sorted(p.name for p in (tmp_path / "new").iterdir()) == ["draft.yaml"]


# -- the five source documents ---------------------------------------------------------------------------------
SHIPPED = {"ccwd-customer-service-specialist-2017.txt": ("ccwd", 14, 15),
           "ccwd-office-specialist-ii-2002.txt": ("ccwd", 10, 10),
           "csr-series-seiu1021-2015.txt": ("csr-district", 24, 24),
           "customer-account-specialist-2017.txt": ("cas-district", 15, 17),
           "jbwd-customer-support-specialist-2023.txt": ("jbwd", 7, 7)}


@needs_specs
@pytest.mark.parametrize("document", sorted(SHIPPED))
def test_each_source_document_drafts_a_file_that_lints_clean(tmp_path, document):
    agency, proposed, shipped = SHIPPED[document]
    draft, data = _draft_of(document, agency)
    findings, coverage = _lint(tmp_path, data, document, sources=SPECS_DIR)
    assert [f.render() for f in findings if f.severity == "error"] == []
    assert coverage.counts["unaccounted"] == 0 and coverage.total > 0
    hits, misses = recognised_share(draft, load_rulebook(RULES / f"{agency}.yaml").rulebook)
    assert (hits, hits + len(misses)) == (proposed, shipped), misses  # the figures in docs/authoring.md


def _draft_of(document: str, agency: str):
    text = (SPECS_DIR / document).read_text(encoding="utf-8")
    draft = read_specification(document, text, agency, Terms())
    return draft, complete(draft)


@needs_specs
def test_the_staff_report_against_the_2002_version(tmp_path):
    book = yaml.safe_load((RULES / "ccwd.yaml").read_text(encoding="utf-8"))
    series = book["series"][0]
    series["versions"] = [v for v in series["versions"] if v["id"] == "2002"]
    book["series"], book["documents"] = [series], book["documents"][:1]
    (tmp_path / "ccwd-2002.yaml").write_text(yaml.safe_dump(book, sort_keys=False), encoding="utf-8")
    spec = SPECS_DIR / "ccwd-customer-service-specialist-2017.txt"
    result = CliRunner().invoke(main, ["rules", "draft", str(spec), "--agency", "ccwd",
                                       "--from", str(tmp_path / "ccwd-2002.yaml"), "-o", str(tmp_path / "d.yaml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  removed (struck through in the new text): 'Five years of experience in computer operation, billing, " \
           "bookkeeping, typing and/or general clerical work.' (II open_entry/office_experience (experience))" in lines
    assert "  added (proposed, II): '5+ years of experience in a customer service role, preferably in a water " \
           "utility or public agency.'" in lines
    changed = [line for line in lines if line.startswith("  changed: 'after four to five years")]
    assert len(changed) == 1 and changed[0].startswith(
        "  changed: 'after four to five years of successful experience at the Office Specialist I level' "
        "(II advancement/service_at_i (service_time)) -> ")
    assert "-> 'Incumbents are eligible to advance to the Customer Service Specialist II level after four to five " \
           "years of successful experience" in result.output
    assert "  changed title: 'Office Specialist' -> 'Customer Service Specialist'" in lines
    written = load_rulebook(tmp_path / "d.yaml").rulebook
    assert [v.id for v in written.series[0].versions] == ["2017"]
    assert written.series[0].id == "customer-service-specialist"
    assert written.series[0].versions[0].effective.isoformat() == "2017-09-12"
