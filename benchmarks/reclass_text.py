"""Does ``eligibility reclass`` output grow linearly with its input? A proposal whose new level title is 1, 2 and 4 MB
(one long word, and words), decided against the CCWD sample roster in every output format; prints the wall time of
each run and its ratio to the 1 MB run (issue 22, item 6: 1 MB 1 s, 2 MB 5 s, 4 MB 24 s before).

    .venv/bin/python benchmarks/reclass_text.py                 # 1, 2, 4 MB; text, markdown, json
    .venv/bin/python benchmarks/reclass_text.py --sizes 4 --formats text

Target (docs/performance.md, "Reclassification output"): time linear in the title (the 4 MB run at most about four
times the 1 MB run beyond the fixed start-up) and the 4 MB text run under a few seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = "      I: Customer Service Specialist I\n"
KINDS = {"word": lambda n: "x" * n, "words": lambda n: "ab " * (n // 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4], help="title sizes in MB")
    parser.add_argument("--formats", nargs="+", default=["text", "markdown", "json"])
    args = parser.parse_args()
    command = str(Path(sys.executable).parent / "eligibility")
    source = (ROOT / "proposals" / "ccwd-2017-css.yaml").read_text()
    with tempfile.TemporaryDirectory() as folder:
        for kind, make in KINDS.items():
            first: dict[str, float] = {}
            for size in args.sizes:
                path = Path(folder) / f"{kind}-{size}.yaml"
                path.write_text(source.replace(LINE, LINE.rstrip("\n") + " " + make(size * 1_000_000) + "\n"))
                for fmt in args.formats:
                    start = time.perf_counter()
                    done = subprocess.run([command, "reclass", str(path), str(ROOT / "employees_sample" / "ccwd.yaml"),
                                           "--as-of", "2026-11-24", "--rules", str(ROOT / "rules"), "--format", fmt],
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                    took = time.perf_counter() - start
                    first.setdefault(fmt, took)
                    print(f"{kind:5} {size} MB {fmt:8} exit {done.returncode}  {took:6.2f} s  "
                          f"x{took / first[fmt]:.2f}  output {len(done.stdout) / 1e6:.1f} MB", flush=True)


if __name__ == "__main__":
    main()
