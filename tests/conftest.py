"""Shared fixtures: the shipped rules, one evaluator per test session, an employee-record factory, and a throwaway
PostgreSQL server (for the decision-log and service tests)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from glob import glob
from pathlib import Path

import pytest
from browsers import BROWSER, CHROMIUM_FLAGS, DRIVER
from factories import ROOT, RULES, SAMPLES, SPECS, d, employee  # noqa: F401  (re-exported for older imports)

from eligibility.decide.evaluator import Evaluator

pytest_plugins = ["pytester"]  # tests/authoring/test_scenarios.py runs the rule-test plugin in a pytest of its own


@pytest.fixture(scope="session")
def evaluator():
    with Evaluator.from_dir(RULES) as ev:
        yield ev


# -- PostgreSQL when its server binaries and psycopg are here (else its tests are skipped) ---------------------------
def _pg_bindir() -> str | None:
    found = shutil.which("pg_ctl")
    dirs = ([str(Path(found).resolve().parent)] if found else []) + sorted(glob("/usr/lib/postgresql/*/bin"),
                                                                          reverse=True)
    return next((x for x in dirs if os.path.exists(f"{x}/initdb") and os.path.exists(f"{x}/pg_ctl")), None)


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server on a free loopback port, torn down after the session. Its tests are skipped
    when PostgreSQL or psycopg is missing, unless $ELIGIBILITY_REQUIRE_POSTGRES is set (CI sets it): then they fail."""
    missing = pytest.fail if os.environ.get("ELIGIBILITY_REQUIRE_POSTGRES") else pytest.skip
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing("psycopg is not installed (pip install 'eligibility[postgres]')")
    bindir = _pg_bindir()
    if bindir is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    base = Path(tempfile.mkdtemp(prefix="elig-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            missing("running as root and there is no 'postgres' user to run the server as")
        os.chown(base, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = base / "data"
    subprocess.run(run_as + [f"{bindir}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                             "--no-sync"], check=True, capture_output=True)
    subprocess.run(run_as + [f"{bindir}/pg_ctl", "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
                             "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                                   f"-c max_connections=200", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(run_as + [f"{bindir}/pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def books(evaluator):
    """The shipped rule files, loaded: one mapping of agency to LoadedRulebook for the session."""
    return evaluator.books


# -- headless Chromium for the browser tests (tests/output/test_browser.py, tests/service/test_web_browser.py) --------
@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium per test module (its own profile), its console log kept; quit after the module."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
    from selenium.webdriver.chrome.service import Service

    if BROWSER is None or DRIVER is None:
        pytest.skip("headless browser test needs chromium and chromedriver (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()
