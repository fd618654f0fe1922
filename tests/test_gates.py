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


# -- strict gates (issue 17): names are checked before anything runs ---------------------------
@pytest.mark.parametrize(("expr", "message", "hint"), [
    ("loaded_densty>5", "unknown metric 'loaded_densty'", "did you mean loaded_density?"),
    ("frames[Econmic]>0.5", "unknown frame 'Econmic'", "did you mean Economic?"),
    ("sentiment.lexcon<0", "unknown field of sentiment 'lexcon'", "did you mean lexicon?"),
    ("loaded_summary.by_category[name_caling]>1", "unknown category 'name_caling'",
     "did you mean name_calling?"),
    ("bogus>1", "unknown metric 'bogus'", "choose from article, bias, "),
    ("sentiment.label>0", "unknown field of sentiment 'label'", "choose from lexicon, max, "),
    ("frames>0.5", "frames needs a [KEY]", "e.g. frames[Economic]"),
    ("stance<0", "stance needs a [KEY]", "e.g. stance[Trump]"),
    ("bias[Trump]>0.5", "bias takes no [KEY]", "write e.g."),
    ("epistemic>1", "epistemic is not a number", "name one of its fields: boosters, hedges"),
])
def test_check_unknown_names_are_usage_errors(expr: str, message: str, hint: str) -> None:
    from framing.gates import check

    with pytest.raises(UsageError) as info:
        check(parse(expr))
    assert info.value.exit_code == ExitCode.USAGE
    assert str(info.value).startswith(message) and f"--fail-on {expr!r}" in str(info.value)
    assert info.value.hint is not None and info.value.hint.startswith(hint)


@pytest.mark.parametrize("expr", [
    "bias>0.6", "loaded_density>5", "sentiment<-0.3", "sentiment.lexicon<-0.5", "words>5000",
    "stance[Trump]<-0.5", "stance[Anyone At All].quoted.score<0", "frames[economic]>0.5",
    "FRAMES[Security_and_defense]>0.5", "loaded_summary.by_category[loaded]>3",
    "epistemic.hedges>10", "article.chars>100000", "most_negative.score<-0.5",
])
def test_check_accepts_documented_metrics(expr: str) -> None:
    from framing.gates import check

    check(parse(expr))


def test_check_metric_needs_its_scorer() -> None:
    from framing.gates import check

    check(parse("bias>0.5"), ["bias"])
    with pytest.raises(UsageError, match="needs the bias scorer"):
        check(parse("sentiment<0,bias>0.5"), ["sentiment"])


@pytest.mark.model
def test_vocabulary_matches_a_real_report(seed_report: dict) -> None:
    """Every numeric leaf of the real summary is a gate metric, and every gate metric resolves:
    the vocabulary cannot drift from the report without this failing."""
    from framing.gates import METRICS, Metric, check, resolve

    def leaves(node: object, path: str) -> list[str]:
        if isinstance(node, dict):
            return [p for k, v in node.items() for p in leaves(v, f"{path}.{k}" if path else k)]
        return [path] if isinstance(node, int | float) and not isinstance(node, bool) else []

    summary = {k: v for k, v in seed_report["summary"].items()
               if k not in ("stance", "frames", "loaded_summary")}
    paths = leaves(summary, "") + [f"article.{k}" for k in ("chars", "paragraphs", "sentences", "sections")]
    for p in paths:
        gates = parse(f"{p}>0")
        check(gates)
        assert resolve(seed_report, gates.conditions[0].path) is not None, p

    def walk(name: str, m: Metric) -> list[str]:
        out = [name] if m.number and m.key is None else []
        return out + [q for f, sub in m.fields.items() for q in walk(f"{name}.{f}", sub)]

    keyed = {"frames": "frames[Economic]", "stance": "stance[Trump]",
             "loaded_summary": "loaded_summary.by_category[loaded]"}
    for name, m in METRICS.items():
        for p in walk(name, m) + ([keyed[name]] if name in keyed else []):
            assert resolve(seed_report, parse(f"{p}>0").conditions[0].path) is not None, p


def test_target_check_names_near_misses_only() -> None:
    from framing.gates import TargetCheck

    gates = parse("stance[Trmp]<0,stance[Putin]<0,stance[Biden]<0")
    tc = TargetCheck(gates)
    tc.observe(REPORT, gates.evaluate(REPORT))
    # Biden matched; Putin is simply absent; Trmp is a misspelling of a found target
    assert tc.misspelt() == [("stance[Trmp]<0", "Trmp", "Trump")]
