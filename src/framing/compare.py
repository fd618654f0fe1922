"""Several articles on one event side by side: ``compare(reports) -> dict``.

Reads aggregated JSON reports (``report.build.to_dict`` output) and lines them up:

* ``overview``: per article its headline figures (sentiment, loaded terms per 100 words, bias,
  frames above threshold, top loaded terms);
* ``targets``: the actors aligned across articles by canonical name and aliases (two targets are
  the same actor when their name/alias sets overlap, case-insensitively, "U.S." = "US"), with
  mentions and stance per article side by side;
* ``frames``: every frame's article-level score per article;
* ``emphasis``: per article what it emphasises (a target or frame clearly stronger there than in
  the others) and what it leaves out (absent or much weaker than elsewhere);
* ``findings``: plain-English sentences a reader can check.

Works with whichever scorers ran; a missing scorer leaves its columns ``null``. Pure function of
the reports (no models).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .names import TITLES
from .numeric import logit
from .report.profile import _score, _sentences, _words, dominant_frames, loaded_of
from .report.vocab import frame_name

Report = dict[str, Any]

#: Loaded terms listed per article.
TOP_TERMS = 5
#: Targets kept (by total mentions across articles).
MAX_TARGETS = 12
#: A target is "emphasised" by an article when it has at least MIN_MENTIONS there and its
#: mentions per 1000 words are at least EMPHASIS_RATIO times the highest of the other articles.
MIN_MENTIONS = 2
EMPHASIS_RATIO = 3.0
#: A frame is emphasised / left out when its article-level logit differs by at least this much
#: (1.5 logits: e.g. 0.50 vs 0.18) and the stronger article has it above its threshold.
FRAME_GAP = 1.5
FRAME_CLIP = 0.02  # probabilities clipped before the logit (near-zero noise is not a difference)
#: Stance disagreements worth a finding: scores this far apart (stance scale [-1, 1]).
STANCE_GAP = 0.3
#: Loaded language: an article counts as the most loaded when its density is at least this many
#: times the next article's and at least LOADED_MIN per 100 words.
LOADED_RATIO = 1.5
LOADED_MIN = 0.5


def _norm_forms(form: str) -> set[str]:
    """Case-insensitive keys of a name or alias; dotted acronyms also match undotted ("U.S.")."""
    f = " ".join(form.casefold().split())
    for suffix in ("’s", "'s"):
        if f.endswith(suffix):
            f = f[: -len(suffix)]
    if f.startswith("the "):
        f = f[4:]
    keys = {f} if f else set()
    if "." in f and (undotted := f.replace(".", "").replace(" ", "")):
        keys.add(undotted)
    # "James B. Comey" = "James Comey": a middle initial does not make another person
    words = f.split()
    if len(words) >= 3:
        kept = [w for w in words[1:-1] if not re.fullmatch(r"\w\.", w)]
        keys.add(" ".join([words[0], *kept, words[-1]]))
    return keys


def surface_variants(form: str) -> set[str]:
    """Ways an article may write ``form``: itself, with or without an initialism's dots
    ("FBI"/"F.B.I."), without middle initials ("James B. Comey" -> "James Comey"), without a
    leading "the"."""
    f = " ".join(form.split())
    if f.lower().startswith("the "):
        f = f[4:]
    out = {f} if f else set()
    if re.fullmatch(r"[A-Z]{2,6}", f):
        out.add(".".join(f) + ".")
    elif re.fullmatch(r"(?:[A-Z]\.){2,6}", f):
        out.add(f.replace(".", ""))
    words = f.split()
    if len(words) >= 3:
        kept = [w for w in words[1:-1] if not re.fullmatch(r"[A-Z]\.", w)]
        out.add(" ".join([words[0], *kept, words[-1]]))
    return out


def report_text(report: Report) -> str:
    """The article's text as the report holds it: title and every paragraph."""
    parts = [str(report.get("title") or "")]
    for sec in report.get("sections", []):
        if sec.get("heading"):
            parts.append(str(sec["heading"]))
        parts.extend(str(p.get("text", "")) for p in sec.get("paragraphs", []))
    return "\n".join(parts)


