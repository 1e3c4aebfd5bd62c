"""Lint: loader errors as positioned findings, semantic checks, quotes against the sources, exit codes."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from factories import RULES, SPECS

from eligibility.authoring.lint import SourceText, exit_code, fold, lint_rules_dir
from eligibility.cli import main
from eligibility.errors import InputError, RuleFileError

MINI = """\
agency: mini
name: Mini District
rules_version: "1"
documents:
  - {file: mini.txt, title: Mini spec}
series:
  - id: clerk
    experience_kinds: [clerical]
    versions:
      - id: "2020"
        effective: 2020-01-01
        title: Clerk
        source: {document: mini.txt, section: header, quote: "Clerk series, adopted 2020"}
        levels:
          - id: I
            title: Clerk I
          - id: II
            title: Clerk II
            paths:
              - id: advancement
                kind: advancement
                from_level: I
                criteria:
                  - id: service_at_i
                    kind: service_time
                    years: 2
                    level: I
                    source: {document: mini.txt, section: Clerk II, quote: "after two years as a Clerk I"}
                  - id: approval
                    kind: endorsement
                    endorsement: approval
                    by: general_manager
                    source: {document: mini.txt, section: Clerk II, quote: "approval of the General Manager"}
"""

SOURCE = """\
Clerk series, adopted 2020

Clerk II: eligible after two
years as a ~~Typist~~ Clerk I, with the approval of the
General Manager. ~~This is a single position class.~~
"""


@pytest.fixture
def rules(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "mini.txt").write_text(SOURCE)
    return folder


WORDS = ("unlabelled-term", "endorsement-window")  # the mini file has no vocabulary and no window: tested below


def lint(rules, text: str, sources: bool = False, words: bool = False) -> list[str]:
    (rules / "mini.yaml").write_text(text)
    findings = lint_rules_dir(rules, rules.parent / "specs" if sources else None)
    return [f.render().removeprefix(str(rules / "mini.yaml")) for f in findings
            if words or f.code not in WORDS]


def test_the_mini_rule_file_is_clean_with_its_sources(rules):
    assert lint(rules, MINI, sources=True) == []


def test_terms_without_display_names_and_a_path_without_an_endorsement_window_are_warned(rules):
    assert lint(rules, MINI, words=True) == [
        ":1:1: warning: no display name for the experience kind 'clerical': add it under vocabulary "
        "[unlabelled-term]",
        ":1:1: warning: no display name for the role 'general_manager': add it under vocabulary "
        "[unlabelled-term]",
        ":20:17: warning: path 'advancement' has endorsement and time criteria but no endorsement_window: an "
        "endorsement of any age counts toward it [endorsement-window]",
    ]
    labelled = MINI.replace('series:\n', 'vocabulary: {roles: {general_manager: General Manager}, '
                            'experience_kinds: {clerical: clerical}}\nseries:\n', 1)
    assert [f for f in lint(rules, labelled, words=True) if "unlabelled-term" in f] == []


@pytest.mark.skipif(not SPECS.is_dir(), reason="the shared specs folder is not present")
def test_shipped_rules_are_clean_and_every_quote_is_found_in_its_source():
    assert [f.render() for f in lint_rules_dir(RULES, SPECS)] == []


def test_shipped_rules_are_clean_without_sources():
    assert [f.render() for f in lint_rules_dir(RULES)] == []


# -- loader errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("change, expected", [
    (("                    years: 2\n", "                    yeras: 2\n"),
     ":26:21: error: series[0].versions[0].levels[1].paths[0].criteria[0].yeras: unknown field "
     "(did you mean 'years'?) [schema]"),
    (("                    kind: endorsement\n", "                    kind: endorsment\n"),
     ":30:21: error: series[0].versions[0].levels[1].paths[0].criteria[1].kind: unknown value 'endorsment'; "
     "expected one of 'service_time', 'experience', 'education', 'license', 'certification', 'endorsement', "
     "'performance', 'vacancy' (did you mean 'endorsement'?) [schema]"),
    (("                    endorsement: approval\n", "                    endorsement: approval\n"
                                                    "                    endorsement: recommendation\n"),
     ":32:21: error: series[0].versions[0].levels[1].paths[0].criteria[1].endorsement: duplicate key "
     "'endorsement' (first defined on line 31) [schema]"),
    (("                    source: {document: mini.txt, section: Clerk II, quote: \"approval of the General Manager\"}\n",
      ""),
     ":29:21: error: series[0].versions[0].levels[1].paths[0].criteria[1].source: required field is missing "
     "[schema]"),
    (("                    level: I\n", "                    level: III\n"),
     ":27:21: error: series[0].versions[0].levels[1].paths[0].criteria[0].level: level 'III' does not exist in "
     "series 'clerk' [schema]"),
])
def test_loader_errors_are_findings_with_line_column_and_suggestion(rules, change, expected):
    assert lint(rules, MINI.replace(*change)) == [expected]


def test_a_term_outside_the_declared_vocabulary_is_an_error_with_a_suggestion(rules):
    # roles are the agency's words: once the rule file declares its roles, a misspelt one is not a new role
    worded = MINI.replace("series:\n", "vocabulary: {roles: {general_manager: General Manager}}\nseries:\n", 1)
    assert lint(rules, worded.replace("by: general_manager", "by: genral_manager")) == [
        ":33:21: error: series[0].versions[0].levels[1].paths[0].criteria[1].by: unknown role 'genral_manager': "
        "not in vocabulary.roles (general_manager) (did you mean 'general_manager'?) [schema]"]
    kinds = worded.replace("experience_kinds: [clerical]", "experience_kinds: [clerk]").replace(
        "{roles: {general_manager: General Manager}}",
        "{roles: {general_manager: General Manager}, experience_kinds: {clerical: clerical}}")
    assert lint(rules, kinds) == [
        ":9:24: error: series[0].experience_kinds[0]: unknown experience kind 'clerk': not in "
        "vocabulary.experience_kinds (clerical) (did you mean 'clerical'?) [schema]"]


# -- semantic checks --------------------------------------------------------------------------------
LEVEL_III = """\
          - id: III
            title: Clerk III
