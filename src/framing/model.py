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

    def sentence_quotes(self) -> list[list[tuple[int, int]]]:
        """Per sentence, the quote spans overlapping it (article offsets, in ``quotes`` order).

        Same as filtering every quote for every sentence, without the quadratic scan when the
        quotes are sorted by start (as ``segment`` makes them).
        """
        quotes, sents = self.quotes, self.sentences
        starts = [q[0] for q in quotes]
        if any(b < a for a, b in pairwise(starts)):
            return [[q for q in quotes if q[0] < s.end and q[1] > s.start] for s in sents]
        reach, top = [], None  # reach[i]: the furthest end among quotes[:i + 1]
        for _, e in quotes:
            top = e if top is None or e > top else top
            reach.append(top)
        out = []
        for s in sents:
            lo, hi = bisect_right(reach, s.start), bisect_left(starts, s.end)
            out.append([q for q in quotes[lo:hi] if q[0] < s.end and q[1] > s.start])
        return out
