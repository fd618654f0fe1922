"""Run a batch on Dask: the same ``framing batch``, past one machine.

Why Dask (``dask.distributed``) and not Ray or a home-made scheduler:

* it is a pure-Python install from PyPI (``pip install 'framing[distributed]'``), with no
  compiled runtime to match against the machine, so it sits well beside torch/onnxruntime;
* ``LocalCluster`` needs no services: the tests and a laptop run a real scheduler and worker
  processes in-process; the same code connects to an existing cluster with
  ``--scheduler tcp://host:8786`` (dask-scheduler/dask-worker, dask-jobqueue on SLURM/PBS,
  dask-kubernetes), so scaling out is the cluster admin's configuration, not ours;
* its futures API maps one-to-one onto what a batch needs: submit a partition, get its
  outcomes back, in order, with failures surfacing as exceptions.

How it works: the inputs are cut into partitions of ``partition`` items (paths stay paths: the
worker reads the file, so workers need the same filesystem view; JSONL records carry their
text). Each worker process builds ONE ``Pipeline`` for the run (a worker-local lazy global
keyed by the options) and reuses it for every partition it gets; each partition goes through
the same ``framing.batch.process`` as a local run (shared encoder batches, per-article error
capture, the cache when ``--cache-dir`` points at a shared disk). At most ``2 x workers``
partitions are in flight, and outcomes are yielded as their partitions finish (strictly in input
order with ``--ordered``), so memory stays bounded and the output is the same as a local run's.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from .batch import BatchOptions, Item, Outcome, process
from .errors import UsageError

log = logging.getLogger("framing")

#: Items per task: big enough to fill encoder batches, small enough to spread the work.
PARTITION = 16

_LOCK = threading.Lock()
_PIPELINES: dict[BatchOptions, Any] = {}  # per worker process: options -> the one Pipeline
_BUILDS = 0  # how many Pipelines this process built (tests check: one per worker)


def worker_pipeline(options: BatchOptions) -> Any:
    """The worker's Pipeline for these options, built on first use (one model load per worker)."""
    global _BUILDS
    key = replace(options, targets=None, cache_dir=None, input_format=None, encoding="utf-8")
    with _LOCK:
        pipe = _PIPELINES.get(key)
        if pipe is None:
            pipe = _PIPELINES[key] = options.pipeline()
            _BUILDS += 1
        return pipe


def pipeline_builds() -> int:
    return _BUILDS


def process_partition(items: list[Item], options: BatchOptions, ordered: bool = True) -> list[Outcome]:
    """One Dask task: a partition of items through the worker's pipeline."""
    return list(process(items, options, worker_pipeline(options), ordered=ordered))


class ClusterUnavailable(RuntimeError):
    """A local Dask cluster could not start; the batch runs in this process instead."""


def loopback_works() -> bool:
    """Whether a local TCP connection can be made (a LocalCluster needs one; a machine or
    sandbox without network refuses it, and Dask would only say so after a 30 s timeout)."""
    import socket

    try:
        with socket.socket() as srv:
            srv.bind(("127.0.0.1", 0))
            srv.listen(1)
            with socket.create_connection(srv.getsockname(), timeout=2):
                return True
    except OSError:
        return False


def _client(scheduler: str | None, workers: int | None) -> Any:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("--scheduler/--workers need Dask",
                         "pip install 'framing[distributed]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="30s")
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler: {scheduler} ({exc})") from None
    if not loopback_works():
        raise ClusterUnavailable("this machine refuses local TCP connections (no network)")
    n = workers or 2
    # no dashboard; the scheduler's small HTTP endpoint takes a free local port, not 8787
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR,
                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    return Client(cluster)


def _partitions(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _next_done(inflight: deque[Any], ordered: bool) -> list[Outcome]:
    """The outcomes of the oldest partition (ordered), else of the first one to finish."""
    if ordered:
        return inflight.popleft().result()  # type: ignore[no-any-return]
    from dask.distributed import wait

    wait(list(inflight), return_when="FIRST_COMPLETED")
    fut = next(f for f in inflight if f.done())
    inflight.remove(fut)
    return fut.result()  # type: ignore[no-any-return]


def run_distributed(items: Iterable[Item], options: BatchOptions, *, scheduler: str | None = None,
                    workers: int | None = None, partition: int = PARTITION,
                    client: Any = None, ordered: bool = True) -> Iterator[Outcome]:
    """Outcomes computed on a Dask cluster, in input order or (``ordered=False``) a partition's
    outcomes as soon as it is done.

    Args:
        items: inputs (consumed lazily, a few partitions ahead).
        options: as for a local run; ``threads`` defaults to the cores per worker.
        scheduler: address of an existing scheduler (``tcp://host:8786``); else a LocalCluster.
        workers: LocalCluster worker processes (default 2).
        partition: items per task.
        client: an existing ``dask.distributed.Client`` to use (not closed here).
        ordered: keep input order (``--ordered``).
    """
    own = client is None
    if own:
        try:
            client = _client(scheduler, workers)
        except (ClusterUnavailable, RuntimeError, TimeoutError) as exc:
            if scheduler:
                raise
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            log.warning("cannot start a local Dask cluster (%s); running the batch in this "
                        "process instead", first)
            yield from process(items, options)
            return
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1))
        if options.threads is None and not scheduler:  # local workers share this machine's cores
            options = replace(options, threads=max(1, (os.cpu_count() or 1) // n))
        window = 2 * n
        inflight: deque[Any] = deque()
        for part in _partitions(items, partition):
            inflight.append(client.submit(process_partition, part, options, ordered, pure=False))
            if len(inflight) >= window:
                yield from _next_done(inflight, ordered)
        while inflight:
            yield from _next_done(inflight, ordered)
    finally:
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
