"""Batch runs: many articles in, one model load, JSONL/JSON/CSV out, gates, cache, keep going.

Inputs are files, directories (walked for .txt/.md/.html files, sorted) and globs, or JSONL
records ``{"id", "text", "title"?, "targets"?, "format"?, "outlet"?}`` from a file or stdin. Every
input becomes one :class:`Outcome` (in input order, or as each is done): a report, or an error
``{"code", "message"}`` naming why that article was skipped. One bad article never stops the run; only errors that
concern every article (the model cannot load) do.

Articles that miss the cache are segmented up front and scored a group at a time, so sentences
from many short articles share encoder batches (``Pipeline.analyze_articles``); a long article
(a group's worth of sentences or more) runs alone and streams through the encoder in chunks, so
memory stays bounded whatever the length. If a group fails as a whole, its articles are retried
one by one so that only the bad one is lost. Each result is yielded as soon as its group is done
(errors and cache hits at once; long articles after the short ones read meanwhile), or in input
order with ``ordered=True`` (``--ordered``). ``BatchOptions.timeout`` (``--timeout``) turns an
article that runs too long into an error outcome and the run goes on.

The CLI (``framing batch``) is a thin layer over :func:`run_batch`; see docs/batch.md.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from .deadline import Deadline, TimedOut, check
from .errors import ExitCode, FramingError, InputError, UsageError
from .gates import GateResult, Gates
from .target_specs import merge

log = logging.getLogger("framing")

#: Files a directory walk picks up (named files of any suffix are always read).
ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml")
_GLOB_CHARS = re.compile(r"[*?\[]")


# -- inputs ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One article to analyse: a file to load, or a record's text already in memory."""

    id: str
    path: str | None = None
    text: str | None = None
    title: str | None = None
    targets: dict[str, list[str]] | None = None
    format: str | None = None
    error: dict[str, Any] | None = None  # a problem found before loading (bad record, no match)
    outlet: str | None = None  # the record's "outlet" (publisher), shown by compare and reports


def error_info(exc: BaseException) -> dict[str, Any]:
    """``{"code", "message", "hint"?}`` for the output; code is the exit code it would have had."""
    if isinstance(exc, FramingError):
        out: dict[str, Any] = {"code": int(exc.exit_code), "message": str(exc)}
        if exc.hint:
            out["hint"] = exc.hint
        return out
    return {"code": int(ExitCode.ERROR), "message": f"unexpected {type(exc).__name__}: {exc}"}


