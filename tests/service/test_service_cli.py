"""The service's commands as a user runs them: users add|list|disable, tokens create, and ``serve`` (on an empty
store, and ``--demo``) started for real and asked over HTTP."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from factories import RULES

from eligibility.service.db import head_revision
from service.service_world import free_port, run

ELIGIBILITY = str(Path(sys.executable).parent / "eligibility")


def test_users_and_tokens(tmp_path):
    db = tmp_path / "s.sqlite3"
    added = run("users", "add", "kim", "--role", "hr", "--agency", "ccwd", "--db", db, "--rules", RULES,
                "--password-stdin", input="a long enough password\n")
    assert added.exit_code == 0 and added.output == "added account kim (hr, ccwd)\n"
    auditor = run("users", "add", "ava", "--role", "auditor", "--db", db, "--rules", RULES, "--no-password")
    assert auditor.output == "added account ava (auditor, every agency)\n"
    manager = run("users", "add", "om", "--role", "office_manager", "--agency", "ccwd", "--db", db, "--rules", RULES,
                  "--password-stdin", input="a long enough password\n")
    assert manager.exit_code == 0
    wrong = run("users", "add", "gm", "--role", "general_manager", "--agency", "jbwd", "--db", db, "--rules", RULES,
                "--password-stdin", input="a long enough password\n")
    assert wrong.exit_code == 2
    assert wrong.output == "eligibility: error: unknown role 'general_manager' for agency 'jbwd' (roles: supervisor, " \
                           "hr, auditor)\n"
    no_agency = run("users", "add", "x", "--role", "hr", "--db", db, "--rules", RULES, "--password-stdin",
                    input="a long enough password\n")
    assert "a hr account needs --agency" in no_agency.output and no_agency.exit_code == 2
    short = run("users", "add", "y", "--role", "hr", "--agency", "ccwd", "--db", db, "--rules", RULES, "--password-stdin",
                input="short\n")
    assert short.output == "eligibility: error: the password must be at least 12 characters long\n"
    again = run("users", "add", "kim", "--role", "hr", "--agency", "ccwd", "--db", db, "--rules", RULES,
                "--password-stdin", input="a long enough password\n")
    assert again.output == "eligibility: error: an account named 'kim' already exists\n"
    listed = run("users", "list", "--db", db)
    assert listed.output.splitlines() == [
        "NAME  ROLE            AGENCY          STATE", "ava   auditor         (every agency)",
        "kim   hr              ccwd", "om    office_manager  ccwd"]
    made = run("tokens", "create", "kim", "--db", db)
    token = made.output.splitlines()[-1]
    assert made.exit_code == 0 and re.fullmatch(r"elig_[A-Za-z0-9_-]{43}", token)
    stored = db.read_bytes() + (Path(f"{db}-wal").read_bytes() if Path(f"{db}-wal").exists() else b"")
    assert token.encode() not in stored and b"a long enough password" not in stored
    assert run("users", "disable", "om", "--db", db).output == "disabled account om\n"
    assert json.loads(run("users", "list", "--db", db, "--format", "json").output)[2] == {
        "name": "om", "role": "office_manager", "agency": "ccwd", "disabled": True}
    assert run("tokens", "create", "om", "--db", db).output == "eligibility: error: account 'om' is disabled\n"


def _start(args: list[str], cwd: Path):
    """``eligibility serve ...`` in its own process; its output up to the line saying it serves."""
    process = subprocess.Popen([ELIGIBILITY, "serve", *args], cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if "Uvicorn running on" in line:
            return process, lines
    process.kill()
    raise AssertionError("serve did not start:\n" + "\n".join(lines))


def _stop(process, sig=signal.SIGINT) -> None:
    process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_demo_brings_up_the_samples_with_one_account_per_role(tmp_path, stop):
    port = free_port()
    process, lines = _start(["--demo", "--port", str(port), "--rules", str(RULES)], tmp_path)
    try:
        store = next(line for line in lines if line.startswith("Demo store")).split(": ", 1)[1].split(" ")[0]
        accounts = [re.match(r"\s+(\S+)\s+(\S+)\s+(.+?)\s+password: (\S+)$", line) for line in lines
                    if "password:" in line]
        roles = [m[2] for m in accounts]
        assert roles == ["supervisor", "general_manager", "office_manager", "hr", "auditor"]
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        for match in accounts:
            with httpx.Client(base_url=base) as client:
                signed = client.post("/api/v1/session", json={"name": match[1], "password": match[4]})
                assert signed.status_code == 200, match[0]
                listed = client.get("/api/v1/employees", params={"agency": "ccwd", "as_of": "2026-11-24"})
                assert listed.status_code == 200, match[0]  # every demo account sees (some of) ccwd
                if match[2] == "supervisor":
                    assert listed.json()["count"] == 7
        assert Path(store).exists()
    finally:
        _stop(process, stop)
    assert process.returncode in ((0, -2, 130) if stop == signal.SIGINT else (143,))
    assert not Path(store).parent.exists()  # the demo's store is gone with it, on Ctrl-C as on SIGTERM


def test_serve_creates_an_empty_store_and_answers(tmp_path):
    port = free_port()
    db = tmp_path / "new.sqlite3"
    process, lines = _start(["--db", str(db), "--port", str(port), "--rules", str(RULES)], tmp_path)
    try:
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/employees").status_code == 401
    finally:
        _stop(process)
    assert run("db", "upgrade", "--db", db).output.endswith(f"already at revision {head_revision()}\n")
