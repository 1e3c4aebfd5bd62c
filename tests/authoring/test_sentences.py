"""The qualification-sentence extractor (authoring/sentences.py) and lint's coverage of the sources."""

from __future__ import annotations

import subprocess

import pytest
from cli_world import SCRIPT
from factories import RULES, SPECS

from eligibility.authoring.lint import lint_rules_dir
from eligibility.authoring.sentences import Coverage, qualification_sentences

SPEC = """\
CLERK I/II

DISTINGUISHING CHARACTERISTICS

A Clerk I is eligible to advance to the Clerk II level after two years as a Clerk I.
The Clerk II trains others.

EXAMPLES OF DUTIES

- Files records; must be accurate.

MINIMUM QUALIFICATIONS

The following are representative of the qualifications necessary to perform the duties.

Clerk II

Experience: Two years of clerical experience. Public agency experience desirable.

Education and/or Training:

- High School Diploma or equivalent;
- ~~Typing certificate required.~~

Knowledge of:

- Filing systems and office practice.

Certificates, Licenses, Registration: None

Other: Must possess a valid driver's license.

Other: Position may work a 4/10 schedule.

PHYSICAL DEMANDS

- Type accurately at a minimum of 40 words per minute.
- Lift up to 25 pounds.
"""


def test_the_extractor_takes_the_qualification_lines_and_nothing_else():
    found = [(s.line, s.text) for s in qualification_sentences("clerk.txt", SPEC)]
    assert found == [
        (5, "A Clerk I is eligible to advance to the Clerk II level after two years as a Clerk I."),
        (18, "Two years of clerical experience. Public agency experience desirable."),
        (22, "High School Diploma or equivalent;"),
        (31, "Must possess a valid driver's license."),
        (37, "Type accurately at a minimum of 40 words per minute."),
    ]
    # not taken: duties, the lead-in, the level's name, struck text, knowledge lists, "None", an "Other:" line that
    # obliges nobody, physical demands without a measure


MINI = """\
agency: clerks
name: Clerks (invented for this test)
rules_version: "1"
documents: [{file: clerk.txt, title: Clerk I/II}]
vocabulary:
  licenses: {driver: driver's license}
  education: {none: none, high_school: high school}
  experience_kinds: {clerical: clerical}
series:
  - id: clerk
    experience_kinds: [clerical]
    versions:
      - id: "2020"
        effective: 2020-01-01
        title: Clerk
        source: {document: clerk.txt, section: header, quote: "CLERK I/II"}
        by_hand:
          - {what: typing at 40 words per minute, levels: [II],
             source: {document: clerk.txt, section: PHYSICAL DEMANDS, quote: "minimum of 40 words per minute"}}
        desirable:
          - {document: clerk.txt, section: MINIMUM QUALIFICATIONS, quote: "Public agency experience desirable."}
        levels:
          - {id: I, title: Clerk I}
          - id: II
            title: Clerk II
            paths:
              - id: advancement
                kind: advancement
                from_level: I
                criteria:
                  - {id: years, kind: service_time, years: 2, level: I,
                     source: {document: clerk.txt, section: DISTINGUISHING CHARACTERISTICS,
                              quote: "after two years as a Clerk I"}}
                  - {id: diploma, kind: education, minimum: high_school, or_equivalent: true,
                     source: {document: clerk.txt, section: MINIMUM QUALIFICATIONS,
                              quote: "High School Diploma or equivalent;"}}
"""


def test_lint_accounts_for_every_sentence_and_fails_on_an_unaccounted_one(tmp_path):
    rules, specs = tmp_path / "rules", tmp_path / "specs"
    rules.mkdir(), specs.mkdir()
    (specs / "clerk.txt").write_text(SPEC)
    (rules / "clerks.yaml").write_text(MINI)
    coverage = Coverage()
    findings = lint_rules_dir(rules, specs, coverage)
    # the two-years line is declared desirable (a by_hand or desirable declaration is read before the criteria), the
    # driver's license line is read by nobody
    assert [(f.code, f.line, f.message) for f in findings] == [(
        "unaccounted-sentence", 4, "clerk.txt:31: a qualification sentence no criterion encodes and no declaration "
        "names: \"Must possess a valid driver's license.\" (encode it, or declare it under the version's by_hand or "
        "desirable)")]
    assert coverage.summary() == ("5 qualification sentences: 2 encoded, 1 to confirm by hand, 1 desirable, "
                                  "1 unaccounted")


@pytest.mark.skipif(not SPECS.is_dir(), reason="the shared specs folder (../shared/specs) is not present")
def test_every_qualification_sentence_of_the_five_specifications_is_accounted_for():
    done = subprocess.run([str(SCRIPT), "lint", str(RULES), "--sources", str(SPECS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines() == [
        "52 qualification sentences: 39 encoded, 8 to confirm by hand, 5 desirable, 0 unaccounted",
        "4 rule files checked: no findings"]
