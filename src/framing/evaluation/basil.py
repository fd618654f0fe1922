"""BASIL: the author's feeling toward each main entity, measured through ``framing batch``.

Fan et al. 2019 (EMNLP), ``../shared/data/basil`` (2010-2015 events; later events are held out
and never seen here). Each article becomes one JSONL record ``{"id", "text", "title",
"targets"}`` (text: the body paragraphs, one paragraph a line block; targets: the article's
``main-entities``), run through :func:`framing.batch.process` (the code ``framing batch``
runs), and the article-level ``targets[].stance.author.label`` of each main entity is read
back: against/neutral/favor against the annotated neg/neu/pos. Metric: macro-F1 over the three
classes; an entity the pipeline never found counts as neutral.

Split by event (``triplet-uuid``), never by article: events are ordered by the SHA-1 of their
uuid and cut 60/20/20 into ``train`` (fits the slant head of the article-level stance model,
``framing.train.stance_article``, and, read with out-of-fold slant, helps tune its decision
rule), ``tune`` (its decision rule) and ``report`` (touched by nothing; its figure is the dev
figure to quote). All figures are dev figures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._cli import macro_f1 as _macro_f1
from ._cli import reports

#: BASIL label -> framing label
GOLD = {"neg": "against", "neu": "neutral", "pos": "favor"}
LABELS = ("against", "neutral", "favor")
#: share of events in train and tune (the rest is the report part)
SPLIT = (0.6, 0.2)


@dataclass(frozen=True)
class BasilArticle:
    id: str  # "<triplet-uuid>_<n>"
    event: str  # triplet-uuid
    source: str  # fox | nyt | hpo
    title: str
    paragraphs: tuple[tuple[str, ...], ...]
    entities: tuple[str, ...]  # main entities (names as the record's targets)
    gold: dict[str, str]  # entity -> against | neutral | favor
    phrases: tuple[dict[str, Any], ...]  # phrase-level annotations as given

    @property
    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs)

    def sentence_starts(self) -> list[int]:
        """Char offset in ``text`` of each BASIL sentence ("pN" ids count them from 0)."""
        out, pos = [], 0
        for p in self.paragraphs:
            for s in p:
                out.append(pos)
                pos += len(s) + 1
            pos += 1  # "\n\n" replaces the last " "
        return out

    def phrase_spans(self) -> list[tuple[int, int, dict[str, Any]]]:
        """(start, end, annotation) of every body phrase annotation, as offsets into ``text``."""
        starts = self.sentence_starts()
        out = []
        for ph in self.phrases:
            pid = str(ph.get("id", ""))
            if not pid.startswith("p") or not pid[1:].isdigit() or int(pid[1:]) >= len(starts):
                continue
            base = starts[int(pid[1:])]
            out.append((base + int(ph["start"]), base + int(ph["end"]), ph))
        return out

    def targets_spec(self) -> dict[str, list[str]]:
        """The record's targets as ``framing batch`` reads them."""
        from ..target_specs import normalize

        return normalize(list(self.entities), self.id)

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "title": self.title, "targets": list(self.entities)}


def root() -> Path:
    from ..train.features import data_dir

    return data_dir() / "basil"


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def load_articles() -> list[BasilArticle]:
    """Every article of the folder with its gold entity feelings, in a fixed order."""
    out = []
    base = root()
    for path in sorted((base / "articles").glob("*/*.json")):
        a = json.loads(path.read_text(encoding="utf-8"))
        ann_path = base / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
        feel = {_key(k[len("author_feeling_"):]): v
                for k, v in ann["article-level-annotations"].items()
                if k.startswith("author_feeling_") and k != "author_feeling_main_event"}
        entities, gold = [], {}
        for name in a["main-entities"]:
            name = " ".join(name.split())
            v = feel.get(_key(name))
            if name and v in GOLD and name not in gold:
                entities.append(name)
                gold[name] = GOLD[v]
        paragraphs = tuple(tuple(s.strip() for s in p if s.strip()) for p in a["body-paragraphs"])
        out.append(BasilArticle(path.stem, a["triplet-uuid"], a["source"].lower(), a["title"].strip(),
                                tuple(p for p in paragraphs if p), tuple(entities), gold,
                                tuple(ann.get("phrase-level-annotations", []))))
    return out


def split_of(event: str, events: list[str]) -> str:
    """train | tune | report for an event, by its rank in SHA-1 order among ``events``."""
    order = sorted(set(events), key=lambda e: hashlib.sha1(e.encode()).hexdigest())
    rank = order.index(event) / len(order)
    return "train" if rank < SPLIT[0] else "tune" if rank < SPLIT[0] + SPLIT[1] else "report"


