"""Stage 2: Document -> Article: title, sections (headings), paragraphs, sentences, quotes.

All units are char offsets into ``Document.text``. Sentences come from pysbd's rule set, which
keeps "U.S.", "Gen.", "Jan. 7" and "Co." inside the sentence; we only add offset bookkeeping,
quote detection and a guard for pathological run-on text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache

from .load import Document
from .model import Article, Paragraph, Section, Sentence

log = logging.getLogger("framing")

#: A "sentence" longer than this is cut at whitespace: pysbd slows down on run-on text and the
#: encoder would truncate it anyway (256 word pieces is roughly 1,000 characters of English).
MAX_SENTENCE_CHARS = 1500
#: Paragraphs longer than this go through pysbd a window at a time (see ``_pysbd_spans``).
PYSBD_WINDOW = 8000
#: Plain-text headings are short lines without closing punctuation (the seed's style).
MAX_HEADING_WORDS = 12
MAX_TITLE_WORDS = 25
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_END_PUNCT = tuple('.!?:;,"”’\')…')
_SENTENCE_END = frozenset('.!?"”’)…:')
_QUOTE_PAIRS = (("“", "”"), ("«", "»"), ("„", "“"))


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line, without the newline and trimmed of surrounding spaces."""
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        yield s, e
        pos += len(raw) + 1


def _is_plain_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or line.endswith(_END_PUNCT):
        return False
    first = line[0]
    return (first.isupper() or first.isdigit()) and any(c.isalpha() for c in line)


#: Characters of a paragraph body that give pysbd nothing to act on: letters, digits, spaces and
#: punctuation other than sentence enders (.!?…。 and the like), brackets, line breaks, tabs
#: and pysbd's own placeholder symbols (all outside these ranges).
_PLAIN_BODY = re.compile(r"[A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F ,;:'\"“”‘’\-–—%$&/#@+=*€£°]*")
#: The first character: not a quote or bracket (pysbd's boundary regex can match a quoted or
#: bracketed stretch at the very start as a "sentence" of its own).
_PLAIN_FIRST = re.compile(r"[A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F$€£#@]")
#: pysbd splits '...word-" Then' (QUOTATION_AT_END_OF_SENTENCE_REGEX) even without a period.
_DASH_QUOTE = re.compile(r"-[\"'“”]\s[A-Z]")


def _single_sentence(body: str) -> bool:
    """True when pysbd returns the stripped paragraph ``body`` as one sentence, so it need not run.

    That holds when nothing in it can start a boundary: apart from one final ``.``, ``!`` or
    ``?`` there are no sentence enders (pysbd splits off a quote closing after the final period
    when no quote opened it, so a quote after it is not allowed either), no brackets
    (list markers such as "(a)" or "1)" and parentheses between quotes make breaks), no line
    breaks or tabs, no unusual symbols, and it does not open with a quote. Checked against pysbd
    on every paragraph of the training data (tests/test_segment_props.py samples it)."""
    core = body[:-1] if body[-1:] in (".", "!", "?") else body
    return (bool(core) and _PLAIN_FIRST.match(core) is not None
            and _PLAIN_BODY.fullmatch(core) is not None and _DASH_QUOTE.search(core) is None)


def _sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end] (one paragraph)."""
    # Hard-wrapped lines inside a paragraph are not sentence breaks; a same-length substitution
    # keeps every offset valid.
    para = text[start:end].replace("\n", " ")
    body = para.strip()
    if _single_sentence(body):  # pysbd would return it whole: skip its hundreds of regex passes
        lead = len(para) - len(para.lstrip())
        return _cut_long(text, start + lead, start + lead + len(body))
    spans, cursor = _pysbd_spans(para) if body else ([], 0)
    spans = [(start + a, start + b) for a, b in spans]
    rest = para[cursor:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append((start + cursor + lead, start + cursor + len(rest.rstrip())))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        out.extend(_cut_long(text, s, e))
    return out


def _pysbd_spans(para: str) -> tuple[list[tuple[int, int]], int]:
    """pysbd's sentences in ``para`` as (start, end) offsets, and where the mapping stopped.

    pysbd's time grows faster than the length of its input (one 77,000-character paragraph
    took 35x the time of a 9,600-character one), so a paragraph longer than ``PYSBD_WINDOW``
    is read a window at a time: every sentence of a window but its last is kept, and the next
    window starts where that last sentence starts, so it is read again whole. Shorter
    paragraphs (nearly all) go through pysbd in one piece, as before."""
    spans: list[tuple[int, int]] = []
    base = 0
    while True:
        end = len(para)
        if end - base > PYSBD_WINDOW:  # cut the window at a space, not inside a word
            cut = para.rfind(" ", base + PYSBD_WINDOW // 2, base + PYSBD_WINDOW)
            end = cut if cut > base else base + PYSBD_WINDOW
        window = para[base:end]
        found: list[tuple[int, int]] = []
        cursor = 0
        for piece in _segmenter().segment(window):
            piece = piece.strip()
            if not piece:
                continue
            at = window.find(piece, cursor)
            if at < 0:  # pysbd altered the text; the caller makes the rest one sentence
                return spans + found, base + cursor
            found.append((base + at, base + at + len(piece)))
            cursor = at + len(piece)
        if end == len(para):
            return spans + found, base + cursor
        if len(found) >= 2:
            spans.extend(found[:-1])
            base = found[-1][0]  # the window's last sentence may run on: read it again
        elif found:
            spans.append(found[0])
            base = found[0][1]
        else:
            base = end
        while base < len(para) and para[base].isspace():
            base += 1


def _cut_long(text: str, s: int, e: int) -> list[tuple[int, int]]:
    if e - s <= MAX_SENTENCE_CHARS:
        return [(s, e)]
    log.warning("a run-on sentence of %d characters was cut into pieces of at most %d",
                e - s, MAX_SENTENCE_CHARS)
    out = []
    while e - s > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", s + MAX_SENTENCE_CHARS // 2, s + MAX_SENTENCE_CHARS)
        if cut < 0:
            cut = s + MAX_SENTENCE_CHARS
        out.append((s, cut))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if s < e:
        out.append((s, e))
    return out


def find_quotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of quoted speech (inside the marks) within one paragraph: curly and straight quotes."""
    spans: list[tuple[int, int]] = []
    para = text[start:end]
    for open_q, close_q in _QUOTE_PAIRS:
        i = 0
        while (a := para.find(open_q, i)) >= 0:
            b = para.find(close_q, a + 1)
            if b < 0:
                break
            spans.append((start + a + 1, start + b))
            i = b + 1
    i = 0
    while (a := para.find('"', i)) >= 0:
        b = para.find('"', a + 1)
        if b < 0:
            break
        spans.append((start + a + 1, start + b))
        i = b + 1
    return sorted(sp for sp in spans if sp[1] > sp[0])


