"""Loaded-language lexicons: the format, the loader and the matcher (numpy-free, fast).

A lexicon is a list of entries ``(term, category, weight)``:

* ``term``: one word or a multiword phrase ("war crimes", "rogue actions"); matched
  case-insensitively on whole words after light inflection normalisation (``normalize``), so
  "crimes"/"crime" and "bullied"/"bully" match the same entry.
* ``category``: one of ``CATEGORIES``. ``loaded``, ``name_calling`` and ``exaggeration`` are
  loaded language; ``hedge`` and ``booster`` are epistemic markers, reported apart and never
  counted as loaded.
* ``weight``: in [0, 1], how strongly the term signals its category (for the shipped lexicon, the
  smoothed precision of the term lying inside a labelled span in the training articles).

File formats (see docs/lexicon.md):

* TSV: ``#`` lines are comments/header; an optional first row ``term<TAB>category<TAB>weight``;
  then one entry per line. ``weight`` may be omitted (defaults to 1.0).
* JSON: ``{"header": {...}, "entries": [{"term": ..., "category": ..., "weight": ...}, ...]}`` or
  a bare list of such objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ModelError

LOADED_CATEGORIES = ("loaded", "name_calling", "exaggeration")
EPISTEMIC_CATEGORIES = ("hedge", "booster")
CATEGORIES = LOADED_CATEGORIES + EPISTEMIC_CATEGORIES
#: The longest phrase (in words) a lexicon entry may have; longer user terms are refused.
MAX_TERM_WORDS = 6
SHIPPED = "lexicon.v1.tsv"

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")


def _stem(w: str) -> str:
    """Light, deterministic inflection stripping (plural, -ed, -ing); applied to text and terms.

    Inflection only, on purpose: a loaded-language lexicon needs "crimes" = "crime" and "bullied" =
    "bully", but not "organization" = "organ" or "university" = "universe", which a full stemmer
    such as nltk's Snowball also conflates (issue 15: the lexicon rebuilt on Snowball keys has 2,675
    entries instead of 3,565, and paragraph Loaded_Language F1 moved by 0.003 at most, report part
    0.5678 -> 0.5665, tune part 0.5610 -> 0.5640; bias.v1 would need retraining on its features).
    No library lemmatiser works without a data download, so nltk is not a dependency.
    """
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is", "ous")):
        return w[:-1]
    if w.endswith("ing") and len(w) > 5:
        base = w[:-3]
        return base[:-1] if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz" else base
    if w.endswith("ed") and len(w) > 4:
        base = w[:-2]
        if base.endswith("e") or len(base) < 3:
            return base
        return base[:-1] if base[-1] == base[-2] and base[-1] not in "lsz" else base
    return w


@lru_cache(maxsize=65536)
def normalize(word: str) -> str:
    """Lower-case, curly apostrophes straightened, possessive dropped, inflection stripped."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    return _stem(w)


def words(text: str) -> list[tuple[int, int, str]]:
    """Word tokens as (start, end, normalized form)."""
    return [(m.start(), m.end(), normalize(m.group())) for m in _WORD.finditer(text)]


def term_key(term: str) -> tuple[str, ...]:
    return tuple(w for _, _, w in words(term))


@dataclass(frozen=True, slots=True)
class Entry:
    term: str  # as written in the lexicon (display form)
    category: str  # one of CATEGORIES
    weight: float  # [0, 1], strength of the signal
    user: bool = False  # from a user file (--lexicon): reported whenever weight > 0


@dataclass(frozen=True, slots=True)
class Match:
    start: int  # char offset into the matched text
    end: int  # exclusive
    entry: Entry


#: Sentences whose matches a lexicon remembers (a batch chunk is ~2,000 sentences).
MATCH_CACHE = 4096