def expand_inputs(args: Iterable[str]) -> list[Item]:
    """Files, directories (recursive, article suffixes, sorted) and globs -> items, in order.

    A path that does not exist stays an item (it fails with "no such file" when loaded); a
    glob or directory that matches nothing becomes an error item, so nothing vanishes silently.
    """
    items: list[Item] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        if path not in seen:
            seen.add(path)
            items.append(Item(id=path, path=path))

    for arg in args:
        p = Path(arg)
        if p.is_dir():
            found = sorted(str(f) for f in p.rglob("*")
                           if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                items.append(Item(id=arg, error=error_info(InputError(
                    f"no article files (.txt, .md, .html) in directory: {arg}"))))
            for f in found:
                add(f)
        elif not p.exists() and _GLOB_CHARS.search(arg):
            found = sorted(f for f in glob.glob(arg, recursive=True) if Path(f).is_file())
            if not found:
                items.append(Item(id=arg, error=error_info(InputError(f"no files match: {arg}"))))
            for f in found:
                add(f)
        else:
            add(arg)
    return items


def read_records(stream: IO[str] | IO[bytes] | Iterable[str | bytes],
                 source: str = "<stdin>") -> Iterator[Item]:
    """JSONL records ``{"id", "text", "title"?, "targets"?, "format"?, "outlet"?}``, one item per line.

    A line that is not a valid record (not UTF-8, not JSON, no ``text``) becomes an error item
    (id: the record's id where it has one, else ``SOURCE:LINE``); blank lines are skipped.
    """
    from .target_specs import normalize

    for lineno, raw in enumerate(stream, 1):
        where = f"{source}:{lineno}"
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Item(id=where, error=error_info(InputError(
                    f"not valid utf-8: {where} (byte {exc.start})")))
                continue
        else:
            line = raw
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as exc:
            yield Item(id=where, error=error_info(InputError(f"not a JSON record ({exc.msg}): {where}")))
            continue
        if not isinstance(rec, dict):
            yield Item(id=where, error=error_info(InputError(f"record is not an object: {where}")))
            continue
        rid = rec.get("id", where)
        rid = str(rid) if isinstance(rid, str | int) and not isinstance(rid, bool) else where
        try:
            text = rec.get("text")
            if not isinstance(text, str):
                raise InputError(f"record has no \"text\" string: {rid}")
            title = rec.get("title")
            if title is not None and not isinstance(title, str):
                raise InputError(f"record \"title\" is not a string: {rid}")
            fmt = rec.get("format")
            if fmt is not None and fmt not in ("txt", "md", "html"):
                raise InputError(f"record \"format\" must be txt, md or html: {rid}")
            targets = normalize(rec.get("targets"), f"record {rid}") or None
            outlet = rec.get("outlet")
            if outlet is not None and not isinstance(outlet, str):
                raise InputError(f"record \"outlet\" is not a string: {rid}")
        except FramingError as exc:
            yield Item(id=rid, error=error_info(exc))
            continue
        yield Item(id=rid, text=text, title=title, targets=targets, format=fmt, outlet=outlet or None)


def open_records(spec: str) -> Iterator[Item]:
    """Records from ``-`` (stdin) or a JSONL file."""
    import sys

    if spec == "-":
        yield from read_records(getattr(sys.stdin, "buffer", sys.stdin), "<stdin>")
        return
    try:
        fh = open(spec, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"cannot read --input {spec}: {exc.strerror or exc}") from None
    with fh:
        yield from read_records(fh, spec)


# -- processing ------------------------------------------------------------------------------
@dataclass(frozen=True)
class BatchOptions:
    """How to build the pipeline and read inputs; plain data, so Dask can ship it to workers."""

    scorers: tuple[str, ...] | None = None
    model: str | None = None
    device: str = "cpu"
    threads: int | None = None
    lexicons: tuple[str, ...] = ()
    offline: bool = True
    targets: dict[str, list[str]] | None = field(default=None, hash=False)  # for every article
    input_format: str | None = None
    encoding: str = "utf-8"
    cache_dir: str | None = None  # None: no cache
    chunk_sentences: int = 0  # sentences per group of short articles; 0: pipeline.ENCODE_CHUNK
    timeout: float | None = None  # seconds per article (--timeout); None: no limit

    def pipeline(self) -> Any:
        from .pipeline import Pipeline

        return Pipeline(list(self.scorers) if self.scorers else None, model=self.model,
                        device=self.device, threads=self.threads, lexicons=self.lexicons,
                        offline=self.offline)


@dataclass
class Outcome:
    """The result for one input: a report, or an error; ``cached`` when read from the cache."""

    id: str
    report: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    cached: bool = False
    gates: GateResult | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None

    def to_json(self) -> dict[str, Any]:
        if self.report is None:
            return {"id": self.id, "error": self.error}
        if self.gates is None:
            return self.report
        return {**self.report, "gates": self.gates.to_json()}


@dataclass
class _Work:
    item: Item
    article: Any
    targets: Any
    key: str | None
    prep_s: float = 0.0  # seconds spent loading and segmenting (counts toward --timeout)


#: Unordered runs set aside at most this many long articles (a group's worth of sentences or
#: more) while the short ones behind them are read and scored; the oldest goes first beyond that.
DEFER_LONG = 2


def process(items: Iterable[Item], options: BatchOptions, pipe: Any = None,
            cache: Any = None, *, ordered: bool = True,
            progress: Callable[[int], None] | None = None) -> Iterator[Outcome]:
    """Analyse items, sharing encoder batches, capturing per-article errors.

    Args:
        items: inputs, consumed lazily.
        options: pipeline and input options (``options.cache_dir`` opens a cache unless
            ``cache`` is given; ``options.timeout`` limits each article).
        pipe: a loaded ``Pipeline`` to reuse (built from ``options`` when None).
        cache: a :class:`framing.cache.Cache` (or None).
        ordered: yield in input order; otherwise each outcome as soon as it is ready (errors
            and cache hits at once, long articles after the short ones that follow them).
        progress: called with the number of sentences scored, as they are scored.

    Raises:
        FramingError: only for failures that concern every article (model, scorer options).
    """
    from .pipeline import ENCODE_CHUNK

    pipe = pipe if pipe is not None else options.pipeline()
    if cache is None and options.cache_dir:
        from .cache import Cache

        cache = Cache.for_pipeline(options.cache_dir, pipe)
    limit = options.chunk_sentences or ENCODE_CHUNK
    before = getattr(pipe, "progress", None)
    if progress is not None:
        pipe.progress = progress
    try:
        pending: list[Outcome | _Work] = []  # a group of short articles (and, ordered, what follows)
        size = 0
        deferred: deque[_Work] = deque()  # unordered: long articles waiting for the short ones
        for item in items:
            got = _prepare(item, options, cache)
            if isinstance(got, Outcome):
                if ordered and pending:
                    pending.append(got)
                else:
                    yield got  # errors and cache hits stream out at once
                continue
            n = len(got.article.sentences)
            if n >= limit:  # a long article runs alone
                if not ordered:
                    deferred.append(got)
                    if len(deferred) > DEFER_LONG:
                        yield from _flush([deferred.popleft()], pipe, cache, options.timeout)
                    continue
                if pending:
                    yield from _flush(pending, pipe, cache, options.timeout)
                    pending, size = [], 0
            pending.append(got)
            size += n
            if size >= limit:
                yield from _flush(pending, pipe, cache, options.timeout)
                pending, size = [], 0
        if pending:
            yield from _flush(pending, pipe, cache, options.timeout)
        while deferred:
            yield from _flush([deferred.popleft()], pipe, cache, options.timeout)
    finally:
        if progress is not None:
            pipe.progress = before


def _prepare(item: Item, options: BatchOptions, cache: Any) -> Outcome | _Work:
    """Load, look up the cache, segment: an Outcome when done (error or hit), else work."""
    from .load import load, load_text
    from .pipeline import segment_or_raise

    if item.error is not None:
        return Outcome(item.id, error=item.error)
    t0 = time.perf_counter()
    try:
        fmt = item.format or options.input_format
        if item.path is not None:
            doc = load(item.path, fmt, options.encoding)
        else:
            doc = load_text(item.text or "", item.id, fmt)
        if item.title:
            doc = replace(doc, title=item.title)
        if item.outlet:
            doc = replace(doc, outlet=item.outlet)
        targets = merge(options.targets, item.targets)
        key = None
        if cache is not None:
            key = cache.key(doc, targets)
            report = cache.get(key)
            if report is not None:
                report["id"], report["source"] = item.id, doc.source
                report.pop("outlet", None)  # the key is the text; the publisher is this record's
                if doc.outlet:
                    report["outlet"] = doc.outlet
                return Outcome(item.id, report=report, cached=True)
        article = segment_or_raise(doc)
        work = _Work(item, article, targets, key, time.perf_counter() - t0)
        check(Deadline(options.timeout, t0) if options.timeout else None, item.id)
        return work
    except FramingError as exc:
        return Outcome(item.id, error=error_info(exc))
    except Exception as exc:  # a bug on one odd input must not cost the others
        log.debug("unexpected error on %s", item.id, exc_info=True)
        return Outcome(item.id, error=error_info(exc))


def _score(works: Sequence[_Work], pipe: Any, cache: Any, timeout: float | None) -> list[Outcome]:
    """Score a group together within ``timeout`` seconds (counted from when the group starts, plus
    the longest loading and segmenting time among its articles)."""
    from .report.build import to_dict

    deadline = None
    if timeout:
        deadline = Deadline(timeout, time.perf_counter() - max(w.prep_s for w in works))
    what = works[0].item.id if len(works) == 1 else f"{len(works)} articles"
    analyses = pipe.analyze_articles([(w.article, w.targets) for w in works], deadline=deadline)
    out = []
    for w, analysis in zip(works, analyses, strict=True):
        check(deadline, what)  # no report is started after the time is up
        analysis.id = w.item.id
        report = to_dict(analysis)
        if cache is not None and w.key is not None:
            cache.put(w.key, report)
        out.append(Outcome(w.item.id, report=report))
    return out


def _flush(pending: list[Outcome | _Work], pipe: Any, cache: Any,
           timeout: float | None = None) -> Iterator[Outcome]:
    works = [p for p in pending if isinstance(p, _Work)]
    done: dict[int, Outcome] = {}
    if works:
        _ = pipe.scorers, pipe.encoder  # load errors concern every article: they stop the run
        try:
            scored = _score(works, pipe, cache, timeout)
        except TimedOut as exc:
            if len(works) == 1:  # it ran out of its own time: no second try
                scored = [Outcome(works[0].item.id, error=error_info(_named(exc, works[0])))]
            else:
                log.debug("a group of %d articles ran out of time; retrying them one by one",
                          len(works))
                scored = _one_by_one(works, pipe, cache, timeout)
        except Exception:
            log.debug("chunk failed; retrying its %d articles one by one", len(works), exc_info=True)
            scored = _one_by_one(works, pipe, cache, timeout)
        done = {id(w): o for w, o in zip(works, scored, strict=True)}
    for p in pending:
        yield done[id(p)] if isinstance(p, _Work) else p


def _one_by_one(works: Sequence[_Work], pipe: Any, cache: Any,
                timeout: float | None) -> list[Outcome]:
    scored = []
    for w in works:
        try:
            scored.extend(_score([w], pipe, cache, timeout))
        except TimedOut as exc:
            scored.append(Outcome(w.item.id, error=error_info(_named(exc, w))))
        except Exception as exc:
            scored.append(Outcome(w.item.id, error=error_info(exc)))
    return scored


def _named(exc: TimedOut, work: _Work) -> TimedOut:
    """The timeout error naming the article (the pipeline names its source)."""
    if work.item.id in str(exc):
        return exc
    return TimedOut(str(exc).rsplit(": ", 1)[0] + f": {work.item.id}", exc.hint)


# -- writers ---------------------------------------------------------------------------------
def _atomic_write(path: Path, text: str | bytes) -> None:
    from .fsutil import atomic_write

    atomic_write(path, text)


class JsonlWriter:
    """One compact JSON object per line, flushed per article (stream-friendly)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, outcome: Outcome) -> None:
        from .render.json import dump_bytes

        line = dump_bytes(outcome.to_json(), indent=False)  # a long article's line runs to MBs
        if hasattr(self.stream, "buffer"):
            self.stream.flush()
            self.stream.buffer.write(line)
            self.stream.buffer.flush()
        else:
            self.stream.write(line.decode("utf-8"))
            self.stream.flush()

    def close(self) -> None:
        pass


class DirWriter:
    """``DIR/<name>.json`` per article, written atomically; ``<name>`` comes from the id."""

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.used: set[str] = set()
        self.written: list[Path] = []

    def name_for(self, rid: str) -> str:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", rid.lstrip("./")).strip("._") or "article"
        stem = stem[-120:]
        if stem in self.used:  # a/x.txt and b/x.txt, or ids differing only in odd characters
            stem = f"{stem}-{hashlib.sha1(rid.encode()).hexdigest()[:8]}"
        self.used.add(stem)
        return stem + ".json"

    def write(self, outcome: Outcome) -> None:
        from .render.json import dump_bytes

        path = self.dir / self.name_for(outcome.id)
        _atomic_write(path, dump_bytes(outcome.to_json()))
        self.written.append(path)

    def close(self) -> None:
        pass


class HtmlDirWriter(DirWriter):
    """``DIR/<name>.html`` per article (the analyze HTML report) and ``DIR/index.html`` linking them."""

    def __init__(self, directory: str | Path) -> None:
        super().__init__(directory)
        self.entries: list[dict[str, Any]] = []

    def write(self, outcome: Outcome) -> None:
        from .render.html import render_html

        name = self.name_for(outcome.id)[: -len(".json")] + ".html"
        data = outcome.to_json()
        if outcome.ok:
            path = self.dir / name
            _atomic_write(path, render_html(data))
            self.written.append(path)
            self.entries.append({**data, "href": name})
        else:
            self.entries.append(data)

    def close(self) -> None:
        from .render.html import render_index_html

        path = self.dir / "index.html"
        _atomic_write(path, render_index_html(self.entries))
        self.written.append(path)


def jsonl_writer(output: Path | None, per: str = "article") -> JsonlWriter | DirWriter:
    """``--format jsonl`` (framing.render.FORMATS): one JSON file per article in ``-o DIR``, else
    one line per article on stdout."""
    import sys

    return DirWriter(output) if output is not None else JsonlWriter(sys.stdout)


def html_writer(output: Path | None, per: str = "article") -> HtmlDirWriter:
    """``--format html`` (framing.render.FORMATS): one page per article and index.html in -o DIR."""
    if output is None:
        raise UsageError("--format html needs -o DIR", "one page per article plus index.html")
    return HtmlDirWriter(output)


# CSV tables live in framing.render.csv (fixed columns, issue 17); the name stays importable here.
from .render.csv import CsvWriter  # noqa: E402,F401


# -- the run ---------------------------------------------------------------------------------
@dataclass
class Summary:
    """Counts and names for the stderr report and the exit code."""

    total: int = 0
    ok: int = 0
    cached: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (id, message)
    tripped: list[tuple[str, list[tuple[str, float]]]] = field(default_factory=list)
    not_evaluated: dict[str, list[str]] = field(default_factory=dict)  # condition -> ids
    seconds: float = 0.0
    stopped_early: bool = False  # --fail-fast stopped at the first failure
    last_error_code: int = 0

    def add(self, o: Outcome) -> None:
        self.total += 1
        if o.report is None:
            self.failed.append((o.id, str((o.error or {}).get("message", "failed"))))
            self.last_error_code = int((o.error or {}).get("code", ExitCode.ERROR))
            return
        self.ok += 1
        self.cached += o.cached
        if o.gates is not None:
            if o.gates.tripped:
                self.tripped.append((o.id, list(o.gates.tripped)))
            for c in o.gates.not_evaluated:
                self.not_evaluated.setdefault(c, []).append(o.id)

    def exit_code(self, gate_missing_fails: bool = False) -> ExitCode:
        """THRESHOLD wins over PARTIAL: a tripped CI gate is the signal a pipeline acts on;
        failed articles are still listed on stderr and in the output. ``--fail-fast`` exits with
        the code of the error that stopped it (3 for a bad input). With ``gate_missing_fails``
        (``--gate-missing fail``) a gate not evaluated on some article counts as tripped."""
        if self.stopped_early:
            return ExitCode(self.last_error_code)
        if self.tripped or (gate_missing_fails and self.not_evaluated):
            return ExitCode.THRESHOLD
        if self.failed:
            return ExitCode.PARTIAL
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {"articles": self.total, "ok": self.ok, "cached": self.cached,
                "failed": [{"id": i, "message": m} for i, m in self.failed],
                "tripped": [{"id": i, "conditions": [c for c, _ in cs]} for i, cs in self.tripped],
                "not_evaluated": self.not_evaluated, "seconds": round(self.seconds, 3),
                "exit_code": int(self.exit_code())}


def error_line(o: Outcome) -> str:
    """``framing: error: <reason>: <id>`` (the reason already ends in the id for most inputs)."""
    msg = str((o.error or {}).get("message", "failed"))
    if o.id not in msg:
        msg = f"{msg}: {o.id}"
    return f"framing: error: {msg}"


def outcomes(items: Iterable[Item], options: BatchOptions, *, scheduler: str | None = None,
             workers: int | None = None, pipe: Any = None, ordered: bool = True,
             progress: Callable[[int], None] | None = None) -> Iterator[Outcome]:
    """Outcomes here or on a Dask cluster (``scheduler``/``workers``): in input order, or each
    as soon as it is done (``ordered=False``); ``progress`` gets sentence counts (local runs)."""
    if scheduler or workers:
        from .distributed import run_distributed

        return run_distributed(items, options, scheduler=scheduler, workers=workers,
                               ordered=ordered)
    return process(items, options, pipe, ordered=ordered, progress=progress)


def run_batch(items: Iterable[Item], options: BatchOptions, writer: Any, *,
              gates: Gates | None = None, fail_fast: bool = False, scheduler: str | None = None,
              workers: int | None = None, pipe: Any = None,
              on_outcome: Callable[[Outcome], None] | None = None, ordered: bool = True,
              progress: Callable[[int], None] | None = None) -> Summary:
    """Run a batch end to end: analyse, gate, write, count.

    Args:
        items: inputs (see :func:`expand_inputs`, :func:`open_records`).
        options: pipeline/input/cache options.
        writer: a JsonlWriter, DirWriter or CsvWriter (closed here).
        gates: ``--fail-on`` conditions, evaluated per article.
        fail_fast: stop at the first failed article (the default is to keep going).
        scheduler, workers: run on Dask (see framing.distributed).
        pipe: a loaded Pipeline to reuse (tests, long-lived services).
        on_outcome: called after each article is written (progress, stderr lines).
        ordered: write in input order (``--ordered``); otherwise each article as soon as it
            is done.
        progress: called with the number of sentences scored, as they are scored (progress).

    Returns:
        The :class:`Summary`; ``summary.exit_code()`` is the process exit code.
    """
    summary = Summary()
    t0 = time.perf_counter()
    try:
        for o in outcomes(items, options, scheduler=scheduler, workers=workers, pipe=pipe,
                          ordered=ordered, progress=progress):
            if gates and o.report is not None:
                o.gates = gates.evaluate(o.report)
            writer.write(o)
            summary.add(o)
            if on_outcome is not None:
                on_outcome(o)
            if fail_fast and o.report is None:
                summary.stopped_early = True
                break
    finally:
        summary.seconds = time.perf_counter() - t0
        writer.close()
    return summary