def splits(articles: list[BasilArticle] | None = None) -> dict[str, list[BasilArticle]]:
    articles = load_articles() if articles is None else articles
    events = [a.event for a in articles]
    out: dict[str, list[BasilArticle]] = {"train": [], "tune": [], "report": []}
    for a in articles:
        out[split_of(a.event, events)].append(a)
    return out


def batch_reports(articles: list[BasilArticle]) -> Iterator[tuple[BasilArticle, dict[str, Any]]]:
    """Each article through ``framing batch``'s code path (JSONL records, default scorers)."""
    for a, rep in zip(articles, reports(a.record() for a in articles), strict=True):
        if "error" in rep:
            raise RuntimeError(f"BASIL article {a.id} failed: {rep['error']}")
        yield a, rep


def author_label(report: dict[str, Any], name: str) -> str:
    """The article-level author-voice label of a target (neutral when it was not found)."""
    for t in report.get("targets", []):
        if t["name"] == name:
            st = t.get("stance") or {}
            return (st.get("author") or {}).get("label") or "neutral"
    return "neutral"


def macro_f1(gold: list[str], pred: list[str]) -> float:
    return _macro_f1(gold, pred, LABELS)


#: event-bootstrap resamples behind ``score``'s interval (seeded: one data set gives one interval)
BOOTSTRAP = 2000


def event_interval(pairs: list[tuple[str, str]], events: list[str], level: float = 0.95,
                   draws: int = BOOTSTRAP, seed: int = 13) -> tuple[float, float]:
    """A percentile interval of the macro-F1 over resamples of whole events (an event's three
    articles and their entities move together, as the split keeps them): how far the dev figure
    could move on other events of the same kind. 72 entities of 12 events give a wide one."""
    import numpy as np

    by: dict[str, list[int]] = {}
    for i, e in enumerate(events):
        by.setdefault(e, []).append(i)
    groups = list(by.values())
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(draws):
        idx = [i for k in rng.integers(0, len(groups), len(groups)) for i in groups[k]]
        vals.append(macro_f1([pairs[i][0] for i in idx], [pairs[i][1] for i in idx]))
    lo, hi = np.quantile(vals, [(1 - level) / 2, (1 + level) / 2])
    return round(float(lo), 4), round(float(hi), 4)


def score(pairs: list[tuple[str, str]], events: list[str] | None = None) -> dict[str, Any]:
    """Macro-F1, accuracy, per-label precision and recall of (gold, predicted) pairs; with each
    pair's event, the event-bootstrap 95 % interval of the macro-F1 (``event_interval``)."""
    gold = [g for g, _ in pairs]
    pred = [p for _, p in pairs]
    def share(num: int, den: int) -> float | None:
        return round(num / den, 4) if den else None

    hit = {c: sum(g == p == c for g, p in pairs) for c in LABELS}
    return {"macro_f1": round(macro_f1(gold, pred), 4),
            "accuracy": round(sum(g == p for g, p in pairs) / max(1, len(pairs)), 4),
            # how often a label the CLI states is right, and how much of each gold class it finds
            "precision": {c: share(hit[c], pred.count(c)) for c in LABELS},
            "recall": {c: share(hit[c], gold.count(c)) for c in LABELS},
            "n": len(pairs),
            "gold": {c: gold.count(c) for c in LABELS},
            "predicted": {c: pred.count(c) for c in LABELS},
            **({"macro_f1_ci95": list(event_interval(pairs, events))} if events is not None else {})}


def run() -> dict[str, Any]:
    parts = splits()
    out: dict[str, Any] = {
        "what": "BASIL author feeling per main entity (neg/neu/pos) from `framing batch` records with "
                "the main entities as targets, article-level targets[].stance.author.label; split by "
                "event (triplet-uuid, SHA-1 order 60/20/20); the slant head is fit on train, the decision "
                "rule tuned on train (out-of-fold slant) + tune; report is the dev figure to quote",
        "events": {k: len({a.event for a in v}) for k, v in parts.items()},
    }
    for name in ("tune", "report", "train"):
        rows = [(a.event, a.gold[e], author_label(rep, e)) for a, rep in batch_reports(parts[name])
                for e in a.entities]
        out[name] = score([(g, p) for _, g, p in rows], [ev for ev, _, _ in rows])
    out["report_dev_macro_f1"] = out["report"]["macro_f1"]
    return out
