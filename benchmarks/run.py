"""Benchmark: generated rosters of 1,000 / 10,000 / 100,000 employees decided with full explanations.

For each size and each decider it runs a fresh child process pinned to one CPU, which streams a JSONL
roster, decides every employee (criteria, path statuses, best path, notes, the whole Decision) and
serialises each result as the JSONL line ``eligibility roster --format jsonl`` writes (to a null sink).
The child reports wall time, employees per second, the time spent in the decider itself (criteria, path statuses
and best path: for durable_rules, flattening the record, the engine and writing the results from what fired), its peak RSS
and its RSS before the first record (so growth with N is visible), and a digest of every
(employee, status, eligible_on, best path, path statuses) so the deciders can be checked to agree.

Deciders:
  durable_rules  the product's decider: every criterion, path status and the best path derived by durable_rules
                 from the agency's compiled ruleset (eligibility.deciders.DurableRulesDecider), batched sessions
  python         the plain-Python oracle (criteria.py and oracle.py: eligibility.deciders.OracleDecider)
  zen            the oracle's criteria, then GoRules zen-engine evaluating benchmarks/zen_decision.json (an
                 equivalent decision table: path status by precedence, then the best path), in batches of 200

Usage (from the repository root):
  python benchmarks/run.py                       # 1,000 / 10,000 / 100,000, agency ccwd, every decider
  python benchmarks/run.py --sizes 1000 --deciders durable_rules python
  python benchmarks/run.py --dask 2              # also the Dask backend, 2 local worker processes
  python benchmarks/run.py --markdown out.md     # also write the tables as Markdown
  git worktree add /tmp/base f3dbbc6 && python benchmarks/run.py --baseline /tmp/base --deciders durable_rules python
                                                 # this code and another commit's, in turn on the same CPU

This is a script, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import inspect
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without relying on how the package was installed

AS_OF = dt.date(2026, 11, 24)
SEED = 2026
ZEN_MODEL = Path(__file__).resolve().parent / "zen_decision.json"
DECIDERS = ("durable_rules", "python", "zen")


def _rss_kib() -> int:
    """Current resident set size in KiB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return 0


# -- child: one measured run ---------------------------------------------------------------------
def _zen_decider():
    """A decider whose path statuses and best path come from zen-engine (criteria: the plain-Python oracle's)."""
    import zen

    from eligibility.decide.deciders import OracleDecider
    from eligibility.decide.decision import SEVERITY
    from eligibility.decide.engine import UNREACHABLE
    from eligibility.decide.tallies import EngineOutcome

    content = json.loads(ZEN_MODEL.read_text())
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"advancement": content}}})

    class ZenDecider(OracleDecider):
        name = "zen-engine"

        def decide(self, compiled, cases):
            decided = [paths for paths, _ in super().decide(compiled, cases)]
            requests = []
            for paths_of in decided:
                paths = []
                for idx, (path, results) in enumerate(paths_of):
                    if any(c.category == "time" and c.met is not True and c.met_on is None for c in results):
                        date = UNREACHABLE
                    else:
                        date = max((c.met_on.toordinal() for c in results if c.met_on is not None), default=0)
                    item = {"idx": idx, "undecided": 0, "hard": 0, "time": 0, "vacancy": 0, "endorsement": 0,
                            "date": date}
                    for c in results:
                        if c.met is None:
                            item["undecided"] += 1
                        elif c.met is False:
                            item[c.category] += 1
                    paths.append(item)
                requests.append({"key": "advancement", "context": {"paths": paths}})
            out = []
            for paths_of, answer in zip(decided, engine.evaluate_batch(requests)):
                if not answer.get("success"):
                    raise RuntimeError(f"zen-engine failed: {answer.get('error')}")
                result = answer["data"]["result"]
                ids = [path.id for path, _ in paths_of]
                severity = {ids[r["idx"]]: SEVERITY[r["status"]] for r in result["paths"]}
                best = ids[int(result["best"])]
                out.append((paths_of, EngineOutcome(path_severity=severity, best_path=best,
                                                    best_severity=severity[best])))
            return out

    return ZenDecider()


