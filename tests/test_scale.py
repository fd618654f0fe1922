"""Issue 17: time and memory that grow linearly with length.

Nothing here times anything: the encoder's chunks are counted, and the work after the encoder
is measured in function calls (``sys.setprofile``, builtins included), which are
deterministic. 8x the sections must cost about 8x the calls; the old section comparison (every
section against every other) cost ~50x, and so did counting quoted words by scanning every
quote of the article for each sentence.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from framing import batch as b
from framing import pipeline as pl
from framing.load import load, load_text

PARAS = [
    "The council approved the reckless budget after a furious debate on Tuesday.",
    "Residents praised the new park and said the volunteers did wonderful work.",
    'Officials warned that "the corrupt contractors had lied" about the costs again.',
    "The mayor said the plan would create jobs and lower taxes for every family.",
]


def headed(n: int) -> str:
    """A title and ``n`` short headed sections of one sentence each."""
    parts = ["A long article in many short sections"]
    for i in range(n):
        parts += [f"Section number {i} of the report", PARAS[i % len(PARAS)]]
    return "\n\n".join(parts) + "\n"


def calls(fn: Callable[[], Any]) -> int:
    """Python and builtin function calls made by ``fn()`` (deterministic, unlike its time)."""
    n = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal n
        if event in ("call", "c_call"):
            n += 1

    sys.setprofile(count)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return n


@pytest.fixture(scope="module")
def analyses(pipeline):  # type: ignore[no-untyped-def]
    """Real analyses of a 30- and a 240-section article (one pass through the real model)."""
    small, big = (load_text(headed(n), f"sections-{n}") for n in (30, 240))
    out = list(pipeline.analyze_many([(small, None), (big, None)]))
    assert [len(a.article.sections) for a in out] == [30, 240]
    return out


@pytest.mark.model
def test_scale_report_work_grows_linearly_with_sections(analyses) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from framing.render.html import render_html
    from framing.render.table import render_table
    from framing.report.build import to_dict
    from framing.report.profile import profile

    small, big = analyses
    rs, rb = to_dict(small), to_dict(big)
    assert len(rb["comparison"]["sections"]) == 240
    io_null = open("/dev/null", "w")  # noqa: SIM115 - closed below
    try:
        stages: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
            "to_dict": lambda a, r: to_dict(a),  # aggregate + JSON + targets + profile
            "profile": lambda a, r: profile(r),
            "table": lambda a, r: render_table(r, Console(file=io_null, width=100, no_color=True)),
            "html": lambda a, r: render_html(r),
        }
        for name, stage in stages.items():
            c_small = calls(lambda stage=stage: stage(small, rs))
            c_big = calls(lambda stage=stage: stage(big, rb))
            # 8x the sections: about 8x the work (fixed costs make it less), never ~64x
            assert c_big <= 10 * c_small, (name, c_small, c_big)
    finally:
        io_null.close()


def test_scale_quoted_words_do_not_scan_every_quote_per_sentence() -> None:
    """Quoted words per sentence (loaded-term densities of every unit) look up the quotes near
    the sentence, not all of the article's: 8x the quoted paragraphs, about 8x the calls."""
    from framing.report.loaded_terms import _quoted_words
    from framing.segment import segment

    def article(n: int) -> Any:
        return segment(load_text("\n\n".join([PARAS[2]] * n) + "\n", f"quotes-{n}"))

    small, big = article(50), article(400)
    assert len(big.quotes) == 400
    work = [calls(lambda a=a: [_quoted_words(a, s.start, s.end) for s in a.sentences])
            for a in (small, big)]
    assert work[1] <= 10 * work[0], work
    brute = [sum(big.words(max(qs, s.start), min(qe, s.end)) for qs, qe in big.quotes
                 if max(qs, s.start) < min(qe, s.end)) for s in big.sentences]
    assert [_quoted_words(big, s.start, s.end) for s in big.sentences] == brute


