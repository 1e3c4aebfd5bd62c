"""The Dask backend: a Parquet roster's row groups decided in parallel on Dask workers, results back in roster order.

The driver reads only the Parquet metadata (header, row groups) and the ``id`` column (for the
duplicate-id check, which spans partitions); each task reads one row group on a worker, validates its
records and decides them. Every worker process builds its Evaluator (and compiles the agency's
durable_rules ruleset) once, from the bytes of the agency's rule file shipped with the tasks, so workers on other
machines need the package and the roster file, not the rules folder. Results come back as canonical
JSON per employee and are yielded in roster order, at most ``window`` partitions ahead, so the output
is the same bytes as the single-process run and the driver's memory stays bounded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Iterator

from eligibility.errors import EligibilityError, InputError

_EVALUATORS: dict[str, object] = {}
COMPILATIONS = {"count": 0}  # per process: how many times this worker compiled rules


def rules_files(rules_dir: str | Path, agency: str) -> dict[str, bytes]:
    """The agency's rule file (found as the single process finds it), by file name, as bytes: what every worker
    parses and hashes. Only that file: a broken file of another agency stops neither backend."""
    from eligibility.errors import RuleFileError
    from eligibility.rules.rulebook import load_rules_dir

    rules = load_rules_dir(rules_dir, lazy=True)
    if agency not in rules:
        raise RuleFileError(f"no rule file for agency {agency!r} in the rules directory", file=rules_dir)
    path = rules.path_of(agency)
    return {path.name: path.read_bytes()}


def _evaluator(rules: dict[str, bytes], engine: str, agency: str):
    """This process's Evaluator for these rules, built and compiled on first use only."""
    from eligibility.decide.deciders import decider_named
    from eligibility.decide.evaluator import Evaluator
    from eligibility.rules.rulebook import rulebook_from_bytes

    key = hashlib.sha256(repr((sorted(rules.items()), engine)).encode()).hexdigest()
    evaluator = _EVALUATORS.get(key)
    if evaluator is None:
        books = {}
        for name, data in rules.items():
            book = rulebook_from_bytes(data, name)
            books[book.agency] = book
        evaluator = _EVALUATORS[key] = Evaluator(books, decider=decider_named(engine))
        evaluator.compiled(agency)
        COMPILATIONS["count"] += 1
    return evaluator


def decide_partition(path: str, group: int, duplicates: dict[int, int], rules: dict[str, bytes], engine: str,
                     agency: str, as_of: dt.date, to: str | None) -> list:
    """One row group, decided and rendered on a worker (results.Rendered: the JSON line and the flat row)."""
    from eligibility.output.writers import render
    from eligibility.records import parquet_roster

    evaluator = _evaluator(rules, engine, agency)
    items = parquet_roster.parquet_items(path, evaluator.known_series(), agency, [group], duplicates=duplicates)
    positions = parquet_roster.parquet_header(path, evaluator.known_series())[1]
    return [render(item) for item in evaluator.evaluate_items(items, as_of, agency=agency, path=path,
                                                                         to=to, positions=positions)]


def worker_compilations() -> int:
    return COMPILATIONS["count"]


def _client(scheduler: str | None, workers: int | None):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputError("the Dask backend needs dask[distributed] and pyarrow: pip install 'eligibility[scale]'"
                         ) from exc
    if scheduler:
        try:
            return Client(scheduler), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise EligibilityError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    return Client(cluster), cluster


def evaluate_parquet(path: str | Path, rules_dir: str | Path, as_of: dt.date, *, to: str | None = None,
                     engine: str = "durable_rules", scheduler: str | None = None, workers: int | None = None,
                     window: int | None = None, known_series: dict[str, set[str]] | None = None,
                     ) -> Iterator:
    """Decide a Parquet roster on a Dask cluster (``scheduler`` address, or a LocalCluster).

    Yields :class:`eligibility.results.Rendered` results (JSON line and flat row) in roster order.
    """
    from eligibility.records import parquet_roster

    path = str(Path(path).resolve())
    if not path.lower().endswith(".parquet"):
        raise InputError("the Dask backend reads Parquet rosters (.parquet); convert with `eligibility generate` "
                         "or write one with pyarrow (layout: docs/performance.md)", file=path)
    agency, _, groups = parquet_roster.parquet_header(path, known_series)
    rules = rules_files(rules_dir, agency)
    duplicates = parquet_roster.parquet_duplicates(path)
    client, cluster = _client(scheduler, workers)
    try:
        window = window or 2 * max(1, len(client.scheduler_info().get("workers", {})) or 1)
        rules_future = client.scatter(rules, broadcast=True)
        starts = parquet_roster.parquet_row_starts(path)
        pending = []
        for group in range(groups):
            end = starts[group + 1] if group + 1 < len(starts) else None
            mine = {row: first for row, first in duplicates.items() if row >= starts[group] and (end is None or row < end)}
            pending.append(client.submit(decide_partition, path, group, mine, rules_future, engine, agency, as_of, to,
                                         pure=False))
            while len(pending) > window:
                yield from _results(pending.pop(0))
        while pending:
            yield from _results(pending.pop(0))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _results(future) -> Iterator:
    yield from future.result()
    future.release()