def text_mentions(text: str, forms: Sequence[str]) -> int:
    """How many times ``text`` writes any of ``forms`` (or their surface variants), whole words,
    case-sensitively: the check a "never mentions" claim must pass."""
    variants = sorted({v for f in forms for v in surface_variants(f) if len(v) >= 2}, key=len, reverse=True)
    if not variants:
        return 0
    rx = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(v) for v in variants) + r")(?![\w]|\.\w)")
    return sum(1 for _ in rx.finditer(text))


def outlet_label(report: Report, k: int) -> str:
    """How a comparison names an article: its outlet (HTML site name, a record's "outlet" or
    ``--label``) where known, else its position (#1, #2, ...)."""
    return str(report.get("outlet") or f"#{k + 1}")


def _article_name(report: Report, k: int) -> str:
    return str(report.get("title") or report.get("id") or report.get("source") or f"article {k + 1}")


def _targets_of(report: Report) -> list[dict[str, Any]]:
    """(name, aliases, mentions, stance) per target of one report."""
    out = []
    if report.get("targets"):
        for t in report["targets"]:
            st = t.get("stance") if isinstance(t.get("stance"), dict) else None
            mentions = int(st.get("mentions", 0)) if st else int(t.get("mentions", 0) or 0)
            out.append({"name": str(t["name"]), "aliases": [str(a) for a in t.get("aliases") or []],
                        "mentions": mentions, "stance": st, "kind": t.get("kind")})
    else:
        for d in (report.get("summary") or {}).get("stance") or []:
            out.append({"name": str(d["target"]), "aliases": [], "mentions": int(d.get("mentions", 0)),
                        "stance": d})
    return out


def _merge_stance(blocks: list[dict[str, Any]], thresholds: dict[str, Any] | None = None
                  ) -> dict[str, Any] | None:
    """Mention-weighted stance of one actor in one article (several targets may align to it).

    Where every block carries the article rule's evidence (schema 1.6) and the report its
    thresholds, the merged label is the article rule's own on the pooled evidence (each side's
    evidence is a mean over the author's mentions, so the mention-weighted mean is exact): the
    label ``framing analyze`` would give the actor read as one target. Older reports: a band of
    +-0.1 on the mention-weighted score."""
    blocks = [b for b in blocks if b and b.get("mentions")]
    if not blocks:
        return None
    if len(blocks) == 1:
        b = blocks[0]
        return {"score": _score(b), "label": b.get("label"), "mentions": int(b["mentions"]),
                "author": _score(b.get("author")) if (b.get("author") or {}).get("mentions") else None}
    n = sum(int(b["mentions"]) for b in blocks)
    score = sum((_score(b) or 0.0) * int(b["mentions"]) for b in blocks) / n
    au = [(b["author"], int(b["author"]["mentions"])) for b in blocks
          if isinstance(b.get("author"), dict) and b["author"].get("mentions")]
    author = sum((_score(a) or 0.0) * m for a, m in au) / sum(m for _, m in au) if au else None
    label = "against" if score <= -0.1 else "favor" if score >= 0.1 else "neutral"
    if thresholds and au and len(au) == len(blocks) and all(
            isinstance(a.get("against_evidence"), int | float) and isinstance(a.get("favor_evidence"), int | float)
            for a, _ in au):
        from .report.stance import article_label

        m = sum(w for _, w in au)
        evidence = (sum(a["against_evidence"] * w for a, w in au) / m, sum(a["favor_evidence"] * w for a, w in au) / m)
        label = article_label(evidence, thresholds)
    return {"score": score, "label": label, "mentions": n, "author": author}


def _author_thresholds(report: Report) -> dict[str, Any] | None:
    """The article rule's thresholds the report was written with (schema 1.6), or None."""
    from .report.stance import provenance_numbers

    return provenance_numbers(report, "author_thresholds", ("against", "favor"))


