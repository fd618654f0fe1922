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
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
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
