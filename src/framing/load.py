"""Stage 1: bytes from a path or stdin -> a Document (decoded, normalised text)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

#: Inputs larger than this are refused rather than held in memory whole (issue 9, bounded memory).
MAX_BYTES = 8 * 1024 * 1024
TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
                 ".html": "html", ".htm": "html", ".xhtml": "html"}


@dataclass(frozen=True, slots=True)
class Document:
    text: str  # normalised (Markdown: cleaned, HTML: extracted) text; every offset points into it
    source: str
    format: str  # txt | md | html
    title: str | None = None  # a title known from metadata (HTML <title>), else None
    outlet: str | None = None  # the publisher: HTML site name metadata, a record's "outlet", --label


def read_bytes(source: str, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a path or "-" (stdin), refusing directories, missing files and oversized inputs."""
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        path = Path(source)
        if path.is_dir():
            raise InputError(f"is a directory: {source}", "pass a file, or use `framing batch`")
        try:
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except FileNotFoundError:
            raise InputError(f"no such file: {source}") from None
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(f"input too large: {source} is over {max_bytes // (1024 * 1024)} MiB",
                         "split it into parts under the limit")
    return data


def decode(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """Decode strictly; binary data and undecodable bytes are input errors, never guessed."""
    if b"\x00" in data[:8192]:
        raise InputError(f"binary file: {source}", "framing reads text, Markdown or HTML")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid {encoding}: {source} (byte {exc.start})",
            "re-encode the file as UTF-8 or pass --encoding latin-1",
        ) from None
    except LookupError:
        from .errors import UsageError

        raise UsageError(f"unknown encoding: {encoding}") from None
    return normalise(text)


def normalise(text: str) -> str:
    """Unify line endings and drop control characters (they have no meaning in prose)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return "".join(c for c in text if c in "\n\t" or c >= " " or c == "\u00a0").replace("\t", " ")


def sniff_format(source: str, text: str, fmt: str | None = None) -> str:
    if fmt and fmt != "auto":
        return fmt
    suffix = Path(source).suffix.lower() if source != "-" else ""
    if suffix in TEXT_SUFFIXES:
        return TEXT_SUFFIXES[suffix]
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head):
        return "html"
    return "txt"


def extract_html(html: str, source: str) -> tuple[str, str | None, str | None]:
    """Main text (with headings as Markdown), title and site name through trafilatura, a
    maintained extractor (the site name from og:site_name / publisher metadata)."""
    import trafilatura  # lazy: costs ~0.5 s and only HTML needs it

    # include_formatting keeps headings (as Markdown "#") and paragraph breaks, which become
    # sections and paragraphs; inline emphasis markers are then removed from the prose.
    text = trafilatura.extract(html, output_format="markdown", include_comments=False,
                               include_tables=False, include_formatting=True, include_links=False,
                               favor_recall=True)
    if text:
        # Blank lines separate trafilatura's paragraphs; a single newline inside one is the
        # page source's line wrapping, not a paragraph break.
        text = re.sub(r"(?<!\n)\n(?![\n#])", " ", clean_markdown(text))
    if not text or not text.strip():
        raise InputError(f"no article text found in HTML: {source}",
                         "the page may be a script-rendered shell; save the rendered text instead")
    meta = trafilatura.extract_metadata(html)
    title = meta.title if meta is not None and meta.title else None
    site = meta.sitename if meta is not None and getattr(meta, "sitename", None) else None
    return normalise(text), title, site


_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"
                       r"|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


def _strip_emphasis(text: str) -> str:
    """Drop Markdown bold/italic markers (``**b**``, ``__b__``, ``*i*``, ``_i_``); the words stay."""
    return _EMPHASIS.sub(lambda m: next(g for g in m.groups()[1:] if g is not None), text)


#: ``![alt](src)``, ``[text](url "title")``, ``[text][ref]``, ``[text][]``: the visible text stays.
_LINK = re.compile(r"!?\[([^\]\n]*)\](?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)|\[[^\]\n]*\])")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S+.*$\n?", re.M)  # [ref]: https://... lines
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_CODE = re.compile(r"(`+)(?=\S)([^`\n]+?)(?<=\S)\1")


def clean_markdown(text: str) -> str:
    """Markdown inline syntax -> the prose a reader sees: emphasis markers, link and image
    syntax (the text stays, the URL goes), link reference definitions, autolink brackets and
    code backticks. Headings (``#``) and paragraph breaks stay: they become sections and
    paragraphs. The result is the article text: every offset in the report points into it."""
    text = _LINK_DEF.sub("", text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    text = _CODE.sub(lambda m: m.group(2), text)
    return _strip_emphasis(text)


def load_text(text: str, source: str = "<text>", fmt: str | None = None) -> Document:
    """Build a Document from text already in memory (batch JSONL records, the library API)."""
    fmt = sniff_format(source, text, fmt)
    title = outlet = None
    if fmt == "html":  # trafilatura's output is Markdown: its headings become sections
        text, title, outlet = extract_html(text, source)
    elif fmt == "md":
        text = clean_markdown(text)
    if not text.strip():
        raise InputError(f"empty input: {source}" if not text else f"only whitespace: {source}")
    return Document(text=text, source=source, format=fmt, title=title, outlet=outlet)


def load(source: str, fmt: str | None = None, encoding: str = "utf-8",
         max_bytes: int = MAX_BYTES) -> Document:
    """Load a path or "-" into a Document.

    Raises:
        InputError: missing, unreadable, binary, undecodable, oversized or empty input.
    """
    data = read_bytes(source, max_bytes)
    if not data:
        raise InputError(f"empty input: {source}")
    return load_text(decode(data, source, encoding), source, fmt)
