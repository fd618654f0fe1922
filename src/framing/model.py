"""The data model: plain frozen dataclasses. Every unit is a view (char offsets) into Article.text."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int  # 0-based position in the article
    start: int  # char offset into Article.text
    end: int  # exclusive
    paragraph: int  # index of the enclosing paragraph
    section: int  # index of the enclosing section


@dataclass(frozen=True, slots=True)
class Paragraph:
    index: int
    start: int
    end: int
    section: int
    sentences: tuple[int, ...]  # indices into Article.sentences


@dataclass(frozen=True, slots=True)
class Section:
    index: int
    heading: str | None  # None for the untitled intro
    heading_span: tuple[int, int] | None  # char span of the heading line, if any
    start: int  # start of the heading (or first paragraph when untitled)
    end: int
    paragraphs: tuple[int, ...]  # indices into Article.paragraphs


@dataclass(frozen=True, slots=True)
class Article:
    """A loaded, segmented article. ``text`` is what the report shows; offsets point into it."""

    text: str
    source: str  # path, "-" for stdin, or a record id
    format: str  # "txt" | "md" | "html"
    title: str | None
    title_span: tuple[int, int] | None
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    quotes: tuple[tuple[int, int], ...] = ()  # char spans of quoted speech (inside the marks)
    meta: dict[str, Any] = field(default_factory=dict)

    def span(self, start: int, end: int) -> str:
        return self.text[start:end]

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i]
        return self.text[s.start : s.end]

    def words(self, start: int, end: int) -> int:
        """Number of whitespace-separated words in text[start:end]."""
        return len(self.text[start:end].split())

    def quotes_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The quote spans overlapping text[start:end] (article offsets, in ``quotes`` order).

        Same as filtering every quote, without the scan of all of them: a bisect over an index
        built once per article when the quotes are sorted by start (as ``segment`` makes them),
        so per-sentence callers stay linear in the article's length.
        """
        index = _quote_index(self)
        if index is None:
            return [q for q in self.quotes if q[0] < end and q[1] > start]
        starts, reach = index
        lo, hi = bisect_right(reach, start), bisect_left(starts, end)
        return [q for q in self.quotes[lo:hi] if q[0] < end and q[1] > start]

    def sentence_quotes(self) -> list[list[tuple[int, int]]]:
        """Per sentence, the quote spans overlapping it (article offsets, in ``quotes`` order)."""
        return [self.quotes_in(s.start, s.end) for s in self.sentences]


#: (article, starts, reach) of the last few articles asked (``Article.quotes_in``); frozen,
#: slotted articles cannot carry the index themselves.
_QUOTE_INDEX: list[tuple[Article, list[int], list[int]]] = []


def _quote_index(article: Article) -> tuple[list[int], list[int]] | None:
    """Quote starts and reach (reach[i]: the furthest end among quotes[:i + 1]), or None when
    the quotes are not sorted by start."""
    for a, starts, reach in _QUOTE_INDEX:
        if a is article:
            return starts, reach
    starts = [q[0] for q in article.quotes]
    if any(b < a for a, b in pairwise(starts)):
        return None
    reach, top = [], None
    for _, e in article.quotes:
        top = e if top is None or e > top else top
        reach.append(top)
    _QUOTE_INDEX.insert(0, (article, starts, reach))
    del _QUOTE_INDEX[4:]
    return starts, reach