def child(decider: str, roster: Path, rules: Path, cpu: int | None, code: Path | None = None) -> dict:
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    if code is not None:  # another checkout's code (--baseline): its package, not this one's
        sys.path[sys.path.index(str(ROOT))] = str(code)
    from eligibility.decide.decision import Decision
    from eligibility.decide.evaluator import Evaluator
    from eligibility.output import report
    from eligibility.records.streaming import open_roster

    if "decider" not in inspect.signature(Evaluator.from_dir).parameters:
        # code from before the Decider protocol (f3dbbc6 and earlier): the engine by name
        evaluator = Evaluator.from_dir(rules, engine=decider)
    else:
        from eligibility.decide.deciders import decider_named

        evaluator = Evaluator.from_dir(rules, decider=_zen_decider() if decider == "zen" else decider_named(decider))
    spent = [0.0]
    inner = evaluator._decide

    def timed(agency, prepared):
        start = time.perf_counter()
        try:
            return inner(agency, prepared)
        finally:
            spent[0] += time.perf_counter() - start

    evaluator._decide = timed
    stream = open_roster(roster, evaluator.known_series())
    evaluator.compiled(stream.agency)  # compile before the clock starts, as a long run would
    baseline = _rss_kib()
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    n = 0
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        for item in evaluator.evaluate_items(stream.items, AS_OF, agency=stream.agency, positions=stream.positions,
                                             path=stream.path):
            sink.write(report.item_line(item) + "\n")  # the full explanation, as `roster --format jsonl` writes it
            n += 1
            if isinstance(item, Decision):
                key = f"{item.employee_id}|{item.status}|{item.eligible_on}|{item.best_path}|" + ",".join(
                    f"{p.id}={p.status}" for p in item.paths)
                counts[item.status] = counts.get(item.status, 0) + 1
            else:
                key = f"{item.employee_id}|{item.kind}"
                counts[item.kind] = counts.get(item.kind, 0) + 1
            digest.update(key.encode() + b"\n")
    elapsed = time.perf_counter() - start
    return {"decider": decider, "n": n, "seconds": round(elapsed, 3), "per_second": round(n / elapsed, 1),
            "decider_seconds": round(spent[0], 3), "baseline_rss_mib": round(baseline / 1024, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "digest": digest.hexdigest()[:16], "counts": dict(sorted(counts.items()))}


def dask_run(roster: Path, rules: Path, workers: int) -> dict:
    """The Dask backend on a LocalCluster (one worker process per core), results to a null sink."""
    from eligibility.scale.distributed import evaluate_parquet

    start = time.perf_counter()
    n = 0
    with open(os.devnull, "w") as sink:
        for result in evaluate_parquet(roster, rules, AS_OF, workers=workers):
            sink.write(result.line + "\n")  # rendered on the workers: the full explanation's JSON line
            n += 1
    elapsed = time.perf_counter() - start
    return {"decider": f"durable_rules, dask {workers} workers", "n": n, "seconds": round(elapsed, 3),
            "per_second": round(n / elapsed, 1)}


# -- parent: orchestrate ---------------------------------------------------------------------------
def _roster(folder: Path, agency: str, n: int, fmt: str, rules: Path) -> Path:
    from eligibility.rules.rulebook import load_rules_dir
    from eligibility.scale import generate

    path = folder / f"{agency}-{n}-{SEED}.{fmt}"
    if not path.exists():
        book = load_rules_dir(rules)[agency]
        header, records = generate.generate(book, n, SEED)
        generate.write(path, header, records, row_group=max(1000, n // 20))
    return path


def _run_child(decider: str, roster: Path, rules: Path, cpu: int | None, code: Path | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", decider, str(roster), "--rules", str(rules)]
    if cpu is not None:
        cmd += ["--cpu", str(cpu)]
    if code is not None:
        cmd += ["--code", str(code)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"child {decider} on {roster.name} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if code is not None:
        result["decider"] += " (baseline)"
    return result


def calibrate(cpu: int | None) -> float:
    """Nanoseconds per iteration of a fixed pure-Python loop on the pinned CPU (best of 5): how fast this
    machine runs Python today, so results from different machines (or days) can be compared."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best / 2_000_000 * 1e9, 1)


def _markdown(results: list[dict], dask: list[dict], command: str, reference: float | None = None) -> str:
    lines = [f"Command: `{command}`", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
             f"{platform.system()} {platform.release()}; each run pinned to one CPU; as-of {AS_OF}, seed {SEED}."
             + (f" CPU reference: {reference} ns per iteration of `total += i` (lower is faster)." if reference else ""),
             "",
             "| decider | employees | seconds | employees/s | in the decider (s) | RSS before (MiB) | peak RSS (MiB) "
             "| digest |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        spread = (f" ({r['range'][0]:,.0f}–{r['range'][1]:,.0f})" if r.get("range") and r["range"][0] != r["range"][1]
                  else "")
        lines.append(f"| {r['decider']} | {r['n']:,} | {r['seconds']} | {r['per_second']:,.0f}{spread} "
                     f"| {r['decider_seconds']} | {r['baseline_rss_mib']} | {r['peak_rss_mib']} | `{r['digest']}` |")
    by_n: dict[int, dict[str, dict]] = {}
    for r in results:
        by_n.setdefault(r["n"], {})[r["decider"]] = r
    baseline = any(r["decider"].endswith(" (baseline)") for r in results)
    lines += ["", "| employees | durable_rules / python (throughput) | durable_rules / zen (throughput) "
                  + ("| the same, baseline code: durable_rules / python " if baseline else "")
                  + "| decider time durable_rules : python : zen | same decisions |",
              "|---:|---:|---:|" + ("---:|" if baseline else "") + "---|---|"]
    for n, row in sorted(by_n.items()):
        d = row.get("durable_rules")
        p, z = row.get("python"), row.get("zen")
        ratio = lambda a, b: f"{a['per_second'] / b['per_second']:.2f}" if a and b else "-"  # noqa: E731
        times = " : ".join(str(row[k]["decider_seconds"]) if k in row else "-" for k in DECIDERS)
        same = "yes" if len({r["digest"] for r in row.values()}) == 1 else "NO"
        old = f" {ratio(row.get('durable_rules (baseline)'), row.get('python (baseline)'))} |" if baseline else ""
        lines.append(f"| {n:,} | {ratio(d, p)} | {ratio(d, z)} |{old} {times} | {same} |")
    if dask:
        lines += ["", "| backend | employees | seconds | employees/s |", "|---|---:|---:|---:|"]
        for r in dask:
            lines.append(f"| {r['decider']} | {r['n']:,} | {r['seconds']} | {r['per_second']:,.0f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--agency", default="ccwd")
    parser.add_argument("--deciders", nargs="+", choices=DECIDERS, default=list(DECIDERS))
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin each run to (default 0)")
    parser.add_argument("--dask", type=int, default=0, metavar="WORKERS",
                        help="also run the Dask backend on the largest size with this many local workers")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "eligibility-bench")
    parser.add_argument("--markdown", type=Path, help="also write the result tables to this file")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run every (size, decider) N times, the deciders in turn, and report the fastest, with the "
                             "range of all N")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="also run every decider with the code of another checkout (git worktree add DIR COMMIT), "
                             "in turn with this one's, and report its rows as 'DECIDER (baseline)'")
    parser.add_argument("--child", nargs=2, metavar=("DECIDER", "ROSTER"), help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.rules, args.cpu, args.code)))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        roster = _roster(args.workdir, args.agency, n, "jsonl", args.rules)
        runs_of = [(decider, code) for decider in args.deciders for code in ([None, args.baseline] if args.baseline
                                                                            and decider != "zen" else [None])]
        by_decider: dict[str, list[dict]] = {}
        for _ in range(max(1, args.repeat)):  # interleaved, so a slow minute of a shared machine hits every decider
            for decider, code in runs_of:
                result = _run_child(decider, roster, args.rules, args.cpu, code)
                by_decider.setdefault(result["decider"], []).append(result)
                print(json.dumps(result), flush=True)
        for decider, runs in by_decider.items():
            if len({r["digest"] for r in runs}) != 1:
                raise SystemExit(f"{decider} gave different decisions on repeated runs of {roster.name}")
            result = dict(max(runs, key=lambda r: r["per_second"]))
            result["range"] = (min(r["per_second"] for r in runs), max(r["per_second"] for r in runs))
            results.append(result)
    dask = []
    if args.dask:
        roster = _roster(args.workdir, args.agency, max(args.sizes), "parquet", args.rules)
        dask.append(dask_run(roster, args.rules, args.dask))
        print(json.dumps(dask[-1]), flush=True)
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = _markdown(results, dask, command.strip(), calibrate(args.cpu))
    print(text)
    if args.markdown:
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