"""


def test_a_level_without_a_path_is_unreachable(rules):
    assert lint(rules, MINI + LEVEL_III) == [
        ":34:13: error: level 'III' (Clerk III) of 'clerk' version '2020' has no path into it; only the entry "
        "level (I) may have none [unreachable-level]"]


def test_a_level_reached_only_from_an_unreachable_level_is_unreachable(rules):
    text = MINI.replace("from_level: I\n", "from_level: III\n") + LEVEL_III + """\
            paths:
              - id: advancement
                kind: advancement
                from_level: II
                criteria:
                  - {id: vacancy, kind: vacancy, source: {document: mini.txt, section: x, quote: "Clerk I"}}
"""
    assert lint(rules, text) == [
        ":19:13: error: level 'II' (Clerk II) of 'clerk' version '2020' can only be reached by advancement from "
        "III, which cannot itself be reached [unreachable-level]",
        ":22:17: error: path 'advancement' into level 'II' (clerk 2020) advances from 'III', a higher level; "
        "advancement must come from a lower level (levels are listed lowest first) [advancement-direction]",
        ":36:13: error: level 'III' (Clerk III) of 'clerk' version '2020' can only be reached by advancement from "
        "II, which cannot itself be reached [unreachable-level]",
    ]


def test_service_at_the_target_level_can_never_be_met(rules):
    text = MINI.replace("                    level: I\n", "                    level: II\n")
    assert lint(rules, text) == [
        ":27:21: error: criterion 'service_at_i' of path 'advancement' into level 'II' (clerk 2020) counts service "
        "at level 'II', the level the path leads into: only someone already there could meet it [impossible-path]"]


SECOND_VERSION = """\
      - id: "2024"
        effective: 2024-07-01
        title: Clerk
        source: {document: mini.txt, section: header, quote: "Clerk series, adopted 2020"}
        levels:
          - id: II
            title: Clerk II
            paths:
              - id: open
                kind: open_entry
                criteria:
                  - id: service_at_i
                    kind: service_time
                    years: 2
                    level: I
                    source: {document: mini.txt, section: Clerk II, quote: "after two years as a Clerk I"}
