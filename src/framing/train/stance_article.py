"""Train the article-level stance model (``models/stance_article.v1``) on BASIL.

How sentence-level evidence adds up to the article's stance toward a main entity. Two artifacts:

* ``models/stance_slant.v1``: a mention-level head on the same mention features as the stance
  head (one encoder pass), trained on the BASIL **train** events: each main-entity mention is
  labelled by BASIL's phrase-level spans about that entity in its sentence in the author's voice
  (``quote`` = no; neg -> against, pos -> favor), everything else (quoted spans, no span)
  neutral. It reads BASIL's notion of the author's slant (wording and which facts are told).
* ``models/stance_article.v1/config.json``: the rule ``framing.report.stance.article_evidence``
  (against evidence: mean over the author's mentions of a weighted P(against) of the stance and
  slant heads; favor evidence likewise; the actor's role applied) and its two thresholds
  (``article_label``), tuned on the BASIL **tune** events.

The **report** events are only measured (``framing.evaluation.basil``, through ``framing
batch``). Split: ``framing.evaluation.basil``.

The mention readings come from the pipeline itself (``Pipeline`` with the stance scorer, the
article text and title as ``framing batch`` builds them from a record, the main entities as the
record's targets), so the model learns from what it will read at run time. They are cached in
``.cache/features/`` keyed by the stance head and this data.

``python -m framing.train stance_article`` rebuilds both artifacts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..report.stance import THRESHOLD_STEP, _block, article_evidence, article_label, uses_article_rule
from ..scorers.stance import LABELS, MentionStance, mention_role
from .features import cache_root, encoder_name

SEED = 13
#: the slant head (framing.train.stance.fit): C chosen among 0.0003/0.001/0.003 x balanced/None
#: on tune mention macro-F1 (0.36; see card.md)
SLANT = {"model": "lr", "C": 0.001, "class_weight": "balanced"}
#: folds (by event) of the out-of-fold slant readings the rule is tuned on
FOLDS = 4
#: the rule's grid: the stance head's share of the against and of the favor evidence (the slant
#: head has the rest), chosen by the mean of tune and train macro-F1; the thresholds on each
#: evidence are tuned on the tune events
AGAINST_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
FAVOR_WEIGHTS = (0.0, 0.5, 1.0)
#: what a doer of harm (role ``agent``) adds to its mention's share of the against evidence
AGENT_BONUSES = (0.0, 0.1, 0.2, 0.3)
AGAINST = tuple(round(x, 3) for x in np.arange(0.1, 0.801, THRESHOLD_STEP))
FAVOR = tuple(round(x, 3) for x in np.arange(0.1, 0.901, THRESHOLD_STEP))
#: threshold grid steps on each side of a weighting's optimum that its plateau averages (``tune_rule``)
PLATEAU = 1


def out_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "models" / "stance_article.v1"


def slant_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "models" / "stance_slant.v1"


def _mentions_cache_key(articles: list[Any]) -> str:
    from ..resources import artifact

    h = hashlib.sha1(b"v3")
    from .. import targets

    h.update((artifact("stance.v1") / "weights.safetensors").read_bytes())
    h.update((artifact("ner.v1") / "weights.safetensors").read_bytes())  # the targets stage reads the NER head
    from ..encoder import identity

    h.update(identity().encode())  # the pipeline's encoder gives the mentions' probabilities
    h.update(Path(targets.__file__).read_bytes())  # mentions come from the targets stage
    for a in articles:
        h.update(json.dumps(a.record(), sort_keys=True).encode())
    return h.hexdigest()[:16]


def article_mentions(articles: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """Per article id, its stance mentions (article order) as the pipeline reads them."""
    from dataclasses import replace

    from ..load import load_text
    from ..pipeline import Pipeline, segment_or_raise

    path = cache_root() / f"basil_stance_mentions_{_mentions_cache_key(articles)}.json"
    if path.exists():
        return json.loads(path.read_text())
    pipe = Pipeline(["stance"])
    out: dict[str, list[dict[str, Any]]] = {}
    items = []
    for a in articles:
        doc = replace(load_text(a.text, a.id, None), title=a.title)
        items.append((segment_or_raise(doc), a.targets_spec()))
    for a, analysis in zip(articles, pipe.analyze_articles(items), strict=True):
        art = analysis.article
        rows = []
        for sent, res in zip(art.sentences, analysis.results["stance"], strict=True):
            text = art.text[sent.start:sent.end]
            for m in res.mentions:
                rows.append({"target": m.target, "s": m.start - sent.start, "e": m.end - sent.start,
                             "base": sent.start,
                             "sentence": text, "score": m.score, "probs": list(m.probs),
                             "quoted": m.quoted, "label": m.label})
        out[a.id] = rows
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out))
    return out


def mention_labels(a: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Per mention row: the author's slant toward its target in that sentence from BASIL's phrase
    annotations (an unquoted neg/pos span about the target in the sentence: against/favor;
    quoted spans and none: neutral, so the head learns the author's voice, not the sources')."""
    from ..evaluation.basil import _key

    spans = [(s, e, _key(ph.get("target", "")), ph.get("polarity"), ph.get("quote"))
             for s, e, ph in a.phrase_spans()]
    out = []
    for r in rows:
        b, end = r["base"], r["base"] + len(r["sentence"])
        k = _key(r["target"])
        pol = [p for s, e, t, p, q in spans if t == k and q == "no" and s < end and e > b]
        neg, pos = pol.count("neg"), pol.count("pos")
        out.append(0 if neg > pos else 2 if pos > neg else 1)
    return out


