"""The end-to-end evaluation harness reads what the CLI gives a user (``framing.evaluation``)."""

from __future__ import annotations

import json

from typer.testing import CliRunner


def test_reports_match_the_batch_command(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app
    from framing.evaluation._cli import reports

    recs = [
        {"id": "a", "text": "Senator Ruiz praised the brave nurses who saved lives in the flood.",
         "targets": {"Ruiz": []}},
        {"id": "b", "text": 42},  # not a valid record: the CLI reports an error line
    ]
    got = list(reports(recs, scorers=("stance",)))
    path = tmp_path / "recs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["batch", "--input", str(path), "--scorers", "stance", "-q"])
    cli = sorted((json.loads(line) for line in res.stdout.splitlines() if line.strip()), key=lambda r: r["id"])
    assert [g.get("id") for g in got] == ["a", "b"]  # the harness keeps record order
    assert [c.get("id") for c in cli] == ["a", "b"]
    assert "error" in got[1] and "error" in cli[1]
    ours = {t["name"]: t["stance"] for t in got[0]["targets"]}
    theirs = {t["name"]: t["stance"] for t in cli[0]["targets"]}
    assert ours["Ruiz"] == theirs["Ruiz"]
    assert ours["Ruiz"]["mentions"] == 1


def test_aggregate_label_follows_mean_probabilities() -> None:
    """A target whose mentions lean neutral is not labelled against just because P(favor) < P(against)."""
    from framing.report.stance import summarize
    from framing.scorers.stance import MentionStance

    ms = [MentionStance("X", 0, 1, "X", -0.3, "neutral", (0.35, 0.6, 0.05)),
          MentionStance("X", 5, 6, "X", -0.2, "neutral", (0.3, 0.6, 0.1))]
    out = summarize(ms)[0]
    assert out["score"] < -0.15 and out["label"] == "neutral"
    ms2 = [MentionStance("X", 0, 1, "X", -0.6, "against", (0.7, 0.2, 0.1))] * 2
    assert summarize(ms2)[0]["label"] == "against"


def test_split_halves_are_deterministic_and_balanced() -> None:
    from framing.evaluation._cli import half

    parts = [half(f"id{i}") for i in range(2000)]
    assert parts == [half(f"id{i}") for i in range(2000)]
    assert 900 < parts.count("tune") < 1100


def test_table_lists_registered_tasks() -> None:
    from framing.evaluation import EVALUATIONS, TABLE
    from framing.evaluation.__main__ import table

    assert {name for _, name, *_ in TABLE} <= set(EVALUATIONS)
    text = table({"newsmtsc": {"rw": {"report_macro_f1": 0.7, "tune_macro_f1": 0.77}}})
    assert "| target stance, NewsMTSC rw, macro-F1 | 0.655 | **0.700** | 0.770 |" in text


def test_basil_interval_resamples_whole_events() -> None:
    from framing.evaluation.basil import event_interval, macro_f1, score

    pairs = [("against", "against"), ("neutral", "neutral"), ("favor", "favor")] * 4
    events = [f"e{i // 3}" for i in range(len(pairs))]
    assert event_interval(pairs, events, draws=200) == (1.0, 1.0)  # right everywhere: no spread
    # one event right, one wrong: the interval spans what either event alone would give
    mixed = [("against", "against"), ("neutral", "neutral"), ("against", "neutral"), ("neutral", "against")]
    lo, hi = event_interval(mixed, ["a", "a", "b", "b"], draws=400)
    assert lo == round(macro_f1(["against", "neutral"], ["neutral", "against"]), 4)
    assert hi == round(macro_f1(["against", "neutral"], ["against", "neutral"]), 4) > lo
    assert score(mixed, ["a", "a", "b", "b"])["macro_f1_ci95"] == list(event_interval(mixed, ["a", "a", "b", "b"]))
    assert "macro_f1_ci95" not in score(mixed)