"""


def test_versions_dropping_a_level_and_counting_a_level_the_version_lacks(rules):
    findings = lint(rules, MINI + SECOND_VERSION)
    assert findings == [
        ":38:9: warning: level 'I' of 'clerk' exists in version '2020' but not in version '2024': employees still "
        "at that level cannot be decided from 2024-07-01 [level-dropped]",
        ":48:21: warning: criterion 'service_at_i' of path 'open' into level 'II' (clerk 2024) counts service at "
        "level 'I', which does not exist in version '2024': only service under another version of the series can "
        "count [level-not-in-version]",
    ]


def test_versions_listed_out_of_order_and_on_the_same_date(rules):
    text = MINI + SECOND_VERSION.replace("effective: 2024-07-01", "effective: 2019-07-01")
    assert ":35:9: warning: version '2024' of 'clerk' takes effect 2019-07-01, before version '2020' listed above " \
           "it (2020-01-01); list versions oldest first [version-order]" in lint(rules, text)
    same_day = MINI + SECOND_VERSION.replace("effective: 2024-07-01", "effective: 2020-01-01")
    assert lint(rules, same_day) == [
        ":7:5: error: series[0]: two versions of series 'clerk' take effect on the same date [schema]"]


def test_citation_checks_without_sources(rules):
    text = MINI.replace("{document: mini.txt, section: Clerk II, quote: \"approval",
                        "{document: mini.text, section: \" \", quote: \"approval")
    text = text.replace("  - {file: mini.txt, title: Mini spec}\n",
                        "  - {file: mini.txt, title: Mini spec}\n  - {file: other.txt, title: Other}\n")
    assert lint(rules, text) == [
        ":6:6: warning: source document 'other.txt' is listed but no citation uses it [unused-document]",
        ":34:30: error: criterion 'approval' (level 'II', path 'advancement', clerk 2020) cites 'mini.text', which "
        "is not in the documents list (did you mean 'mini.txt'?) [unknown-document]",
        ":34:51: error: criterion 'approval' (level 'II', path 'advancement', clerk 2020): citation section is "
        "blank [blank-citation]",
    ]


# -- quotes against the sources ----------------------------------------------------------------------
def test_a_quote_not_in_the_source_names_the_criterion_and_the_closest_passage(rules):
    text = MINI.replace("after two years as a Clerk I", "after three years as a Clerk I")
    assert lint(rules, text, sources=True) == [
        ":28:69: error: criterion 'service_at_i' (level 'II', path 'advancement', clerk 2020): quote not found in "
        "mini.txt: 'after three years as a Clerk I' (closest passage: 'after two years as a Clerk I,') "
        "[quote-not-found]"]


def test_a_missing_source_document_is_an_error(rules):
    (rules.parent / "specs" / "mini.txt").unlink()
    findings = lint(rules, MINI, sources=True)
    assert len(findings) == 3
    assert findings[0] == (f":13:18: error: version '2020' of 'clerk' cites 'mini.txt', which is not in the sources "
                           f"folder {rules.parent / 'specs'} [source-missing]")


def test_quote_readings_fold_whitespace_and_handle_strike_through():
    text = SourceText.from_text("x.txt", SOURCE + "It\u2019s **bold** text.\n")
    # line break inside the quote, struck word between: found in the amended text
    assert text.find("eligible after two years as a Clerk I") == "current"
    # the struck wording itself: found with the strike marks removed
    assert text.find("years as a Typist Clerk I") == "original"
    assert text.find("This is a single position class.") == "original"
    assert text.find("It's bold text.") == "current"
    assert text.find("years as a ~~Typist~~ Clerk I") == "literal"
    assert text.find("after two years as a Clerk II") is None
    assert fold("  a\n\tb  ") == "a b"


@pytest.mark.skipif(not SPECS.is_dir(), reason="the shared specs folder is not present")
def test_ccwd_2017_redline_quotes():
    text = SourceText.from_text("ccwd", (SPECS / "ccwd-customer-service-specialist-2017.txt").read_text())
    # spans a struck "Office Specialist": only the amended reading holds it
    assert text.find("The Customer Service Specialist I is the first of two levels") == "current"
    # deleted by the redline: only the original reading holds it
    assert text.find("and is a flex or slant line classification.") == "original"
    assert text.find("Five years of experience in computer operation, billing, bookkeeping") == "original"


def test_duplicate_agency_across_files(rules):
    (rules / "again.yaml").write_text(MINI)
    findings = lint(rules, MINI)
    assert findings == [":1:1: error: agency 'mini' is already defined in " + str(rules / "again.yaml")
                        + " [duplicate-agency]"]


# -- exit codes and the command --------------------------------------------------------------------
def test_exit_code_counts_errors_and_warnings_only_when_strict(rules):
    lint(rules, MINI + SECOND_VERSION)
    findings = lint_rules_dir(rules)
    assert {f.severity for f in findings} == {"warning"}
    assert exit_code(findings) == 0
    assert exit_code(findings, strict=True) == 1
    assert exit_code([]) == 0


def test_cli_lint_exit_codes(rules):
    runner = CliRunner()
    worded = MINI.replace("series:\n", "vocabulary: {roles: {general_manager: General Manager}, "
                                        "experience_kinds: {clerical: clerical}}\nseries:\n", 1) + (
        "                endorsement_window: {lead_days: 90, interpretation: given for this advancement}\n")
    (rules / "mini.yaml").write_text(worded)
    clean = runner.invoke(main, ["lint", str(rules), "--sources", str(rules.parent / "specs")])
    # with --sources, the coverage of qualification sentences (the mini source lists none: no qualifications section)
    assert (clean.exit_code, clean.output) == (0, "0 qualification sentences: 0 encoded, 0 to confirm by hand, "
                                                  "0 desirable, 0 unaccounted\n1 rule file checked: no findings\n")

    (rules / "mini.yaml").write_text(MINI.replace("years: 2", "yeras: 2"))
    bad = runner.invoke(main, ["lint", str(rules)])
    assert bad.exit_code == 1
    assert bad.output.splitlines() == [
        f"{rules / 'mini.yaml'}:26:21: error: series[0].versions[0].levels[1].paths[0].criteria[0].yeras: "
        f"unknown field (did you mean 'years'?) [schema]",
        "1 rule file checked: 1 error, 0 warnings"]

    as_json = runner.invoke(main, ["lint", str(rules), "--format", "json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.output)[0]["code"] == "schema"
    assert json.loads(as_json.output)[0]["line"] == 26

    (rules / "mini.yaml").write_text(MINI + SECOND_VERSION)
    assert runner.invoke(main, ["lint", str(rules)]).exit_code == 0
    assert runner.invoke(main, ["lint", str(rules), "--strict"]).exit_code == 1

    missing = runner.invoke(main, ["lint", str(rules / "nowhere")])
    assert missing.exit_code == 2
    assert missing.output == f"eligibility: error: {rules / 'nowhere'}: rules directory not found\n"
    no_sources = runner.invoke(main, ["lint", str(rules), "--sources", str(rules / "nowhere")])
    assert no_sources.exit_code == 2
    assert no_sources.output == f"eligibility: error: {rules / 'nowhere'}: sources folder not found\n"


def test_unusable_folders_raise_input_errors(tmp_path):
    with pytest.raises(RuleFileError, match="no rule files"):
        lint_rules_dir(tmp_path)
    shutil.copy(RULES / "jbwd.yaml", tmp_path / "jbwd.yaml")
    with pytest.raises(InputError, match="sources folder not found"):
        lint_rules_dir(tmp_path, tmp_path / "specs")


# -- document names stay inside the sources folder -----------------------------------------------------
SECRET = "API_KEY=hunter2 after three years as a Clerk I\n"


@pytest.mark.parametrize("name", ["../secret.env", "/etc/passwd"])
def test_a_document_name_that_is_a_path_is_an_error_and_nothing_is_read(rules, name):
    (rules.parent / "secret.env").write_text(SECRET)
    (rules / "mini.yaml").write_text(MINI.replace("mini.txt", name))
    result = CliRunner().invoke(main, ["lint", str(rules), "--sources", str(rules.parent / "specs")])
    assert result.exit_code == 1
    assert "hunter2" not in result.output and "root:" not in result.output and "closest passage" not in result.output
    lines = [line.removeprefix(str(rules / "mini.yaml")) for line in result.output.splitlines() if ": error: " in line]
    assert lines[0] == (f":5:6: error: source document {name!r} is not a plain file name (no folders: the sources "
                        f"folder holds every document) [document-not-a-file-name]")
    assert lines[1] == (f":13:18: error: version '2020' of 'clerk' cites {name!r}, which is not a plain file name; "
                        f"a document is a file name inside the sources folder {rules.parent / 'specs'} "
                        f"[source-outside-folder]")
    assert len(lines) == 4  # and the same error for each of the two criteria citing it
    assert result.output.splitlines()[-1].startswith("1 rule file checked: 4 errors, ")


def test_a_symlink_out_of_the_sources_folder_is_not_followed(rules):
    (rules.parent / "secret.env").write_text(SECRET)
    (rules.parent / "specs" / "mini.txt").unlink()
    (rules.parent / "specs" / "mini.txt").symlink_to(rules.parent / "secret.env")
    (rules / "mini.yaml").write_text(MINI.replace("after two years", "after three years"))
    result = CliRunner().invoke(main, ["lint", str(rules), "--sources", str(rules.parent / "specs")])
    assert result.exit_code == 1
    assert "hunter2" not in result.output and "closest passage" not in result.output
    lines = [line.removeprefix(str(rules / "mini.yaml")) for line in result.output.splitlines() if ": error: " in line]
    assert lines[0] == (f":13:18: error: version '2020' of 'clerk' cites 'mini.txt', which is a link to a file "
                        f"outside the sources folder; a document is a file name inside the sources folder "
                        f"{rules.parent / 'specs'} [source-outside-folder]")
    assert len(lines) == 3 and result.output.splitlines()[-1].startswith("1 rule file checked: 3 errors, ")


def test_a_symlink_inside_the_sources_folder_is_read(rules):
    specs = rules.parent / "specs"
    (specs / "mini.txt").rename(specs / "real.txt")
    (specs / "mini.txt").symlink_to("real.txt")
    assert lint(rules, MINI, sources=True) == []
