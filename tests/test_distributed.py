"""Scale-out on Dask: a real LocalCluster (2 worker processes), one Pipeline per worker, input order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing import batch as b
from framing import distributed as dist

pytest.importorskip("dask.distributed")

TEXTS = [
    "The council approved the budget after a long debate.\n\nResidents welcomed the decision.\n",
    "Critics called the reckless plan a disaster.\n\nThe mayor defended it on Friday.\n",
    "A new bridge opened downtown.\n\nCommuters said the trip is now shorter.\n",
    "Farmers praised the generous drought relief.\n\nThe minister promised more help.\n",
    "Protesters accused the company of lying.\n\nIts chief executive refused to comment.\n",
]


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    import logging

    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR,
                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[b.Item]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("dist")
    paths = []
    for i, t in enumerate(TEXTS * 2):
        p = root / f"a{i:02d}.txt"
        p.write_text(t.replace("the", "the" if i < 5 else "this", 1), encoding="utf-8")
        paths.append(str(p))
    (root / "bad.txt").write_bytes(b"\x00\x01\x02")
    paths.insert(3, str(root / "bad.txt"))
    paths.insert(7, str(root / "missing.txt"))
    return b.expand_inputs(paths)


@pytest.mark.model
@pytest.mark.slow
def test_distributed_matches_local_run_in_order(client, corpus, pipeline) -> None:  # type: ignore[no-untyped-def]
    opts = b.BatchOptions(threads=1)
    remote = list(dist.run_distributed(corpus, opts, client=client, partition=3))
    local = list(b.process(corpus, opts, pipeline))
    assert [o.id for o in remote] == [i.id for i in corpus]  # streamed back in input order
    assert [o.ok for o in remote] == [o.ok for o in local]
    assert [o.error for o in remote if not o.ok] == [o.error for o in local if not o.ok]
    assert len([o for o in remote if not o.ok]) == 2
    for r, loc in zip(remote, local, strict=True):
        if r.ok:
            assert r.report["id"] == loc.report["id"]
            assert r.report["summary"]["sentiment"]["score"] == pytest.approx(
                loc.report["summary"]["sentiment"]["score"], abs=2e-3)

    # each worker process built at most ONE Pipeline, however many partitions it ran
    builds = client.run(dist.pipeline_builds)
    assert len(builds) == 2 and all(n <= 1 for n in builds.values()) and sum(builds.values()) >= 1
    list(dist.run_distributed(corpus, opts, client=client, partition=2))
    assert client.run(dist.pipeline_builds) == builds

    # unordered (the CLI default): partitions come back as they finish, every input once
    fast = list(dist.run_distributed(corpus, opts, client=client, partition=3, ordered=False))
    assert sorted(o.id for o in fast) == sorted(i.id for i in corpus)
    assert {o.id: o.ok for o in fast} == {o.id: o.ok for o in local}


@pytest.mark.model
@pytest.mark.slow
def test_distributed_workers_share_the_cache(client, corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    opts = b.BatchOptions(threads=1, cache_dir=str(tmp_path / "cache"))
    first = list(dist.run_distributed(corpus, opts, client=client, partition=4))
    second = list(dist.run_distributed(corpus, opts, client=client, partition=4))
    assert not any(o.cached for o in first)
    assert [o.cached for o in second] == [o.ok for o in first]
    assert [o.report for o in second] == [o.report for o in first]


@pytest.mark.model
@pytest.mark.slow
def test_distributed_cli_local_cluster(corpus, runner) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    paths = [i.id for i in corpus[:4]]
    res = runner.invoke(app, ["batch", *paths, "--workers", "1", "--no-cache", "-q", "--ordered"])
    assert res.exit_code == 5, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["id"] for r in lines] == paths
    assert "error" in lines[3] and lines[3]["error"]["message"].startswith("binary file")
    assert res.stderr == f"framing: error: binary file: {paths[3]}\n"