def mention_dataset(articles: list[Any], mentions: dict[str, list[dict[str, Any]]],
                    tag: str) -> tuple[np.ndarray, np.ndarray]:
    """(mention features, slant labels) for every main-entity mention in ``articles``, in the
    order of ``mentions[a.id]`` filtered to the article's main entities."""
    from ..scorers.stance import _trim, mention_features
    from .features import encode_cached

    texts: list[str] = []
    index: dict[str, int] = {}
    items = []
    for a in articles:
        rows = [r for r in mentions[a.id] if r["target"] in a.gold]
        for r, lab in zip(rows, mention_labels(a, rows), strict=True):
            if r["sentence"] not in index:
                index[r["sentence"]] = len(texts)
                texts.append(r["sentence"])
            items.append((index[r["sentence"]], *_trim(r["sentence"], r["s"], r["e"]), lab))
    enc = encode_cached(texts, f"basil_{tag}")
    x = np.stack([mention_features(enc.states[i], enc.offsets[i], s, e) for i, s, e, _ in items])
    return x, np.array([lab for *_, lab in items])


def stances(articles: list[Any], mentions: dict[str, list[dict[str, Any]]], slant: Any,
            tag: str, probs: np.ndarray | None = None) -> dict[str, list[tuple[MentionStance, int]]]:
    """Per article, its main-entity mentions as (MentionStance, sentence start): roles from
    today's ``mention_role``, slant from the given head (or the given slant ``probs``, in
    ``LABELS`` order, one row per mention of ``mention_dataset``)."""
    if probs is None:
        x, _ = mention_dataset(articles, mentions, tag)
        order = [list(slant.labels).index(lbl) for lbl in LABELS]
        probs = slant(x)[:, order]
    p = probs
    out: dict[str, list[tuple[MentionStance, int]]] = {}
    k = 0
    for a in articles:
        rows = [r for r in mentions[a.id] if r["target"] in a.gold]
        out[a.id] = [(MentionStance(r["target"], r["s"], r["e"], r["sentence"][r["s"]:r["e"]], r["score"],
                                    r["label"], tuple(r["probs"]), r["quoted"], None, (),
                                    mention_role(r["sentence"], r["s"], r["e"]), tuple(p[k + j])), r["base"])
                     for j, r in enumerate(rows)]
        k += len(rows)
    return out


Evidence = tuple[float, float]


def gold_scores(articles: list[Any], ms: dict[str, list[tuple[MentionStance, int]]],
                rule: dict[str, Any]) -> tuple[list[str], list[Evidence | str | None]]:
    """(gold labels, article readings): the (against, favor) evidence of the rule, the
    sentence-level label (the author's mentions as ``_block`` reads them) where the rule does
    not apply, None where never found."""
    gold: list[str] = []
    scores: list[Evidence | str | None] = []
    for a in articles:
        for ent in a.entities:
            own = [(m, k) for m, k in ms[a.id] if m.target == ent]
            gold.append(a.gold[ent])
            if not own:
                scores.append(None)
            elif uses_article_rule([m for m, _ in own], [k for _, k in own]):
                scores.append(article_evidence([m for m, _ in own], rule))
            else:
                scores.append(_block([m for m, _ in own if not m.quoted])["label"])  # as summarize
    return gold, scores


def f1_of(gold: list[str], scores: list[Evidence | str | None], rule: dict[str, Any]) -> float:
    from ..evaluation.basil import macro_f1

    return macro_f1(gold, ["neutral" if s is None else s if isinstance(s, str) else article_label(s, rule)
                           for s in scores])


