"""Train the sentence-level frames head by multiple-instance learning over article labels.

Data: ``frames/semeval2023_frame_labels.tsv`` (article id -> the 14 policy frames of the Media
Frames Corpus family, multi-label, per ARTICLE) and ``frames/articles/article<ID>.txt``.

Weak supervision. The labels say which frames an article uses, not where. We segment every
article with the same ``load`` + ``segment`` as inference, embed each sentence once with the
shared encoder (``encode_cached``), and learn a sentence-level head ``z_i = head(x_i)`` (14 logits)
whose *pooled* score must explain the article label:

    article_logit[f] = (1/r) * log( sum_i w_i * exp(r * z_i[f]) / sum_i w_i )

a weighted log-mean-exp (w_i = sentence word count, as everywhere in aggregate.py). r interpolates
between the weighted mean of sentence logits (r -> 0) and their max (r -> inf); it is chosen on
cross-validation folds of the training split. The loss is binary cross-entropy on the pooled
logits, so no sentence ever gets a label of its own. Because the rule is a mean, not a noisy-OR
sum, it does not saturate with length, so the same rule pools a paragraph, a section or an
article (``framing.scorers.frames.pool``).

Sentence logits also get a *description prior*: a learned non-negative weight per frame times the
cosine similarity of the sentence to a few plain-language descriptions of the frame
(``DESCRIPTIONS``), which gives rare frames a sentence-level signal; it folds into the exported
linear layer.

Split: dev = articles whose ``sha256("13:" + id)`` falls in the lowest 20% (deterministic, by
article id). Hyper-parameters (r, L2, prior on/off) and the per-frame decision thresholds are
chosen on 5-fold out-of-fold predictions on the TRAIN split only. The final head is trained on the
train split (dev is never trained on).

    python -m framing.train frames        # OOF search over SEARCH, then rebuild models/frames.v1/
    python -m framing.train.frames --fast # skip the search, train CHOSEN
    python -m framing.train eval frames   # re-measure the shipped head on dev
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..scorers.frames import FRAMES  # the head's fixed label order, shared with inference
from .features import data_dir, encode_cached, encoder_name

log = logging.getLogger("framing")

SEED = 13
#: The description prior: each frame described in a few plain sentences, paraphrasing the
#: Policy Frames Codebook (Boydstun et al. 2014) in our own words. The cosine similarity of a
#: sentence to a frame's mean description embedding is an extra, sentence-level signal; the MIL
#: training learns per frame how much to trust it (softplus(alpha) >= 0). It matters most for rare
#: frames (Economic has 14 training articles), where article labels alone teach little.
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "Economic": ("The costs, benefits and monetary consequences: money, trade, markets, jobs, taxes and prices.",
                 "Trade deals, exports, investment, oil revenue and billions of dollars in business contracts.",
                 "The economy, economic growth, unemployment, budgets and the financial impact on companies."),
    "Capacity_and_resources": ("Whether there are enough resources: staff, equipment, infrastructure, supplies, capacity.",
                               "Shortages of hospital beds, water, electricity, housing or funding to cope."),
    "Morality": ("Religious or ethical duty: what is right and wrong, sin, evil, God and moral values.",
                 "Faith, the church, conscience and moral outrage at wickedness."),
    "Fairness_and_equality": ("Equality or inequality: discrimination, unequal treatment, rights of minorities, justice for all.",
                              "Whether people are treated fairly, racism, sexism and double standards."),
    "Legality_Constitutionality_and_jurisprudence": (
        "Laws, courts, judges, lawsuits, the constitution, legal rights and court rulings.",
        "Whether something is legal or constitutional, lawyers, legislation and jurisprudence."),
    "Policy_prescription_and_evaluation": ("Whether a specific policy works, and what policy should be adopted to fix a problem.",
                                           "Proposals, reforms and evaluations of government programmes and their effectiveness."),
    "Crime_and_punishment": ("Crime, police, arrests, criminal charges, trials, prison sentences and punishment.",
                             "Murder, fraud, theft, gangs, investigations of criminals and law enforcement."),
    "Security_and_defense": ("Threats to national security, war, the military, troops, weapons, terrorism and defense.",
                             "Missile attacks, armed forces, soldiers, bombings and military strategy."),
    "Health_and_safety": ("Health care, disease, epidemics, illness, injuries, deaths, medicine and public safety.",
                          "Doctors, hospitals, vaccines, outbreaks, infections and sanitation."),
    "Quality_of_life": ("Effects on people's daily lives, well-being, families, communities, happiness and hardship.",
                        "How ordinary people live: poverty, homes, children, comfort and daily struggles."),
    "Cultural_identity": ("Traditions, customs, culture, national identity, language, heritage and values of a people.",
                          "Cultural norms, history, ethnicity and what it means to belong to a nation or group."),
    "Public_opinion": ("Public opinion, polls, protests, demonstrations and what the population or voters think.",
                       "Popular support or opposition, surveys, rallies and the public mood."),
    "Political": ("Politics: political parties, elections, politicians, campaigns, lobbying and partisan fighting.",
                  "Democrats and Republicans, governments, votes in parliament and political strategy."),
    "External_regulation_and_reputation": (
        "International relations: a country's reputation abroad, foreign policy, treaties, sanctions and diplomacy.",
        "Relations between nations, the United Nations, alliances and how other countries view a state."),
}
#: Cosine similarities differ by a few hundredths between frames; this puts alpha on a unit scale.
PRIOR_SCALE = 10.0
DEV_FRACTION = 0.2
LABELS_FILE = "frames/semeval2023_frame_labels.tsv"
OUT_NAME = "frames.v1"


def is_dev(article_id: str) -> bool:
    """Deterministic dev membership by article id (seed 13, ~20%)."""
    h = hashlib.sha256(f"{SEED}:{article_id}".encode()).hexdigest()
    return int(h[:8], 16) / 0xFFFFFFFF < DEV_FRACTION


@dataclass
class Corpus:
    ids: list[str]  # article ids, sorted
    y: np.ndarray  # [A, 14] 0/1
    x: np.ndarray  # [S, 384] pooled sentence embeddings
    w: np.ndarray  # [S] sentence word counts
    owner: np.ndarray  # [S] article row of each sentence
    texts: list[str]  # sentence texts (for inspection only)
    proto: np.ndarray  # [14, 384] unit vectors: mean embedding of each frame's descriptions


def load_corpus(root: Path | None = None) -> Corpus:
    """Segment every labelled article like inference does and embed its sentences (cached)."""
    from ..load import load
    from ..segment import segment

    root = root or data_dir()
    labels: dict[str, set[str]] = {}
    for line in (root / LABELS_FILE).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        aid, _, frames = line.partition("\t")
        got = {f.strip() for f in frames.split(",") if f.strip()}
        unknown = got - set(FRAMES)
        if unknown:
            raise ValueError(f"unknown frame labels for {aid}: {sorted(unknown)}")
        labels[aid.strip()] = got
    ids = sorted(labels)
    texts: list[str] = []
    words: list[int] = []
    owner: list[int] = []
    for row, aid in enumerate(ids):
        art = segment(load(str(root / "frames" / "articles" / f"article{aid}.txt")))
        # Sentences only (no title): exactly the units the pipeline scores at inference.
        for sent in art.sentences:
            t = art.text[sent.start:sent.end]
            texts.append(t)
            words.append(max(1, len(t.split())))
            owner.append(row)
    y = np.array([[f in labels[a] for f in FRAMES] for a in ids], dtype=np.float32)
    enc = encode_cached(texts, "frames", with_states=False)
    return Corpus(ids, y, _unit(enc.pooled), np.asarray(words, np.float32),
                  np.asarray(owner, np.int64), texts, prototypes())


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def prototypes() -> np.ndarray:
    """[14, d] unit vectors: the mean (unit) embedding of each frame's descriptions."""
    flat = [d for f in FRAMES for d in DESCRIPTIONS[f]]
    e = _unit(encode_cached(flat, "frames-descriptions", with_states=False).pooled)
    out, k = [], 0
    for f in FRAMES:
        n = len(DESCRIPTIONS[f])
        out.append(e[k:k + n].mean(0))
        k += n
    return _unit(np.stack(out))


