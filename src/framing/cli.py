"""The command line: a thin Typer app over the library. Errors become exit codes here only.

Importing this module must not import torch, transformers or onnxruntime (``--help`` is fast).
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .errors import ExitCode, FramingError, UsageError
from .render import names as format_names

app = typer.Typer(
    name="framing",
    help="Media-bias and framing analysis of news articles: sentiment, stance toward the actors "
         "named, loaded terms, bias and frames, compared across sections.\n\n"
         "Example: framing analyze article.txt   ·   framing analyze article.html --format json",
    pretty_exceptions_show_locals=False,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
)
log = logging.getLogger("framing")


#: --format choices come from the one registry of output formats (framing.render.FORMATS).
Format = StrEnum("Format", {n: n for n in ("auto", *format_names("report"))})  # type: ignore[misc]
BatchFormat = StrEnum("BatchFormat", {n: n for n in format_names("batch")})  # type: ignore[misc]


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class _Once(logging.Filter):
    """Each distinct warning is shown once per run."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        key = record.getMessage()
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (test runners swap it between invocations)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("framing: %(levelname)s: %(message)s"))
    handler.addFilter(_Once())
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def err_line(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@contextmanager
def reported(traceback: bool) -> Iterator[None]:
    """Map library errors to one stderr line and a documented exit code (README: Exit codes)."""
    try:
        yield
    except FramingError as exc:
        if traceback:
            raise
        hint = f" ({exc.hint})" if exc.hint else ""
        err_line(f"framing: error: {exc}{hint}")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        err_line("framing: interrupted")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(int(ExitCode.OK)) from None
    except typer.Exit:
        raise
    except Exception as exc:  # a bug: one line, the traceback on request
        if traceback:
            raise
        err_line(f"framing: error: unexpected {type(exc).__name__}: {exc} (rerun with --traceback)")
        raise typer.Exit(int(ExitCode.ERROR)) from None


def _silence_stdout() -> None:
    """After EPIPE (`framing ... | head`), point stdout at /dev/null so the exit flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def make_console(color: Color, file: Any = None, width: int | None = None) -> Any:
    from rich.console import Console

    kwargs: dict[str, Any] = {"file": file, "highlight": False, "soft_wrap": False}
    if width:
        kwargs["width"] = width
    if color is Color.never:
        kwargs["no_color"] = True
        kwargs["color_system"] = None
    elif color is Color.always:
        kwargs["force_terminal"] = True
    return Console(**kwargs)


def write_output(text: str | bytes, output: Path | None) -> None:
    """Write to ``output`` atomically (temp file + rename), or to stdout; bytes (a long report's
    JSON) go out as they are, without a str copy."""
    if output is None:
        if isinstance(text, bytes) and hasattr(sys.stdout, "buffer"):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
            return
        sys.stdout.write(text.decode("utf-8") if isinstance(text, bytes) else text)
        sys.stdout.flush()
        return
    from .fsutil import atomic_write

    atomic_write(output, text)


def emit(kind: str, fmt: Format, data: tuple[Any, ...], output: Path | None, color: Color,
         width: int | None, explain: bool = False) -> None:
    """Render ``data`` (a report's JSON, or reports and a comparison) in the registered format
    (``framing.render.FORMATS``) to ``output`` or stdout."""
    from .render import FORMATS, RenderOptions

    spec = FORMATS[fmt.value]
    fn, options = spec.get(kind), RenderOptions(explain=explain)
    if not spec.console:
        write_output(fn(*data, options), output)
    elif output is not None:
        with output.open("w", encoding="utf-8") as fh:
            fn(*data, make_console(Color.never, fh, width or 100), options)
    else:
        fn(*data, make_console(color, None, width), options)


def resolve_format(fmt: Format, output: Path | None) -> Format:
    if fmt is not Format.auto:
        return fmt
    if output is not None:
        return Format.html if output.suffix.lower() in {".html", ".htm"} else Format.json
    return Format.table if sys.stdout.isatty() else Format.json


def version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"framing {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """framing: how a news article frames its subject, section by section."""


# Shared options (rich_help_panel groups them in --help)
ModelOpt = Annotated[str | None, typer.Option("--model", help="Encoder: 'minilm-ft' (default: MiniLM with fine-tuned top layers, ONNX, static int8 on the CPU: batch-invariant, within 0.003 of fp32 on the dev figures), 'minilm-ft-fp32' (the same graph in fp32, what the shipped heads were trained on), 'minilm-q8' (the same weights, dynamic int8: faster, less accurate), 'torch' (the same weights via torch), 'minilm-int8' (the base MiniLM; the shipped heads were not trained on it), or a local directory / hub id (safetensors only).", rich_help_panel="Model")]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto|cpu|cuda.", rich_help_panel="Model")]
ExplainOpt = Annotated[bool, typer.Option("--explain", help="Show the evidence behind each score.", rich_help_panel="Output")]
ThreadsOpt = Annotated[int | None, typer.Option("--threads", min=1, help="CPU threads for the encoder.", rich_help_panel="Model")]
ScorersOpt = Annotated[str | None, typer.Option("--scorers", help="Comma-separated scorers to run (see `framing scorers`).", rich_help_panel="Scoring")]
LexiconOpt = Annotated[list[str] | None, typer.Option("--lexicon", help="Extra loaded-terms lexicon file (TSV/JSON, see docs/lexicon.md); repeatable.", rich_help_panel="Scoring")]
TargetOpt = Annotated[list[str] | None, typer.Option("--target", help='Target and aliases, e.g. "United States=U.S.,Washington"; repeatable.', rich_help_panel="Scoring")]
TargetsFileOpt = Annotated[str | None, typer.Option("--targets-file", help="TOML or JSON file of targets: {\"Name\": [\"alias\", ...]}.", rich_help_panel="Scoring")]
TracebackOpt = Annotated[bool, typer.Option("--traceback", help="Show the Python traceback on errors.", rich_help_panel="Output")]
VerboseOpt = Annotated[int, typer.Option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).", rich_help_panel="Output")]
QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="Errors only on stderr.", rich_help_panel="Output")]
ColorOpt = Annotated[Color, typer.Option("--color", help="Colour in the terminal report.", rich_help_panel="Output")]
InputFormatOpt = Annotated[str, typer.Option("--input-format", help="auto|txt|md|html.", rich_help_panel="Input")]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Text encoding of the input files.", rich_help_panel="Input")]
WidthOpt = Annotated[int | None, typer.Option("--width", min=40, help="Report width in columns (default: the terminal's).", rich_help_panel="Output")]
OnlineOpt = Annotated[bool, typer.Option("--online", help="Allow a hub download for --model HUB_ID (off by default: framing never touches the network).", rich_help_panel="Model")]


def split_scorers(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [s.strip() for s in value.split(",") if s.strip()]


@app.command()
def analyze(
    article: Annotated[str, typer.Argument(help="Article file (.txt, .md, .html) or - for stdin.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="auto = table on a terminal, json otherwise.", rich_help_panel="Output")] = Format.auto,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.", rich_help_panel="Output")] = None,
    input_format: InputFormatOpt = "auto",
    encoding: EncodingOpt = "utf-8",
    explain: ExplainOpt = False,
    width: WidthOpt = None,
    model: ModelOpt = None,
    device: DeviceOpt = "cpu",
    threads: ThreadsOpt = None,
    scorers: ScorersOpt = None,
    lexicon: LexiconOpt = None,
    target: TargetOpt = None,
    targets_file: TargetsFileOpt = None,
    online: OnlineOpt = False,
    color: ColorOpt = Color.auto,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
    traceback: TracebackOpt = False,
) -> None:
    """Analyse one article and print the framing report.

    Example: framing analyze seeds/000_2cd8e75922315d1a.txt --format json > report.json
    """
    setup_logging(verbose, quiet)
    with reported(traceback):
        from .load import load
        from .pipeline import Pipeline
        from .target_specs import combine

        fmt = resolve_format(fmt, output)
        targets = combine(target or (), targets_file)
        pipe = Pipeline(split_scorers(scorers), model=model, device=device, threads=threads,
                        lexicons=lexicon or (), offline=not online)
        doc = load(article, None if input_format == "auto" else input_format, encoding)
        report = pipe.analyze(doc, targets)
        emit("report", fmt, (report.to_json(),), output, color, width, explain)


# -- framing compare (issue 5; library: framing.compare) --------------------------------------
@app.command()
def compare(
    articles: Annotated[list[str], typer.Argument(help="Two or more articles on the same event (.txt, .md, .html).")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="auto = table on a terminal, json otherwise; html = one self-contained page.", rich_help_panel="Output")] = Format.auto,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the comparison to this file instead of stdout.", rich_help_panel="Output")] = None,
    input_format: InputFormatOpt = "auto",
    encoding: EncodingOpt = "utf-8",
    width: WidthOpt = None,
    model: ModelOpt = None,
    device: DeviceOpt = "cpu",
    threads: ThreadsOpt = None,
    scorers: ScorersOpt = None,
    lexicon: LexiconOpt = None,
    target: TargetOpt = None,
    targets_file: TargetsFileOpt = None,
    label: Annotated[list[str] | None, typer.Option("--label", help="Name of each article's outlet, in order (repeatable); default: the HTML site name, else #1, #2, ...", rich_help_panel="Output")] = None,
    online: OnlineOpt = False,
    color: ColorOpt = Color.auto,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
    traceback: TracebackOpt = False,
) -> None:
    """Compare articles on one event: targets aligned, stance, frames and loaded terms side by side.

    Example: framing compare outlet_a.txt outlet_b.txt outlet_c.html --format json
    """
    setup_logging(verbose, quiet)
    with reported(traceback):
        from .compare import compare as compare_reports
        from .compare import default_scorers
        from .load import load
        from .pipeline import Pipeline
        from .report.build import to_dict
        from .target_specs import combine

        if len(articles) < 2:
            raise UsageError("compare needs at least two articles", "pass two or more files")
        if label and len(label) > len(articles):
            raise UsageError(f"{len(label)} --label values for {len(articles)} articles",
                             "give at most one --label per article, in the same order")
        fmt = resolve_format(fmt, output)
        targets = combine(target or (), targets_file)
        pipe = Pipeline(split_scorers(scorers) or default_scorers(), model=model, device=device,
                        threads=threads, lexicons=lexicon or (), offline=not online)
        kind = None if input_format == "auto" else input_format
        docs = [(load(a, kind, encoding), targets) for a in articles]
        reports = [to_dict(an) for an in pipe.analyze_many(docs)]  # shared encoder batches
        for rep, name in zip(reports, label or (), strict=False):
            if name.strip():
                rep["outlet"] = name.strip()
        comparison = compare_reports(reports)
        emit("compare", fmt, (reports, comparison), output, color, width)


# -- framing batch (issue 6; library: framing.batch, gates, cache, distributed) ---------------
class Per(StrEnum):
    article = "article"
    section = "section"
    target = "target"


class GateMissing(StrEnum):
    warn = "warn"
    fail = "fail"


@app.command()
def batch(
    paths: Annotated[list[str] | None, typer.Argument(help="Article files, directories (walked for .txt/.md/.html) and globs (quote them: 'news/**/*.md').", show_default=False)] = None,
    input_: Annotated[str | None, typer.Option("--input", "-i", help='JSONL records {"id", "text", "title"?, "targets"?} from a file, or - for stdin.', rich_help_panel="Input")] = None,
    fmt: Annotated[BatchFormat, typer.Option("--format", "-f", help="jsonl: one JSON report per line (or one .json file each with -o); csv: a tidy table with fixed columns, a row per article, section or target (--per); html: one page per article and index.html in -o DIR.", rich_help_panel="Output")] = BatchFormat.jsonl,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Directory: one JSON file per article (jsonl) or articles.csv/sections.csv/targets.csv (csv).", rich_help_panel="Output")] = None,
    per: Annotated[Per, typer.Option("--per", help="CSV rows: one per article, per section, or per article x target (the long actor table).", rich_help_panel="Output")] = Per.article,
    fail_on: Annotated[list[str] | None, typer.Option("--fail-on", help="Gate, e.g. 'bias>0.6,stance[Trump]<-0.5' (any condition trips; repeatable). Exit 6 when an article trips it.", rich_help_panel="CI")] = None,
    gate_missing: Annotated[GateMissing, typer.Option("--gate-missing", help="A gate an article cannot be evaluated on (its metric is absent) is always reported; fail: it also fails the run (exit 6).", rich_help_panel="CI")] = GateMissing.warn,
    keep_going: Annotated[bool, typer.Option("--keep-going/--fail-fast", help="Skip bad articles and exit 5 at the end (default), or stop at the first one.", rich_help_panel="CI")] = True,
    ordered: Annotated[bool, typer.Option("--ordered", help="Write results in input order (default: each as soon as it is done).", rich_help_panel="Output")] = False,
    timeout: Annotated[float | None, typer.Option("--timeout", min=0.001, metavar="SECONDS", help="Give up on an article after SECONDS: it is reported as an error (exit 5 at the end) and the batch goes on.", rich_help_panel="CI")] = None,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Report cache (default: $FRAMING_CACHE or ~/.cache/framing).", rich_help_panel="Cache")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.", rich_help_panel="Cache")] = False,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Run on an existing Dask cluster, e.g. tcp://host:8786 (needs framing[distributed]).", rich_help_panel="Scale-out")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Run on a local Dask cluster of N worker processes.", rich_help_panel="Scale-out")] = None,
    input_format: InputFormatOpt = "auto",
    encoding: EncodingOpt = "utf-8",
    model: ModelOpt = None,
    device: DeviceOpt = "cpu",
    threads: ThreadsOpt = None,
    scorers: ScorersOpt = None,
    lexicon: LexiconOpt = None,
    target: TargetOpt = None,
    targets_file: TargetsFileOpt = None,
    online: OnlineOpt = False,
    color: ColorOpt = Color.auto,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
    traceback: TracebackOpt = False,
) -> None:
    """Analyse many articles with one model load; keep going past bad ones; gate for CI.

    Example: framing batch news/ --fail-on 'bias>0.6' > reports.jsonl
    """
    setup_logging(verbose, quiet)
    with reported(traceback):
        from . import batch as b
        from .gates import TargetCheck, check, parse
        from .resources import cache_dir as default_cache_dir
        from .target_specs import combine

        if not paths and not input_:
            raise UsageError("nothing to analyse", "pass files, directories or globs, or --input FILE|-")
        gates = parse(fail_on)
        check(gates, split_scorers(scorers))  # unknown names: exit 2 before any analysis
        target_check = TargetCheck(gates)
        options = b.BatchOptions(
            scorers=tuple(split_scorers(scorers) or ()) or None, model=model, device=device,
            threads=threads, lexicons=tuple(lexicon or ()), offline=not online,
            targets=combine(target or (), targets_file),
            input_format=None if input_format == "auto" else input_format, encoding=encoding,
            cache_dir=None if no_cache else str(cache_dir or default_cache_dir()), timeout=timeout)
        items: list[b.Item] = b.expand_inputs(paths or [])
        stream = itertools.chain(items, b.open_records(input_)) if input_ else items
        from .render import FORMATS

        writer: Any = FORMATS[fmt.value].get("batch")(output, per.value)  # articles.csv, sections.csv, ...
        with _batch_progress(len(items) if not input_ else None, quiet) as (tick, sentences):
            def on_outcome(o: b.Outcome) -> None:
                if o.report is None:  # errors show even with -q
                    err_line(b.error_line(o))
                else:
                    target_check.observe(o.report, o.gates)
                tick()

            summary = b.run_batch(stream, options, writer, gates=gates, fail_fast=not keep_going,
                                  scheduler=scheduler, workers=workers, on_outcome=on_outcome,
                                  ordered=ordered, progress=sentences)
        code = summary.exit_code(gate_missing_fails=gate_missing is GateMissing.fail)
        _batch_report(summary, gates, color, quiet, code)
        for cond, key, close in target_check.misspelt():
            raise UsageError(f"unknown target {key!r} in --fail-on {cond!r}: no article mentions it",
                             f"did you mean {close}?")
        raise typer.Exit(int(code))


@contextmanager
def _batch_progress(total: int | None, quiet: bool) -> Iterator[Any]:
    """A Rich progress bar on stderr when stderr is a terminal, off with -q:
    articles done (of ``total`` when known) and sentences scored, which moves inside a long
    article. Yields (tick per article, add n sentences)."""
    if quiet or not sys.stderr.isatty():
        yield (lambda: None), None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("framing batch"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("articles · {task.fields[sentences]} sentences"), TimeElapsedColumn(),
                  console=make_console(Color.auto, sys.stderr), transient=True,
                  refresh_per_second=4) as bar:
        task = bar.add_task("articles", total=total, sentences=0)
        count = [0]

        def sentences(n: int) -> None:
            count[0] += n
            bar.update(task, sentences=count[0])

        yield (lambda: bar.advance(task)), sentences


def _batch_report(summary: Any, gates: Any, color: Color, quiet: bool, code: ExitCode) -> None:
    """Tripped gates and gates not evaluated (always: they are the CI signal) and a summary
    table (unless -q), on stderr."""
    for rid, conds in summary.tripped:
        what = ", ".join(f"{c} ({v:.4g})" for c, v in conds)
        err_line(f"framing: threshold: {what}: {rid}")
    for cond, ids in summary.not_evaluated.items():
        shown = ", ".join(ids[:5]) + (f", ... ({len(ids) - 5} more)" if len(ids) > 5 else "")
        err_line(f"framing: warning: --fail-on {cond} not evaluated for {len(ids)} article(s), "
                 f"metric absent: {shown}")
    if quiet:
        return
    from rich.table import Table

    t = Table(title="framing batch", title_justify="left", show_header=True)
    for col in ("articles", "ok", "cached", "failed", "tripped", "seconds", "exit"):
        t.add_column(col, justify="right")
    t.add_row(str(summary.total), str(summary.ok), str(summary.cached), str(len(summary.failed)),
              str(len(summary.tripped)) if gates else "-", f"{summary.seconds:.1f}",
              str(int(code)))
    make_console(color, sys.stderr).print(t)


# -- framing render / framing schema (issue 15; library: framing.report) ----------------------
@app.command("render")
def render_saved(
    report: Annotated[str, typer.Argument(help="A saved report (framing analyze --format json) or framing batch JSONL output; - for stdin.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="auto = table on a terminal, json otherwise. Several reports (JSONL): json writes JSONL, html needs -o DIR (one page each and index.html).", rich_help_panel="Output")] = Format.auto,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (or directory: html of several reports) instead of stdout.", rich_help_panel="Output")] = None,
    explain: ExplainOpt = False,
    width: WidthOpt = None,
    color: ColorOpt = Color.auto,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
    traceback: TracebackOpt = False,
) -> None:
    """Render a saved report again, without re-analysis and without models.

    Example: framing render report.json --format html -o report.html
    """
    setup_logging(verbose, quiet)
    with reported(traceback):
        from .report.io import read_reports

        reports = read_reports(report)
        chosen = resolve_format(fmt, output)
        if len(reports) == 1:
            emit("report", chosen, (reports[0].to_json(),), output, color, width, explain)
        elif chosen is Format.html:
            from .batch import Outcome, html_writer

            writer = html_writer(output, "article")
            for r in reports:
                writer.write(Outcome(r.id, report=r.to_json()))
            writer.close()
        elif chosen in (Format.json, Format.jsonl):
            from .render.json import render_report_line

            write_output(b"".join(render_report_line(r.to_json()) for r in reports), output)
        else:  # table: one after the other
            from .render.table import render_report

            def tables(console: Any) -> None:
                for r in reports:
                    render_report(r.to_json(), console, RenderOptions(explain=explain))

            from .render import RenderOptions

            if output is not None:
                with output.open("w", encoding="utf-8") as fh:
                    tables(make_console(Color.never, fh, width or 100))
            else:
                tables(make_console(color, None, width))


@app.command("schema")
def print_schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the report, the batch lines and the comparison.

    Example: framing schema > report.schema.json
    """
    from .report.schema import schema_text

    sys.stdout.write(schema_text())


@app.command("scorers")
def list_scorers() -> None:
    """List the available scorers.

    Example: framing scorers
    """
    from .scorers import DEFAULT_SCORERS, available

    for name in available():
        sys.stdout.write(f"{name}{'  (default)' if name in DEFAULT_SCORERS else ''}\n")


@app.command()
def train(
    names: Annotated[list[str] | None, typer.Argument(help="Artifacts to rebuild (default: all); 'eval' re-measures them on dev.")] = None,
) -> None:
    """Rebuild the shipped heads and lexicons from ../shared/data (same as `make models`).

    Example: framing train sentiment
    """
    from .train.__main__ import run

    raise typer.Exit(run(list(names or ["all"])))


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(int(ExitCode.OK))


__all__ = ["ExitCode", "UsageError", "app", "main"]
