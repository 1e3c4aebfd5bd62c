"""Rule files: schema errors with file:line:col and suggestions, cross-references, version lookup."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from factories import RULES

from eligibility.decide.evaluator import Evaluator
from eligibility.errors import RuleFileError
from eligibility.rules.rulebook import load_rulebook, load_rules_dir

GOOD = """\
agency: t
name: Test District
rules_version: "1"
series:
  - id: css
    versions:
      - id: "2002"
        effective: 2002-05-01
        title: Office Specialist
        source: {document: d.txt, section: s, quote: q}
        levels:
          - id: I
            title: OS I
          - id: II
            title: OS II
            paths:
              - id: advancement
                kind: advancement
                from_level: I
                criteria:
                  - id: time-at-i
                    kind: service_time
                    years: 4
                    level: I
                    source: {document: d.txt, section: s, quote: q}
"""


def write(tmp_path, text, name="t.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def error_of(tmp_path, text) -> str:
    path = write(tmp_path, text)
    with pytest.raises(RuleFileError) as info:
        load_rulebook(path)
    return info.value.render().removeprefix(path)


def test_good_file_loads(tmp_path):
    book = load_rulebook(write(tmp_path, GOOD))
    assert book.agency == "t" and len(book.sha256) == 64
    assert book.version_in_force("css", dt.date(2002, 4, 30)) is None
    assert book.version_in_force("css", dt.date(2002, 5, 1)).id == "2002"


@pytest.mark.parametrize("old, new, expected", [
    ("kind: service_time", "kind: service_tme",
     ":22:21: series[0].versions[0].levels[1].paths[0].criteria[0].kind: unknown value 'service_tme'; expected one "
     "of 'service_time', 'experience', 'education', 'license', 'certification', 'endorsement', 'performance', "
     "'vacancy' (did you mean 'service_time'?)"),
    ("years: 4", "yeras: 4",
     ":23:21: series[0].versions[0].levels[1].paths[0].criteria[0].yeras: unknown field (did you mean 'years'?)"),
    ("years: 4", "years: 0",
     ":23:21: series[0].versions[0].levels[1].paths[0].criteria[0].years: Input should be greater than 0, got 0"),
    ("from_level: I", "from_level: III",
     ":19:17: series[0].versions[0].levels[1].paths[0].from_level: level 'III' does not exist in version '2002' of "
     "'css'"),
    ("                    level: I\n", "                    level: IV\n",
     ":24:21: series[0].versions[0].levels[1].paths[0].criteria[0].level: level 'IV' does not exist in series 'css'"),
    ("effective: 2002-05-01", "effective: May 2002",
     ":8:9: series[0].versions[0].effective: expected an ISO date (YYYY-MM-DD), got 'May 2002'"),
    ("quote: q}\n        levels", "quote: q}\n        source: {document: x, section: s, quote: q}\n        levels",
     ":11:9: series[0].versions[0].source: duplicate key 'source' (first defined on line 10)"),
    ("rules_version: \"1\"\n", "",
     ":1:1: rules_version: required field is missing"),
])
def test_schema_errors_are_positioned(tmp_path, old, new, expected):
    assert old in GOOD
    assert error_of(tmp_path, GOOD.replace(old, new, 1)) == expected


def test_long_quote_is_refused(tmp_path):
    quote = " ".join(["word"] * 41)
    assert error_of(tmp_path, GOOD.replace("section: s, quote: q}\n                    ", "x", 0).replace(
        "kind: service_time\n", "kind: service_time\n", 1).replace(
        "                    source: {document: d.txt, section: s, quote: q}\n",
        f"                    source: {{document: d.txt, section: s, quote: {quote}}}\n")).endswith(
        "criteria[0].source.quote: Value error, quote has 41 words; keep it to about 30 (40 at most)".replace(
            "Value error, ", ""))


def test_a_broken_file_stops_every_use_of_its_agency_and_the_eager_load(tmp_path):
    """Rule files load when their agency is first used (start-up of one-agency commands); a broken file is still
    a positioned error for anything that touches its agency, and for lint and every eager load of the folder."""
    for f in RULES.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "jbwd.yaml").write_text((RULES / "jbwd.yaml").read_text().replace("kind: education", "kind: educatoin"))
    broken = r"jbwd.yaml:\d+:\d+: .*kind: unknown value 'educatoin'.*did you mean 'education'"
    with pytest.raises(RuleFileError, match=broken):
        load_rules_dir(tmp_path)
    evaluator = Evaluator.from_dir(tmp_path)
    assert sorted(evaluator.books) == ["cas-district", "ccwd", "csr-district", "jbwd"]
    assert evaluator.books["ccwd"].agency == "ccwd"  # another agency's file is not needed to decide CCWD
    with pytest.raises(RuleFileError, match=broken):
        evaluator.books["jbwd"]
    with pytest.raises(RuleFileError, match=broken):
        evaluator.known_series().get("jbwd")


def test_lazy_index_reads_the_agency_line_and_refuses_a_second_file_for_it(tmp_path):
    shutil.copy(RULES / "ccwd.yaml", tmp_path / "a.yaml")
    shutil.copy(RULES / "ccwd.yaml", tmp_path / "b.yaml")
    with pytest.raises(RuleFileError, match=r"b.yaml:\d+: agency: agency .ccwd. is already defined in .*a.yaml"):
        load_rules_dir(tmp_path, lazy=True)


def test_two_files_for_one_agency(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(RuleFileError, match=r"b.yaml:1: agency: agency 't' is already defined in .*a.yaml"):
        load_rules_dir(tmp_path)


def test_empty_rules_dir(tmp_path):
    with pytest.raises(RuleFileError, match="no rule files"):
        load_rules_dir(tmp_path)


def test_shipped_rules_load_with_the_fixed_ids():
    books = load_rules_dir(RULES)
    assert sorted(books) == ["cas-district", "ccwd", "csr-district", "jbwd"]
    assert books["ccwd"].series_ids() == {"customer-service-specialist", "customer-service-technician"}
    assert [lv.id for lv in books["csr-district"].series("customer-service-representative").versions[0].levels] == [
        "I", "II", "III", "Senior"]
    cst = books["ccwd"].series("customer-service-technician").versions[0].levels[0]
    assert cst.pay.value is None and cst.pay.same_as == "customer-service-specialist:II"
    jbwd = books["jbwd"].series("customer-support-specialist").versions[0]
    assert [(lv.id, lv.pay.scale, lv.pay.value) for lv in jbwd.levels] == [("I", "range", 11), ("II", "range", 15)]


def test_the_recorded_digest_is_of_the_very_bytes_parsed(monkeypatch, tmp_path):
    """A rule file changed while it is loaded cannot pair one version's rules with another's SHA-256: it is read once."""
    import hashlib
    from pathlib import Path

    original = (RULES / "jbwd.yaml").read_bytes()
    path = tmp_path / "jbwd.yaml"
    path.write_bytes(original)
    reads = []
    real = Path.read_bytes

    def read_then_change(self):
        data = real(self)
        if self == path:  # this copy only: the next reader of it sees another file
            reads.append(self)
            self.write_bytes(data.replace(b'rules_version: "', b'rules_version: "changed-'))
        return data

    monkeypatch.setattr(Path, "read_bytes", read_then_change)
    loaded = load_rulebook(path)
    assert reads == [path]
    assert loaded.sha256 == hashlib.sha256(original).hexdigest()
    assert "changed-" not in loaded.rulebook.rules_version
