"""Benchmark: a cold ``eligibility check`` of one employee, as a fresh process, against an empty interpreter.

Each round runs ``python -c pass`` (the reference: what any Python program pays) and then the command from each
checkout given (this one by default; ``--tree`` adds others, e.g. an older commit), so the machine's drift touches
all of them alike. It reports, over the rounds, the median and the fastest wall time and CPU time
(user + system, from ``getrusage`` of the children) of each, and the command's margin over the reference. With
``--instructions`` it also counts the instructions one run executes (valgrind's callgrind): unlike times, that
count barely moves between runs, so it shows what a change saves on a shared machine.

The package's bytecode is compiled first (``compileall``), as an installed package has it; a checkout run with
``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module of the package on every run.

Usage (from the repository root):
  python benchmarks/startup.py                    # 30 rounds
  python benchmarks/startup.py --rounds 50 --instructions
  git worktree add /tmp/base COMMIT && python benchmarks/startup.py --tree /tmp/base
                                                  # an older commit's code, in the same rounds as this one

This is a script, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK = ["check", "employees_sample/ccwd.yaml", "CCWD-001", "--as-of", "2026-11-24"]


def command(tree: Path) -> list[str]:
    """The console script's entry point, run in ``tree`` so that its ``eligibility`` package is the one imported."""
    return [sys.executable, "-c", "from eligibility.cli import main; main()", *CHECK]


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of argv; a failing run stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"startup.py: {' '.join(argv)} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def instructions(argv: list[str], cwd: Path) -> int | None:
    """Instructions executed by one run of argv (callgrind), or None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv], cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    line = next(line for line in done.stderr.splitlines() if "Collected" in line)
    return int(line.split()[-1])


def summary(name: str, runs: list[tuple[float, float]]) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (f"| {name} | {statistics.median(walls) * 1000:.0f} ms | {min(walls) * 1000:.0f} ms "
            f"| {statistics.median(cpus) * 1000:.0f} ms | {min(cpus) * 1000:.0f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--tree", type=Path, action="append", default=[],
                        help="another checkout whose code runs in the same rounds (repeatable)")
    parser.add_argument("--instructions", action="store_true", help="also count instructions with callgrind")
    args = parser.parse_args()
    trees = [ROOT] + [tree.resolve() for tree in args.tree]
    for tree in trees:
        compileall.compile_dir(tree / "eligibility", quiet=1)
        timed(command(tree), tree)  # warm the file cache
    reference = [sys.executable, "-c", "pass"]
    ref_runs: list[tuple[float, float]] = []
    runs: dict[Path, list[tuple[float, float]]] = {tree: [] for tree in trees}
    for _ in range(args.rounds):
        ref_runs.append(timed(reference, ROOT))
        for tree in trees:
            runs[tree].append(timed(command(tree), tree))
    print(f"{args.rounds} rounds; eligibility check of CCWD-001; Python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    print("| run | wall, median | wall, fastest | CPU, median | CPU, fastest |")
    print("|---|---:|---:|---:|---:|")
    print(summary("python -c pass", ref_runs))
    for tree in trees:
        print(summary(f"eligibility check ({tree})", runs[tree]))
    if args.instructions:
        ref_count = instructions(reference, ROOT)
        if ref_count is None:
            print("instructions: valgrind not found")
            return
        print(f"instructions (callgrind): python -c pass {ref_count / 1e6:,.0f} M")
        for tree in trees:
            print(f"instructions (callgrind): eligibility check ({tree}) {instructions(command(tree), tree) / 1e6:,.0f} M")


if __name__ == "__main__":
    main()
