"""Stance head and scorer on real text through the real encoder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from framing.encoder import load_encoder
from framing.load import load_text
from framing.report.stance import summarize
from framing.scorers import Batch, Mention, get
from framing.scorers.stance import LABELS, StanceResult, mention_features
from framing.segment import segment
from framing.targets import find_targets
from framing.train.features import data_dir

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def enc():  # type: ignore[no-untyped-def]
    return load_encoder()


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    return get("stance")


def _batch(enc, texts, mentions):  # type: ignore[no-untyped-def]
    return Batch(texts=texts, enc=enc.encode(texts), quotes=[[] for _ in texts], mentions=mentions)


def _m(text: str, name: str, surface: str | None = None, quoted: bool = False) -> Mention:
    s = text.index(surface or name)
    return Mention(name, s, s + len(surface or name), quoted)


def test_stance_two_targets_in_one_sentence_get_different_stances(enc, scorer) -> None:  # type: ignore[no-untyped-def]
    text = ("Voters praised Senator Alvarez for her honest, tireless work for the poor, "
            "while Governor Brooks was condemned for corruption, lies and cruelty.")
    ms = [_m(text, "Alvarez"), _m(text, "Brooks")]
    (res,) = scorer.score(_batch(enc, [text], [ms]))
    by = {m.target: m for m in res.mentions}
    assert by["Alvarez"].score > by["Brooks"].score + 0.3
    assert by["Brooks"].label == "against"
    for m in res.mentions:
        assert -1.0 <= m.score <= 1.0 and m.label in LABELS
        assert m.text == m.target


def test_stance_loaded_sentence_is_more_negative_than_a_neutral_one(enc, scorer) -> None:  # type: ignore[no-untyped-def]
    neg = "The corrupt regime of Maduro brutally murdered protesters and looted the country."
    neu = "Maduro will travel to Brasilia on Tuesday for a regional summit."
    res = scorer.score(_batch(enc, [neg, neu], [[_m(neg, "Maduro")], [_m(neu, "Maduro")]]))
    assert res[0].mentions[0].score < res[1].mentions[0].score
    assert res[0].mentions[0].label == "against"
    # evidence: words from the sentence, never the mention itself
    ev = res[0].mentions[0].evidence
    assert ev and all(w in neg and w != "Maduro" for w in ev)


def test_stance_result_shift_and_json(enc, scorer) -> None:  # type: ignore[no-untyped-def]
    text = "Critics said the United States acted recklessly."
    (res,) = scorer.score(_batch(enc, [text], [[_m(text, "United States")]]))
    moved = res.shifted(100)
    assert moved.mentions[0].start == res.mentions[0].start + 100
    assert res.shifted(0) is res
    js = json.loads(json.dumps(moved.to_json()))
    assert js[0]["target"] == "United States" and js[0]["mentions"] == 1
    assert js[0]["spans"][0]["start"] == res.mentions[0].start + 100
    assert scorer.score(_batch(enc, ["No actors here."], [[]]))[0] == StanceResult(())


def test_stance_author_and_quoted_voices_are_kept_apart(enc, scorer) -> None:  # type: ignore[no-untyped-def]
    text = 'Nasrallah called the strike "a cowardly crime by the United States" on Sunday.'
    at = text.index("United States")
    ms = [Mention("Hassan Nasrallah", 0, 9), Mention("United States", at, at + 13, True, "Hassan Nasrallah")]
    (res,) = scorer.score(_batch(enc, [text], [ms]))
    summ = {d["target"]: d for d in summarize(res.mentions)}
    us = summ["United States"]
    assert us["author"]["mentions"] == 0 and us["quoted"]["mentions"] == 1
    assert us["quoted"]["speakers"][0]["speaker"] == "Hassan Nasrallah"
    assert summ["Hassan Nasrallah"]["author"]["mentions"] == 1


def test_stance_features_match_training_on_dev_examples(enc, scorer) -> None:  # type: ignore[no-untyped-def]
    """The scorer's path (fresh encoding, Mention spans) reproduces dev accuracy on 60 examples."""
    path = data_dir() / "stance" / "newsmtsc_rw_dev.jsonl"
    if not path.exists():
        pytest.skip("NewsMTSC dev data not available")
    rows = [json.loads(line) for line in path.open(encoding="utf-8")][:60]
    texts = [r["sentence_normalized"] for r in rows]
    mentions = [[Mention(t["mention"], t["from"], t["to"]) for t in r["targets"]] for r in rows]
    gold = [{2.0: "against", 4.0: "neutral", 6.0: "favor"}[t["polarity"]] for r in rows for t in r["targets"]]
    res = scorer.score(_batch(enc, texts, mentions))
    pred = [m.label for r in res for m in r.mentions]
    assert len(pred) == len(gold)
    assert np.mean([p == g for p, g in zip(pred, gold, strict=True)]) > 0.55


