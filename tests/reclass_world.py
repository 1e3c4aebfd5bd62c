"""A small, self-contained agency for the reclassification tests: rules, roster and proposal helpers.

Test Water District ("t"): the Office Specialist series (os) is revised in 2017 (renamed Customer Service
Specialist, level II no longer single-position, new minimums); a Technician class (tech) is paid the same
range as os:II. Ranges are stated (os:I Range 11, os:II Range 15) so costs can be priced.
"""

from __future__ import annotations

from pathlib import Path

from eligibility.reclass.apply import apply_proposal
from eligibility.reclass.impact import assess
from eligibility.reclass.proposal import load_proposal
from eligibility.records.models import load_roster
from eligibility.rules.rulebook import load_rules_dir


def src(doc: str, section: str, quote: str) -> str:
    return f'{{document: {doc}, section: "{section}", quote: "{quote}"}}'


RULES = f"""\
agency: t
name: Test Water District
rules_version: "r1"
vocabulary:
  education: {{none: no formal education, high_school: high school, associate: associate degree}}
series:
  - id: os
    experience_kinds: [customer_service, clerical]
    versions:
      - id: "2002"
        effective: 2002-05-01
        title: Office Specialist
        source: {src("os-2002.txt", "footer", "Office Specialist 5/02")}
        levels:
          - id: I
            title: Office Specialist I
            pay: {{scale: range, value: 11}}
          - id: II
            title: Office Specialist II
            pay: {{scale: range, value: 15}}
            single_position: true
            paths:
              - id: advancement
                kind: advancement
                from_level: I
                criteria:
                  - {{id: service_at_i, kind: service_time, years: 4, level: I, source: {src("os-2002.txt", "DC", "after four years at level I")}}}
              - id: open_entry
                kind: open_entry
                criteria:
                  - {{id: office_experience, kind: experience, years: 5, kinds: [clerical], source: {src("os-2002.txt", "MINIMUM QUALIFICATIONS", "Five years of clerical work.")}}}
                  - {{id: vacancy, kind: vacancy, source: {src("os-2002.txt", "DC", "This is a single-position class.")}}}
      - id: "2017"
        effective: 2017-09-12
        title: Customer Service Specialist
        source: {src("css-2017.txt", "STAFF REPORT", "Agenda: September 12, 2017")}
        levels:
          - id: I
            title: Customer Service Specialist I
            pay: {{scale: range, value: 11}}
          - id: II
            title: Customer Service Specialist II
            pay: {{scale: range, value: 15}}
            paths:
              - id: advancement
                kind: advancement
                from_level: I
                criteria:
                  - {{id: service_at_i, kind: service_time, years: 4, level: I, source: {src("css-2017.txt", "DC", "after four years at level I")}}}
              - id: open_entry
                kind: open_entry
                criteria:
                  - {{id: cs_experience, kind: experience, years: 5, kinds: [customer_service], source: {src("css-2017.txt", "MQ II", "5+ years in a customer service role")}}}
                  - {{id: high_school, kind: education, minimum: high_school, source: {src("css-2017.txt", "MQ II", "High School diploma or equivalent.")}}}
                  - {{id: vacancy, kind: vacancy, source: {src("css-2017.txt", "Background", "repurpose our open position")}}}
  - id: tech
    experience_kinds: [customer_service]
    versions:
      - id: "2016"
        effective: 2016-07-01
        title: Technician
        source: {src("css-2017.txt", "Background", "approved last fiscal year")}
        levels:
          - id: I
            title: Technician
            pay: {{scale: range, same_as: "os:II", source: {src("css-2017.txt", "Fiscal Impact", "Fiscal Impact: None. Same pay grade level.")}}}
"""

ROSTER = """\
agency: t
positions:
  - {id: P-TECH, class: tech, level: I, vacant: true}
  - {id: P-OS2, class: os, level: II, vacant: false}
  - {id: P-OS1-A, class: os, level: I, vacant: false}
  - {id: P-OS1-B, class: os, level: I, vacant: false}
employees:
  - id: E1
    name: Ada One
    education: high_school
    assignments:
      - {class: os, level: I, start: 2010-01-04, position: P-OS1-A}
  - id: E2
    name: Ben Two
    education: high_school
    assignments:
      - {class: os, level: II, start: 2012-03-01, position: P-OS2}
  - id: E3
    name: Cy Three
    education: high_school
    assignments:
      - {class: os, level: I, start: 2015-01-05}
    experience:
      - {employer: Shop, kinds: [customer_service], start: 2008-01-07, end: 2014-12-31}
  - id: E4
    name: Di Four
    education: none
    assignments:
      - {class: os, level: I, start: 2016-02-01, position: P-OS1-B}
"""

HEAD = """\
id: t-2017
agency: t
title: Test proposal
effective: 2017-09-12
source: {document: css-2017.txt, section: STAFF REPORT, quote: "Agenda: September 12, 2017"}
actions:
"""

ADOPT = """\
  - id: adopt-2017
    kind: adopt_version
    series: os
    version: "2017"
"""

RENAME = """\
  - id: rename
    kind: rename_series
    series: os
    title: Customer Service Specialist
    levels: {I: Customer Service Specialist I, II: Customer Service Specialist II}
"""

RECLASS_TECH = """\
  - id: reclass-tech
    kind: reclassify_position
    position: P-TECH
    from: "tech:I"
    to: "os:II"
"""


class World:
    """The rules folder, roster and a proposal written to a temporary directory."""

    def __init__(self, tmp_path: Path, rules: str = RULES, roster: str = ROSTER) -> None:
        self.dir = tmp_path
        (tmp_path / "rules").mkdir(exist_ok=True)
        (tmp_path / "rules" / "t.yaml").write_text(rules)
        self.roster_path = tmp_path / "roster.yaml"
        self.roster_path.write_text(roster)
        self.books = load_rules_dir(tmp_path / "rules")
        self.roster = load_roster(self.roster_path, {a: b.series_ids() for a, b in self.books.items()})

    def proposal(self, actions: str, head: str = HEAD, name: str = "proposal.yaml"):
        path = self.dir / name
        path.write_text(head + actions if actions else head.replace("actions:\n", "actions: []\n"))
        return load_proposal(path)

    def apply(self, actions: str, **kw):
        return apply_proposal(self.proposal(actions, **kw), self.books, self.roster)

    def assess(self, actions: str, *, as_of=None, schedule=None, **kw):
        return assess(self.proposal(actions, **kw), self.books, self.roster, as_of=as_of, schedule=schedule)