def _one_per_line(text: str, block: list[tuple[int, int]]) -> bool:
    """A block whose lines each end a sentence is a paragraph per line (the seed's layout);
    a hard-wrapped paragraph has lines ending mid-sentence."""
    if len(block) < 2:
        return False
    ends = [text[e - 1] in _SENTENCE_END for _, e in block[:-1]]
    return sum(ends) >= 0.8 * len(ends)


def _blocks(doc: Document) -> list[list[tuple[int, int]]]:
    """Groups of lines that form one paragraph: blank lines separate blocks, and a block whose
    lines each end a sentence is split into one paragraph per line."""
    text = doc.text
    blocks: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    for s, e in [*_lines(text), (0, 0)]:
        if s == e:
            if cur:
                blocks.extend([[ln] for ln in cur] if _one_per_line(text, cur) else [cur])
                cur = []
            continue
        cur.append((s, e))
    return blocks


def segment(doc: Document) -> Article:
    """Split a Document into title, sections, paragraphs and sentences (char offsets)."""
    text = doc.text
    # Each item: ("heading", s, e, level) or ("para", s, e)
    items: list[tuple[str, int, int]] = []
    for block in _blocks(doc):
        para: list[tuple[int, int]] = []
        for s, e in block:
            m = _MD_HEADING.match(text[s:e]) if doc.format in ("md", "html") or text[s] == "#" else None
            if m:
                if para:
                    items.append(("para", para[0][0], para[-1][1]))
                    para = []
                hs = s + m.start(2)
                items.append(("heading", hs, hs + len(m.group(2)), ))
                continue
            para.append((s, e))
        if para:
            items.append(("para", para[0][0], para[-1][1]))

    title: str | None = doc.title
    title_span: tuple[int, int] | None = None
    # Title: a leading heading, or a short unpunctuated first line followed by more text.
    if items and len(items) > 1:
        kind, s, e = items[0]
        line = text[s:e]
        if kind == "heading" or (len(line.split()) <= MAX_TITLE_WORDS and not line.endswith(_END_PUNCT[:3])
                                 and "\n" not in line):
            title, title_span = line, (s, e)
            items = items[1:]

    # Plain-text headings: a short unpunctuated single line followed by a paragraph.
    kinds = [k for k, _, _ in items]
    for i, (kind, s, e) in enumerate(items):
        if kind == "para" and "\n" not in text[s:e] and _is_plain_heading(text[s:e]) and \
                i + 1 < len(items) and kinds[i + 1] == "para" and \
                not _is_plain_heading(text[items[i + 1][1]:items[i + 1][2]]):
            kinds[i] = "heading"

    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    quotes: list[tuple[int, int]] = []
    sec_heading: tuple[int, int] | None = None
    sec_paras: list[int] = []
    sec_start: int | None = None

    def close_section(end: int) -> None:
        nonlocal sec_paras, sec_heading, sec_start
        if sec_heading is None and not sec_paras:
            return
        idx = len(sections)
        start = sec_heading[0] if sec_heading else paragraphs[sec_paras[0]].start
        heading = text[sec_heading[0]:sec_heading[1]] if sec_heading else None
        sections.append(Section(idx, heading, sec_heading, start, end, tuple(sec_paras)))

    last_end = 0
    for (_, s, e), kind in zip(items, kinds, strict=True):
        if kind == "heading":
            close_section(last_end)
            sec_heading, sec_paras = (s, e), []
            last_end = e
            continue
        pidx, sidx = len(paragraphs), len(sections)
        sent_ids = []
        for ss, se in _sentences_in(text, s, e):
            sent_ids.append(len(sentences))
            sentences.append(Sentence(len(sentences), ss, se, pidx, sidx))
        if not sent_ids:
            continue
        paragraphs.append(Paragraph(pidx, s, e, sidx, tuple(sent_ids)))
        quotes.extend(find_quotes(text, s, e))
        sec_paras.append(pidx)
        last_end = e
    close_section(last_end)
    # A trailing heading with no paragraphs is kept as an empty section (headings-only input).
    return Article(text=text, source=doc.source, format=doc.format, title=title,
                   title_span=title_span, sections=tuple(sections), paragraphs=tuple(paragraphs),
                   sentences=tuple(sentences), quotes=tuple(quotes),
                   meta={"outlet": doc.outlet} if getattr(doc, "outlet", None) else {})