def test_stance_seed_with_found_targets(enc, scorer) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    seed = Path(__file__).resolve().parents[1] / "seeds" / "000_2cd8e75922315d1a.txt"
    article = segment(load_text(seed.read_text(encoding="utf-8"), str(seed)))
    ts = find_targets(article)
    texts = [article.sentence_text(i) for i in range(len(article.sentences))]
    res = scorer.score(_batch(enc, texts, list(ts.mentions)))
    allm = [m for r in res for m in r.mentions]
    us = [m.score for m in allm if m.target == "United States" and not m.quoted]
    assert len(us) >= 30
    assert float(np.mean(us)) < 0  # the seed is an anti-imperialist piece about U.S. policy
    assert mention_features(np.zeros((3, 384), np.float32), np.array([[0, 0], [0, 4], [0, 0]]), 0, 4).shape[0] > 384


def _cli_json(args: list[str]):  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from framing.cli import app

    res = CliRunner().invoke(app, ["analyze", *args, "--format", "json"])
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_stance_cli_seed_end_to_end() -> None:
    from pathlib import Path

    seed = Path(__file__).resolve().parents[1] / "seeds" / "000_2cd8e75922315d1a.txt"
    rep = _cli_json([str(seed), "--scorers", "stance"])
    targets = {t["name"]: t for t in rep["targets"]}
    for want in ("United States", "Iran", "Iraq", "China", "NATO"):
        assert want in targets and targets[want]["stance"]["mentions"] > 0
    assert {"U.S.", "Washington"} <= set(targets["United States"]["aliases"])
    trump = next(t for t in rep["targets"] if "Trump" in t["aliases"])
    # the author's voice (mentions outside quotations) is against Trump and leans against the
    # U.S.; Iran and Iraq, who suffer the sanctions and strikes, are not read as targets of
    # hostility and stand above the U.S. (issue 14; the full reading, the U.S. labelled against,
    # is test_stance_cli_seed_united_states_reads_against below)
    t = trump["stance"]["author"]
    assert t["score"] < -0.15 and t["label"] == "against", t
    us = targets["United States"]["stance"]["author"]
    assert us["score"] < -0.1 and us["label"] != "favor", us
    from framing.evaluation.readings import ABOVE_MARGIN  # "clearly above", as the readings check it

    for name in ("Iran", "Iraq"):
        a = targets[name]["stance"]["author"]
        assert a["label"] != "against", (name, a)
        assert a["score"] > us["score"] + ABOVE_MARGIN, (name, a["score"], us["score"])
    # every level carries the same per-target shape
    summary = {d["target"]: d for d in rep["summary"]["stance"]}
    assert summary["United States"]["mentions"] == targets["United States"]["mentions"]
    sec = rep["sections"][0]
    para = sec["paragraphs"][0]
    for level in (sec, para, para["sentences"][0]):
        assert level["stance"] and {"target", "score", "label", "mentions", "author", "quoted"} <= set(level["stance"][0])
    span = para["sentences"][0]["stance"][0]["spans"][0]
    assert rep["sections"][0]["paragraphs"][0]["text"].find(span["text"]) >= 0
    assert span["start"] >= para["start"]  # article offsets


