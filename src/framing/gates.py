"""CI gates: ``--fail-on EXPR`` parsed by a small grammar (no ``eval``) and checked per article.

Grammar (whitespace is ignored around tokens)::

    expr    := cond ("," cond)*                 # any condition that holds trips the gate
    cond    := metric op number
    metric  := step ("." step)*
    step    := NAME ("[" KEY "]")?              # KEY: any text without "]" or ","
    op      := ">" | ">=" | "<" | "<=" | "==" | "!="
    number  := [+-]? digits ("." digits)? ([eE] [+-]? digits)?

Metrics are read from the article's JSON report, in its ``summary`` first, then at the top
level (``bias``, ``loaded_density``, ``sentiment``, ``stance[Trump]``, ``frames[Economic]``,
``sentiment.lexicon``). A node that is an object gives its ``score`` (then ``value``,
``mean``, ``density``); ``[KEY]`` selects a key of an object (or of its ``scores`` object, as
in ``frames: {"scores": {...}, "labels": [...]}``) or the entry of a list whose
``target``/``name``/``frame``/``label`` is KEY (case-insensitive; for stance, a user alias or a
unique surname also matches). A metric that an article does not have (the scorer did not run,
the target is not mentioned) leaves that condition *not evaluated* for that article; the caller
says so on stderr instead of treating it as a pass or a failure silently.

Strictness (issue 17): ``parse`` checks the grammar; :func:`check` checks every name against
:data:`METRICS`, the vocabulary of gate metrics, before anything is analysed: an unknown metric,
field, frame or category, or a metric whose scorer is not run, is a usage error (exit 2) with a
"did you mean" suggestion. Target names (``stance[KEY]``) are open: they are known only after
analysis, so :class:`TargetCheck` watches the run and, at its end, names a ``stance[KEY]`` that
matched no article but is a near-miss of a target the run found (a misspelling: exit 2).
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import UsageError

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
    ">": operator.gt, "<": operator.lt,
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
#: When a metric resolves to an object, the first of these keys that holds a number is its value.
VALUE_KEYS = ("score", "value", "mean", "density")
#: Fields that name the entries of a list (stance per target, frames, labels).
NAME_KEYS = ("target", "name", "frame", "label")
HINT = 'write e.g. "bias>0.6,loaded_density>5,stance[Trump]<-0.5"'


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    key: str | None = None

    def __str__(self) -> str:
        return self.name if self.key is None else f"{self.name}[{self.key}]"


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``metric op number`` test."""

    path: tuple[Step, ...]
    op: str
    threshold: float

    @property
    def metric(self) -> str:
        return ".".join(str(s) for s in self.path)

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.threshold:g}"

    def value(self, report: Mapping[str, Any]) -> float | None:
        """The metric for one article report, or None where the article has no such metric."""
        return resolve(report, self.path)

    def holds(self, value: float) -> bool:
        return _OPS[self.op](value, self.threshold)


@dataclass
class GateResult:
    """What the gates said about one article."""

    tripped: list[tuple[str, float]] = field(default_factory=list)  # (condition, article value)
    not_evaluated: list[str] = field(default_factory=list)  # conditions whose metric is absent

    def to_json(self) -> dict[str, Any]:
        return {"tripped": [{"condition": c, "value": round(v, 4)} for c, v in self.tripped],
                "not_evaluated": list(self.not_evaluated)}


@dataclass(frozen=True)
class Gates:
    """Conditions from one or more ``--fail-on`` options; any one that holds trips the article."""

    conditions: tuple[Condition, ...]

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def __str__(self) -> str:
        return ",".join(str(c) for c in self.conditions)

    def evaluate(self, report: Mapping[str, Any]) -> GateResult:
        out = GateResult()
        for cond in self.conditions:
            v = cond.value(report)
            if v is None:
                out.not_evaluated.append(str(cond))
            elif cond.holds(v):
                out.tripped.append((str(cond), v))
        return out


