"""Rebuild the loaded-terms artifacts: ``models/lexicon.v1.tsv`` and ``models/loaded_terms.v1/``.

Data: PTC train spans (propaganda/ptc_train_*), BABE SG2 biased words (bias/babe_sg2_train.csv),
SemEval-2023 paragraph labels (propaganda/semeval2023_train_*) for the paragraph-level dev metric.
PTC and SemEval-2023 hold the same articles: ``lexicon.article_is_dev`` splits them once by
article id (20% dev) and every step here uses that split; BABE uses its stratified 80/20 split.

Steps: (1) derive the lexicon from TRAIN articles / rows; (2) label each word piece of the train
sentences (inside a Loaded_Language span = loaded, inside Name_Calling,Labeling = name_calling,
a BABE biased word = loaded) and fit a small MLP over [piece state, sentence pooled vector];
(3) count, per word of the same train sentences, how often it occurs and how often it lies in a
labelled span (``word_evidence.json``: the detector-only discount, ``scorers.loaded_terms.WordEvidence``);
(4) on the DEV articles, tune the emission threshold and the lexicon/detector mix for
paragraph-level Loaded_Language F1 and measure token-overlap span F1 on PTC dev; then, on the
dev articles' TUNE half only (``evaluation._cli.half``, the split the end-to-end evaluation
reports by), tune the evidence smoothing and the detector-only threshold for precision-weighted
span F0.5, and report them on the other half.

``python -m framing.train loaded_terms`` rebuilds; ``evaluate()`` re-measures the shipped files.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..encoder import Encoded
from ..evaluation._cli import half
from ..heads import save_head
from ..lexicon import LOADED_CATEGORIES, Lexicon, load_lexicon, words
from ..resources import artifact
from ..scorers import Batch
from ..scorers.loaded_terms import (
    CLASSES,
    EVIDENCE_FILE,
    HEAD,
    LoadedTermsScorer,
    WordEvidence,
    piece_features,
    read_evidence,
)
from .features import data_dir, encode_cached, encoder_name
from .lexicon import (
    SEED,
    LabelledSentence,
    article_is_dev,
    babe_rows,
    build_lexicon,
    ptc_sentences,
    write_tsv,
)

log = logging.getLogger("framing")

LEXICON_FILE = "lexicon.v1.tsv"
#: Negative word pieces kept for training (all positives are kept); keeps memory ~0.5 GB.
NEG_KEEP = 0.35
HIDDEN = 256
EPOCHS = 4
LR = 1e-3
WEIGHT_DECAY = 1e-4
#: Grids searched on the dev articles (paragraph-level Loaded_Language F1).
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.2, 0.91, 0.05))
MIXES = (0.0, 0.3, 0.5, 0.7)
#: Span emission thresholds searched for PTC dev span F1 (the report shows spans above it).
SPAN_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45)
SPAN_F1_SLACK = 0.01
PTC_LABEL = {"Loaded_Language": 1, "Name_Calling,Labeling": 2}
#: Detector-only words (WordEvidence): the evidence discount enters at weight 1 (the detector's
#: odds times the word's likelihood ratio, naive Bayes; a logistic fit of in-span on the dev tune
#: half's detector-only words gives 0.8-1.0). On the dev TUNE half: its smoothing pseudo-count by
#: held-out log-likelihood, then the detector-only threshold by span F-beta, beta 0.5 (a reader
#: pays more for a false highlight than for a missed one).
EVIDENCE_WEIGHT = 1.0
EVIDENCE_STRENGTHS = (1.0, 3.0, 10.0, 30.0)
MODEL_THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.25, 0.81, 0.05))
SPAN_BETA = 0.5


def piece_labels(text: str, offsets: np.ndarray, spans: Sequence[tuple[int, int, str]]) -> np.ndarray:
    """0 none / 1 loaded / 2 name_calling per word piece (specials are -1, ignored)."""
    lab = np.zeros(len(offsets), np.int64)
    real = offsets[:, 1] > offsets[:, 0]
    lab[~real] = -1
    for s, e, tech in spans:
        c = PTC_LABEL.get(tech)
        if c is None:
            continue
        inside = real & (offsets[:, 0] >= s) & (offsets[:, 1] <= e)
        lab[inside] = np.maximum(lab[inside], c)  # name_calling wins where both overlap
    return lab


def babe_spans(text: str, biased_words: Sequence[str]) -> list[tuple[int, int, str]]:
    marked = {w for bw in biased_words for _, _, w in words(bw)}
    return [(s, e, "Loaded_Language") for s, e, w in words(text) if w in marked]


@lru_cache(maxsize=2)
def word_evidence(stored_only: bool = True) -> dict:
    """Per normalized word of the TRAIN sentences the detector learns from (PTC train articles,
    BABE train rows): occurrences, and occurrences inside a Loaded_Language / Name_Calling span or
    marked as a BABE biased word (the detector's positive labels). Stored: the words inside a span
    less often than the corpus-wide rate (the only ones ``WordEvidence`` discounts)."""
    occ: dict[str, int] = defaultdict(int)
    hits: dict[str, int] = defaultdict(int)
    for s in ptc_sentences():
        if article_is_dev(s.article):
            continue
        spans = [(a, b) for a, b, t in s.spans if t in PTC_LABEL]
        for ws, we, w in words(s.text):
            occ[w] += 1
            hits[w] += any(a <= ws and we <= b for a, b in spans)
    for r in babe_rows():
        if r.dev:
            continue
        marked = {w for bw in r.biased_words for _, _, w in words(bw)}
        for _, _, w in words(r.text):
            occ[w] += 1
            hits[w] += w in marked
    base = sum(hits.values()) / max(1, sum(occ.values()))
    counts = {w: (n, hits[w]) for w, n in occ.items() if not stored_only or hits[w] < n * base}
    return WordEvidence(round(base, 6), counts).to_json()


def write_evidence(out: Path, data: dict) -> None:
    (out / EVIDENCE_FILE).write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n",
                                     encoding="utf-8")


def _encode_ptc() -> tuple[tuple[LabelledSentence, ...], Encoded]:
    sents = ptc_sentences()
    return sents, encode_cached([s.text for s in sents], "ptc")


def _encode_babe():  # type: ignore[no-untyped-def]
    rows = babe_rows()
    return rows, encode_cached([r.text for r in rows], "babe")


def training_set(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    sents, enc = _encode_ptc()
    rows, benc = _encode_babe()
    xs, ys = [], []
    items = [(enc, i, s.text, s.spans) for i, s in enumerate(sents) if not article_is_dev(s.article)]
    items += [(benc, i, r.text, babe_spans(r.text, r.biased_words)) for i, r in enumerate(rows) if not r.dev]
    for e, i, text, spans in items:
        lab = piece_labels(text, e.offsets[i], spans)
        keep = (lab > 0) | ((lab == 0) & (rng.random(len(lab)) < NEG_KEEP))
        if keep.any():
            xs.append(piece_features(e.states[i][keep], e.pooled[i]).astype(np.float16))
            ys.append(lab[keep])
    return np.concatenate(xs), np.concatenate(ys)


def fit_mlp(x: np.ndarray, y: np.ndarray, seed: int = SEED) -> tuple[list[dict], dict[str, np.ndarray]]:
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    mu = x.astype(np.float32).mean(0)
    sd = x.astype(np.float32).std(0) + 1e-4
    d = x.shape[1]
    net = torch.nn.Sequential(
        torch.nn.Linear(d, HIDDEN),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.1),
        torch.nn.Linear(HIDDEN, len(CLASSES)),
    )
    opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    # undo the negative subsampling in the loss so probabilities stay calibrated-ish
    w = torch.tensor([1.0 / NEG_KEEP, 1.0, 1.0])
    loss_fn = torch.nn.CrossEntropyLoss(weight=w)
    mu_t, sd_t = torch.from_numpy(mu), torch.from_numpy(sd)
    yt = torch.from_numpy(y)
    g = torch.Generator().manual_seed(seed)
    for epoch in range(EPOCHS):
        perm = torch.randperm(len(y), generator=g)
        net.train()
        total = 0.0
        for b in range(0, len(y), 512):
            idx = perm[b : b + 512]
            xb = (torch.from_numpy(x[idx.numpy()].astype(np.float32)) - mu_t) / sd_t
            loss = loss_fn(net(xb), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        log.info("epoch %d loss %.4f", epoch, total / len(y))
    net.eval()
    l1, l2 = net[0], net[3]
    tensors = {
        "mu": mu,
        "sd": sd,
        "w0": l1.weight.detach().numpy().T.copy(),
        "b0": l1.bias.detach().numpy().copy(),
        "w1": l2.weight.detach().numpy().T.copy(),
        "b1": l2.bias.detach().numpy().copy(),
    }
    layers = [
        {"op": "standardize", "mean": "mu", "std": "sd"},
        {"op": "linear", "weight": "w0", "bias": "b0"},
        {"op": "relu"},
        {"op": "linear", "weight": "w1", "bias": "b1"},
        {"op": "softmax"},
    ]
    return layers, tensors


# --------------------------------------------------------------------------- dev evaluation


@lru_cache(maxsize=1)
def semeval_dev_paragraphs() -> tuple[tuple[str, str, bool], ...]:
    """(article id, paragraph text, has Loaded_Language) for every labelled dev paragraph."""
    root = data_dir() / "propaganda"
    labels: dict[str, dict[int, set[str]]] = defaultdict(dict)
    with open(root / "semeval2023_train_paragraph_labels.tsv", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            techs = {t for t in (parts[2].split(",") if len(parts) > 2 else []) if t}
            labels[parts[0]][int(parts[1])] = techs
    out = []
    for aid in sorted(labels):
        if not article_is_dev(aid):
            continue
        lines = (
            (root / "semeval2023_train_articles" / f"article{aid}.txt")
            .read_text(encoding="utf-8")
            .split("\n")
        )
        for no, techs in sorted(labels[aid].items()):
            if 1 <= no <= len(lines) and lines[no - 1].strip():
                out.append((aid, lines[no - 1].strip(), "Loaded_Language" in techs))
    return tuple(out)


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    from ..segment import _sentences_in

    return _sentences_in(text, 0, len(text))


def _batch(texts: list[str], enc: Encoded) -> Batch:
    return Batch(texts=texts, enc=enc, quotes=[[] for _ in texts])


def _f1(tp: float, fp: float, fn: float) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
    }


def _f_beta(m: dict[str, float], beta: float = SPAN_BETA) -> float:
    p, r = m["precision"], m["recall"]
    return round((1 + beta**2) * p * r / (beta**2 * p + r), 4) if p + r else 0.0


class DevData:
    """Encoded dev paragraphs (split into sentences) and PTC dev sentences."""

    def __init__(self) -> None:
        paras = semeval_dev_paragraphs()
        self.para_gold = np.array([g for _, _, g in paras])
        texts, owner = [], []
        for j, (_, ptext, _) in enumerate(paras):
            for s, e in _sentence_spans(ptext):
                texts.append(ptext[s:e])
                owner.append(j)
        self.para_texts = texts
        self.para_owner = np.array(owner)
        self.para_enc = encode_cached(texts, "semeval_dev")
        sents, enc = _encode_ptc()
        dev = [i for i, s in enumerate(sents) if article_is_dev(s.article)]
        self.ptc = [sents[i] for i in dev]
        self.ptc_part = [half(sents[i].article) for i in dev]  # tune | report (evaluation's split)
        self.ptc_enc = Encoded(
            enc.pooled[dev],
            [enc.states[i] for i in dev],
            [enc.offsets[i] for i in dev],
            [enc.truncated[i] for i in dev],
        )


def paragraph_scores(scorer: LoadedTermsScorer, dev: DevData) -> np.ndarray:
    """Max loaded/name_calling span score per dev paragraph (0 when none)."""
    res = scorer.score(_batch(dev.para_texts, dev.para_enc))
    best = np.zeros(len(dev.para_gold))
    for k, r in enumerate(res):
        for s in r.spans:
            if s.category in ("loaded", "name_calling"):
                best[dev.para_owner[k]] = max(best[dev.para_owner[k]], s.score)
    return best


def best_threshold(scores: np.ndarray, gold: np.ndarray) -> tuple[float, dict[str, float]]:
    best = (0.0, {"f1": -1.0})
    for t in THRESHOLDS:
        pred = scores >= t
        m = _f1(float((pred & gold).sum()), float((pred & ~gold).sum()), float((~pred & gold).sum()))
        if m["f1"] > best[1]["f1"]:
            best = (float(t), m)
    return best


def span_f1(scorer: LoadedTermsScorer, dev: DevData, part: str | None = None) -> dict[str, float]:
    """Token-overlap F1 on PTC dev: words inside gold Loaded_Language / Name_Calling spans vs words
    inside predicted loaded / name_calling / exaggeration spans (micro over all dev words, or over
    one half's: ``part`` tune | report)."""
    idx = [i for i, p in enumerate(dev.ptc_part) if part is None or p == part]
    enc = dev.ptc_enc if part is None else Encoded(
        dev.ptc_enc.pooled[idx],
        [dev.ptc_enc.states[i] for i in idx],
        [dev.ptc_enc.offsets[i] for i in idx],
        [dev.ptc_enc.truncated[i] for i in idx],
    )
    sents = [dev.ptc[i] for i in idx]
    res = scorer.score(_batch([s.text for s in sents], enc))
    tp = fp = fn = 0
    for s, r in zip(sents, res, strict=True):
        gold_sp = [(a, b) for a, b, t in s.spans if t in PTC_LABEL]
        pred_sp = [(x.start, x.end) for x in r.spans if x.category in LOADED_CATEGORIES]
        for ws, we, _ in words(s.text):
            g = any(a <= ws and we <= b for a, b in gold_sp)
            p = any(a <= ws and we <= b for a, b in pred_sp)
            tp += g and p
            fp += p and not g
            fn += g and not p
    return _f1(tp, fp, fn)


def measure(lexicon: Lexicon, head_dir: Path | None, dev: DevData, tune: bool) -> dict:
    """Dev metrics for one lexicon + head (and the word evidence beside it).

    With ``tune``: the lexicon mix and the paragraph threshold are searched for paragraph-level
    Loaded_Language F1, then the span emission threshold (what the report shows) for PTC dev
    token-overlap span F1 at that mix (the detector-only discount off, as these were tuned before
    it); then, on the dev TUNE half alone, the evidence smoothing and the detector-only threshold
    for span F0.5.
    """
    from ..heads import load_head

    head = load_head(head_dir) if head_dir is not None else None
    scorer = LoadedTermsScorer(lexicon, head, read_evidence(head_dir))
    out: dict = {}
    t_para = float(head.meta.get("paragraph_threshold", scorer.threshold)) if head else scorer.threshold
    if tune and head is not None:
        evidence, scorer.evidence, scorer.model_threshold = scorer.evidence, None, None
        best = None
        for mix in MIXES:
            scorer.mix = mix
            scorer.threshold = 0.0  # emit everything; the paragraph rule thresholds
            t, m = best_threshold(paragraph_scores(scorer, dev), dev.para_gold)
            log.info("mix %.2f: threshold %.2f paragraph F1 %.4f", mix, t, m["f1"])
            if best is None or m["f1"] > best[2]["f1"]:
                best = (mix, t, m)
        assert best is not None
        scorer.mix, t_para = best[0], best[1]
        span_f = {}
        for t in SPAN_THRESHOLDS:
            scorer.threshold = t
            span_f[t] = span_f1(scorer, dev)["f1"]
            log.info("emission threshold %.2f: span F1 %.4f", t, span_f[t])
        # the F1 curve is flat at the low end: take the highest threshold within SPAN_F1_SLACK of
        # the best, since a reader pays more for a false highlight than for a missed one
        top = max(span_f.values())
        scorer.threshold = max(t for t, f in span_f.items() if f >= top - SPAN_F1_SLACK)
        out["tuned"] = {"lexicon_mix": best[0], "paragraph_threshold": t_para, "threshold": scorer.threshold}
        if evidence is not None:
            out["tuned"].update(tune_detector_only(scorer, evidence, dev))
    emit = scorer.threshold
    scorer.threshold = 0.0
    scores = paragraph_scores(scorer, dev)
    scorer.threshold = emit
    pred = scores >= max(t_para, emit)
    gold = dev.para_gold
    out["paragraph_loaded_language"] = {
        **_f1(float((pred & gold).sum()), float((pred & ~gold).sum()), float((~pred & gold).sum())),
        "threshold": max(t_para, emit),
        "paragraphs": len(gold),
        "positives": int(gold.sum()),
    }
    out["span_token_f1_ptc_dev"] = {**span_f1(scorer, dev), "threshold": emit}
    out["span_ptc_dev_halves"] = {}
    for part in ("tune", "report"):
        m = span_f1(scorer, dev, part)
        out["span_ptc_dev_halves"][part] = {**m, "f0.5": _f_beta(m)}
    out["detector_only"] = {
        "model_threshold": scorer.model_threshold,
        "evidence_strength": scorer.evidence.strength if scorer.evidence else None,
        "evidence_words": len(scorer.evidence.counts) if scorer.evidence else 0,
    }
    if scorer.evidence is not None:  # ablation: the same bar without the evidence discount
        kept, scorer.evidence = scorer.evidence, None
        out["detector_only"]["without_evidence"] = {
            part: {**(m := span_f1(scorer, dev, part)), "f0.5": _f_beta(m)} for part in ("tune", "report")
        }
        scorer.evidence = kept
    return out


def evidence_loglik(evidence: WordEvidence, dev: DevData, part: str) -> float:
    """Mean log-likelihood of the dev half's words lying in a gold span (the detector's labels)
    under each word's smoothed rate: how well the smoothing predicts unseen articles. Words the
    evidence file leaves out (inside spans at least as often as the base rate) count at their
    smoothed rate too, from the full counts."""
    full = word_evidence(stored_only=False)
    total, n = 0.0, 0
    for s, p in zip(dev.ptc, dev.ptc_part, strict=True):
        if p != part:
            continue
        gold = [(a, b) for a, b, t in s.spans if t in PTC_LABEL]
        for ws, we, w in words(s.text):
            occ, hits = full["counts"].get(w, (0, 0))
            rate = evidence.rate(occ, hits)
            total += np.log(rate if any(a <= ws and we <= b for a, b in gold) else 1.0 - rate)
            n += 1
    return total / max(1, n)


def tune_detector_only(scorer: LoadedTermsScorer, evidence: WordEvidence, dev: DevData) -> dict:
    """On the dev TUNE half: the evidence smoothing (pseudo-count) with the best held-out
    log-likelihood of the words' gold labels (empirical Bayes), then the detector-only threshold
    with the best span F0.5 (ties: the higher threshold). Sets both on ``scorer``."""
    from dataclasses import replace

    fits = {a: evidence_loglik(replace(evidence, strength=a), dev, "tune") for a in EVIDENCE_STRENGTHS}
    for a, ll in fits.items():
        log.info("evidence strength %.0f: tune-half word log-likelihood %.5f", a, ll)
    strength = max(fits, key=lambda a: (fits[a], a))
    scorer.evidence = replace(evidence, strength=strength, weight=EVIDENCE_WEIGHT)
    best: tuple[float, float] | None = None
    for t in MODEL_THRESHOLDS:
        scorer.model_threshold = t
        f = _f_beta(span_f1(scorer, dev, "tune"))
        log.info("detector-only threshold %.2f: tune-half span F0.5 %.4f", t, f)
        if best is None or (f, t) > best:
            best = (f, t)
    assert best is not None
    scorer.model_threshold = best[1]
    return {"model_threshold": best[1], "evidence_strength": strength, "evidence_weight": EVIDENCE_WEIGHT}
def lexicon_rule_baseline(lexicon: Lexicon, dev: DevData) -> dict:
    """Lexicon only: a paragraph is positive if it has a loaded/name_calling entry of weight >= t."""
    scorer = LoadedTermsScorer(lexicon, None)
    t, m = best_threshold(paragraph_scores(scorer, dev), dev.para_gold)
    scorer.threshold = t
    return {"paragraph_loaded_language": {**m, "threshold": t}, "span_token_f1_ptc_dev": span_f1(scorer, dev)}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    t0 = time.time()
    if argv and "--retune" in argv:
        return retune(t0)
    rng = np.random.default_rng(SEED)
    entries, stats = build_lexicon()
    lex_path = artifact(LEXICON_FILE)
    write_tsv(lex_path, entries, stats)
    lexicon = load_lexicon(lex_path, user=False)
    log.info("lexicon: %d entries -> %s", len(lexicon), lex_path)
    x, y = training_set(rng)
    log.info(
        "detector training pieces: %d (loaded %d, name_calling %d)", len(y), (y == 1).sum(), (y == 2).sum()
    )
    layers, tensors = fit_mlp(x, y)
    del x
    out = artifact(HEAD)
    meta = {
        "threshold": 0.5,
        "lexicon_mix": 0.5,
        "seed": SEED,
        "hidden": HIDDEN,
        "epochs": EPOCHS,
        "neg_keep": NEG_KEEP,
        "features": "piece state (384) + sentence mean-pooled (384)",
        "train": "PTC train articles (Loaded_Language=1, Name_Calling,Labeling=2) + BABE train biased words",
    }
    def save() -> None:
        save_head(out, "loaded_terms", layers, tensors, input_dim=int(tensors["mu"].shape[0]),
                  labels=list(CLASSES), meta=meta)

    save()  # measure() reads the head from disk, through the inference path
    write_evidence(out, word_evidence())
    dev = DevData()
    metrics = measure(lexicon, out, dev, tune=True)
    meta.update(metrics["tuned"])
    save()  # again, with the thresholds tuned on dev in its meta
    metrics["lexicon_rule_baseline"] = lexicon_rule_baseline(lexicon, dev)
    metrics["lexicon"] = stats
    metrics["train_pieces"] = len(y)
    metrics["seconds"] = round(time.time() - t0, 1)
    metrics["encoder"] = encoder_name()
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    write_card(out, metrics)
    log.info("%s", json.dumps(metrics, indent=2, sort_keys=True))
    return 0


def retune(t0: float) -> int:
    """Re-tune mix and thresholds of the shipped head on dev (no retraining)."""
    from safetensors.numpy import load_file

    out = artifact(HEAD)
    cfg = json.loads((out / "config.json").read_text())
    tensors = load_file(str(out / "weights.safetensors"))
    lexicon = load_lexicon(artifact(LEXICON_FILE), user=False)
    old = json.loads((out / "metrics.json").read_text())
    write_evidence(out, word_evidence())  # derived from the train data like the head; no retraining
    dev = DevData()
    metrics = measure(lexicon, out, dev, tune=True)
    meta = {**cfg["meta"], **metrics["tuned"]}
    save_head(
        out,
        "loaded_terms",
        cfg["layers"],
        tensors,
        input_dim=cfg["input_dim"],
        labels=cfg["labels"],
        meta=meta,
    )
    metrics["lexicon_rule_baseline"] = lexicon_rule_baseline(lexicon, dev)
    for k in ("lexicon", "train_pieces"):
        metrics[k] = old.get(k)
    metrics["seconds"] = round(time.time() - t0, 1)
    metrics["encoder"] = encoder_name()
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    write_card(out, metrics)
    log.info("%s", json.dumps(metrics, indent=2, sort_keys=True))
    return 0


def _ab(do: dict, part: str) -> str:
    m = do.get("without_evidence", {}).get(part)
    return f"{m['f0.5']:.4f}" if m else "n/a"


def write_card(out: Path, m: dict) -> None:
    p, s = m["paragraph_loaded_language"], m["span_token_f1_ptc_dev"]
    bp, bs = (
        m["lexicon_rule_baseline"]["paragraph_loaded_language"],
        m["lexicon_rule_baseline"]["span_token_f1_ptc_dev"],
    )
    lx = m["lexicon"]
    do = m.get("detector_only", {})
    halves = m.get("span_ptc_dev_halves", {})
    rows = "".join(
        f"| PTC dev span token F0.5 / F1 ({part} half of the dev articles) | {h['f0.5']:.4f} / {h['f1']:.4f} "
        f"(P {h['precision']:.3f} / R {h['recall']:.3f}) | |\n"
        for part, h in sorted(halves.items(), reverse=True)
    )
    text = f"""# loaded_terms.v1: loaded-language spans (lexicon + contextual detector)

* **Task**: loaded-language spans per sentence with category (loaded, name_calling, exaggeration;
  epistemic hedge / booster apart), score in [0, 1], quoted flag and source (lexicon / model / both).
* **Lexicon** `models/lexicon.v1.tsv` ({lx.get("loaded", 0)} loaded, {lx.get("name_calling", 0)} name_calling,
  {lx.get("exaggeration", 0)} exaggeration, {lx.get("hedge", 0)} hedge, {lx.get("booster", 0)} booster entries):
  derived by `framing.train.lexicon` from Recasens 2013 NPOV lemmas, Riloff strong subjectives, MPQA
  strong negative clues, Hu & Liu negative words, MFD 2.0 vice words, Hyland / Islam et al.
  hedges and boosters, weighted by smoothed precision inside PTC train spans and BABE train biased
  words (see docs/lexicon.md).
* **Detector** (this head): MLP 768 -> {HIDDEN} ReLU -> softmax over none / loaded / name_calling,
  trained on {m.get("train_pieces", 0)} word pieces; input = the piece's encoder state (`{m.get("encoder", "?")}`,
  384) beside the sentence's mean-pooled vector (384). Labels: pieces inside PTC Loaded_Language
  spans = loaded, inside Name_Calling,Labeling = name_calling, BABE biased words = loaded; 35% of
  negative pieces sampled (loss re-weighted). {EPOCHS} epochs AdamW lr {LR}, seed {SEED}.
* **Data**: propaganda/ptc_train_spans.tsv + ptc_train_articles (PTC, SemEval-2020 Task 11),
  bias/babe_sg2_train.csv (BABE SG2), propaganda/semeval2023_train_* (paragraph labels, dev metric
  only). Not shipped.
* **Split**: PTC and SemEval-2023 hold the same articles; one split by article id
  (`framing.train.lexicon.article_is_dev`: sha256 of the id, 20% dev) is used for both, and for the
  lexicon evidence. BABE: stratified 80/20, seed 13. Train = {lx.get("train_sentences", 0)} PTC lines +
  {lx.get("train_babe_rows", 0)} BABE rows.
* **Combination**: lexicon span score = {m["tuned"]["lexicon_mix"]} x weight + {1 - m["tuned"]["lexicon_mix"]:.1f} x detector
  (max over the span's words of 1 - P(none)); spans (lexicon or detector-only words) are reported
  when their score >= {m["tuned"]["threshold"]} (emission threshold, tuned for PTC dev span F1);
  adjacent flagged words merge. The mix and the paragraph threshold {m["tuned"].get("paragraph_threshold")}
  were tuned for dev paragraph F1 (grids), so both dev numbers below are optimistic by the tuning.
* **Detector-only words** (no lexicon entry covers them): the detector's score is discounted by the
  word's training evidence, `word_evidence.json` ({do.get("evidence_words", 0)} words that the TRAIN
  sentences above hold inside a Loaded_Language / Name_Calling span or as a BABE biased word less
  often than the base rate): logit(score) + {m["tuned"].get("evidence_weight")} x min(0, logit(rate) - logit(base)),
  rate = (hits + a x base) / (occurrences + a), a = {do.get("evidence_strength")} (chosen by the dev TUNE
  half's word log-likelihood). Such a word is reported alone when the discounted score >=
  {do.get("model_threshold")} (chosen on the dev TUNE half for span F0.5), and extends an adjacent reported
  span when it reaches the emission threshold ({m["tuned"]["threshold"]}). Split: `framing.evaluation._cli.half`
  of the dev article ids (the end-to-end evaluation's tune / report parts); the report half was not
  used for these two choices. Ablation (same bar, no evidence discount): PTC dev span F0.5
  {_ab(do, "tune")} tune / {_ab(do, "report")} report half: on these gold spans the discount is
  neutral within noise; the second bar does the measurable work, the discount lowers confident
  detector scores on words the training text holds often and never marks.

## Dev metrics

| metric (dev articles) | framing (lexicon + detector) | lexicon-rule baseline |
|---|---|---|
| paragraph-level Loaded_Language F1, SemEval-2023 ({p["paragraphs"]} dev paragraphs, {p["positives"]} positive) | **{p["f1"]:.4f}** (P {p["precision"]:.3f} / R {p["recall"]:.3f}) | {bp["f1"]:.4f} (P {bp["precision"]:.3f} / R {bp["recall"]:.3f}, weight >= {bp["threshold"]}) |
| PTC dev token-overlap span F1 (words inside gold Loaded_Language / Name_Calling spans vs words inside predicted loaded / name_calling / exaggeration spans, micro) | {s["f1"]:.4f} (P {s["precision"]:.3f} / R {s["recall"]:.3f}) | {bs["f1"]:.4f} (P {bs["precision"]:.3f} / R {bs["recall"]:.3f}) |
{rows}
Paragraph rule: a paragraph (split into sentences with framing's segmenter) is positive when any
loaded / name_calling span scores >= the paragraph threshold. Targets from issue 3: paragraph F1 >= 0.45
(best lexicon rule there ~0.32; our weighted lexicon alone reaches {bp["f1"]:.2f}).

Training time: {m.get("seconds")} s on the shared 2-core CPU with the encoder features cached (`.cache`).

Rebuild: `python -m framing.train loaded_terms` (rewrites models/lexicon.v1.tsv, this head and
word_evidence.json; then `python -m framing.train bias`, whose features read the lexicon). Re-measure:
`python -m framing.train eval loaded_terms`. Re-tune the shipped head only:
`python -c "from framing.train.loaded_terms import main; main(['--retune'])"`.
"""
    (out / "card.md").write_text(text)


def evaluate() -> dict:
    dev = DevData()
    lexicon = load_lexicon(artifact(LEXICON_FILE), user=False)
    m = measure(lexicon, artifact(HEAD), dev, tune=False)
    m["lexicon_rule_baseline"] = lexicon_rule_baseline(lexicon, dev)
    return m
