"""Actors named right (issue 16): junk target names and the names Donald Trump gets, on real
articles through the CLI's pipeline.

Articles: the dev articles of the NER head's split (BASIL events and PTC articles with
sha1(group) % 5 == 0, ``framing.train.ner.dev_articles``), none of them seen in training. Each goes
through ``framing.pipeline.Pipeline`` with the stance scorer (which needs targets), as
``framing analyze`` runs it. Figures:

* ``junk_rate``: the share of reported target names that are junk (``junk_reason``): fragments
  ("A.", "B.", "F."), a person's name running across "and"/"&" (or any name with a title
  word in it: "Mattis and Mr. Trump"), names running across lines, party-state tags
  ("D-Mass."), a title left in the name ("Mr. Comey"), a possessive, lower-case starts,
  quotes or sentence punctuation inside, more than six words, a headline cut into a name
  ("Has Trump Opened": capitalised auxiliaries, "As", "AP", "Photo" after the first word);
* ``trump_names``: the distinct names of the targets that are Donald Trump (a target whose name
  or aliases hold "Trump" and that is not another Trump by first name);
* ``examples``: up to 20 junk names with their reason, for reading.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

#: first words of other people named Trump (never Donald)
OTHER_TRUMPS = frozenset({"Melania", "Ivanka", "Eric", "Barron", "Tiffany", "Fred", "Lara", "Mary",
                          "Ivana", "Marla", "Donald Jr.", "Robert", "Friedrich"})
#: capitalised function words and verbs inside a "name": a headline cut into a name ("Has Trump
#: Opened", "Trump Victorious As", "AP Photo Trump")
_HEADLINE_WORDS = frozenset({"Has", "Have", "Had", "Is", "Are", "Was", "Were", "As", "Photo", "AP", "Says",
                             "Said", "Will", "Would", "Vs", "vs."})
_TITLE_START = re.compile(r"^(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Prof)\.\s|^(?:President|Senator|Governor|"
                          r"Secretary|Director|Speaker|Judge|Representative)\s")


def junk_reason(name: str, kind: str | None = None) -> str | None:
    """Why ``name`` (of a target of ``kind``) is not a well-formed actor name, or None."""
    from ..ner import PARTY_STATE_RE

    letters = name.replace(".", "").replace(" ", "")
    if len(letters) <= 1:
        return "fragment"
    if PARTY_STATE_RE.fullmatch(name):
        return "party-state tag"
    if "\n" in name:
        return "runs across lines"
    if re.search(r"\s(?:and|&)\s", name) and (
            kind == "person"
            or any(w in name.split() for w in ("Mr.", "Mrs.", "Ms.", "Sen.", "Senator", "President", "Deputy"))):
        return "runs across and"
    if _TITLE_START.match(name):
        return "title in name"
    if name.endswith(("’s", "'s", "’", "'")):
        return "possessive"
    if not name[0].isupper() and not re.match(r"(?:al|el|de|van|von|bin|ibn)[- ]", name):
        return "lower-case start"
    if re.search(r"[\"“”:;!?()\[\]]", name) or name[-1] in ",-–—":
        return "punctuation"
    if len(name.split()) > 6:
        return "too long"
    if any(w in _HEADLINE_WORDS for w in name.split()[1:]):
        return "headline fragment"
    if re.fullmatch(r"(?:[A-Z]\.\s?)+", name) and len(letters) == 1:
        return "fragment"
    return None


def is_donald_trump(name: str, aliases: list[str], kind: str) -> bool:
    forms = [name, *aliases]
    if not any(re.search(r"\bTrump\b", f) for f in forms) or kind not in ("person", "user"):
        return False
    first = name.split()[0]
    return first not in OTHER_TRUMPS and "Jr" not in name and not name.startswith(("Mrs.", "Ms."))


def measure(reports: list[dict[str, Any]]) -> dict[str, Any]:
    names = junk = 0
    reasons: Counter[str] = Counter()
    examples: list[str] = []
    trump: Counter[str] = Counter()
    for rep in reports:
        for t in rep.get("targets") or []:
            names += 1
            why = junk_reason(t["name"], t.get("kind"))
            if why:
                junk += 1
                reasons[why] += 1
                if len(examples) < 20:
                    examples.append(f"{t['name']} ({why})")
            if is_donald_trump(t["name"], t.get("aliases", []), t.get("kind", "")):
                trump[t["name"]] += 1
    return {"articles": len(reports), "target_names": names, "junk_names": junk,
            "junk_rate": junk / names if names else 0.0, "junk_reasons": dict(reasons),
            "examples": examples, "trump_names": dict(trump), "trump_name_count": len(trump)}


_ORGISH = frozenset({"Court", "House", "Department", "Party", "Committee", "Senate", "Congress", "Council",
                     "Union", "Nations", "States", "Agency", "Bureau", "Service", "Office", "Street"})


def liberal_mentions(text: str, forms: list[str]) -> int:
    """How often ``text`` names an actor by any of ``forms`` under a looser check than compare's
    own: dots ignored ("F.B.I." = "FBI"), titles cut, and a person's surname counts."""
    bare = text.replace(".", "")
    keys: set[str] = set()
    for f in forms:
        f = re.sub(r"^(?:the|The)\s+", "", f).replace(".", "")
        f = re.sub(r"^(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|President|Senator|Director)\s+", "", f)
        if len(f) >= 2:
            keys.add(f)
        w = f.split()
        if 2 <= len(w) <= 4 and all(x[:1].isupper() for x in w) and w[-1] not in _ORGISH and len(w[-1]) > 2:
            keys.add(w[-1])
    return sum(len(re.findall(r"(?<!\w)" + re.escape(k) + r"(?!\w)", bare)) for k in keys)


