"""The report cache: keys, versions, corrupt entries, atomic writes, and batch re-runs from it."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from framing import batch as b
from framing.cache import Cache, fingerprint
from framing.load import Document
from framing.pipeline import Pipeline

TEXTS = [
    "The council approved the budget after a long debate.\n\nResidents welcomed the decision.\n",
    "Critics called the reckless plan a disaster.\n\nThe mayor defended it on Friday.\n",
    "A new bridge opened downtown.\n\nCommuters said the trip is now shorter.\n",
]


def doc(text: str = TEXTS[0], fmt: str = "txt", title: str | None = None) -> Document:
    return Document(text=text, source="x.txt", format=fmt, title=title)


def test_cache_key_covers_text_format_title_targets(tmp_path: Path) -> None:
    c = Cache(tmp_path, {"v": 1})
    k = c.key(doc())
    assert k == Cache(tmp_path, {"v": 1}).key(doc())  # deterministic across instances
    others = {c.key(doc(TEXTS[0] + " ")), c.key(doc(fmt="md")), c.key(doc(title="T")),
              c.key(doc(), {"Acme": ["Acme Corp"]}), Cache(tmp_path, {"v": 2}).key(doc())}
    assert k not in others and len(others) == 5
    # alias order does not matter; an empty target set is no targets
    assert c.key(doc(), {"A": ["x", "y"]}) == c.key(doc(), {"A": ["y", "x"]})
    assert c.key(doc(), {}) == k


def test_cache_fingerprint_follows_scorers_and_lexicons(tmp_path: Path) -> None:
    base = fingerprint(Pipeline(["sentiment"]))
    from framing import encoder_ft, quantize

    ft = f"{encoder_ft.RECIPE}.{encoder_ft.digest()[:8]}"
    s8 = f"{quantize.STATIC_RECIPE}.{quantize.static_digest()[:8]}"  # the default's int8 path on the CPU
    assert base["encoder"] == f"minilm-ft.{s8}" and base["scorers"] == {"sentiment": 1}
    assert len(base["models"]) == 16 and len(base["code"]) == 16
    assert fingerprint(Pipeline(["sentiment"])) == base
    # the torch path runs the same fine-tuned weights in fp32 (another identity), the base model its own
    assert fingerprint(Pipeline(["sentiment"], model="torch"))["encoder"] == f"minilm-ft-fp32.{ft}"
    assert fingerprint(Pipeline(["sentiment"], model="minilm-ft-fp32"))["encoder"] == f"minilm-ft.{ft}"
    assert fingerprint(Pipeline(["sentiment"], model="minilm-int8"))["encoder"] == "minilm-int8"
    lex = tmp_path / "extra.tsv"
    lex.write_text("term\tcategory\tweight\nrogue\tsmear\t1.0\n", encoding="utf-8")
    with_lex = fingerprint(Pipeline(["sentiment"], lexicons=[str(lex)]))
    assert with_lex["lexicons"] and with_lex != base


def test_encoder_identity_is_the_report_name_and_the_cache_key(tmp_path: Path, monkeypatch, encoder) -> None:  # type: ignore[no-untyped-def]
    """One identity (``encoder.identity``): the name a report gives and what the batch report
    cache and the training feature cache key on, so bumping a build recipe misses both."""
    from framing import encoder_ft, quantize
    from framing.encoder import identity
    from framing.train import features

    sha = encoder_ft.digest()[:8]  # the fine-tuned layers, base weights and graph
    assert encoder.name == identity() == f"minilm-ft.{quantize.STATIC_RECIPE}.{quantize.static_digest()[:8]}"
    assert identity("minilm-ft-fp32") == f"minilm-ft.{encoder_ft.RECIPE}.{sha}"
    q8 = Pipeline(["sentiment"], model="minilm-q8")
    assert fingerprint(q8)["encoder"] == identity("minilm-q8") == f"minilm-q8.{quantize.RECIPE}.{sha}"
    key = Cache.for_pipeline(tmp_path, q8).key(doc())
    monkeypatch.setattr(quantize, "RECIPE", "v99")  # a recipe bump
    assert fingerprint(q8)["encoder"] == f"minilm-q8.v99.{sha}"
    assert Cache.for_pipeline(tmp_path, q8).key(doc()) != key
    # a local model directory: its weights' digest is part of the identity
    d = tmp_path / "model"
    d.mkdir()
    (d / "model.safetensors").write_bytes(b"one")
    first = identity(str(d))
    assert first.startswith(f"torch:{d}@")
    from framing.cache import dir_digest

    dir_digest.cache_clear()
    (d / "model.safetensors").write_bytes(b"two")
    assert identity(str(d)) != first
    # the feature cache: same texts, another identity -> another file
    monkeypatch.setenv("FRAMING_FEATURE_CACHE", str(tmp_path / "features"))
    monkeypatch.setattr(features, "_ENCODER", encoder)
    features.encode_cached(["The council met."], "t", with_states=False)
    monkeypatch.setattr(features, "encoder_name", lambda: "minilm-int8.v2")  # another encoder's identity
    features.encode_cached(["The council met."], "t", with_states=False)
    assert len(list((tmp_path / "features").glob("t-*.npz"))) == 2


def test_cache_roundtrip_and_corrupt_entries(tmp_path: Path) -> None:
    c = Cache(tmp_path, {"v": 1})
    k = c.key(doc())
    assert c.get(k) is None
    c.put(k, {"id": "x", "summary": {"words": 3}})
    assert c.get(k) == {"id": "x", "summary": {"words": 3}}
    assert [p.name for p in c.path(k).parent.iterdir()] == [f"{k}.json"]  # no temp files left
    for garbage in (b"", b"{\"key\": ", b"\x00\xff", json.dumps({"key": "other", "report": {}}).encode(),
                    json.dumps({"key": k, "report": [1]}).encode()):
        c.path(k).write_bytes(garbage)
        assert c.get(k) is None
    assert c.hits == 1 and c.misses == 6


def test_cache_unwritable_dir_warns_once(tmp_path: Path, caplog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    c = Cache(blocker, {"v": 1})
    lg = logging.getLogger("framing")  # the CLI's setup_logging may have replaced its handlers
    monkeypatch.setattr(lg, "handlers", [caplog.handler])
    monkeypatch.setattr(lg, "propagate", False)  # else caplog's root handler sees it twice (run alone)
    monkeypatch.setattr(lg, "level", logging.WARNING)
    c.put("ab" * 32, {"id": "x"})
    c.put("cd" * 32, {"id": "y"})
    assert len([r for r in caplog.records if "cache not written" in r.getMessage()]) == 1


@pytest.mark.model
def test_cache_batch_rerun_reads_every_article_from_cache(tmp_path: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    paths = []
    for i, t in enumerate(TEXTS):
        paths.append(tmp_path / f"a{i}.txt")
        paths[-1].write_text(t, encoding="utf-8")
    opts = b.BatchOptions(cache_dir=str(tmp_path / "cache"))
    first = list(b.process(b.expand_inputs(map(str, paths)), opts, pipeline))
    assert [o.cached for o in first] == [False] * 3

    fresh = Pipeline()  # a new run: the encoder is never loaded when every article is cached
    second = list(b.process(b.expand_inputs(map(str, paths)), opts, fresh))
    assert [o.cached for o in second] == [True] * 3
    assert fresh._encoder is None
    assert [o.report for o in second] == [o.report for o in first]

    # the same text under another path is a hit, reported under its own id
    copy = tmp_path / "copy.txt"
    copy.write_text(TEXTS[1], encoding="utf-8")
    [o] = list(b.process(b.expand_inputs([str(copy)]), opts, fresh))
    assert o.cached and o.report["id"] == str(copy) and o.report["source"] == str(copy)

    # a changed article and a corrupt entry are scored again; the rest still come from the cache
    paths[0].write_text(TEXTS[0].replace("long", "short"), encoding="utf-8")
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == 3
    key1 = Cache.for_pipeline(tmp_path / "cache", pipeline).key(
        Document(TEXTS[1], str(paths[1]), "txt"))
    corrupt = next(p for p in entries if p.stem == key1)
    corrupt.write_text("{truncated")
    third = list(b.process(b.expand_inputs(map(str, paths)), opts, pipeline))
    assert [o.cached for o in third] == [False, False, True]
    assert json.loads(corrupt.read_text())["key"] == key1  # rewritten


@pytest.mark.model
def test_cache_other_scorer_set_misses(tmp_path: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "a.txt"
    p.write_text(TEXTS[2], encoding="utf-8")
    opts = b.BatchOptions(cache_dir=str(tmp_path / "cache"))
    list(b.process(b.expand_inputs([str(p)]), opts, pipeline))
    c_default = Cache.for_pipeline(opts.cache_dir, pipeline)
    c_other = Cache(opts.cache_dir, {**fingerprint(pipeline), "scorers": {"sentiment": 2}})
    d = Document(TEXTS[2], str(p), "txt")
    assert c_default.get(c_default.key(d)) is not None
    assert c_other.get(c_other.key(d)) is None
    assert os.path.commonpath([c_default.root, c_other.root]) == str(tmp_path / "cache" / "reports-v1")