class Lexicon:
    """Entries indexed by normalized word sequence; later entries override earlier ones."""

    def __init__(self, entries: Iterable[Entry] = (), header: dict[str, str] | None = None) -> None:
        self.header = dict(header or {})
        self._index: dict[tuple[str, ...], Entry] = {}
        self._matches: dict[str, tuple[Match, ...]] = {}  # bias and loaded_terms match the same text
        self.max_len = 1
        for e in entries:
            self.add(e)

    def add(self, entry: Entry) -> None:
        key = term_key(entry.term)
        if not key:
            return
        self._index[key] = entry
        self._matches.clear()
        self.max_len = max(self.max_len, len(key))

    def merged(self, other: Lexicon) -> Lexicon:
        """A new lexicon with ``other``'s entries over this one's (user files override)."""
        out = Lexicon(self.entries(), self.header)
        for e in other.entries():
            out.add(e)
        return out

    def entries(self) -> list[Entry]:
        return list(self._index.values())

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, term: str) -> bool:
        return term_key(term) in self._index

    def get(self, term: str) -> Entry | None:
        return self._index.get(term_key(term))

    def match(self, text: str) -> list[Match]:
        """Greedy longest-first, non-overlapping matches, in text order.

        Memoised per text (bounded): two scorers reading one lexicon match each sentence once.
        """
        hit = self._matches.get(text)
        if hit is None:
            if len(self._matches) >= MATCH_CACHE:
                self._matches.clear()
            hit = self._matches[text] = tuple(self._match_tokens(words(text)))
        return list(hit)

    def _match_tokens(self, toks: list[tuple[int, int, str]]) -> Iterator[Match]:
        i, n = 0, len(toks)
        while i < n:
            for k in range(min(self.max_len, n - i), 0, -1):
                entry = self._index.get(tuple(t[2] for t in toks[i : i + k]))
                if entry is not None:
                    yield Match(toks[i][0], toks[i + k - 1][1], entry)
                    i += k
                    break
            else:
                i += 1


def _parse_weight(raw: str, where: str) -> float:
    try:
        w = float(raw)
    except ValueError:
        raise ModelError(f"bad weight {raw!r} in lexicon {where}", "weights are numbers in [0, 1]") from None
    if not 0.0 <= w <= 1.0:
        raise ModelError(f"weight {w} outside [0, 1] in lexicon {where}", "weights are numbers in [0, 1]")
    return w


def _check(term: str, category: str, where: str) -> None:
    if category not in CATEGORIES:
        raise ModelError(
            f"unknown category {category!r} in lexicon {where}", f"use one of {', '.join(CATEGORIES)}"
        )
    n = len(term_key(term))
    if n == 0 or n > MAX_TERM_WORDS:
        raise ModelError(f"bad term {term!r} in lexicon {where}", f"a term is 1 to {MAX_TERM_WORDS} words")


def parse_tsv(text: str, where: str = "<text>", user: bool = True) -> Lexicon:
    header: dict[str, str] = {}
    entries = []
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            body = line.lstrip("#").strip()
            if ":" in body:
                k, v = body.split(":", 1)
                header.setdefault(k.strip().lower(), v.strip())
            continue
        cols = [c.strip() for c in line.split("\t")]
        if [c.lower() for c in cols[:2]] == ["term", "category"]:
            continue
        if len(cols) < 2:
            raise ModelError(
                f"line {no} of lexicon {where} needs term<TAB>category[<TAB>weight]", "see docs/lexicon.md"
            )
        weight = _parse_weight(cols[2], f"{where}:{no}") if len(cols) > 2 and cols[2] else 1.0
        _check(cols[0], cols[1], f"{where}:{no}")
        entries.append(Entry(cols[0], cols[1], weight, user))
    return Lexicon(entries, header)


def parse_json(text: str, where: str = "<text>", user: bool = True) -> Lexicon:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ModelError(f"lexicon {where} is not valid JSON: {exc}") from None
    header: dict[str, str] = {}
    if isinstance(data, dict):
        header = {str(k): str(v) for k, v in dict(data.get("header", {})).items()}
        data = data.get("entries", [])
    if not isinstance(data, list):
        raise ModelError(f"lexicon {where} must hold a list of entries", "see docs/lexicon.md")
    entries = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "term" not in item or "category" not in item:
            raise ModelError(f"entry {i} of lexicon {where} needs term and category", "see docs/lexicon.md")
        term, cat = str(item["term"]), str(item["category"])
        _check(term, cat, f"{where}[{i}]")
        entries.append(Entry(term, cat, _parse_weight(str(item.get("weight", 1.0)), f"{where}[{i}]"), user))
    return Lexicon(entries, header)


def load_lexicon(path: str | Path, user: bool = True) -> Lexicon:
    """Load a lexicon file (``.json`` is JSON, anything else is TSV); ``user=False`` for shipped."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError(f"lexicon file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read lexicon {p}: {exc}") from None
    if p.suffix.lower() == ".json":
        return parse_json(text, str(p), user)
    return parse_tsv(text, str(p), user)


@lru_cache(maxsize=1)
def shipped_lexicon() -> Lexicon:
    from .resources import artifact

    path = artifact(SHIPPED)
    if not path.exists():
        raise ModelError(f"lexicon missing: {path}", "run `python -m framing.train loaded_terms`")
    return load_lexicon(path, user=False)


def lexicon_with(paths: Iterable[str | Path] = ()) -> Lexicon:
    """The shipped lexicon with user files merged over it, in order."""
    lex = shipped_lexicon()
    for p in paths:
        lex = lex.merged(load_lexicon(p))
    return lex
