"""Scorers: small registered components. Each reads the shared encoder output for a batch of
sentences and returns one result per sentence. Scorers never aggregate (see framing.report).

A scorer module registers a factory::

    @register("sentiment")
    def make_sentiment(config: ScorerConfig) -> Scorer: ...

Factories are imported lazily by name (``_MODULES``) so that ``framing --help`` imports nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from ..encoder import Encoded
from ..errors import UsageError


@dataclass(frozen=True, slots=True)
class Mention:
    """A target mention inside one sentence (offsets relative to the sentence)."""

    target: str  # canonical target name
    start: int
    end: int
    quoted: bool = False  # inside quoted speech
    speaker: str | None = None  # the quoted speaker's canonical name, where identifiable


@dataclass
class Batch:
    """What every scorer reads: sentence texts, one encoder pass, and per-sentence context."""

    texts: Sequence[str]
    enc: Encoded
    quotes: Sequence[Sequence[tuple[int, int]]]  # quoted spans relative to each sentence
    mentions: Sequence[Sequence[Mention]] = ()  # filled by the targets stage when stance runs
    article_ids: Sequence[int] = ()  # which article each sentence belongs to (batch mode)

    def __len__(self) -> int:
        return len(self.texts)

    def in_quote(self, i: int, start: int, end: int) -> bool:
        return any(qs <= start and end <= qe for qs, qe in self.quotes[i])


@dataclass(frozen=True)
class ScorerConfig:
    """Options a factory may read; unknown scorers ignore what they do not need."""

    lexicons: tuple[str, ...] = ()  # extra user lexicon files (--lexicon)
    options: dict[str, Any] = field(default_factory=dict)


class Scorer(Protocol):
    name: ClassVar[str]  # JSON key and CLI value
    version: ClassVar[int]  # bump when the meaning of values changes
    requires: ClassVar[frozenset[str]]  # e.g. {"mentions"}

    def score(self, batch: Batch) -> list[Any]:
        """One result per sentence in ``batch``, aligned with it."""
        ...


F = TypeVar("F", bound=Callable[[ScorerConfig], Any])
_FACTORIES: dict[str, Callable[[ScorerConfig], Any]] = {}

#: name -> module that registers it (imported on first use).
_MODULES: dict[str, str] = {
    "sentiment": "framing.scorers.sentiment",
    "stance": "framing.scorers.stance",
    "frames": "framing.scorers.frames",
    "bias": "framing.scorers.bias",
    "loaded_terms": "framing.scorers.loaded_terms",
}
#: The scorers ``analyze`` runs when none are named, in this order.
DEFAULT_SCORERS: tuple[str, ...] = ("sentiment", "stance", "bias", "loaded_terms", "frames")


class RegistryError(RuntimeError):
    pass


def register(name: str) -> Callable[[F], F]:
    def add(factory: F) -> F:
        if _FACTORIES.get(name, factory) is not factory:
            raise RegistryError(f"scorer {name!r} is already registered")
        _FACTORIES[name] = factory
        return factory

    return add


def available() -> list[str]:
    return sorted(_MODULES)


def get(name: str, config: ScorerConfig | None = None) -> Scorer:
    if name not in _MODULES and name not in _FACTORIES:
        raise UsageError(f"unknown scorer: {name}", f"choose from {', '.join(available())}")
    if name not in _FACTORIES:
        importlib.import_module(_MODULES[name])
    scorer: Scorer = _FACTORIES[name](config or ScorerConfig())
    return scorer