def test_stance_cli_seed_united_states_reads_against() -> None:
    """Issue 14's seed target. Met since session 8: 70 more BASIL mentions ("the president" of a
    user's target under a title) moved the rule's plateau to agent_bonus 0.3 and against 0.4; the
    U.S. (19 doers of harm among 42 author mentions) reads against evidence 0.41, one step from
    the threshold (the report says how close: against_evidence, author_thresholds)."""
    from pathlib import Path

    seed = Path(__file__).resolve().parents[1] / "seeds" / "000_2cd8e75922315d1a.txt"
    targets = {t["name"]: t for t in _cli_json([str(seed), "--scorers", "stance"])["targets"]}
    us = targets["United States"]["stance"]["author"]
    assert us["score"] < -0.15 and us["label"] == "against", us
    for name in ("Iran", "Iraq"):
        assert targets[name]["stance"]["author"]["score"] > us["score"] + 0.1


def test_stance_cli_user_target_takes_aliases_over() -> None:
    from pathlib import Path

    seed = Path(__file__).resolve().parents[1] / "seeds" / "000_2cd8e75922315d1a.txt"
    rep = _cli_json([str(seed), "--scorers", "stance", "--target", "US government=U.S.,Washington"])
    targets = {t["name"]: t for t in rep["targets"]}
    assert targets["US government"]["mentions"] >= 30
    assert targets["United States"]["mentions"] < 5  # only the literal "United States" is left


def test_stance_batched_features_are_bit_identical_to_one_mention_at_a_time(enc, scorer) -> None:  # type: ignore[no-untyped-def]
    from framing.scorers.stance import features_from_weights, features_many, pool_weights, pool_weights_many

    texts = ["Iran and the U.S. traded blame while Trump’s aides praised Gen. Soleimani’s rivals.",
             "Russia condemned the strike; China, Iran and Iraq called it a crime against the region."]
    e = enc.encode(texts)
    rng = np.random.default_rng(3)
    for text, states, offsets in zip(texts, e.states, e.offsets, strict=True):
        starts = rng.integers(0, len(text), 12)
        spans = [(int(a), int(min(len(text), a + b))) for a, b in zip(starts, rng.integers(0, 20, 12), strict=True)]
        spans.append((len(text) - 1, len(text) - 1))  # empty span: nearest-piece fallback
        ws = pool_weights_many(offsets, spans)
        for w, (s, t) in zip(ws, spans, strict=True):
            assert np.array_equal(w, pool_weights(offsets, s, t))
        x = features_many(states, ws)
        for row, w in zip(x, ws, strict=True):
            assert np.array_equal(row, features_from_weights(states, w))
    # the scorer's batched head calls give what one sentence at a time gives
    mentions = [tuple(Mention(n, s, s + len(n)) for n in ("Iran", "Trump", "Soleimani") for s in [texts[0].index(n)]),
                tuple(Mention(n, s, s + len(n)) for n in ("Russia", "China") for s in [texts[1].index(n)])]
    batch = Batch(texts=texts, enc=e, quotes=[[], []], mentions=mentions)
    together = scorer.score(batch)
    for i, text in enumerate(texts):
        alone = scorer.score_mentions(text, e.states[i], e.offsets[i], list(mentions[i]))
        assert together[i].mentions == alone


def test_stance_report_says_how_often_each_author_label_was_right() -> None:
    """The report carries the article labels' measured precision (models.scorers.stance), and the
    targets table says it, so a reader weighs an 'against' or a 'favor' by its track record."""
    from pathlib import Path

    from rich.console import Console

    from framing.render.table import stance_panel

    seed = Path(__file__).resolve().parents[1] / "seeds" / "000_2cd8e75922315d1a.txt"
    rep = _cli_json([str(seed), "--scorers", "stance"])
    lp = rep["models"]["scorers"]["stance"]["author_label_precision"]
    assert {"against", "favor", "neutral", "entities", "measured"} <= set(lp)
    assert all(0.0 <= lp[k] <= 1.0 for k in ("against", "favor", "neutral")) and lp["entities"] > 100
    console = Console(width=120, record=True)
    console.print(stance_panel(rep, console))
    text = " ".join(console.export_text().split())  # the caption wraps where it likes
    assert f"against {lp['against']:.0%}" in text and f"favor {lp['favor']:.0%}" in text
    from framing.render.html import render_html

    assert f"against {lp['against']:.0%}" in render_html(rep)  # the HTML report's targets note too
    del rep["models"]["scorers"]["stance"]["author_label_precision"]  # an older report: no claim
    console = Console(width=120, record=True)
    console.print(stance_panel(rep, console))
    assert "How often an author label" not in " ".join(console.export_text().split())


