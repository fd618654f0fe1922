"""Wiring: Document -> Article -> one encoder pass -> (targets, from its NER head) -> scorers -> Analysis.

PIPELINE-READY (aggregate.py AGGREGATORS, render/json.py REPORT_HOOKS, render/table.py SECTION_COLUMNS/PANELS/PARAGRAPH_STYLERS/EXPLAINERS are the extension points)
The encoder runs once per sentence; every scorer reads the same ``Batch``. Batch mode feeds
sentences from many articles through shared, length-sorted encoder batches, a chunk of
articles at a time so memory stays bounded.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

from . import __version__
from .encoder import Encoder, load_encoder
from .errors import InputError
from .language import language_warning
from .load import Document
from .model import Article
from .scorers import DEFAULT_SCORERS, Batch, Mention, Scorer, ScorerConfig, get
from .segment import segment

log = logging.getLogger("framing")

#: Articles are encoded together until their sentences reach this many (bounded memory in batch).
CHUNK_SENTENCES = 2048


@dataclass
class Analysis:
    """Scores for one article: per-scorer lists aligned with ``article.sentences``."""

    article: Article
    results: dict[str, list[Any]]
    targets: Any = None  # framing.targets.TargetSet when stance ran
    provenance: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    warnings: list[str] = field(default_factory=list)


class Pipeline:
    """Holds the encoder and scorers for a run (one model load per run)."""

    def __init__(self, scorers: Sequence[str] | None = None, model: str | None = None,
                 device: str = "cpu", threads: int | None = None, lexicons: Sequence[str] = (),
                 offline: bool = True, options: Mapping[str, Any] | None = None) -> None:
        self.names = list(dict.fromkeys(scorers or DEFAULT_SCORERS))
        self.model, self.device, self.threads, self.offline = model, device, threads, offline
        self.config = ScorerConfig(lexicons=tuple(lexicons), options=dict(options or {}))
        self._encoder: Encoder | None = None
        self._scorers: list[Scorer] | None = None
        #: seconds spent per stage over this pipeline's life: segment, targets, encode and each
        #: scorer by name (``make bench`` prints them per sentence)
        self.timings: Counter[str] = Counter()

    @property
    def scorers(self) -> list[Scorer]:
        if self._scorers is None:
            self._scorers = [get(n, self.config) for n in self.names]
        return self._scorers

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = load_encoder(self.model, self.device, self.threads, self.offline)
        return self._encoder

    def needs(self, requirement: str) -> bool:
        return any(requirement in s.requires for s in self.scorers)

    def provenance(self) -> dict[str, Any]:
        return {"framing": __version__, "encoder": self.encoder.name,
                "scorers": {s.name: {"version": s.version} for s in self.scorers}}

    # -- public API -------------------------------------------------------------------------
    def analyze(self, doc: Document, targets: Any = None) -> Analysis:
        return next(iter(self.analyze_many([(doc, targets)])))

    def analyze_many(self, items: Iterable[tuple[Document, Any]]) -> Iterator[Analysis]:
        """Analyse (document, user targets) pairs, sharing encoder batches across articles."""
        chunk: list[tuple[Article, Any, str | None]] = []
        size = 0
        for doc, targets in items:
            t = perf_counter()
            article = segment_or_raise(doc)
            self.timings["segment"] += perf_counter() - t
            chunk.append((article, targets, None))
            size += len(article.sentences)
            if size >= CHUNK_SENTENCES:
                yield from self._run(chunk)
                chunk, size = [], 0
        if chunk:
            yield from self._run(chunk)

    def analyze_articles(self, articles: Sequence[tuple[Article, Any]]) -> list[Analysis]:
        return list(self._run([(a, t, None) for a, t in articles]))

    # -- internals --------------------------------------------------------------------------
    def _run(self, chunk: list[tuple[Article, Any, str | None]]) -> Iterator[Analysis]:
        scorers = self.scorers
        target_sets: list[Any] = [None] * len(chunk)
        mentions: list[Sequence[Mention]] = []
        texts: list[str] = []
        quotes: list[list[tuple[int, int]]] = []
        owners: list[int] = []
        for k, (article, _, _) in enumerate(chunk):
            for s, near in zip(article.sentences, article.sentence_quotes(), strict=True):
                texts.append(article.text[s.start:s.end])
                quotes.append([(max(qs, s.start) - s.start, min(qe, s.end) - s.start) for qs, qe in near])
                owners.append(k)
        encoder = self.encoder
        t = perf_counter()
        enc = encoder.encode(texts)  # the one encoder pass for every head
        self.timings["encode"] += perf_counter() - t
        if self.needs("mentions"):
            # Stage: targets (actors, aliases, mentions per sentence, relative offsets), reading
            # the NER head's entities from the same encoder pass.
            from .ner import entities
            from .targets import find_targets

            b = 0
            for k, (article, user_targets, _) in enumerate(chunk):
                t = perf_counter()
                a, b = b, b + len(article.sentences)  # this article's rows in the encoder batch
                ents = entities(texts[a:b], enc, range(a, b))
                target_sets[k] = find_targets(article, user_targets, ents)
                self.timings["targets"] += perf_counter() - t
                mentions.extend(target_sets[k].mentions)
        batch = Batch(texts=texts, enc=enc, quotes=quotes, mentions=mentions, article_ids=owners)
        raw = {}
        for scorer in scorers:
            t = perf_counter()
            raw[scorer.name] = scorer.score(batch)
            self.timings[scorer.name] += perf_counter() - t
        prov = self.provenance()
        pos = 0
        for k, (article, _, rid) in enumerate(chunk):
            n = len(article.sentences)
            results = {}
            for name, vals in raw.items():
                results[name] = [v.shifted(article.sentences[j].start) if hasattr(v, "shifted") else v
                                 for j, v in enumerate(vals[pos:pos + n])]
            pos += n
            warnings = []
            if (msg := language_warning(article.text)) is not None:
                log.warning("%s: %s", article.source, msg)
                warnings.append(msg)
            if any(enc.truncated[pos - n:pos]):
                warnings.append(f"{sum(enc.truncated[pos - n:pos])} sentence(s) truncated to the "
                                "encoder's 256 word pieces")
            yield Analysis(article, results, target_sets[k], prov, rid, warnings)


def segment_or_raise(doc: Document) -> Article:
    article = segment(doc)
    if not article.sentences:
        raise InputError(f"no paragraphs of text found: {doc.source}",
                         "the input has headings or markup but no prose to analyse")
    return article
