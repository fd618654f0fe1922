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
    #: ``quotes_in``'s index, built once with the article: (starts, reach), reach[i] the furthest
    #: end among quotes[:i + 1]; None when the quotes are not sorted by start
    _quote_index: tuple[tuple[int, ...], tuple[int, ...]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [q[0] for q in self.quotes]
        if any(b < a for a, b in pairwise(starts)):
            return
        reach, top = [], -1
        for _, e in self.quotes:
            top = max(top, e)
            reach.append(top)
        object.__setattr__(self, "_quote_index", (tuple(starts), tuple(reach)))

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
        built with the article when the quotes are sorted by start (as ``segment`` makes them),
        so per-sentence callers stay linear in the article's length.
        """
        if self._quote_index is None:
            return [q for q in self.quotes if q[0] < end and q[1] > start]
        starts, reach = self._quote_index
        lo, hi = bisect_right(reach, start), bisect_left(starts, end)
        return [q for q in self.quotes[lo:hi] if q[0] < end and q[1] > start]

    def sentence_quotes(self) -> list[list[tuple[int, int]]]:
        """Per sentence, the quote spans overlapping it (article offsets, in ``quotes`` order)."""
        return [self.quotes_in(s.start, s.end) for s in self.sentences]
