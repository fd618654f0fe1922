"""--fail-on: the parser (no eval), metric resolution on report JSON, and gates on a real report."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framing.errors import ExitCode, UsageError
from framing.gates import Gates, parse

REPORT = {
    "id": "a.txt",
    "targets": [{"name": "Donald Trump", "aliases": ["Trump", "the president"], "kind": "person"},
                {"name": "Joe Biden", "aliases": ["Biden"], "kind": "person"}],
    "summary": {
        "sentiment": {"score": -0.42, "label": "negative", "lexicon": -0.3},
        "bias": {"score": 0.71, "label": "biased"},
        "loaded_density": 6.5,
        "frames": {"Economic": 0.62, "Morality": 0.1},
        "stance": [{"target": "Donald Trump", "score": -0.6, "label": "against", "mentions": 4},
                   {"target": "Joe Biden", "score": 0.2, "label": "neutral", "mentions": 1}],
        "words": 300,
    },
}


@pytest.mark.parametrize(("expr", "tripped"), [
    ("bias>0.6", True),
    ("bias>0.8", False),
    ("bias >= 0.71", True),
    ("loaded_density>5", True),
    ("loaded_density<=5", False),
    ("sentiment<-0.3", True),
    ("sentiment<-0.5", False),
    ("sentiment.lexicon<-0.25", True),
    ("frames[Economic]>0.5", True),
    ("frames[economic]>0.7", False),  # keys match case-insensitively
    ("stance[Donald Trump]<-0.5", True),
    ("stance[Trump]<-0.5", True),  # a user/found alias of the target
    ("stance[Biden]<-0.5", False),
    ("words==300", True),
    ("words!=300", False),
    ("bias>0.9, loaded_density>6", True),  # any condition trips
    ("bias>0.9,loaded_density>7", False),
])
def test_gates_evaluate_report_summary(expr: str, tripped: bool) -> None:
    result = parse(expr).evaluate(REPORT)
    assert bool(result.tripped) is tripped
    assert result.not_evaluated == []


def test_gates_report_values_and_conditions() -> None:
    result = parse("bias>0.6,stance[Trump]<-0.5,frames[Economic]>0.9").evaluate(REPORT)
    assert result.tripped == [("bias>0.6", 0.71), ("stance[Trump]<-0.5", -0.6)]
    assert result.to_json()["tripped"][1] == {"condition": "stance[Trump]<-0.5", "value": -0.6}


def test_gates_frames_scores_object() -> None:
    rep = {"summary": {"frames": {"scores": {"Economic": 0.55, "Morality": 0.2},
                                  "labels": ["Economic"], "evidence": {}}}}
    assert parse("frames[Economic]>0.5").evaluate(rep).tripped == [("frames[Economic]>0.5", 0.55)]
    assert not parse("frames[morality]>0.5").evaluate(rep).tripped
    assert parse("frames[Crime]>0.5").evaluate(rep).not_evaluated == ["frames[Crime]>0.5"]


def test_gates_absent_metric_is_not_evaluated() -> None:
    result = parse("stance[Putin]<-0.5,polarity>1,bias>0.6").evaluate(REPORT)
    assert result.not_evaluated == ["stance[Putin]<-0.5", "polarity>1"]
    assert [c for c, _ in result.tripped] == ["bias>0.6"]
    # a label is not a number: not evaluated rather than compared
    assert parse("sentiment.label>0").evaluate(REPORT).not_evaluated == ["sentiment.label>0"]


def test_gates_surname_matches_only_when_unique() -> None:
    rep = {"summary": {"stance": [{"target": "Ivanka Trump", "score": 0.5},
                                  {"target": "Donald Trump", "score": -0.7}]}}
    assert parse("stance[Trump]<0").evaluate(rep).not_evaluated == ["stance[Trump]<0"]
    assert parse("stance[Donald Trump]<0").evaluate(rep).tripped == [("stance[Donald Trump]<0", -0.7)]


def test_gates_repeated_options_combine() -> None:
    gates = parse(["bias>0.6", "loaded_density>5,sentiment<-0.3"])
    assert [str(c) for c in gates.conditions] == ["bias>0.6", "loaded_density>5", "sentiment<-0.3"]
    assert not parse(None) and not parse([])
    assert isinstance(gates, Gates) and str(gates) == "bias>0.6,loaded_density>5,sentiment<-0.3"


@pytest.mark.parametrize("expr", [
    "", "bias", "bias>", "bias 0.6", "bias=>0.6", "bias>>0.6", ">0.6", "bias>0.6;", "bias>0.6,",
    "stance[]<0", "stance[Trump<0", "stance[a,b]<0", "bias>nan", "bias>inf", "bias>0x10",
    "__import__('os').system('true')>0", "bias>0.6 or 1", "1>0",
])
def test_gates_bad_expression_is_a_usage_error(expr: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(expr)
    assert info.value.exit_code == ExitCode.USAGE
    assert str(info.value).startswith(f"bad --fail-on {expr!r}: ")


@given(st.text(max_size=40))
def test_gates_parser_fails_only_with_usage_errors(expr: str) -> None:
    try:
        gates = parse(expr)
    except UsageError:
        return
    for cond in gates.conditions:  # whatever parsed round-trips through its text form
        assert [str(c) for c in parse(str(cond)).conditions] == [str(cond)]


@pytest.mark.model
def test_gates_on_the_seed_report(seed_report: dict) -> None:
    score = seed_report["summary"]["sentiment"]["score"]
    assert parse(f"sentiment<{score + 0.01}").evaluate(seed_report).tripped
    assert not parse(f"sentiment<{score - 0.01}").evaluate(seed_report).tripped
    words = seed_report["summary"]["words"]
    assert parse(f"words>={words}").evaluate(seed_report).tripped