@pytest.mark.model
def test_scale_long_article_streams_through_the_encoder_in_chunks(pipeline, seed_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The seed's 80 sentences in chunks of 16: no encoder call (and so no token-state array)
    ever holds more than 16 sentences, progress moves per chunk, and the report is the same,
    byte for byte, as the one encoded in one piece."""
    from framing.render.json import dumps

    doc = load(str(seed_path))
    whole = dumps(pipeline.analyze(doc).to_json())
    sizes: list[int] = []
    encoder = pipeline.encoder
    real = encoder.encode

    def spy(texts):  # type: ignore[no-untyped-def]
        sizes.append(len(texts))
        enc = real(texts)
        assert enc.token_states is None or enc.token_states.shape[0] == sum(len(s) for s in enc.states)
        return enc

    monkeypatch.setattr(encoder, "encode", spy)
    monkeypatch.setattr(pl, "ENCODE_CHUNK", 16)
    done: list[int] = []
    monkeypatch.setattr(pipeline, "progress", done.append)
    chunked = dumps(pipeline.analyze(doc).to_json())
    assert sizes == [16] * 5  # 80 sentences
    assert done == [16] * 5
    assert chunked == whole


@pytest.mark.model
def test_scale_batch_streams_results_and_orders_on_request(pipeline) -> None:  # type: ignore[no-untyped-def]
    """Unordered (the CLI default): a bad record comes out at once, a long article waits behind
    the short ones read after it; ordered: input order. Both give the same records."""
    long_text = " ".join(PARAS * 2)  # 8 sentences: "long" against groups of 4
    items = [b.Item(id="long", text=long_text), b.Item(id="a", text=PARAS[0] + " " + PARAS[1]),
             b.Item(id="bad", text=""), b.Item(id="c", text=PARAS[2] + " " + PARAS[3])]
    opts = b.BatchOptions(chunk_sentences=4)
    seen: list[int] = []
    fast = list(b.process(items, opts, pipeline, ordered=False, progress=seen.append))
    assert [o.id for o in fast] == ["bad", "a", "c", "long"]
    assert sum(seen) == 8 + 2 + 2  # every sentence scored is reported to the progress bar
    assert pipeline.progress is None  # restored
    ordered = list(b.process(items, opts, pipeline, ordered=True))
    assert [o.id for o in ordered] == ["long", "a", "bad", "c"]
    key = lambda o: o.id  # noqa: E731
    assert [json.dumps(o.to_json(), sort_keys=True) for o in sorted(fast, key=key)] == \
        [json.dumps(o.to_json(), sort_keys=True) for o in sorted(ordered, key=key)]


@pytest.mark.model
def test_scale_timeout_reports_the_article_and_keeps_going(pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A group that runs out of time is retried article by article, each with its own limit;
    an article out of time is an error outcome (code 3), never the end of the run. 1 ms is less
    than any encoder call, so every article here runs out."""
    calls_: list[int] = []
    real = pipeline.analyze_articles
    monkeypatch.setattr(pipeline, "analyze_articles",
                        lambda arts, deadline=None: calls_.append(len(arts)) or real(arts, deadline))
    items = [b.Item(id=f"r{i}", text=t) for i, t in enumerate(PARAS[:3])] + [b.Item(id="bad", text="")]
    out = list(b.process(items, b.BatchOptions(timeout=0.001), pipeline, ordered=True))
    assert [o.id for o in out] == ["r0", "r1", "r2", "bad"]
    # the group is retried one by one; on a loaded machine loading and segmenting an article can
    # itself pass 1 ms (it counts toward --timeout), and that article never reaches the group
    k = calls_[0] if calls_ else 0
    assert k >= 1 and calls_ == [k] + [1] * k, calls_
    for o in out[:3]:
        assert o.error == {"code": 3, "message": f"timed out after 0.001 s (--timeout): {o.id}",
                           "hint": "raise --timeout, or split the article"}
    assert out[3].error["message"] == "empty input: bad"
    calls_.clear()
    out = list(b.process(items, b.BatchOptions(timeout=600), pipeline))
    assert [o.ok for o in out] == [True, True, True, False] and calls_ == [3]


@pytest.mark.model
def test_scale_cli_timeout_is_a_partial_run(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app
    from framing.errors import ExitCode

    paths = []
    for i, text in enumerate(PARAS[:2]):
        paths.append(tmp_path / f"a{i}.txt")
        paths[-1].write_text(text + "\n", encoding="utf-8")
    res = runner.invoke(app, ["batch", *map(str, paths), str(tmp_path / "gone.txt"), "--no-cache",
                              "--timeout", "0.001", "-q"])
    assert res.exit_code == ExitCode.PARTIAL, res.output
    lines = [json.loads(ln) for ln in res.stdout.splitlines()]
    assert sorted(r["id"] for r in lines) == sorted([*map(str, paths), str(tmp_path / "gone.txt")])
    timed = {r["id"]: r["error"] for r in lines if "timed out" in r["error"]["message"]}
    assert set(timed) == set(map(str, paths)) and all(e["code"] == 3 for e in timed.values())
    errs = [ln for ln in res.stderr.splitlines() if ln.startswith("framing: error: timed out after")]
    assert len(errs) == 2
    # a generous limit changes nothing
    res = runner.invoke(app, ["batch", *map(str, paths), "--no-cache", "--timeout", "600", "-q",
                              "--ordered"])
    assert res.exit_code == ExitCode.OK, res.output
    assert [json.loads(ln)["id"] for ln in res.stdout.splitlines()] == list(map(str, paths))


@pytest.mark.model
def test_scale_long_article_scores_stance_without_holding_token_states(pipeline, seed_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An article longer than a window scores stance on every candidate span of each window
    (targets need the whole article): with user targets, the report is byte-identical to the one
    scored after its targets were known, and no mention goes unscored."""
    from framing.render.json import dumps
    from framing.targets import candidate_spans, find_targets

    doc = load(str(seed_path))
    targets = {"Iran": [], "Mike Pompeo": [], "Trump": [], "Tehran": ["Iranian government"]}
    whole = pipeline.analyze(doc, targets).to_json()
    monkeypatch.setattr(pl, "ENCODE_CHUNK", 9)
    chunked = pipeline.analyze(doc, targets).to_json()
    assert dumps(chunked) == dumps(whole)
    assert not any("could not be scored" in w for w in chunked["warnings"])
    # the candidate spans are a superset of the mentions, sentence by sentence
    art = pl.segment_or_raise(doc)
    ts = find_targets(art, targets)
    for i, ms in enumerate(ts.mentions):
        spans = set(candidate_spans(i, art.sentence_text(i), targets, None))
        assert {(m.start, m.end) for m in ms} <= spans