def align_targets(reports: Sequence[Report]) -> list[dict[str, Any]]:
    """Actors across articles: union of targets whose name/alias keys overlap (union-find)."""
    nodes = [(k, t) for k, r in enumerate(reports) for t in _targets_of(r)]
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, (_, t) in enumerate(nodes):
        last = t["name"].split()[-1] if len(t["name"].split()) >= 2 else None
        for form in [t["name"], *t["aliases"]]:
            if form != t["name"] and (form == last or _strip_title_word(form) == last):
                continue  # a bare surname ("Trump", "Mrs. Trump") is shared by Donald and Melania
            for key in _norm_forms(form):
                if key in owner:
                    a, b = find(owner[key]), find(i)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
                else:
                    owner[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        groups.setdefault(find(i), []).append(i)
    words = [max(1, int((r.get("summary") or {}).get("words") or _report_words(r))) for r in reports]
    out = []
    for members in groups.values():
        names = Counter(nodes[i][1]["name"] for i in members)
        total = Counter()
        for i in members:
            total[nodes[i][1]["name"]] += nodes[i][1]["mentions"]
        name = sorted(names, key=lambda n: (-len({nodes[i][0] for i in members if nodes[i][1]["name"] == n}),
                                            -total[n], n))[0]
        aliases = sorted({f for i in members for f in [nodes[i][1]["name"], *nodes[i][1]["aliases"]]} - {name})
        mentions = [0] * len(reports)
        blocks: list[list[dict[str, Any]]] = [[] for _ in reports]
        for i in members:
            k, t = nodes[i]
            mentions[k] += t["mentions"]
            if t["stance"]:
                blocks[k].append(t["stance"])
        out.append({
            "name": name, "aliases": aliases, "mentions": mentions,
            "per_1000_words": [1000.0 * m / w for m, w in zip(mentions, words, strict=True)],
            "stance": [_merge_stance(b, _author_thresholds(r)) for b, r in zip(blocks, reports, strict=True)],
            "kind": Counter(nodes[i][1].get("kind") for i in members).most_common(1)[0][0],
        })
    out.sort(key=lambda g: (-sum(g["mentions"]), -sum(1 for m in g["mentions"] if m), g["name"]))
    return [g for g in out if sum(g["mentions"])][:MAX_TARGETS]


def _strip_title_word(form: str) -> str:
    first, _, rest = form.partition(" ")
    return rest if rest and (first.endswith(".") or first in _NAME_TITLES) else form


_NAME_TITLES = TITLES  # framing.names: one title vocabulary


def _report_words(report: Report) -> int:
    return sum(_words(s.get("text", "")) for sec in report.get("sections", []) for _, s in _sentences(sec))


def _overview(report: Report, k: int) -> dict[str, Any]:
    summ = report.get("summary") or {}
    words = int(summ.get("words") or _report_words(report))
    row: dict[str, Any] = {"index": k, "id": report.get("id"), "outlet": report.get("outlet"),
                           "label": outlet_label(report, k), "title": report.get("title"),
                           "source": report.get("source"), "words": words,
                           "sentiment": _score(summ.get("sentiment")),  # [-1, 1]
                           "bias": _score(summ.get("bias"))}  # [0, 1] or null
    has_loaded = any("loaded_terms" in s for sec in report.get("sections", []) for _, s in _sentences(sec))
    if has_loaded:
        n, density, _ = loaded_of(summ)
        row["loaded_terms"] = n
        row["loaded_per_100_words"] = density
        row["top_loaded_terms"] = [{"text": t["text"], "count": t["count"]}
                                   for t in (summ.get("loaded_summary") or {}).get("top_terms", [])[:TOP_TERMS]]
    else:
        row["loaded_terms"] = row["loaded_per_100_words"] = None
        row["top_loaded_terms"] = []
    row["frames"] = [f["frame"] for f in dominant_frames(summ.get("frames"), 14) if f["label"]]
    return row


def _frames(reports: Sequence[Report]) -> list[dict[str, Any]]:
    per = [(r.get("summary") or {}).get("frames") or {} for r in reports]
    names = sorted({f for fr in per for f in (fr.get("scores") or {})})
    rows = []
    for f in names:
        scores = [(fr.get("scores") or {}).get(f) for fr in per]
        labels = [f in (fr.get("labels") or []) for fr in per]
        rows.append({"frame": f, "scores": scores, "labels": labels})
    rows.sort(key=lambda r: (-sum(r["labels"]), -max((s or 0.0) for s in r["scores"]), r["frame"]))
    return rows


def _emphasis(names: list[str], targets: list[dict[str, Any]], frames: list[dict[str, Any]],
              labels: Sequence[str] | None = None, texts: Sequence[str] | None = None
              ) -> list[dict[str, Any]]:
    n = len(names)
    lab = list(labels) if labels is not None else [f"#{k + 1}" for k in range(n)]

    def absent_in(j: int, g: dict[str, Any]) -> bool:
        # zero aligned mentions is not enough: no surface form of the actor may occur in the text,
        # nor a person's surname ("Blumenthal" may be the Richard Blumenthal named elsewhere)
        if g["mentions"][j] or texts is None:
            return not g["mentions"][j]
        forms = [g["name"], *g["aliases"]]
        if g.get("kind") == "person":
            forms += [f.split()[-1] for f in forms if len(f.split()) >= 2 and len(f.split()[-1]) > 2]
        return not text_mentions(texts[j], forms)

    out: list[dict[str, Any]] = [{"article": k, "emphasises": [], "leaves_out": []} for k in range(n)]
    if n < 2:
        return out
    for g in targets:
        dens, ms = g["per_1000_words"], g["mentions"]
        for k in range(n):
            others = [dens[j] for j in range(n) if j != k]
            if ms[k] >= MIN_MENTIONS and dens[k] >= EMPHASIS_RATIO * max(others):
                absent = [lab[j] for j in range(n) if j != k and absent_in(j, g)]
                text = (f"names {g['name']} {ms[k]} times ({dens[k]:.1f} per 1000 words)"
                        + (f"; {_join(absent)} never" if absent else
                           f" vs at most {max(others):.1f} elsewhere"))
                out[k]["emphasises"].append({"kind": "target", "name": g["name"], "text": text})
            if absent_in(k, g) and sum(1 for j in range(n) if j != k and ms[j] >= MIN_MENTIONS):
                who = [f"{lab[j]} {ms[j]}" for j in range(n) if j != k and ms[j] >= MIN_MENTIONS]
                out[k]["leaves_out"].append({"kind": "target", "name": g["name"],
                                             "text": f"never mentions {g['name']} ({_join(who)} times)"})
    for fr in frames:
        scores = fr["scores"]
        if any(s is None for s in scores):
            continue
        z = [logit(s, FRAME_CLIP) for s in scores]
        for k in range(n):
            others = [z[j] for j in range(n) if j != k]
            if fr["labels"][k] and z[k] - max(others) >= FRAME_GAP:
                vs = ", ".join(f"{lab[j]} {scores[j]:.2f}" for j in range(n) if j != k)
                out[k]["emphasises"].append({"kind": "frame", "name": fr["frame"], "text":
                                             f"{frame_name(fr['frame'])} frame {scores[k]:.2f} (vs {vs})"})
            strong = [j for j in range(n) if j != k and fr["labels"][j] and z[j] - z[k] >= FRAME_GAP]
            if not fr["labels"][k] and strong:
                vs = ", ".join(f"{lab[j]} {scores[j]:.2f}" for j in strong)
                out[k]["leaves_out"].append({"kind": "frame", "name": fr["frame"], "text":
                                             f"little {frame_name(fr['frame'])} framing ({scores[k]:.2f}; {vs})"})
    return out


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _findings(names: list[str], overview: list[dict[str, Any]], targets: list[dict[str, Any]],
              emphasis: list[dict[str, Any]], labels: Sequence[str] | None = None) -> list[str]:
    n = len(names)
    out: list[str] = []
    lab = list(labels) if labels is not None else [f"#{k + 1}" for k in range(n)]
    q = [f"{lab[k]} “{x}”" for k, x in enumerate(names)]
    # Stance: actors the articles see differently.
    for g in targets:
        st = [(k, s) for k, s in enumerate(g["stance"]) if s and s["mentions"] >= MIN_MENTIONS
              and s["score"] is not None]
        if len(st) < 2:
            continue
        lo = min(st, key=lambda t: (t[1]["score"], t[0]))
        hi = max(st, key=lambda t: (t[1]["score"], -t[0]))
        if hi[1]["score"] - lo[1]["score"] >= STANCE_GAP:
            out.append(f"{q[lo[0]]} is the most negative toward {g['name']} (stance {lo[1]['score']:+.2f} "
                       f"over {lo[1]['mentions']} mentions), {q[hi[0]]} the most positive "
                       f"({hi[1]['score']:+.2f} over {hi[1]['mentions']})")
    # Loaded language.
    dens = [(o["loaded_per_100_words"], k) for k, o in enumerate(overview)
            if o.get("loaded_per_100_words") is not None]
    if len(dens) >= 2:
        dens.sort(key=lambda t: (-t[0], t[1]))
        (d0, k0), (d1, _) = dens[0], dens[1]
        if d0 >= LOADED_MIN and d0 >= LOADED_RATIO * d1:
            terms = ", ".join(f"“{t['text']}”" for t in overview[k0]["top_loaded_terms"][:3])
            rest = ", ".join(f"{lab[k]} {d:.1f}" for d, k in dens[1:])
            out.append(f"{q[k0]} uses the most loaded language ({d0:.1f} loaded terms per 100 words "
                       f"vs {rest}" + (f": {terms})" if terms else ")"))
    # Sentiment spread.
    sent = [(o["sentiment"], k) for k, o in enumerate(overview) if o.get("sentiment") is not None]
    if len(sent) >= 2:
        lo_s = min(sent, key=lambda t: (t[0], t[1]))
        hi_s = max(sent, key=lambda t: (t[0], -t[1]))
        if hi_s[0] - lo_s[0] >= 0.1:
            out.append(f"{q[lo_s[1]]} is the most negative in tone (sentiment {lo_s[0]:+.2f}), "
                       f"{q[hi_s[1]]} the most positive ({hi_s[0]:+.2f})")
    # Emphasis and omissions.
    for e in emphasis:
        k = e["article"]
        if e["emphasises"]:
            out.append(f"{q[k]} emphasises: " + "; ".join(x["text"] for x in e["emphasises"][:3]))
        if e["leaves_out"]:
            out.append(f"{q[k]} leaves out: " + "; ".join(x["text"] for x in e["leaves_out"][:3]))
    return out if n >= 2 else []


def compare(reports: list[Report]) -> dict[str, Any]:
    """Line up several articles' reports (same event, different outlets).

    Args:
        reports: report dicts as written by ``framing.report.build.to_dict``, in display order.

    Returns:
        ``{"overview", "targets", "frames", "emphasis", "findings"}`` (see the module docstring);
        lists per article follow the order of ``reports``. Floats are unrounded.
    """
    names = [_article_name(r, k) for k, r in enumerate(reports)]
    labels = [outlet_label(r, k) for k, r in enumerate(reports)]
    overview = [_overview(r, k) for k, r in enumerate(reports)]
    targets = align_targets(reports)
    frames = _frames(reports)
    emphasis = _emphasis(names, targets, frames, labels, [report_text(r) for r in reports])
    return {"overview": overview, "targets": targets, "frames": frames, "emphasis": emphasis,
            "findings": _findings(names, overview, targets, emphasis, labels)}


def default_scorers() -> list[str]:
    """What ``framing compare`` runs by default: the default scorers plus stance (targets are the
    point of a comparison), loaded terms, bias and frames where they are installed."""
    from .scorers import DEFAULT_SCORERS, available

    have = set(available())
    return list(dict.fromkeys([*DEFAULT_SCORERS, *(n for n in ("stance", "loaded_terms", "bias", "frames")
                                                   if n in have)]))


__all__ = ["align_targets", "compare", "default_scorers"]