# -- parsing ---------------------------------------------------------------------------------
def parse(exprs: str | Sequence[str] | None) -> Gates:
    """Parse one expression or several (from repeated ``--fail-on``) into ``Gates``.

    Raises:
        UsageError: the expression does not follow the grammar (exit code 2).
    """
    if exprs is None:
        return Gates(())
    if isinstance(exprs, str):
        exprs = [exprs]
    conds: list[Condition] = []
    for expr in exprs:
        conds.extend(_Parser(expr).expr())
    return Gates(tuple(conds))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def fail(self, what: str) -> UsageError:
        return UsageError(f"bad --fail-on {self.text!r}: {what} at column {self.i + 1}", HINT)

    def ws(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def peek(self, s: str) -> bool:
        self.ws()
        return self.text.startswith(s, self.i)

    def expr(self) -> list[Condition]:
        conds = [self.cond()]
        while self.peek(","):
            self.i += 1
            conds.append(self.cond())
        self.ws()
        if self.i != len(self.text):
            raise self.fail(f"unexpected {self.text[self.i]!r}")
        return conds

    def cond(self) -> Condition:
        path = [self.step()]
        while self.peek("."):
            self.i += 1
            path.append(self.step())
        self.ws()
        op = next((o for o in _OPS if self.text.startswith(o, self.i)), None)  # ">=" before ">"
        if op is None:
            raise self.fail("expected one of > >= < <= == !=")
        self.i += len(op)
        self.ws()
        m = _NUMBER.match(self.text, self.i)
        if m is None:
            raise self.fail("expected a number")
        self.i = m.end()
        value = float(m.group())
        if not math.isfinite(value):
            raise self.fail("expected a finite number")
        return Condition(tuple(path), op, value)

    def step(self) -> Step:
        self.ws()
        m = _NAME.match(self.text, self.i)
        if m is None:
            raise self.fail("expected a metric name")
        self.i = m.end()
        key = None
        if self.peek("["):
            end = self.text.find("]", self.i)
            key = self.text[self.i + 1:end].strip() if end > 0 else ""
            if end < 0 or not key or "," in key or "[" in key:
                raise self.fail("expected [KEY]")
            self.i = end + 1
        return Step(m.group(), key)


# -- resolution ------------------------------------------------------------------------------
def _number(node: Any) -> float | None:
    if isinstance(node, bool):
        return None
    if isinstance(node, int | float):
        return float(node) if math.isfinite(node) else None
    if isinstance(node, Mapping):
        for k in VALUE_KEYS:
            v = node.get(k)
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
                return float(v)
    return None


def _lookup(node: Any, name: str) -> Any:
    if isinstance(node, Mapping):
        if name in node:
            return node[name]
        low = name.casefold()
        for k, v in node.items():
            if isinstance(k, str) and k.casefold() == low:
                return v
    return None


def _aliases(report: Mapping[str, Any], key: str) -> list[str]:
    """Canonical target names that ``key`` denotes: a user/found alias, or a unique surname."""
    low = key.casefold()
    targets = report.get("targets")
    names: list[str] = []
    if isinstance(targets, Mapping):  # {"targets": [...]} or {"Name": {...}}
        targets = targets.get("targets", [{"name": k, **(v if isinstance(v, Mapping) else {})}
                                          for k, v in targets.items()])
    if isinstance(targets, list):
        for t in targets:
            if isinstance(t, Mapping) and isinstance(t.get("name"), str):
                aliases = t.get("aliases") or []
                if any(isinstance(a, str) and a.casefold() == low for a in aliases):
                    names.append(t["name"])
    return names


def _select(node: Any, key: str, report: Mapping[str, Any]) -> Any:
    if isinstance(node, Mapping):
        hit = _lookup(node, key)
        if hit is None and isinstance(node.get("scores"), Mapping):  # {"scores": {...}, "labels"}
            hit = _lookup(node["scores"], key)
        return hit
    if not isinstance(node, list):
        return None
    entries = [e for e in node if isinstance(e, Mapping)]

    def named(e: Mapping[str, Any]) -> str | None:
        return next((e[k] for k in NAME_KEYS if isinstance(e.get(k), str)), None)

    for wanted in [key, *_aliases(report, key)]:
        low = wanted.casefold()
        hit = [e for e in entries if (n := named(e)) is not None and n.casefold() == low]
        if hit:
            return hit[0]
    low = key.casefold()  # "Trump" -> the one entry named "... Trump"
    hit = [e for e in entries if (n := named(e)) is not None and n.casefold().split()[-1:] == [low]]
    return hit[0] if len(hit) == 1 else None


def resolve(report: Mapping[str, Any], path: Sequence[Step]) -> float | None:
    """The number at ``path`` in the article's summary (then its top level), else None."""
    for root in (report.get("summary"), report):
        node: Any = root
        for step in path:
            node = _lookup(node, step.name)
            if node is not None and step.key is not None:
                node = _select(node, step.key, report)
            if node is None:
                break
        value = _number(node)
        if value is not None:
            return value
    return None


# -- the vocabulary: what a gate may name (issue 17) -------------------------------------------
@dataclass(frozen=True, slots=True)
class Metric:
    """One node of the gate vocabulary.

    ``fields``: the names a following ``.step`` may take; ``key``: what ``[KEY]`` names at this
    step (``frame``, ``target``, ``category``; None: no key); ``keyed``: the node a key selects;
    ``number``: the node itself resolves to a number (directly or through its ``score``);
    ``scorer``: the scorer that must run for the metric to exist (None: always there).
    """

    fields: Mapping[str, Metric] = field(default_factory=dict)
    key: str | None = None
    keyed: Metric | None = None
    number: bool = True
    scorer: str | None = None


def _numbers(*names: str) -> dict[str, Metric]:
    return {n: Metric() for n in names}


_VOICE = Metric(_numbers("score", "mentions"))
_STANCE_ENTRY = Metric({**_numbers("score", "mentions"), "author": _VOICE, "quoted": _VOICE})
#: Every metric a gate may name: the article summary's numbers (README "Gates") and ``article``.
METRICS: dict[str, Metric] = {
    "sentiment": Metric(_numbers("score", "lexicon", "min", "max", "spread", "sentences"),
                        scorer="sentiment"),
    "sentiment_spread": Metric(scorer="sentiment"),
    "most_positive": Metric(_numbers("score", "paragraph"), scorer="sentiment"),
    "most_negative": Metric(_numbers("score", "paragraph"), scorer="sentiment"),
    "stance": Metric(key="target", keyed=_STANCE_ENTRY, number=False, scorer="stance"),
    "bias": Metric(_numbers("score", "max", "share_biased", "sentences"), scorer="bias"),
    "loaded_density": Metric(scorer="loaded_terms"),
    "loaded_density_author": Metric(scorer="loaded_terms"),
    "loaded_density_quoted": Metric(scorer="loaded_terms"),
    "epistemic": Metric(_numbers("hedges", "boosters"), number=False, scorer="loaded_terms"),
    "loaded_summary": Metric({**_numbers("count", "quoted", "words", "quoted_words"),
                              "by_category": Metric(key="category", keyed=Metric(), number=False)},
                             number=False, scorer="loaded_terms"),
    "frames": Metric(key="frame", keyed=Metric(), number=False, scorer="frames"),
    "words": Metric(), "sentences": Metric(), "paragraphs": Metric(), "sections": Metric(),
    "article": Metric(_numbers("chars", "paragraphs", "sentences", "sections"), number=False),
}


def _key_names(kind: str) -> tuple[str, ...]:
    """The closed sets of ``[KEY]`` values (frames, loaded-term categories)."""
    if kind == "frame":
        from .scorers.frames import FRAMES

        return FRAMES
    if kind == "category":
        from .lexicon import LOADED_CATEGORIES

        return LOADED_CATEGORIES
    return ()


def suggest(word: str, names: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest of ``names`` to ``word`` (case-insensitive), or None."""
    by_fold: dict[str, str] = {}
    for n in names:
        by_fold.setdefault(n.casefold(), n)
    hit = difflib.get_close_matches(word.casefold(), list(by_fold), n=1, cutoff=cutoff)
    return by_fold[hit[0]] if hit else None


def _unknown(what: str, word: str, cond: Condition, names: Sequence[str]) -> UsageError:
    close = suggest(word, names)
    hint = f"did you mean {close}?" if close else f"choose from {', '.join(names)}"
    return UsageError(f"unknown {what} {word!r} in --fail-on {str(cond)!r}", hint)


def check(gates: Gates, scorers: Sequence[str] | None = None) -> None:
    """Check every name in ``gates`` against :data:`METRICS` before anything runs.

    Args:
        gates: parsed conditions.
        scorers: the scorers the run uses (None: the default set).

    Raises:
        UsageError: an unknown metric, field, frame or category (with a suggestion), a ``[KEY]``
            where the metric takes none, a metric that is not a number, or one whose scorer is
            not run.
    """
    if scorers is None:
        from .scorers import DEFAULT_SCORERS

        scorers = DEFAULT_SCORERS
    for cond in gates.conditions:
        node: Metric | None = None
        names: Mapping[str, Metric] = METRICS
        for i, step in enumerate(cond.path):
            what = "metric" if i == 0 else f"field of {cond.path[i - 1].name}"
            found = next((m for n, m in names.items() if n.casefold() == step.name.casefold()), None)
            if found is None:
                raise _unknown(what, step.name, cond, sorted(names) or ["(none)"])
            node = found
            if i == 0 and node.scorer is not None and node.scorer not in scorers:
                raise UsageError(f"--fail-on {str(cond)!r} needs the {node.scorer} scorer, "
                                 f"which this run does not use", f"add {node.scorer} to --scorers")
            if step.key is not None:
                if node.key is None or node.keyed is None:
                    raise UsageError(f"{step.name} takes no [KEY] in --fail-on {str(cond)!r}", HINT)
                allowed = _key_names(node.key)
                if allowed and step.key.casefold() not in {a.casefold() for a in allowed}:
                    raise _unknown(node.key, step.key, cond, allowed)
                node = node.keyed
            elif node.key is not None:
                raise UsageError(f"{step.name} needs a [KEY] in --fail-on {str(cond)!r}",
                                 f"e.g. {step.name}[{(_key_names(node.key) or ('Trump',))[0]}]")
            names = node.fields
        if node is None or not node.number:
            fields = ", ".join(sorted(node.fields)) if node is not None else ""
            raise UsageError(f"{cond.metric} is not a number in --fail-on {str(cond)!r}",
                             f"name one of its fields: {fields}" if fields else HINT)


def _target_names(report: Mapping[str, Any]) -> set[str]:
    """Every name and alias of the targets one report found (its ``targets`` and stance)."""
    out: set[str] = set()
    for t in report.get("targets") or []:
        if isinstance(t, Mapping) and isinstance(t.get("name"), str):
            out.add(t["name"])
            out.update(a for a in t.get("aliases") or [] if isinstance(a, str))
    summary = report.get("summary")
    for e in (summary.get("stance") if isinstance(summary, Mapping) else None) or []:
        if isinstance(e, Mapping) and isinstance(e.get("target"), str):
            out.add(e["target"])
    return out


class TargetCheck:
    """Target names in gates are known only after analysis: watch the run, then name the
    ``stance[KEY]`` conditions that matched no article although a target the run found is a
    near-miss of KEY (a misspelling, not an actor who is simply absent)."""

    def __init__(self, gates: Gates) -> None:
        self.keys = {str(c): s.key for c in gates.conditions for s in c.path
                     if s.key is not None and s.name.casefold() == "stance"}
        self.matched: set[str] = set()
        self.names: set[str] = set()

    def observe(self, report: Mapping[str, Any], result: GateResult | None) -> None:
        if not self.keys or result is None:
            return
        self.matched.update(c for c in self.keys if c not in result.not_evaluated)
        self.names |= _target_names(report)

    def misspelt(self) -> list[tuple[str, str, str]]:
        """``(condition, key, suggestion)`` for each never-matched key close to a found name."""
        out = []
        for cond, key in self.keys.items():
            if cond in self.matched or key is None:
                continue
            words = self.names | {n.split()[-1] for n in self.names if n.split()}
            close = suggest(key, words, cutoff=0.8)
            if close is not None and close.casefold() != key.casefold():
                out.append((cond, key, close))
        return out