def _middle(values: list[float]) -> float:
    """The middle of the longest run of consecutive grid values (the widest margin)."""
    runs: list[list[float]] = []
    for v in sorted(values):
        if runs and abs(v - runs[-1][-1] - THRESHOLD_STEP) < 1e-6:
            runs[-1].append(v)
        else:
            runs.append([v])
    run = max(runs, key=len)
    return round(run[len(run) // 2], 3)


def tune_thresholds(gold: list[str], scores: list[Evidence | str | None], base: dict[str, Any]
                    ) -> tuple[dict[str, Any], float, float]:
    """Thresholds maximising macro-F1 for one weighting; among ties, the middle of the tied range.
    Returns (rule, its macro-F1, its plateau: the mean macro-F1 over the thresholds one grid step
    or less from the chosen ones, ``PLATEAU``)."""
    table = {(lo, hi): f1_of(gold, scores, {**base, "against": lo, "favor": hi})
             for lo in AGAINST for hi in FAVOR}
    top = max(table.values())
    lo = _middle([lo for (lo, _), f in table.items() if f >= top - 1e-9])
    hi = _middle([hi for (lo2, hi), f in table.items() if lo2 == lo and f >= top - 1e-9])
    i, j = AGAINST.index(lo), FAVOR.index(hi)
    near = [table[(a, f)] for a in AGAINST[max(i - PLATEAU, 0):i + PLATEAU + 1]
            for f in FAVOR[max(j - PLATEAU, 0):j + PLATEAU + 1]]
    return {**base, "against": lo, "favor": hi}, top, float(np.mean(near))


def tune_rule(parts: dict[str, list[Any]], ms: dict[str, dict[str, list[tuple[MentionStance, int]]]]
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Weights and thresholds on the train and tune events together (the train events read with
    out-of-fold slant, ``out_of_fold_slant``, so no event is scored by a head fit on it; 48 events
    instead of 12 steady the thresholds: the tune part alone has 7 `against` entities and its
    optimum sat on a cliff). Per weighting (the two heads' shares and the agent bonus), the
    thresholds maximising macro-F1; among the weightings, the one whose optimum stands on the
    highest **plateau** (mean macro-F1 one threshold step around it): the peaks of two weightings
    differed by less than one entity's worth (0.5068 vs 0.5051 pooled, session 7), and which was
    higher flipped with the out-of-fold heads' fitting noise, while their plateaus differ clearly.
    Returns (rule, the grid's figures)."""
    pooled = [a for k in ("train", "tune") for a in parts[k]]
    pooled_ms = {**ms["train"], **ms["tune"]}
    grid = {}
    for wa in AGAINST_WEIGHTS:
        for wf in FAVOR_WEIGHTS:
            for bonus in AGENT_BONUSES:
                base = {"against_weight": wa, "favor_weight": wf, "agent_bonus": bonus}
                gold, scores = gold_scores(pooled, pooled_ms, base)
                rule, f1, plateau = tune_thresholds(gold, scores, base)
                per = {k: round(f1_of(*gold_scores(parts[k], ms[k], rule)[:2], rule), 4) for k in ("train", "tune")}
                grid[(wa, wf, bonus)] = (rule, round(f1, 4), round(plateau, 4), per)
    best = max(grid, key=lambda k: (grid[k][2], grid[k][1], -k[2], k[0], k[1]))  # ties: the smaller bonus
    return grid[best][0], {f"against_weight={wa},favor_weight={wf},agent_bonus={b}":
                           {"rule": r, "pooled": f, "plateau": pl, **per}
                           for (wa, wf, b), (r, f, pl, per) in grid.items()}


def out_of_fold_slant(x: np.ndarray, y: np.ndarray, events: list[str]) -> np.ndarray:
    """Slant probabilities (``LABELS`` order) for the train mentions from heads fit on the other
    events (``FOLDS`` folds by event), as an unseen event would read them."""
    from ..heads import Head
    from .stance import fit as fit_head

    ev = np.array(events)
    order = sorted(set(events), key=lambda e: hashlib.sha1(e.encode()).hexdigest())
    out = np.zeros((len(y), len(LABELS)), np.float32)
    for k in range(FOLDS):
        held = np.isin(ev, order[k::FOLDS])
        layers, tensors = fit_head(x[~held], y[~held], SLANT)
        head = Head("stance_slant", {"layers": layers, "labels": list(LABELS)}, tensors)
        out[held] = head(x[held])
    return out


def mention_events(articles: list[Any], mentions: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The event of each main-entity mention, in ``mention_dataset`` order."""
    return [a.event for a in articles for r in mentions[a.id] if r["target"] in a.gold]


def _data() -> tuple[dict[str, list[Any]], dict[str, list[dict[str, Any]]]]:
    from ..evaluation.basil import splits

    parts = splits()
    allarts = [a for v in parts.values() for a in v]
    return parts, article_mentions(allarts)


def _plain(mean: float) -> Evidence:
    """A plain mean score as (against, favor) evidence, for the comparison in ``evaluate``."""
    return max(-mean, 0.0), max(mean, 0.0)


def evaluate() -> dict[str, Any]:
    """Macro-F1 of the shipped rule and slant head on the BASIL parts from the pipeline's mention
    readings (the end-to-end figure through ``framing batch`` is ``python -m framing.evaluation
    basil``), and a plain mean (of the author's mention scores, +-0.15) for comparison."""
    from ..heads import load_head
    from ..report.stance import _article_config, article_rule

    _article_config.cache_clear()
    rule = article_rule()
    slant = load_head(slant_dir())
    parts, mentions = _data()
    out: dict[str, Any] = {}
    plain = {"against": 0.15, "favor": 0.15}
    for name in ("train", "tune", "report"):
        ms = stances(parts[name], mentions, slant, name)
        gold, scores = gold_scores(parts[name], ms, rule)
        out[f"{name}_macro_f1"] = round(f1_of(gold, scores, rule), 4)
        out[f"{name}_n"] = len(gold)
        means = [None if not own else _plain(float(np.mean([m.score for m, _ in own if not m.quoted] or [0.0])))
                 for own in ([(m, k) for m, k in ms[a.id] if m.target == e] for a in parts[name] for e in a.entities)]
        out[f"{name}_plain_mean_macro_f1"] = round(f1_of(gold, means, plain), 4)
    return out


def measure_label_precision(parts: dict[str, list[Any]]) -> dict[str, Any]:
    """How often each author label the CLI states is right on the tune and report events, through
    ``framing batch`` with the artifacts just written (the report's ``models.scorers.stance``
    carries it, and the targets table says it)."""
    from ..evaluation.basil import LABELS as BASIL_LABELS
    from ..evaluation.basil import author_label, batch_reports, score
    from ..report.stance import _article_config

    _article_config.cache_clear()
    arts = parts["tune"] + parts["report"]
    s = score([(a.gold[e], author_label(rep, e)) for a, rep in batch_reports(arts) for e in a.entities])
    return {**s["precision"], **{f"{c}_said": s["predicted"][c] for c in BASIL_LABELS}, "entities": s["n"],
            "measured": "BASIL tune + report events (framing.evaluation.basil split), each article "
                        "through framing batch with its main entities as targets"}


def main(argv: list[str] | None = None) -> int:
    from ..heads import save_head
    from .stance import fit as fit_head

    argparse.ArgumentParser(prog="python -m framing.train.stance_article").parse_args(argv)
    t0 = time.perf_counter()
    parts, mentions = _data()
    x, y = mention_dataset(parts["train"], mentions, "train")
    layers, tensors = fit_head(x, y, SLANT)
    save_head(slant_dir(), "stance_slant", layers, tensors, input_dim=int(x.shape[1]), labels=list(LABELS),
              meta={"data": "BASIL 2010-2015 train events: main-entity mentions labelled by the unquoted "
                            "phrase-level spans about that entity in the sentence (neg/pos), else neutral",
                    "seed": SEED, "hyper": SLANT, "n_train": len(y),
                    "label_counts": np.bincount(y, minlength=3).tolist(), "encoder": encoder_name()})
    from ..heads import load_head

    slant = load_head(slant_dir())
    oof = out_of_fold_slant(x, y, mention_events(parts["train"], mentions))
    ms = {"train": stances(parts["train"], mentions, slant, "train", oof),
          "tune": stances(parts["tune"], mentions, slant, "tune")}
    rule, grid = tune_rule(parts, ms)
    out_dir().mkdir(parents=True, exist_ok=True)
    (out_dir() / "config.json").write_text(json.dumps(
        {"name": "stance_article", "version": 1, "rule": rule,
         "meta": {"data": "BASIL 2010-2015 train events (slant head; rule with out-of-fold slant) "
                          "and tune events (rule)",
                  "split": "framing.evaluation.basil (SHA-1 event order, 60/20/20)", "seed": SEED,
                  "grid": {"against_weight": list(AGAINST_WEIGHTS), "favor_weight": list(FAVOR_WEIGHTS),
                           "agent_bonus": list(AGENT_BONUSES),
                           "against": [AGAINST[0], AGAINST[-1]],
                           "favor": [FAVOR[0], FAVOR[-1]]}}}, indent=2, sort_keys=True) + "\n")
    metrics = evaluate()
    precision = measure_label_precision(parts)
    config = json.loads((out_dir() / "config.json").read_text())
    config["meta"]["label_precision"] = precision
    (out_dir() / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    metrics.update({"rule": rule, "grid": grid, "seed": SEED, "label_precision": precision,
                    "slant_hyper": SLANT, "slant_n_train": len(y), "encoder": encoder_name(),
                    "seconds": round(time.perf_counter() - t0, 1)})
    (out_dir() / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    sys.stderr.write(json.dumps(metrics, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