def test_near_label_names_the_threshold_a_neutral_reading_just_misses() -> None:
    from framing.report.stance import THRESHOLD_STEP, near_label

    rule = {"against": 0.375, "favor": 0.275}
    assert near_label((0.375 - THRESHOLD_STEP, 0.1), rule) == "against"
    assert near_label((0.375 - THRESHOLD_STEP - 0.001, 0.1), rule) is None
    assert near_label((0.40, 0.1), rule) is None  # against already: nothing is near
    assert near_label((0.2, 0.26), rule) == "favor"
    assert near_label((0.36, 0.27), rule) == "favor"  # both near: the closer one


def test_stance_author_label_can_be_checked_from_its_evidence() -> None:
    """Schema 1.6: an aggregated unit's author block carries the against and favor evidence the
    label is decided on, and the report the thresholds, so a reader (or a script) can see how
    close a reading is; a neutral reading near a threshold says so in the targets table and the
    HTML report, and Iran and Iraq are near nothing."""
    from pathlib import Path

    from rich.console import Console

    from framing.render.html import render_html
    from framing.render.table import stance_panel
    from framing.report.stance import article_label

    seed = Path(__file__).resolve().parents[1] / "seeds" / "000_2cd8e75922315d1a.txt"
    rep = _cli_json([str(seed), "--scorers", "stance"])
    th = rep["models"]["scorers"]["stance"]["author_thresholds"]
    rule = {"against": th["against"], "favor": th["favor"]}
    for level in [t["stance"] for t in rep["targets"]] + [d for s in rep["sections"] for d in s["stance"]]:
        a = level["author"]
        if "against_evidence" in a:  # the article rule read it (two or more sentences)
            assert a["label"] == article_label((a["against_evidence"], a["favor_evidence"]), rule), a
            assert a["near"] is None or a["label"] == "neutral", a
    targets = {t["name"]: t["stance"]["author"] for t in rep["targets"]}
    us = targets["United States"]
    assert us["label"] == "against" and us["near"] is None and us["against_evidence"] >= th["against"], us
    assert targets["Iran"]["near"] is None and targets["Iraq"]["near"] is None
    # the renderers read the report: a neutral reading one step under the against threshold
    us.update(label="neutral", near="against", against_evidence=th["against"] - th["near"])
    us_top = next(t for t in rep["targets"] if t["name"] == "United States")["stance"]
    us_top["label"] = "neutral"
    console = Console(width=140, record=True)
    console.print(stance_panel(rep, console))
    text = " ".join(console.export_text().split())
    assert "neutral, near against" in text and f"reaches {th['against']:.3g}" in text
    assert "near against" in render_html(rep)


def test_stance_table_says_when_a_label_rests_on_one_sentence() -> None:
    """An against/favor label read from the author's mentions in one sentence is the stance head's
    reading of that sentence's tone toward the target (the article rule needs two sentences); the
    targets table and the HTML report say so ("one sentence"), the JSON label is unchanged."""
    from rich.console import Console

    from framing.load import load_text
    from framing.pipeline import Pipeline
    from framing.render.html import render_html
    from framing.render.table import stance_panel

    text = ("President Donald Trump fired FBI Director James Comey on Tuesday, abruptly ending the tenure "
            "of the man leading the investigation into Russian meddling.\n\nThe president said Comey had "
            "lost the confidence of the bureau.\n\nMr. Trump defended the decision on Wednesday.")
    rep = Pipeline(["stance"]).analyze(load_text(text, "t.txt", "txt"), {"Donald Trump": [], "James Comey": []}).to_json()
    one = [t["name"] for t in rep["targets"]
           if t["stance"]["label"] != "neutral" and "against_evidence" not in t["stance"]["author"]]
    ruled = [t["name"] for t in rep["targets"] if "against_evidence" in t["stance"]["author"]]
    assert one and "Donald Trump" in ruled, (one, ruled)
    console = Console(width=160, record=True)
    console.print(stance_panel(rep, console))
    rows = {line.split("  ")[0].strip(): line for line in console.export_text().splitlines() if line.strip()}
    for name in one:
        assert "one sentence" in rows[name], rows[name]
    for name in ruled:
        assert "one sentence" not in rows[name], rows[name]
    assert "one sentence" in render_html(rep)
