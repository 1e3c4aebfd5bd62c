"""Where ``-o`` points that is not an ordinary file: a folder is a one-line error (exit 2) and nothing is left
beside it; a device or a named pipe (``-o /dev/null``, ``-o /dev/stdout``, a FIFO a shell made) is written to as it
is, never replaced by a file renamed onto it."""

from __future__ import annotations

import os
import threading

import pytest
from click.testing import CliRunner
from factories import RULES, SAMPLES

from eligibility.cli import main

SAMPLE = str(SAMPLES / "ccwd.yaml")
COMMANDS = {"roster": ["roster", SAMPLE, "--rules", str(RULES), "--as-of", "2026-11-24", "--format", "csv"],
            "report": ["report", SAMPLE, "--rules", str(RULES), "--as-of", "2026-11-24", "--format", "csv"]}


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_folder_as_the_output_is_a_one_line_error_and_leaves_nothing(tmp_path, command):
    folder = tmp_path / "results"
    folder.mkdir()
    result = _invoke(*COMMANDS[command], "-o", str(folder))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"eligibility: error: {folder}: ") and "is a folder" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"] and list(folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_named_pipe_is_written_to_not_replaced(tmp_path, command):
    pipe = tmp_path / "results.csv"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    result = _invoke(*COMMANDS[command], "-o", str(pipe))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert pipe.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]
    text = received[0].decode("utf-8-sig")
    assert text.splitlines()[0].startswith("employee_id,")
    assert "CCWD-001," in text and len(text.splitlines()) == 15  # the header and the 14 employees


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a device whose writes fail: disk full)")
def test_a_full_disk_is_a_one_line_error_not_a_bug():
    result = _invoke(*COMMANDS["roster"], "-o", "/dev/full")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip() == "eligibility: error: /dev/full: cannot write results: No space left on device"
    assert not os.path.isfile("/dev/full")  # still the device


def test_a_full_disk_leaves_no_temporary_file(tmp_path, monkeypatch):
    from eligibility.output.writers import ResultWriter

    def full(self, item):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ResultWriter, "write", full)
    result = _invoke(*COMMANDS["roster"], "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.endswith("out.csv: cannot write results: No space left on device\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_draft_written_to_a_named_pipe_leaves_the_pipe(tmp_path):
    spec = tmp_path / "meter-reader-2020.txt"
    spec.write_text("Coastside County Water District\nClass Specification: Meter Reader I/II\nEffective Date: July 1, "
                    "2020\n\nMINIMUM QUALIFICATIONS\n\nMeter Reader I\n- High school diploma or equivalent.\n",
                    encoding="utf-8")
    pipe = tmp_path / "draft.yaml"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    result = _invoke("rules", "draft", str(spec), "--agency", "ccwd", "-o", str(pipe))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert pipe.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["draft.yaml", "meter-reader-2020.txt"]
    assert "agency: ccwd" in received[0] and "quote: High school diploma or equivalent\n" in received[0]
    folder = tmp_path / "drafts"
    folder.mkdir()
    refused = _invoke("rules", "draft", str(spec), "--agency", "ccwd", "-o", str(folder))
    assert refused.exit_code == 2 and "is a directory" in refused.stderr  # click's usage error
    assert list(folder.iterdir()) == []


def test_a_roster_written_onto_a_folder_names_the_folder_not_a_temporary_file(tmp_path):
    for name in ("roster.yaml", "roster.parquet"):
        folder = tmp_path / name
        folder.mkdir()
        result = _invoke("generate", "--rules", str(RULES), "--agency", "ccwd", "--count", "2", "-o", str(folder))
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith(f"eligibility: error: {folder}: cannot write the ")
        assert list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.parquet", "roster.yaml"]  # no temporary left
