"""Load test of ``eligibility serve`` on loopback: concurrent clients ask for a 200-employee agency's team list and
for single decisions for a bounded time, and the script prints p50/p95/p99 latency, throughput and errors.

    .venv/bin/python benchmarks/load_service.py                    # 50 clients, 30 s, SQLite store
    .venv/bin/python benchmarks/load_service.py --db postgresql://postgres@127.0.0.1:5432/load
    .venv/bin/python benchmarks/load_service.py --clients 20 --seconds 10 --json out.json

It builds its own store (a generated roster of --employees ccwd employees, an hr account with an API token),
starts the real server (``eligibility serve``) on a free loopback port, runs the clients (asyncio, httpx), stops
the server and prints the figures. Half the clients ask for the team list, half for single decisions of employees
picked at random; each client sends its next request a think time after the last one is answered (on average
--think seconds, 1 by default: 50 people each clicking about once a second); ``--think 0`` saturates the server
and measures its capacity (the load generator shares the machine's cores with it).
Targets (docs/performance.md): p95 under 100 ms for one
decision, under 300 ms for the 200-employee team list, zero errors. Only loopback addresses are ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
ELIGIBILITY = str(Path(sys.executable).parent / "eligibility")
AS_OF = "2026-11-24"


def sh(*args: str, stdin: str | None = None, env: dict | None = None) -> str:
    done = subprocess.run([ELIGIBILITY, *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise SystemExit(f"eligibility {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(db: str, employees: int, folder: Path) -> tuple[str, list[str]]:
    """A store with a generated roster of ``employees`` and an hr account; (API token, employee ids)."""
    roster = folder / "roster.yaml"
    for seed in range(1, 50):  # the generator puts the odd bad record in; the store takes whole rosters only
        sh("generate", "--agency", "ccwd", "--count", str(employees), "--seed", str(seed), "-o", str(roster))
        imported = subprocess.run([ELIGIBILITY, "db", "import", str(roster), "--db", db, "--replace", "--rules",
                                   str(ROOT / "rules")], capture_output=True, text=True)
        if imported.returncode == 0:
            break
    else:
        raise SystemExit(f"no generated roster without a bad record:\n{imported.stderr}")
    name = f"load.hr.{random.randrange(10**6)}"
    sh("users", "add", name, "--role", "hr", "--agency", "ccwd", "--no-password", "--db", db,
       "--rules", str(ROOT / "rules"))
    token = sh("tokens", "create", name, "--db", db).splitlines()[-1]
    import yaml

    ids = [e["id"] for e in yaml.safe_load(roster.read_text())["employees"]]
    return token, ids


def start_server(db: str, port: int, log: Path) -> subprocess.Popen:
    """``eligibility serve`` with its output (the access log too) going to ``log``; returns once it answers."""
    with open(log, "w") as out:
        process = subprocess.Popen([ELIGIBILITY, "serve", "--db", db, "--port", str(port), "--rules",
                                    str(ROOT / "rules")], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


async def client(kind: str, http: httpx.AsyncClient, ids: list[str], until: float, out: dict, seed: int,
                 think: float) -> None:
    """One person: a request, a think time, the next request, until the time is up."""
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, think))  # people do not all click at the same instant
    while time.monotonic() < until:
        if kind == "team":
            url, params = "/api/v1/employees", {"agency": "ccwd", "as_of": AS_OF}
        else:
            url, params = f"/api/v1/employees/ccwd/{rng.choice(ids)}/decision", {"as_of": AS_OF}
        start = time.perf_counter()
        try:
            answer = await http.get(url, params=params)
            ok = answer.status_code == 200 or (kind == "decision" and answer.status_code == 422)
        except httpx.HTTPError:
            ok = False
        out[kind]["latency"].append(time.perf_counter() - start)
        if not ok:
            out[kind]["errors"] += 1
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def load(base: str, token: str, ids: list[str], clients: int, seconds: float, think: float) -> dict:
    out = {kind: {"latency": [], "errors": 0} for kind in ("team", "decision")}
    # each client its own connection, made before the clock starts (making an httpx client takes tens of
    # milliseconds of the generator's own loop, which would otherwise be counted as the server's latency; one
    # shared pool serialises the clients on its lock)
    headers = {"Authorization": f"Bearer {token}"}
    https = [httpx.AsyncClient(base_url=base, headers=headers, timeout=60) for _ in range(clients)]
    try:
        # a warm-up pass (the first team list decides everyone once; later ones are served from memory)
        await https[0].get("/api/v1/employees", params={"agency": "ccwd", "as_of": AS_OF})
        until = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(*(client("team" if i % 2 == 0 else "decision", https[i], ids, until, out, i, think)
                               for i in range(clients)))
        elapsed = time.monotonic() - started
    finally:
        for http in https:
            await http.aclose()
    report = {}
    for kind, data in out.items():
        lat = sorted(data["latency"])
        report[kind] = {"requests": len(lat), "errors": data["errors"], "per_second": round(len(lat) / elapsed, 1),
                        "p50_ms": round(percentile(lat, 50) * 1000, 1), "p95_ms": round(percentile(lat, 95) * 1000, 1),
                        "p99_ms": round(percentile(lat, 99) * 1000, 1), "max_ms": round(lat[-1] * 1000, 1)}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="store URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds each client waits between requests, on average (0: none, a saturated server)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.seconds <= 300:
        raise SystemExit("keep it bounded: 1-200 clients, 1-300 seconds")
    with tempfile.TemporaryDirectory(prefix="eligibility-load-") as folder:
        db = args.db or str(Path(folder) / "load.sqlite3")
        token, ids = prepare(db, args.employees, Path(folder))
        port = free_port()
        server = start_server(db, port, Path(folder) / "serve.log")
        try:
            report = asyncio.run(load(f"http://127.0.0.1:{port}", token, ids, args.clients, args.seconds, args.think))
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    report["setup"] = {"clients": args.clients, "seconds": args.seconds, "employees": args.employees,
                       "think": args.think,
                       "store": "postgresql" if db.startswith("postgres") else "sqlite", "cpus": os.cpu_count()}
    print(f"{args.clients} clients (think time {args.think:g} s) for {args.seconds:g} s against "
          f"{args.employees} employees "
          f"({report['setup']['store']}, {os.cpu_count()} CPUs)")
    print(f"{'':10} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    for kind, label in (("team", "team list"), ("decision", "decision")):
        r = report[kind]
        print(f"{label:10} {r['requests']:>9} {r['per_second']:>7} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} "
              f"{r['max_ms']:>8} {r['errors']:>7}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
