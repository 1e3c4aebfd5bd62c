"""What the command-line tests share: the audit tests' roster and CliRunner fixture, the console script runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import ROOT, SAMPLES

from eligibility.cli import main

SCRIPT = Path(sys.executable).parent / "eligibility"
SAMPLE = str(SAMPLES / "ccwd.yaml")

CSS = "customer-service-specialist"
ROSTER = f"""\
agency: ccwd
positions:
  - {{id: CSS2-1, class: {CSS}, level: II, vacant: false}}
employees:
  - id: E1
    name: Ana Personal-Name
    education: high_school
    licenses: [{{kind: ca_driver_class_c, expires: 2030-01-01}}]
    assignments:
      - {{class: {CSS}, level: I, start: 2013-03-04}}
    endorsements:
      - {{kind: proficiency, by: office_manager, date: 2017-01-10, toward: "{CSS}:II"}}
      - {{kind: recommendation, by: office_manager, date: 2017-01-12, toward: "{CSS}:II"}}
      - {{kind: approval, by: general_manager, date: 2017-01-20, toward: "{CSS}:II"}}
  - id: E2
    education: high_school
    licenses: [{{kind: ca_driver_class_c, expires: 2030-01-01}}]
    assignments:
      - {{class: {CSS}, level: I, start: 2023-01-01, fte: 0.5}}
  - id: E3
    assignments:
      - {{class: {CSS}, level: II, start: 2010-01-01}}
"""


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ELIGIBILITY_LOG", raising=False)
    monkeypatch.delenv("ELIGIBILITY_LOG_KEY_FILE", raising=False)
    (tmp_path / "roster.yaml").write_text(ROSTER)

    def invoke(*args, env=None):
        return CliRunner().invoke(main, [str(a) for a in args], env=env)

    return invoke


def run_script(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=env)
