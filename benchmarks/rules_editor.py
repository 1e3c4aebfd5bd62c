"""What the rules page's editor costs (issue 26): the per-request check of the rule files in force
(``rules_store.refresh``, run before every request) when nothing changed and when a version came into force, one
live lint of CCWD's rule file through the API, and one draft of a specification through the API, on a store with
the shipped rules and the four sample rosters.

    .venv/bin/python benchmarks/rules_editor.py                     # uses tests/service's world
    .venv/bin/python benchmarks/rules_editor.py --spec ../shared/specs/ccwd-customer-service-specialist-2017.txt

Targets (docs/performance.md, "The rules page's editor"): the check under a millisecond per request when nothing
changed; a lint well under the editor's half-second pause after the last keystroke.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="requests per measurement")
    parser.add_argument("--spec", type=Path, help="a specification to draft (default: none)")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "service")]
    from factories import RULES
    from service.service_world import build_world
    from service.test_rules_versions import with_stored_rules

    from eligibility.decide.evaluator import Evaluator
    from eligibility.service import rules_store

    world = build_world(str(Path(tempfile.mkdtemp()) / "store.sqlite3"), Evaluator.from_dir(RULES))
    with_stored_rules(world)
    state = world.app.state.service

    def per_call(call, repeat: int) -> float:
        started = time.perf_counter()
        for _ in range(repeat):
            call()
        return (time.perf_counter() - started) * 1000 / repeat

    state.decider.in_force = None
    started = time.perf_counter()
    rules_store.refresh(state)
    print(f"refresh, rebuilt (versions in force changed): {(time.perf_counter() - started) * 1000:.1f} ms")
    print(f"refresh, nothing changed: {per_call(lambda: rules_store.refresh(state), args.repeat):.3f} ms a request")
    hr = world.as_("hr.ccwd")
    text = (RULES / "ccwd.yaml").read_text(encoding="utf-8")
    lint = per_call(lambda: hr.post("/api/v1/agencies/ccwd/rules/lint", json={"text": text}), args.repeat // 4)
    print(f"live lint of ccwd.yaml through the API: {lint:.1f} ms")
    if args.spec:
        body = args.spec.read_bytes()
        draft = per_call(lambda: hr.post("/api/v1/agencies/ccwd/rules/draft", params={"document": args.spec.name},
                                         content=body), 10)
        print(f"draft of {args.spec.name} through the API: {draft:.1f} ms")
    world.db.close()


if __name__ == "__main__":
    main()
