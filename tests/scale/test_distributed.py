"""The Dask backend on a LocalCluster of 2 workers: the same results as the single-process run, rules compiled once per worker."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow", reason="the Dask backend needs pyarrow (pip install '.[scale]')")
distributed = pytest.importorskip("dask.distributed", reason="the Dask backend needs dask[distributed] (pip install '.[scale]')")

from factories import RULES  # noqa: E402

from eligibility.decide.evaluator import Evaluator
from eligibility.output import writers  # noqa: E402
from eligibility.records.streaming import open_roster  # noqa: E402
from eligibility.scale import generate
from eligibility.rules.rulebook import load_rulebook, rulebook_from_bytes  # noqa: E402
from eligibility.scale.distributed import evaluate_parquet, rules_files, worker_compilations  # noqa: E402

AS_OF = dt.date(2026, 11, 24)
SCRIPT = Path(sys.executable).parent / "eligibility"


@pytest.fixture(scope="module")
def roster(tmp_path_factory):
    path = tmp_path_factory.mktemp("dask") / "ccwd.parquet"
    with Evaluator.from_dir(RULES) as ev:
        header, records = generate.generate(ev.books["ccwd"], 600, 21)
    generate.write(path, header, records, row_group=100)  # 6 partitions
    return path


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def test_dask_results_are_identical_to_the_single_process_run(roster, cluster):
    with Evaluator.from_dir(RULES) as ev:
        stream = open_roster(roster, ev.known_series())
        single = writers.roster_jsonl(ev.evaluate_items(stream.items, AS_OF, agency=stream.agency,
                                                       positions=stream.positions, path=stream.path))
        on_dask = "".join(r.line + "\n" for r in evaluate_parquet(roster, RULES, AS_OF,
                                                                   scheduler=cluster.scheduler_address,
                                                                   known_series=ev.known_series()))
    assert on_dask == single
    assert single.count("\n") == 600
    assert '"kind":"record_error"' in single  # the generated roster's malformed records, in the same places
    with distributed.Client(cluster) as client:
        per_worker = client.run(worker_compilations)
    assert sorted(per_worker.values()) == [1, 1]  # each worker compiled the rules once for 3 partitions


def test_roster_command_with_dask_writes_the_same_file(roster, cluster, tmp_path):
    single, on_dask = tmp_path / "single.jsonl", tmp_path / "dask.jsonl"
    base = [str(SCRIPT), "roster", str(roster), "--rules", str(RULES), "--as-of", "2026-11-24"]
    first = subprocess.run(base + ["-o", str(single)], capture_output=True, text=True, timeout=300)
    second = subprocess.run(base + ["-o", str(on_dask), "--backend", "dask", "--scheduler", cluster.scheduler_address],
                            capture_output=True, text=True, timeout=300)
    assert (first.returncode, second.returncode) == (1, 1)  # record errors were reported
    assert on_dask.read_bytes() == single.read_bytes()
    parquet_out = tmp_path / "dask.parquet"
    third = subprocess.run(base + ["-o", str(parquet_out), "--backend", "dask", "--scheduler",
                                   cluster.scheduler_address], capture_output=True, text=True, timeout=300)
    assert third.returncode == 1
    import pyarrow.parquet as pq

    table = pq.read_table(parquet_out)
    assert table.num_rows == 600
    assert "\n".join(table.column("result").to_pylist()) + "\n" == single.read_text()


def test_a_yaml_roster_is_refused_by_the_dask_backend(tmp_path):
    from eligibility.errors import InputError

    with pytest.raises(InputError, match="the Dask backend reads Parquet rosters"):
        next(evaluate_parquet(tmp_path / "r.yaml", RULES, AS_OF))


def test_workers_get_the_agency_s_file_as_bytes_and_hash_it_as_the_single_process_does(tmp_path):
    """The single process and the Dask workers (which get the bytes shipped) record the same digest, CRLF included."""
    import hashlib

    crlf = (RULES / "jbwd.yaml").read_bytes().replace(b"\n", b"\r\n")
    (tmp_path / "jbwd.yaml").write_bytes(crlf)
    (tmp_path / "other.yaml").write_text("agency: other\nname: [unclosed\n")  # another agency's broken file
    shipped = rules_files(tmp_path, "jbwd")
    assert shipped == {"jbwd.yaml": crlf}  # the roster's agency's file alone: the broken one stops nothing
    from_worker, from_file = rulebook_from_bytes(shipped["jbwd.yaml"], "jbwd.yaml"), load_rulebook(tmp_path / "jbwd.yaml")
    assert from_worker.sha256 == from_file.sha256 == hashlib.sha256(crlf).hexdigest()
    assert from_worker.rulebook == from_file.rulebook
