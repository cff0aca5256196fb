"""The local Spark + Iceberg cluster, started by the product (core/spark.py) on free ports in a
temporary folder: two workers both run tasks of a query through the Thrift server (Spark's REST APIs
say so), the table written is an Iceberg table, and stop ends every process.

Installs what it needs through the product when missing (``cur spark install``: the Spark packages
of requirements-spark.lock with uv, Debian's OpenJDK 17 with apt-get).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import spark
from core.settings import get_settings

pytestmark = pytest.mark.spark

ROWS = 200_000
PARTITIONS = 8


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


def _free_port(count: int = 1) -> int:
    """A port such that it and the ``count - 1`` next ones are free on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        taken = False
        for port in range(first, first + count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    taken = True
        if not taken:
            return first
    raise RuntimeError("no free ports")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[spark.SparkCluster]:
    spark.install()
    folder = tmp_path_factory.mktemp("spark")
    ports = {
        "CUR_SPARK_MASTER_PORT": _free_port(),
        "CUR_SPARK_MASTER_UI_PORT": _free_port(),
        "CUR_SPARK_WORKER_UI_PORT": _free_port(2),
        "CUR_SPARK_THRIFT_PORT": _free_port(),
        "CUR_SPARK_THRIFT_UI_PORT": _free_port(),
    }
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CUR_SPARK_DIR", str(folder))
        env.setenv("CUR_SPARK_WORKERS", "2")
        for name, port in ports.items():
            env.setenv(name, str(port))
        cluster = spark.SparkCluster(get_settings())
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.stop()


def test_cluster_runs_two_workers_and_the_thrift_server(cluster: spark.SparkCluster) -> None:
    state = cluster.status()
    assert state.running, state.pids
    assert state.alive_workers == 2
    assert state.thrift_answers
    assert state.thrift_executors == 2
    assert cluster.layout.root == Path(cluster.settings.spark_dir or "")
    # a second start finds everything running and starts nothing
    pids = dict(state.pids)
    began = time.monotonic()
    assert cluster.start().pids == pids
    assert time.monotonic() - began < 30


def test_an_iceberg_table_is_written_and_read_by_both_workers(cluster: spark.SparkCluster) -> None:
    before = cluster.tasks_by_worker()
    assert len(before) == 2
    with cluster.cursor() as cur:
        cur.execute("create database if not exists spark_test")
        cur.execute("drop table if exists spark_test.numbers")
        cur.execute("create table spark_test.numbers (id bigint, grp int) using iceberg")
        cur.execute(
            "insert into spark_test.numbers"
            f" select id, cast(id % 10 as int) from range(0, {ROWS}, 1, {PARTITIONS})"
        )
        cur.execute(
            "select /*+ REPARTITION(8) */ grp, count(*), sum(id) from spark_test.numbers group by grp"
            " order by grp"
        )
        rows = cur.fetchall()
        cur.execute("describe table extended spark_test.numbers")
        described = {row[0].strip(): (row[1] or "").strip() for row in cur.fetchall()}
        cur.execute("select operation, summary['added-records'] from spark_test.numbers.snapshots")
        snapshots = cur.fetchall()
    assert rows == [(g, ROWS // 10, sum(range(g, ROWS, 10))) for g in range(10)]
    assert described["Provider"].lower() == "iceberg"
    assert snapshots == [("append", str(ROWS))]
    location = Path(described["Location"].removeprefix("file:"))
    assert location.is_relative_to(cluster.layout.warehouse)
    assert list((location / "metadata").glob("*.metadata.json"))
    assert len(list((location / "data").glob("*.parquet"))) >= 2

    after = cluster.tasks_by_worker()
    ran = {worker: after[worker] - before.get(worker, 0) for worker in after}
    assert len(ran) == 2 and all(tasks > 0 for tasks in ran.values()), ran
    assert sum(ran.values()) >= PARTITIONS


def test_stop_ends_every_process(cluster: spark.SparkCluster) -> None:
    pids = [pid for pid in cluster.status().pids.values() if pid]
    assert len(pids) == 4
    stopped = cluster.stop()
    assert stopped == ["thrift", "worker-2", "worker-1", "master"]
    assert not any(Path(f"/proc/{pid}").exists() and not spark._zombie(pid) for pid in pids)
    # no process of the cluster is left: not the daemons, nor the executors the workers started
    folder = str(cluster.layout.root).encode()
    left = [
        proc.name
        for proc in Path("/proc").iterdir()
        if proc.name.isdigit() and folder in _cmdline(proc) and not spark._zombie(int(proc.name))
    ]
    assert left == []
    state = cluster.status()
    assert not state.running and not any(state.pids.values())
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", cluster.settings.spark_thrift_port)) != 0
    assert cluster.stop() == []