def absence_claims(reports: list[dict[str, Any]], comparison: dict[str, Any]) -> tuple[int, list[str]]:
    """(number of "never mentions" target claims, the false ones with how often the text names it)."""
    from ..compare import report_text

    n = 0
    false: list[str] = []
    groups = {g["name"]: g for g in comparison["targets"]}
    for e in comparison["emphasis"]:
        text = report_text(reports[e["article"]])
        for x in e["leaves_out"]:
            if x["kind"] != "target" or x["name"] not in groups:
                continue
            n += 1
            g = groups[x["name"]]
            hits = liberal_mentions(text, [g["name"], *g["aliases"]])
            if hits:
                false.append(f"{reports[e['article']].get('id')}: never mentions {g['name']} (named {hits}x)")
    return n, false


def run() -> dict[str, Any]:
    from ..load import load_text
    from ..pipeline import Pipeline
    from ..report.build import to_dict
    from ..train.ner import dev_articles
    from ._cli import MODEL

    arts = [a for a in dev_articles() if a["text"].strip()]
    pipe = Pipeline(["stance"], model=MODEL)
    docs = [(load_text(f"{a['title']}\n\n{a['text']}" if a["title"] else a["text"], a["id"], "txt"), None)
            for a in arts]
    reports = [to_dict(an) for an in pipe.analyze_many(docs)]
    out = measure(reports)
    out["split"] = "dev: BASIL events and PTC articles with sha1(group) % 5 == 0 (framing.train.ner)"
    out["by_corpus"] = {c: measure([r for r, a in zip(reports, arts, strict=True) if a["corpus"] == c])["junk_rate"]
                        for c in ("basil", "ptc")}
    # framing compare on the BASIL dev events (three outlets each): false "never mentions" claims
    from ..compare import compare

    events: dict[str, list[dict[str, Any]]] = {}
    for r, a in zip(reports, arts, strict=True):
        if a["corpus"] == "basil":
            events.setdefault(a["group"], []).append({**r, "outlet": a["outlet"]})
    claims, false = 0, []
    for reps in events.values():
        n, f = absence_claims(reps, compare(reps))
        claims += n
        false.extend(f)
    out["compare_never_mentions"] = {"events": len(events), "claims": claims, "false": len(false),
                                     "false_examples": false[:10]}
    return out