def majority_baseline(y_train: np.ndarray, y_eval: np.ndarray, k: int = 5) -> dict[str, float]:
    """Always predict the k most frequent training frames."""
    top = np.argsort(-y_train.sum(0), kind="stable")[:k]
    pred = np.zeros_like(y_eval)
    pred[:, top] = 1
    return {"micro_f1": micro_f1(y_eval, pred), "macro_f1": macro_f1(y_eval, pred),
            "frames": [FRAMES[i] for i in top]}


def micro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float((y * pred).sum())
    fp = float(((1 - y) * pred).sum())
    fn = float((y * (1 - pred)).sum())
    return 2 * tp / max(2 * tp + fp + fn, 1e-9)


def per_frame_f1(y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    tp = (y * pred).sum(0)
    fp = ((1 - y) * pred).sum(0)
    fn = (y * (1 - pred)).sum(0)
    return np.asarray(2 * tp / np.maximum(2 * tp + fp + fn, 1e-9))


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    return float(per_frame_f1(y, pred).mean())


# ---------------------------------------------------------------- MIL model (torch, CPU, 1 thread)

@dataclass(frozen=True)
class Hyper:
    r: float = 2.0  # log-mean-exp sharpness (0 -> mean of sentence logits, large -> max)
    weight_decay: float = 1e-2
    hidden: int = 0  # 0 = linear head (the only kind the description prior folds into)
    epochs: int = 120
    lr: float = 3e-2
    dropout: float = 0.0  # input dropout on sentence embeddings
    prior: bool = True  # add the frame-description similarity prior (see DESCRIPTIONS)
    l2: float = 0.0  # explicit L2 penalty on the linear weights (added to the mean BCE)
    #: Positive bags of frame f weigh ((1 - pi_f) / pi_f) ** balance in the BCE (pi_f: the frame's
    #: share of training articles): 0 = plain BCE; 0.5 = square-root class balance for rare frames.
    balance: float = 0.0


@dataclass
class _Bags:
    """Flat standardised sentence features plus where each sentence sits in a padded [A, L] grid."""

    x: object  # torch [S, d]
    row: object  # torch [S] long
    col: object  # torch [S] long
    lw: object  # torch [A, L] log-weights, -inf on padding
    y: object  # torch [A, 14]
    s: object  # torch [S, 14] cosine similarity to each frame description, centred


def _bags(c: Corpus, rows: np.ndarray, mu: np.ndarray, sd: np.ndarray, s_mu: np.ndarray) -> _Bags:
    import torch

    groups = [np.flatnonzero(c.owner == r) for r in rows]
    L = max(len(g) for g in groups)
    idx = np.concatenate(groups)
    row = np.concatenate([np.full(len(g), a) for a, g in enumerate(groups)])
    col = np.concatenate([np.arange(len(g)) for g in groups])
    lw = np.full((len(rows), L), -np.inf, np.float32)
    for a, g in enumerate(groups):
        lw[a, : len(g)] = np.log(c.w[g] / c.w[g].sum())
    return _Bags(torch.from_numpy((c.x[idx] - mu) / sd), torch.from_numpy(row), torch.from_numpy(col),
                 torch.from_numpy(lw), torch.from_numpy(c.y[rows]),
                 torch.from_numpy((c.x[idx] @ c.proto.T - s_mu).astype(np.float32)))


def pooled_logits(z, lw, r: float):  # type: ignore[no-untyped-def]
    """Weighted log-mean-exp over the sentence axis: (1/r) log sum_i w_i exp(r z_i)."""
    import torch

    return torch.logsumexp(r * z + lw[..., None], dim=1) / r


class _Net:
    def __init__(self, d: int, hp: Hyper, prior: np.ndarray) -> None:
        import torch

        torch.manual_seed(SEED)
        layers: list[torch.nn.Module] = [torch.nn.Dropout(hp.dropout)]
        if hp.hidden:
            layers += [torch.nn.Linear(d, hp.hidden), torch.nn.ReLU(), torch.nn.Linear(hp.hidden, len(FRAMES))]
        else:
            layers += [torch.nn.Linear(d, len(FRAMES))]
        self.net = torch.nn.Sequential(*layers)
        # softplus(alpha) >= 0 per frame: how much to trust the description prior (0.5413 -> 1).
        self.alpha = torch.nn.Parameter(torch.full((len(FRAMES),), 0.5413 if hp.prior else -30.0),
                                        requires_grad=hp.prior)
        last = layers[-1]
        assert isinstance(last, torch.nn.Linear)
        with torch.no_grad():  # start at the label prior so early epochs do not fight the bias
            last.weight.mul_(0.1)
            last.bias.copy_(torch.from_numpy(np.log(prior / (1 - prior)).astype(np.float32)))
        self.hp = hp
        self.pos_weight = torch.from_numpy(((1 - prior) / prior).astype(np.float32) ** hp.balance)

    def _pooled(self, bags: _Bags):  # type: ignore[no-untyped-def]
        import torch

        z = self.net(bags.x) + torch.nn.functional.softplus(self.alpha) * PRIOR_SCALE * bags.s
        grid = torch.zeros((*bags.lw.shape, len(FRAMES)), dtype=z.dtype)
        grid = grid.index_put((bags.row, bags.col), z)
        return pooled_logits(grid, bags.lw, self.hp.r)

    def fit(self, bags: _Bags) -> None:
        import torch

        groups = [{"params": list(self.net.parameters()), "weight_decay": self.hp.weight_decay}]
        if self.hp.prior:  # the prior weight is not decayed: the data decide how far to trust it
            groups.append({"params": [self.alpha], "weight_decay": 0.0})
        opt = torch.optim.AdamW(groups, lr=self.hp.lr)
        lossf = torch.nn.BCEWithLogitsLoss(pos_weight=self.pos_weight if self.hp.balance else None)
        weights = [m.weight for m in self.net if isinstance(m, torch.nn.Linear)]
        self.net.train()
        for _ in range(self.hp.epochs):
            opt.zero_grad()
            loss = lossf(self._pooled(bags), bags.y)
            if self.hp.l2:
                loss = loss + self.hp.l2 * sum((w**2).sum() for w in weights)
            loss.backward()
            opt.step()
        self.net.eval()

    def sentence_probs(self, bags: _Bags) -> np.ndarray:
        """[S, 14] sentence probabilities (the exported head's output), in the bags' sentence order."""
        import torch

        with torch.no_grad():
            z = self.net(bags.x) + torch.nn.functional.softplus(self.alpha) * PRIOR_SCALE * bags.s
            return torch.sigmoid(z).numpy()

    def article_probs(self, bags: _Bags) -> np.ndarray:
        import torch

        with torch.no_grad():
            return torch.sigmoid(self._pooled(bags)).numpy()


def _standardiser(c: Corpus, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = np.isin(c.owner, rows)
    mu = c.x[m].mean(0)
    sd = c.x[m].std(0) + 1e-6
    s_mu = (c.x[m] @ c.proto.T).mean(0)
    return mu.astype(np.float32), sd.astype(np.float32), s_mu.astype(np.float32)


def fit_predict(c: Corpus, train: np.ndarray, test: np.ndarray, hp: Hyper) -> tuple[_Net, np.ndarray]:
    mu, sd, s_mu = _standardiser(c, train)
    prior = np.clip(c.y[train].mean(0), 0.02, 0.98)
    net = _Net(c.x.shape[1], hp, prior)
    net.fit(_bags(c, train, mu, sd, s_mu))
    return net, net.article_probs(_bags(c, test, mu, sd, s_mu))


def folds(rows: np.ndarray, k: int = 5) -> list[np.ndarray]:
    """k deterministic folds of article rows (by a hash of the row's article id order)."""
    rng = np.random.default_rng(SEED)
    perm = rows[rng.permutation(len(rows))]
    return [np.sort(perm[i::k]) for i in range(k)]


def oof_probs(c: Corpus, train: np.ndarray, hp: Hyper, k: int = 5,
              sentences: np.ndarray | None = None) -> np.ndarray:
    """[len(train), 14] out-of-fold article probabilities; with ``sentences`` ([S, 14], filled in
    place) also every train sentence's out-of-fold probabilities (for the section rule)."""
    out = np.zeros((len(train), len(FRAMES)), np.float32)
    pos = {r: i for i, r in enumerate(train)}
    for f in folds(train, k):
        rest = np.setdiff1d(train, f)
        net, p = fit_predict(c, rest, f, hp)
        out[[pos[r] for r in f]] = p
        if sentences is not None:
            sentences[_sentence_rows(c, f)] = net.sentence_probs(_bags(c, f, *_standardiser(c, rest)))
    return out


def _sentence_rows(c: Corpus, rows: np.ndarray) -> np.ndarray:
    """Sentence indices of ``rows`` in ``_bags`` order (article by article)."""
    return np.concatenate([np.flatnonzero(c.owner == r) for r in rows])


GRID = np.round(np.arange(0.05, 0.91, 0.025), 3)


def tune_thresholds(y: np.ndarray, p: np.ndarray, passes: int = 3) -> np.ndarray:
    """Per-frame thresholds by coordinate ascent on micro-F1, from the best global threshold."""
    best_g = max(GRID, key=lambda t: micro_f1(y, (p >= t).astype(np.float32)))
    th = np.full(p.shape[1], best_g, np.float32)
    for _ in range(passes):
        for j in range(p.shape[1]):
            def score(t: float, j: int = j) -> float:
                tt = th.copy()
                tt[j] = t
                return micro_f1(y, (p >= tt).astype(np.float32))
            cur = score(float(th[j]))
            cand = max(GRID, key=score)
            if score(float(cand)) > cur + 1e-9:
                th[j] = cand
    return th


def split_rows(c: Corpus) -> tuple[np.ndarray, np.ndarray]:
    dev = np.array([is_dev(a) for a in c.ids])
    return np.flatnonzero(~dev), np.flatnonzero(dev)


def out_dir() -> Path:
    from ..resources import models_dir

    return models_dir() / OUT_NAME


#: Hyper-parameter grid searched on 5-fold OOF predictions of the train split (skipped with ``--fast``).
#: Kept small on purpose: the box has two shared cores (one fit ~20 s).
#: ``balance`` (class-balanced BCE for rare frames) entered the grid on the fine-tuned encoder,
#: whose features gave Economic (14 positive train articles) sentence scores too weak to
#: lead an economic section.
SEARCH = [Hyper(r=0.5, prior=True, l2=3e-3), Hyper(r=0.5, prior=True, l2=1e-2),
          Hyper(r=0.5, prior=True, l2=3e-2), Hyper(r=0.5, prior=False, l2=1e-2),
          Hyper(r=2.0, prior=True, l2=1e-2), Hyper(r=0.5, prior=True, l2=1e-2, balance=0.25),
          Hyper(r=0.5, prior=True, l2=1e-2, balance=0.5)]
#: The configuration the search picked (see card.md); ``--fast`` trains it without the search.
CHOSEN = Hyper(r=0.5, prior=True, l2=1e-2, balance=0.25)
#: Penalty weights tried for the section rule (``framing.report.frames.section_key``).
PENALTIES = (0.25, 0.5, 1.0, 2.0, 4.0)
#: Rest weights tried for it (1: the pure gap to the rest of the article; less: the section's own
#: score counts too)
REST_WEIGHTS = (0.25, 0.5, 0.75, 1.0)
#: Pseudo-articles for the section rule: sections of SECTION_SENTENCES sentences (an article's
#: first ones: the length of a news section), SECTIONS_PER_ARTICLE of them per pseudo-article.
SECTION_SENTENCES = 8
SECTIONS_PER_ARTICLE = 4
#: Frames with fewer positive training articles than this keep the global threshold: a
#: per-frame threshold tuned on a handful of positives is noise.
MIN_POS_FOR_OWN_THRESHOLD = 20


def _pseudo_articles(c: Corpus, rows: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Groups of SECTIONS_PER_ARTICLE articles that stand in for one article's sections, the first
    being the section scored. ``topical``: every article with its nearest neighbours (cosine of the
    mean sentence embedding), so the rest shares its subject as a real article's sections do;
    ``random``: five seeded partitions. Gold: the section's article labels; a reader's pick is a
    gold frame that not every other section has (``section_proxy``)."""
    k = SECTIONS_PER_ARTICLE
    e = _unit(np.stack([c.x[c.owner == a].mean(0) for a in rows]))
    sim = e @ e.T
    np.fill_diagonal(sim, -np.inf)
    out = [("topical", np.concatenate([[rows[i]], rows[np.argsort(-sim[i], kind="stable")[:k - 1]]]))
           for i in range(len(rows))]
    rng = np.random.default_rng(SEED)
    for _ in range(5):
        perm = rows[rng.permutation(len(rows))]
        for g in range(len(perm) // k):
            grp = perm[g * k:(g + 1) * k]
            out += [("random", np.roll(grp, -i)) for i in range(k)]
    return out


def section_proxy(c: Corpus, p_sent: np.ndarray, rows: np.ndarray, th: np.ndarray, r: float,
                  penalties: tuple[float, ...] = PENALTIES, rest_weights: tuple[float, ...] = REST_WEIGHTS
                  ) -> dict[tuple[float, float], dict[str, float]]:
    """How well the section rule (``framing.report.frames.section_key``, the inference code) picks
    a section's frames on pseudo-articles of ``rows`` (sentence probabilities ``p_sent``).

    Per (rest weight, penalty): ``p_at_2`` (share of the two frames shown that the section's article has),
    ``reader_at_1`` / ``reader_hit_at_2`` (the first frame / either of the first two is a gold frame
    that not every other section has; gold alone where every gold frame is shared), each the mean
    over the topical and the random groupings, and ``objective``, the mean of the two reader
    figures (``choose_section_rule``).
    """
    from ..report.frames import pool_without_top, section_key
    from ..scorers.frames import pool

    sec = {}
    for a in rows:
        idx = np.flatnonzero(c.owner == a)[:SECTION_SENTENCES]
        sec[a] = (pool(p_sent[idx], c.w[idx], r), pool_without_top(p_sent[idx], c.w[idx], r), idx)
    grid = [(w, lam) for w in rest_weights for lam in penalties]
    hits: dict[tuple[float, float], dict[str, list[tuple[float, float, float]]]] = {
        k: {"topical": [], "random": []} for k in grid}
    for mode, grp in _pseudo_articles(c, rows):
        a, others = grp[0], grp[1:]
        idx = np.concatenate([sec[b][2] for b in others])
        rest = pool(p_sent[idx], c.w[idx], r)
        gold = c.y[a] > 0
        pick = gold & ~np.all(c.y[others] > 0, axis=0)
        pick = pick if pick.any() else gold
        for w, lam in grid:
            order = np.argsort(-section_key(sec[a][0], sec[a][1], rest, th, lam, w), kind="stable")
            hits[(w, lam)][mode].append((gold[order[:2]].mean(), pick[order[0]], pick[order[:2]].any()))
    out = {}
    for k, by in hits.items():
        m = np.mean([np.mean(np.asarray(v, np.float64), axis=0) for v in by.values()], axis=0)
        out[k] = {"p_at_2": round(float(m[0]), 4), "reader_at_1": round(float(m[1]), 4),
                  "reader_hit_at_2": round(float(m[2]), 4), "objective": round(float(m[1:].mean()), 4)}
    return out


def choose_section_rule(proxy: dict[tuple[float, float], dict[str, float]]) -> tuple[float, float]:
    """(rest weight, penalty) with the best proxy objective on the train split: the mean of
    reader@1 and reader hit@2, what a reader would pick (ties: the larger rest weight, then the
    smaller penalty). p@2 is reported, not chosen on: it rewards any frame of the section's
    article, so it favours a frame near 1 in every section, which tells the sections apart least
    (with it in the mean the choice was rest weight 0.5, and External_regulation_and_reputation,
    ~0.9 everywhere, led three of the seed's eight sections: the complaint of issue 14)."""
    return max(sorted(proxy), key=lambda k: (proxy[k]["objective"], k[0], -k[1]))


def proxy_key(k: tuple[float, float]) -> str:
    return f"rest_weight={k[0]},penalty={k[1]}"


def best_global(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    t = max(GRID, key=lambda t: micro_f1(y, (p >= t).astype(np.float32)))
    return float(t), micro_f1(y, (p >= t).astype(np.float32))


def thresholds_for(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    th = tune_thresholds(y, p)
    g, _ = best_global(y, p)
    few = y.sum(0) < MIN_POS_FOR_OWN_THRESHOLD
    th[few] = g
    return th


def metrics(y: np.ndarray, p: np.ndarray, th: np.ndarray) -> dict[str, object]:
    pred = (p >= th).astype(np.float32)
    return {"micro_f1": round(micro_f1(y, pred), 4), "macro_f1": round(macro_f1(y, pred), 4),
            "per_frame_f1": {f: round(float(v), 4) for f, v in zip(FRAMES, per_frame_f1(y, pred), strict=True)},
            "support": {f: int(v) for f, v in zip(FRAMES, y.sum(0), strict=True)},
            "mean_labels_predicted": round(float(pred.sum(1).mean()), 3)}


def export(net: _Net, mu: np.ndarray, sd: np.ndarray, s_mu: np.ndarray, proto: np.ndarray, hp: Hyper,
           th: np.ndarray, meta: dict[str, Any]) -> Path:
    """Write the head as l2norm -> standardize -> linear -> sigmoid.

    The description prior is linear in the unit-normalised embedding u, and u = std(u) * sd + mu,
    so ``a * PRIOR_SCALE * (u @ P.T - s_mu)`` folds exactly into the linear layer.
    """
    import torch

    from ..heads import save_head

    lin = [m for m in net.net if isinstance(m, torch.nn.Linear)]
    assert len(lin) == 1, "only the linear head folds the prior"
    w = lin[0].weight.detach().numpy().T.astype(np.float64)  # [d, 14]
    b = lin[0].bias.detach().numpy().astype(np.float64)
    a = (torch.nn.functional.softplus(net.alpha).detach().numpy() * PRIOR_SCALE).astype(np.float64)
    if hp.prior:
        w = w + (sd[:, None].astype(np.float64) * proto.T.astype(np.float64)) * a[None, :]
        b = b + (mu.astype(np.float64) @ proto.T.astype(np.float64) - s_mu) * a
    tensors = {"mu": mu, "sd": sd, "w0": w.astype(np.float32), "b0": b.astype(np.float32)}
    layers: list[dict[str, Any]] = [{"op": "l2norm"}, {"op": "standardize", "mean": "mu", "std": "sd"},
                                    {"op": "linear", "weight": "w0", "bias": "b0"}, {"op": "sigmoid"}]
    full_meta = {"pooling": {"rule": "weighted_log_mean_exp", "r": hp.r, "weights": "sentence word count",
                             "formula": "sigmoid((1/r) * log(sum_i w_i exp(r * logit(p_i)) / sum_i w_i))"},
                 "thresholds": [round(float(t), 4) for t in th],
                 "prior_weight": {f: round(float(v), 4) for f, v in zip(FRAMES, a if hp.prior else 0 * a, strict=True)},
                 "hyper": hp.__dict__, **meta}
    return save_head(out_dir(), "frames", layers, tensors, input_dim=int(mu.shape[0]),
                     labels=list(FRAMES), meta=full_meta)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    import torch

    torch.set_num_threads(1)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    t0 = time.monotonic()
    c = load_corpus()
    train, dev = split_rows(c)
    log.info("%d articles (%d train, %d dev), %d sentences", len(c.ids), len(train), len(dev), len(c.texts))
    base = majority_baseline(c.y[train], c.y[dev])
    log.info("majority baseline on dev: %s", base)
    hp = CHOSEN
    search: list[dict[str, object]] = []
    if "--fast" not in argv:
        for cand in SEARCH:
            p = oof_probs(c, train, cand)
            t, f1 = best_global(c.y[train], p)
            own = metrics(c.y[train], p, thresholds_for(c.y[train], p))
            search.append({"hyper": cand.__dict__, "oof_micro_f1_global_threshold": round(f1, 4), "threshold": t,
                           "oof_micro_f1": own["micro_f1"], "oof_macro_f1": own["macro_f1"]})
            log.info("search %s -> OOF micro-F1 %.4f at %.3f; with per-frame thresholds micro %.4f macro %.4f",
                     cand, f1, t, own["micro_f1"], own["macro_f1"])
        # the decision that ships: per-frame thresholds tuned on the same OOF predictions
        best = max(search, key=lambda s: s["oof_micro_f1"])  # type: ignore[arg-type,return-value]
        hp = Hyper(**best["hyper"])  # type: ignore[arg-type]
        log.info("chosen %s", hp)
    p_sent = np.zeros((len(c.texts), len(FRAMES)), np.float32)
    oof = oof_probs(c, train, hp, sentences=p_sent)
    th = thresholds_for(c.y[train], oof)
    g, _ = best_global(c.y[train], oof)
    net, p_dev = fit_predict(c, train, dev, hp)
    mu, sd, s_mu = _standardiser(c, train)
    proxy_train = section_proxy(c, p_sent, train, th, hp.r)
    rest_weight, penalty = choose_section_rule(proxy_train)
    p_sent[_sentence_rows(c, dev)] = net.sentence_probs(_bags(c, dev, mu, sd, s_mu))
    proxy_dev = section_proxy(c, p_sent, dev, th, hp.r)
    log.info("section rule: rest weight %s, penalty %s (train OOF %s; dev %s)", rest_weight, penalty,
             proxy_train[(rest_weight, penalty)], proxy_dev[(rest_weight, penalty)])
    dev_m = metrics(c.y[dev], p_dev, th)
    dev_global = metrics(c.y[dev], p_dev, np.full(len(FRAMES), g))
    oof_m = metrics(c.y[train], oof, th)
    log.info("dev (per-frame thresholds): micro %.4f macro %.4f", dev_m["micro_f1"], dev_m["macro_f1"])
    log.info("dev (global threshold %.3f): micro %.4f macro %.4f", g, dev_global["micro_f1"], dev_global["macro_f1"])
    split = {"dev_rule": f"sha256('{SEED}:'+article_id) in lowest {DEV_FRACTION:.0%}",
             "train_articles": len(train), "dev_articles": len(dev), "sentences": len(c.texts)}
    section_rule = {"key": "(score - rest_weight * rest) + penalty * min(logit(robust) - logit(threshold), 0)",
                    "penalty": penalty, "rest_weight": rest_weight}
    export(net, mu, sd, s_mu, c.proto, hp, th, {"data": LABELS_FILE, "split": split, "seed": SEED,
                                 "global_threshold": g, "encoder": f"{encoder_name()} pooled (encode_cached)",
                                 "section_rule": section_rule})
    result = {"dev": dev_m, "dev_global_threshold": dev_global, "train_oof": oof_m,
              "majority_baseline_dev": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in base.items()},
              "split": split, "hyper": hp.__dict__, "global_threshold": g,
              "thresholds": dict(zip(FRAMES, [round(float(t), 4) for t in th], strict=True)),
              "encoder": encoder_name(),
              "section_rule": {**section_rule,
                               "proxy_train_oof": {proxy_key(k): {"rest_weight": k[0], "penalty": k[1], **v}
                                                   for k, v in proxy_train.items()},
                               "proxy_dev": {proxy_key(k): v for k, v in proxy_dev.items()}}}
    if search:
        result["search"] = search
    result["training_seconds"] = round(time.monotonic() - t0, 1)
    (out_dir() / "metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    (out_dir() / "card.md").write_text(card(result))
    return 0


#: A measured note in the card (issue 14, point 2; session 7, 2026-12-02, the head of commit e0336ab):
#: why Legality leads plain-news sections, and what was tried against it. Static text: the figures
#: come from the investigation scripts (kept outside the repository, /work/scratch/s7f_frames/),
#: not from the run that writes the card; re-measure them if the head is retrained.
SECTION_RULE_NOTE = """### Why Legality leads plain-news sections, and what was tried (issue 14; measured 2026-12-02 on this head)

On our hand-written articles (`python -m framing.evaluation readings`: 17 of 24 frame readings hold)
five of the seven misses show Legality_Constitutionality_and_jurisprudence first where a reader
picks Economic, Political, Policy_prescription or External_regulation. The cause is in the head's
sentence probabilities, not in the section key:

* **The description prior has a common mode.** The 14 prior terms (similarity to each frame's
  description, times its learned weight) correlate with each other (mean pairwise correlation on
  train sentences 0.54; Legality's with Economic's 0.98, with Capacity's, Health's and Policy's
  0.96 to 0.98, with Morality's -0.89): much of it is the similarity to *any* description, i.e. a
  plain, factual policy-news register. Legality's logit on train sentences moves with its prior
  term alone (covariance share 1.01, correlation 0.82).
* **In this corpus that register is evidence.** The article-mean similarity to the mean
  description separates Legality articles (AUC 0.59), Economic (0.61), Capacity (0.73) and
  Health (0.81) from the rest, and runs against Morality (0.26), Political (0.36) and Fairness
  (0.36). Legality has the base rate to turn it into a label (45% of train articles, threshold
  0.45), so a plain sentence such as "The union says its members have not had a raise in four
  years while prices rose by a fifth." reads Legality 0.64 through the CLI (0.66 on the fp32
  training features: the 85th percentile of the sentences of train articles *without* Legality) and a three-sentence section clears the threshold on every
  sentence (the robust score stays above it), while a reader's frame carried by one sentence is
  penalised.
* **Our readings are written in that register** (median similarity to the mean description 0.393;
  78% of their sentences above the corpus median): a shift of domain that pseudo-articles drawn
  from the corpus cannot show.

Tried, each chosen at its best rest weight / penalty on the train OOF pseudo-articles (the
objective above; a bootstrap over section articles puts the standard error of the difference between
two of these rules at about 0.007), dev pseudo-articles at that point (dev figures):

| candidate | train OOF objective | dev objective |
|---|---|---|
| shipped rule (0.75 / 2.0) | 0.7053 | 0.7880 |
| per-frame Platt calibration of section scores (P(article has f given the section score), cross-fitted on train folds; 1.0 / 1.0) | 0.7072 | 0.7779 |
| the same less the frame's train base rate (a likelihood ratio: label-shift correction; 0.75 / 2.0) | 0.7018 | 0.7609 |
| z-score of the section logit against sections of articles without the frame (0.25 / 4.0) | 0.6943 | 0.7717 |
| percentile among sections of articles without the frame (0.25 / 4.0) | 0.6901 | 0.7686 |
| base-rate correction in the key, (1 - rest weight) x the frame's mean section score taken off (0.75 / 2.0) | 0.7047 | 0.7826 |
| Legality-only offset of -0.3 on the key | 0.7087 | 0.7533 |
| a per-frame logistic ranker on (score, rest, robust margin, gap), cross-fitted | 0.6949 | - |
| sentence logits standardised per frame against the sentences of articles without the frame (cross-fitted), pooled (0.75 / 4.0) | 0.6978 | 0.7679 |
| the prior's common mode taken out of the sentence logits (learned weight x similarity to the mean description), pooled (1.0 / 4.0) | 0.6861 | 0.7764 |
| head retrained without Legality's description prior (OOF micro-F1 0.6996; 0.75 / 4.0) | 0.7085 | 0.7826 |
| head retrained with a contrastive prior (each description minus the mean description; shipped hyper-parameters; OOF micro-F1 0.6975) | 0.7018 | 0.7951 |
| contrastive prior, hyper-parameters re-searched by OOF micro-F1 (L2 0.003, balance 0; OOF micro-F1 0.7045; 0.75 / 4.0) | 0.7143 | 0.7834 |
| head retrained without any description prior (OOF micro-F1 0.6945; 0.5 / 4.0) | 0.6984 | 0.7835 |

Sections of 3, 5 or 12 sentences instead of 8 leave the shipped rule within 0.007 of each
length's best. Nothing beats the shipped rule beyond noise on the train objective while holding
dev: the key-side calibrations lose on dev, and the one candidate above one standard error (the
re-searched contrastive prior, +0.009) is lower on dev pseudo-articles (0.783) and on the tune part
of `python -m framing.evaluation articles` (report 0.720 / tune 0.676 against 0.702 / 0.708). The
rule and the head are unchanged. Checked on the readings only after that decision, never chosen
on: Platt 17/24 (other misses), the label-shift key 15/24, no Legality prior 16/24 (the learned
part takes the register back), the contrastive prior with the shipped hyper-parameters 21/24 (but
articles 0.698 / 0.714 and a lower train objective), re-searched 16/24 (with a weaker L2 the
learned part takes the register back). What would move it: section-level frame labels, or
pseudo-articles / a held-out set in the register the tool is used on; the corpus objective
rewards the register because the corpus does.
"""


def card(m: dict[str, Any]) -> str:
    """The model card, written from the metrics of the run that built the head."""
    dev, glob, oof, base = m["dev"], m["dev_global_threshold"], m["train_oof"], m["majority_baseline_dev"]
    hp = m["hyper"]
    rows = "\n".join(f"| {f} | {m['thresholds'][f]:.3f} | {oof['support'][f]} | {oof['per_frame_f1'][f]:.3f} "
                     f"| {dev['support'][f]} | {dev['per_frame_f1'][f]:.3f} |" for f in FRAMES)
    search = "\n".join(f"| r = {s['hyper']['r']}, prior {s['hyper']['prior']}, L2 {s['hyper']['l2']}, "
                       f"balance {s['hyper'].get('balance', 0.0)} "
                       f"| {s['oof_micro_f1_global_threshold']:.4f} | {s['threshold']:.3f} "
                       f"| {s.get('oof_micro_f1', float('nan')):.4f} | {s.get('oof_macro_f1', float('nan')):.4f} |"
                       for s in m.get("search", [])) or "| (search skipped with --fast) | | | | |"
    sr = m["section_rule"]
    proxy = "\n".join(f"| {v['rest_weight']} | {v['penalty']} | {v['p_at_2']:.4f} "
                      f"| {v['reader_at_1']:.4f} | {v['reader_hit_at_2']:.4f} "
                      f"| {v['objective']:.4f} | {sr['proxy_dev'][k]['objective']:.4f} |"
                      for k, v in sr["proxy_train_oof"].items())
    return f"""# frames.v1: the 14 policy frames per sentence, trained by multiple-instance learning

**What it is.** A linear head (l2norm -> standardize -> 384 x 14 linear -> sigmoid) over the
pooled sentence embedding of the default encoder (`{m.get("encoder", "?")}`, the same one the CLI runs). It gives
every sentence 14 frame probabilities. The linear layer is the sum of a learned part and a
*description prior*: the cosine similarity of the sentence to a few sentences describing each
frame (our own paraphrase of the Policy Frames Codebook, Boydstun et al. 2014; the text is in
`framing/train/frames.py` `DESCRIPTIONS`), scaled by a learned non-negative weight per frame
(`meta.prior_weight`) and folded into the same matrix. The prior gives rare frames (Economic has
{oof['support']['Economic']} training articles) a sentence-level signal that article labels alone
cannot teach. A unit (paragraph, section, article) is scored with the pooling rule the head was
trained with, a word-weighted log-mean-exp of sentence logits:
`p_unit = sigmoid((1/r) * log(sum_i w_i exp(r * logit(p_i)) / sum_i w_i))`, r = {hp['r']},
w_i = words in sentence i (`framing.scorers.frames.pool`). A unit has a frame when its pooled
score reaches the frame's threshold (config.json `meta.thresholds`, label order = `labels`).

**Weak supervision, honestly.** The labels are per article (SemEval-2023 Task 3 subtask 2). No
sentence or paragraph was ever labelled: the loss is binary cross-entropy on the *pooled* article
score only. A sentence probability therefore means "how much this sentence pushes its unit toward
the frame", which is why the sentences with the highest probability are shown as evidence, and why
section-level labels use thresholds that were tuned for whole articles (a mean-type pooling rule
keeps scores on one scale for short and long units; noisy-OR would not).

**Data.** `frames/semeval2023_frame_labels.tsv` + `frames/articles/` (326 English articles),
segmented with `framing.load.load` + `framing.segment.segment` exactly like inference
({m['split']['sentences']} sentences, titles excluded because the pipeline does not score them).
Nothing from the data is stored here.

**Split.** Dev = articles with `{m['split']['dev_rule']}` (seed {SEED}):
{m['split']['train_articles']} train / {m['split']['dev_articles']} dev articles. The head is trained on train only.

**Training.** torch, 1 thread, full batch AdamW, lr {hp['lr']}, weight decay {hp['weight_decay']},
{hp['epochs']} epochs, L2 penalty {hp['l2']} on the learned weights (the prior weight is not
penalised), description prior {'on' if hp['prior'] else 'off'}, class balance {hp.get('balance', 0.0)}
(positive bags of frame f weigh ((1 - pi_f) / pi_f) ** balance, pi_f the frame's share of train
articles), bias initialised at the label prior, seed {SEED}. Training time (search included, features
cached): {m.get('training_seconds', '?')} s on the shared 2-core box.
The configuration and the thresholds were chosen on 5-fold out-of-fold (OOF) predictions of the
TRAIN split, never on dev: the configuration with the best OOF micro-F1 under its own per-frame
thresholds (the decision that ships). Thresholds: coordinate ascent on OOF micro-F1 from the best
global threshold ({m['global_threshold']:.3f}); frames with fewer than {MIN_POS_FOR_OWN_THRESHOLD}
positive train articles keep the global one.

| configuration | OOF micro-F1 (global threshold) | threshold | OOF micro-F1 (per-frame thresholds) | OOF macro-F1 |
|---|---|---|---|---|
{search}

## Section rule (which frames a section view shows first)

`framing.report.frames.section_key`: `(score - rest_weight * rest) + penalty * min(logit(robust) - logit(threshold), 0)`,
the probability gap between the section's pooled score and a share of the rest of the article's
(rest weight 1: what sets the section apart; less: what the section is about counts too), minus a
penalty for a frame whose robust score (strongest sentence left out) is below its threshold.
The rest weight and the penalty (config.json `meta.section_rule`) are chosen on pseudo-articles of the TRAIN split's
OOF sentence probabilities: each article's first {SECTION_SENTENCES} sentences is a section, grouped
{SECTIONS_PER_ARTICLE} to an article, once with its nearest neighbours (topical) and in five random
partitions. p@2 = share of the two frames shown that the section's article has; reader@1 / reader
hit@2 = the first / either of the first two is a gold frame that not every other section has.
Each is the mean of the topical and random groupings; objective = the mean of reader@1 and reader
hit@2 (p@2 is shown, not chosen on: it rewards a frame near 1 in every section, which tells the
sections apart least; with it in the mean the choice was rest weight 0.5 / penalty 1.0, and
External_regulation_and_reputation, ~0.9 everywhere, led three of the seed's eight sections). Chosen: rest weight
**{sr['rest_weight']}**, penalty **{sr['penalty']}**.
Dev pseudo-articles use the shipped head (dev figures, not test figures).

| rest weight | penalty | train OOF p@2 | reader@1 | reader hit@2 | objective | dev objective |
|---|---|---|---|---|---|---|
{proxy}

{SECTION_RULE_NOTE}
## Dev metrics (article level, {m['split']['dev_articles']} dev articles; dev numbers, not test numbers)

| system | micro-F1 | macro-F1 |
|---|---|---|
| majority baseline (always the 5 most frequent train frames: {', '.join(base['frames'])}) | {base['micro_f1']:.4f} | {base['macro_f1']:.4f} |
| frames.v1, one global threshold ({m['global_threshold']:.3f}) | {glob['micro_f1']:.4f} | {glob['macro_f1']:.4f} |
| **frames.v1, per-frame thresholds (shipped)** | **{dev['micro_f1']:.4f}** | **{dev['macro_f1']:.4f}** |

Train OOF (5 folds) with the shipped thresholds: micro-F1 {oof['micro_f1']:.4f}, macro-F1 {oof['macro_f1']:.4f}.
Mean frames predicted per dev article: {dev['mean_labels_predicted']} (gold: about 4.5).

| frame | threshold | train support | OOF F1 | dev support | dev F1 |
|---|---|---|---|---|---|
{rows}

Measured by: `PYTHONPATH=src python -m framing.train frames` (OOF search, then rebuild;
`python -m framing.train.frames --fast` skips the search and trains the chosen configuration) and
`PYTHONPATH=src python -m framing.train eval frames` (re-measures the shipped head on dev
through the numpy inference path and `framing.scorers.frames.pool`).

**Reading the numbers.** The configuration, the thresholds and the section penalty were chosen by
train OOF numbers (development runs also printed dev scores, so dev is not perfectly untouched); the
per-frame thresholds were fixed on OOF before the dev rows were computed, and on a dev split this
small the per-frame and global-threshold rows differ by noise. The description prior barely moves
OOF micro-F1 (compare the prior on/off rows); it is kept because it gives rare frames a
sentence-level signal that article labels alone cannot teach. Class balance entered the grid on the
fine-tuned encoder, whose features left Economic (one of the rarest frames in the train split, often what a news section is about)
too weak to lead an economic section; it is chosen by OOF micro-F1 like the rest, and what it
mostly moves is macro-F1 (rare frames).

**Limits.** Rare frames (Economic, Capacity_and_resources, Public_opinion and Cultural_identity
have fewer than 25 training articles each) are weak, and Policy_prescription_and_evaluation is
almost never found; per-frame F1 on a dev split of a few articles is noise. The model predicts
fewer frames per article than the annotators used. The corpus is propaganda-leaning news (PTC
articles), so the frame priors (Political, Crime, Morality, Security, Legality) are those of that
corpus. English only. Sentence-level probabilities were never trained as sentence labels: they
rank evidence, they are not calibrated sentence judgements.
"""


def evaluate() -> dict[str, object]:
    """Re-measure the shipped head on the dev split, pooling with the scorer's own ``pool``."""
    from ..heads import load_head
    from ..scorers.frames import pool

    head = load_head(out_dir())
    meta = head.meta
    c = load_corpus()
    train, dev = split_rows(c)
    probs = head(c.x)  # unit vectors; the head's own l2norm leaves them unchanged
    p = np.stack([pool(probs[c.owner == r], c.w[c.owner == r], float(meta["pooling"]["r"])) for r in dev])
    th = np.asarray(meta["thresholds"], np.float32)
    out = metrics(c.y[dev], p, th)
    base = majority_baseline(c.y[train], c.y[dev])
    out["majority_baseline_micro_f1"] = round(base["micro_f1"], 4)  # type: ignore[arg-type]
    out["majority_baseline_macro_f1"] = round(base["macro_f1"], 4)  # type: ignore[arg-type]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
