"""Wiring: Document -> Article -> one encoder pass -> (targets, from its NER head) -> scorers ->
Analysis -> the report stage (``framing.report.build``) -> Report.

Extension points: ``scorers`` (register), ``report.aggregate.AGGREGATORS`` (a scorer's unit
summary), ``render`` (FORMATS; render/table.py SECTION_COLUMNS/PANELS/PARAGRAPH_STYLERS/EXPLAINERS).
The encoder runs once per sentence; every scorer reads the same ``Batch``. Batch mode feeds
sentences from many articles through shared, length-sorted encoder batches, a chunk of
articles at a time so memory stays bounded. Within a chunk (and within one long article) the
sentences stream through the encoder and the scorers ``ENCODE_CHUNK`` at a time: only the
per-sentence results are kept, never the token states of the whole article.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from time import perf_counter
from typing import TYPE_CHECKING, Any

from . import __version__
from .deadline import Deadline, check
from .encoder import Encoder, load_encoder
from .errors import InputError
from .language import language_warning
from .load import Document
from .model import Article
from .scorers import DEFAULT_SCORERS, Batch, Mention, Scorer, ScorerConfig, get
from .segment import segment

if TYPE_CHECKING:
    from .report.model import Report

log = logging.getLogger("framing")

#: Articles are encoded together until their sentences reach this many (bounded memory in batch).
CHUNK_SENTENCES = 2048
#: Sentences encoded and scored at a time: the token states of at most this many sentences are
#: alive at once (about 10 MB at the seed's 26 word pieces a sentence), however long the article.
#: The default encoder's output does not depend on which sentences share a batch, so the results
#: are the same as encoding everything at once.
ENCODE_CHUNK = 256


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
        #: called with the number of sentences just scored (progress bars); None: nobody listens
        self.progress: Callable[[int], None] | None = None

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
        scorers: dict[str, dict[str, Any]] = {s.name: {"version": s.version} for s in self.scorers}
        if "stance" in scorers:
            from .report.stance import label_precision, thresholds

            if (lp := label_precision()) is not None:  # how far to trust the author labels (1.4)
                scorers["stance"]["author_label_precision"] = lp
            if (th := thresholds()) is not None:  # what the author labels are decided on (1.6)
                scorers["stance"]["author_thresholds"] = th
        return {"framing": __version__, "encoder": self.encoder.name, "scorers": scorers}

    # -- public API -------------------------------------------------------------------------
    def analyze(self, doc: Document, targets: Any = None) -> Report:
        """The typed report of one article: score, then the report stage (``framing.report``)."""
        from .report.build import build_report

        return build_report(self.score(doc, targets))

    def score(self, doc: Document, targets: Any = None) -> Analysis:
        """The per-sentence scores of one article (``analyze`` without the report stage)."""
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

    def analyze_articles(self, articles: Sequence[tuple[Article, Any]],
                         deadline: Deadline | None = None) -> list[Analysis]:
        """Analyse segmented articles together; ``deadline`` (``framing batch --timeout``) is
        checked between encoder chunks and raises ``TimedOut`` when it has passed."""
        return list(self._run([(a, t, None) for a, t in articles], deadline))

    # -- internals --------------------------------------------------------------------------
    def _run(self, chunk: list[tuple[Article, Any, str | None]],
             deadline: Deadline | None = None) -> Iterator[Analysis]:
        """Encode and score a chunk of articles, ENCODE_CHUNK sentences at a time.

        Sentences stream through the encoder in windows that end at an article boundary where
        they can (several short articles share a window; an article longer than a window gets
        windows of its own). Scorers that need no mentions score each window at once and its
        token states go. Targets need a whole article (its NER entities from every window), so
        mention scorers (stance) score an article's windows once the article is complete: only
        an article longer than ENCODE_CHUNK holds more than one window of token states.
        """
        scorers = self.scorers
        what = chunk[0][0].source if len(chunk) == 1 else f"{len(chunk)} articles"
        needs_mentions = self.needs("mentions")
        later = [sc for sc in scorers if "mentions" in sc.requires]
        now = [sc for sc in scorers if "mentions" not in sc.requires]
        target_sets: list[Any] = [None] * len(chunk)
        texts: list[str] = []
        quotes: list[list[tuple[int, int]]] = []
        owners: list[int] = []
        bounds: list[tuple[int, int]] = []  # each article's sentence rows
        for k, (article, _, _) in enumerate(chunk):
            a = len(texts)
            for s, near in zip(article.sentences, article.sentence_quotes(), strict=True):
                texts.append(article.text[s.start:s.end])
                quotes.append([(max(qs, s.start) - s.start, min(qe, s.end) - s.start) for qs, qe in near])
                owners.append(k)
            bounds.append((a, len(texts)))
        check(deadline, what)
        encoder = self.encoder
        raw: dict[str, list[Any]] = {scorer.name: [] for scorer in scorers}
        truncated: list[bool] = []
        ents: list[list[tuple[int, int, str]]] = []  # NER entities per sentence
        held: list[tuple[int, int, Any]] = []  # windows waiting for their articles' targets
        mentions: list[Sequence[Mention]] = []  # per sentence, for the complete articles
        later_out: dict[str, dict[int, Any]] = {sc.name: {} for sc in later}  # by sentence row
        pre: dict[str, dict[int, Any]] = {sc.name: {} for sc in later}  # long articles, all candidates
        unscored = [0] * len(chunk)
        done_articles = 0
        for a, b in _windows(bounds, ENCODE_CHUNK):
            t = perf_counter()
            enc = encoder.encode(texts[a:b])  # the one encoder pass for every head
            self.timings["encode"] += perf_counter() - t
            batch = Batch(texts=texts[a:b], enc=enc, quotes=quotes[a:b], article_ids=owners[a:b])
            for scorer in now:
                t = perf_counter()
                raw[scorer.name].extend(scorer.score(batch))
                self.timings[scorer.name] += perf_counter() - t
            truncated.extend(enc.truncated)
            if needs_mentions:
                from .ner import entities

                t = perf_counter()
                ents.extend(entities(texts[a:b], enc))
                self.timings["targets"] += perf_counter() - t
                lo, hi = bounds[owners[a]]
                if hi - lo > ENCODE_CHUNK:
                    # a long article: score every candidate span of this window now, pick the
                    # article's mentions among them once its targets are known (no states kept)
                    from .targets import candidate_spans

                    user_targets = chunk[owners[a]][1]
                    cands = [[Mention("", s, e) for s, e in candidate_spans(r - lo, texts[r], user_targets, ents[r])]
                             for r in range(a, b)]
                    cbatch = Batch(texts=texts[a:b], enc=enc, quotes=quotes[a:b], mentions=cands,
                                   article_ids=owners[a:b])
                    for scorer in later:
                        t = perf_counter()
                        pre[scorer.name].update(zip(range(a, b), scorer.score(cbatch), strict=True))
                        self.timings[scorer.name] += perf_counter() - t
                    del cbatch
                else:
                    held.append((a, b, enc))
            del batch, enc
            # articles complete up to row b: find their targets, score the held windows
            while done_articles < len(chunk) and bounds[done_articles][1] <= b:
                if needs_mentions:
                    from .targets import find_targets

                    t = perf_counter()
                    lo, hi = bounds[done_articles]
                    article, user_targets, _ = chunk[done_articles]
                    ts = find_targets(article, user_targets, ents[lo:hi])
                    target_sets[done_articles] = ts
                    mentions.extend(ts.mentions)
                    self.timings["targets"] += perf_counter() - t
                    for scorer in later:
                        for r in range(lo, hi):
                            if r in pre[scorer.name]:
                                res, miss = pre[scorer.name].pop(r).select(ts.mentions[r - lo])
                                later_out[scorer.name][r] = res
                                unscored[done_articles] += miss
                done_articles += 1
            if held and (done_articles == len(chunk) or bounds[done_articles][0] >= held[-1][1]):
                for ha, hb, henc in held:
                    hbatch = Batch(texts=texts[ha:hb], enc=henc, quotes=quotes[ha:hb],
                                   mentions=mentions[ha:hb], article_ids=owners[ha:hb])
                    for scorer in later:
                        t = perf_counter()
                        later_out[scorer.name].update(zip(range(ha, hb), scorer.score(hbatch), strict=True))
                        self.timings[scorer.name] += perf_counter() - t
                held = []  # the token states go; the per-sentence results stay
            if self.progress is not None:
                self.progress(b - a)
            check(deadline, what)
        for scorer in later:
            raw[scorer.name] = [later_out[scorer.name][r] for r in range(len(texts))]
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
            if unscored[k]:
                warnings.append(f"{unscored[k]} target mention(s) could not be scored for stance")
            if any(truncated[pos - n:pos]):
                warnings.append(f"{sum(truncated[pos - n:pos])} sentence(s) truncated to the "
                                "encoder's 256 word pieces")
            yield Analysis(article, results, target_sets[k], prov, rid, warnings)


def _windows(bounds: Sequence[tuple[int, int]], size: int) -> Iterator[tuple[int, int]]:
    """Sentence windows of at most ``size`` rows that end at article boundaries where they can:
    whole articles share a window; an article longer than ``size`` is cut into its own windows."""
    a = b = bounds[0][0] if bounds else 0
    for lo, hi in bounds:
        if hi - a > size and b > a:  # this article does not fit beside the ones gathered
            yield a, b
            a = b
        if hi - lo > size:  # a long article: its own windows
            for x in range(lo, hi, size):
                yield x, min(x + size, hi)
            a = b = hi
            continue
        b = hi
    if b > a:
        yield a, b


def segment_or_raise(doc: Document) -> Article:
    article = segment(doc)
    if not article.sentences:
        raise InputError(f"no paragraphs of text found: {doc.source}",
                         "the input has headings or markup but no prose to analyse")
    return article
