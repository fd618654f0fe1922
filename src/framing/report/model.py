"""The typed report (schema 1.x): frozen, slotted dataclasses that ARE the JSON contract.

``Report.to_json()`` gives the JSON object ``framing analyze --format json`` prints (same keys,
same order) and ``Report.from_json`` reads one back (``framing render``); ``report.schema``
generates the published JSON Schema from these classes, so the three cannot drift.

Conventions of the generic machinery below (one implementation for reading, writing and the
schema):

* a field's type is ``int``, ``float``, ``str``, ``bool``, ``X | None``, ``tuple[X, ...]``,
  ``tuple[X, Y]``, ``Mapping[str, X]``, ``JSON`` (any JSON value) or another model class;
* ``flat()`` marks the one mapping field per class whose keys sit beside the declared ones in the
  JSON object (the scorers' keys of a unit, or keys a later minor version adds): reading puts
  every undeclared key there, writing puts them back at that field's position;
* ``optional()`` marks a field the JSON omits when it is None (``outlet``, ``targets``, ``gates``).

Scorer payloads (``sentiment``, ``stance``, ``frames``, ... of a unit) are plain JSON values kept
as read: the report builder (``framing.report.build``) writes them, renderers read them. Nothing
here imports analysis code: renderers and ``framing render`` use this module without models.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any, ClassVar, Union

from .. import SCHEMA_VERSION, __version__
from ..errors import InputError

JSON = Any  # any JSON value (kept as read)

_FLAT = "flat"
_OPTIONAL = "optional"


def flat(description: str) -> Any:
    """The class's catch-all mapping: its keys sit beside the declared fields in the JSON."""
    return field(default_factory=dict, metadata={_FLAT: True, "description": description})


def optional(description: str) -> Any:
    """A field omitted from the JSON when it is None."""
    return field(default=None, metadata={_OPTIONAL: True, "description": description})


def doc(description: str, **kw: Any) -> Any:
    return field(metadata={"description": description}, **kw)


class ReportError(InputError):
    """A JSON document that is not a framing report (``framing render``: exit 3)."""


# ------------------------------------------------------------------ the scorers' keys of a unit
# What each default scorer writes beside the fixed fields (a sentence's ``scores``; a paragraph's,
# a section's and the summaries' keys). The schema lists them as optional properties (a scorer
# that did not run writes nothing) and ``from_json`` checks the ones present; the values are kept
# as read. A new scorer's keys need no entry here (they are open JSON values) until they are
# part of the contract.
@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    start: int = doc("first character (article offset)")
    end: int = doc("one past the last character")
    extra: Mapping[str, JSON] = flat("what the evidence is (text, p, valence, mention, ...)")


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceSentiment:
    score: float = doc("[-1, 1], negative to positive")
    label: str = doc("negative | neutral | positive")
    lexicon: float = doc("VADER compound in [-1, 1]")
    evidence: tuple[Evidence, ...] = doc("lexicon words with their valence")
    extra: Mapping[str, JSON] = flat("fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitSentiment:
    score: float = doc("word-weighted mean of sentence scores, [-1, 1]")
    label: str = doc("negative | neutral | positive")
    lexicon: float = doc("word-weighted mean VADER compound")
    sentences: int = doc("sentences in the unit")
    extra: Mapping[str, JSON] = flat("min, max, spread, and fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class Score:
    score: float = doc("the headline number (bias: P(biased), word-weighted mean for a unit)")
    extra: Mapping[str, JSON] = flat("max, share_biased, sentences (units), later fields")


@dataclass(frozen=True, slots=True, kw_only=True)
class StanceEntry:
    target: str = doc("the target's canonical name")
    score: float = doc("[-1, 1], against to favor")
    label: str = doc("against | neutral | favor")
    mentions: int = doc("mentions in the unit")
    extra: Mapping[str, JSON] = flat("author and quoted voices, mean, roles, evidence, spans (sentences); the "
                                     "author voice of a unit also against_evidence, favor_evidence, near (1.6)")


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedSpan:
    start: int = doc("first character (article offset)")
    end: int = doc("one past the last character")
    text: str = doc("the term")
    category: str = doc("loaded | name_calling | exaggeration | hedge | booster")
    score: float = doc("strength in [0, 1]")
    quoted: bool = doc("inside quoted speech")
    extra: Mapping[str, JSON] = flat("source, and fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedSummary:
    count: int = doc("loaded, name-calling and exaggeration terms")
    by_category: Mapping[str, int] = doc("count per category")
    words: int = doc("words of the unit")
    top_terms: tuple[Mapping[str, JSON], ...] = doc("most frequent terms")
    extra: Mapping[str, JSON] = flat("quoted, quoted_words, and fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class RankedFrame:
    frame: str = doc("frame name (FRAMES)")
    score: float = doc("pooled probability")
    margin: float = doc("logit distance to the frame's tuned threshold")
    label: bool = doc("margin >= 0: the frame is present")
    extra: Mapping[str, JSON] = flat("fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitFrames:
    scores: Mapping[str, float] = doc("pooled probability per frame (the head's training rule)")
    labels: tuple[str, ...] = doc("frames above their tuned thresholds, by margin")
    evidence: Mapping[str, tuple[Evidence, ...]] = doc("strongest sentences per shown frame")
    ranked: tuple[RankedFrame, ...] = doc("every frame in the one dominant-frame order (1.3)")
    extra: Mapping[str, JSON] = flat("robust, thresholds (article), distinctive (sections), later fields")


#: A sentence's scorer keys.
SENTENCE_KEYS: dict[str, Any] = {
    "sentiment": SentenceSentiment,
    "stance": tuple[StanceEntry, ...],
    "bias": Score,
    "loaded_terms": tuple[LoadedSpan, ...],
    "frames": Mapping[str, float],
    "frame_scores": Mapping[str, float],  # all 14 frames' probabilities (1.5); ``frames``: the top ones
}
#: A paragraph's, a section's and a summary's scorer keys (report.aggregate).
UNIT_KEYS: dict[str, Any] = {
    "sentiment": UnitSentiment,
    "stance": tuple[StanceEntry, ...],
    "bias": Score,
    "loaded_density": float,
    "loaded_density_author": float,
    "loaded_density_quoted": float,
    "epistemic": Mapping[str, int],
    "loaded_summary": LoadedSummary,
    "loaded_terms": tuple[LoadedSpan, ...],
    "frames": UnitFrames,
}
_KEYS = {"sentence": SENTENCE_KEYS, "unit": UNIT_KEYS}


def keys(description: str, which: str) -> Any:
    """A unit's scorer keys: ``flat`` with the known keys of ``SENTENCE_KEYS``/``UNIT_KEYS``."""
    return field(default_factory=dict, metadata={_FLAT: True, "keys": which, "description": description})


def unit_mapping(description: str) -> Any:
    """A summary object: the unit keys plus statistics."""
    return field(metadata={"keys": "unit", "description": description})


# --------------------------------------------------------------------------------- the model
@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    start: int = doc("first character (article offset)")
    end: int = doc("one past the last character")
    extra: Mapping[str, JSON] = flat("fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScorerInfo:
    version: int = doc("the scorer's version")
    extra: Mapping[str, JSON] = flat("fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class Models:
    framing: str = doc("framing version that wrote the report")
    encoder: str = doc("the encoder every head read (one pass per sentence)")
    scorers: Mapping[str, ScorerInfo] = doc("the scorers that ran, by name")
    extra: Mapping[str, JSON] = flat("fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleInfo:
    chars: int = doc("characters of the analysed text")
    format: str = doc("input format: txt, md or html")
    paragraphs: int = doc("number of paragraphs")
    sentences: int = doc("number of sentences")
    sections: int = doc("number of sections")
    quotes: tuple[Span, ...] = doc("quoted spans (article offsets)")
    extra: Mapping[str, JSON] = flat("fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceReport:
    index: int = doc("sentence number in the article")
    start: int = doc("first character (article offset)")
    end: int = doc("one past the last character")
    text: str = doc("the sentence")
    scores: Mapping[str, JSON] = keys("each scorer's sentence result under its name", "sentence")


@dataclass(frozen=True, slots=True, kw_only=True)
class ParagraphReport:
    index: int = doc("paragraph number in the article")
    start: int = doc("first character (article offset)")
    end: int = doc("one past the last character")
    text: str = doc("the paragraph")
    scores: Mapping[str, JSON] = keys("each scorer's paragraph summary (report.aggregate)", "unit")
    sentences: tuple[SentenceReport, ...] = doc("the paragraph's sentences")


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionReport:
    index: int = doc("section number")
    heading: str | None = doc("the section's heading; null for the untitled opening")
    start: int = doc("first character (article offset)")
    end: int = doc("one past the last character")
    scores: Mapping[str, JSON] = keys("each scorer's section summary (report.aggregate)", "unit")
    paragraphs: tuple[ParagraphReport, ...] = doc("the section's paragraphs")
    summary: Mapping[str, JSON] = unit_mapping("the section's summaries plus table statistics "
                                               "(paragraphs, sentiment_spread, most_positive, most_negative)")


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetReport:
    name: str = doc("canonical name of the actor")
    aliases: tuple[str, ...] = doc("forms that name it in the article")
    kind: str = doc("person, country, organisation, ...")
    mentions: int = doc("mentions found")
    prominence: float = doc("weighted mentions (title 3, heading 1.5, name 1, pronoun 0.5)")
    stance: Mapping[str, JSON] | None = doc("the article's stance toward it (null: no mention scored)")
    extra: Mapping[str, JSON] = flat("fields added by later minor versions")


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """One article's report: ``framing analyze --format json``, one line of ``framing batch``."""

    KIND: ClassVar[str] = "framing/report"

    schema: str = doc("always \"framing/report\"")
    schema_version: str = doc("1.x: minor versions only add fields")
    framing: str = doc("framing version")
    id: str = doc("the article's id (batch record id, else its source)")
    source: str = doc("path, '-' or record id the text came from")
    models: Models = doc("what produced the scores")
    title: str | None = doc("the article's title, if found")
    title_span: tuple[int, int] | None = doc("the title's [start, end] in the text")
    article: ArticleInfo = doc("counts of the analysed text")
    outlet: str | None = optional("who published it (HTML site name or --label)")
    warnings: tuple[str, ...] = doc("things a reader should know (language, truncation, ...)")
    sections: tuple[SectionReport, ...] = doc("sections with paragraphs and sentences")
    summary: Mapping[str, JSON] = unit_mapping("the whole article's summaries plus words, sentences, "
                                               "sections, paragraphs")
    targets: tuple[TargetReport, ...] | None = optional("actors by prominence (when stance ran)")
    comparison: Mapping[str, JSON] = doc("section profiles, arc and findings (report.profile)")
    gates: Mapping[str, JSON] | None = optional("framing batch --fail-on: tripped and "
                                                "not-evaluated gates")
    extra: Mapping[str, JSON] = flat("fields added by later minor versions")

    def to_json(self) -> dict[str, Any]:
        return to_json(self)

    @classmethod
    def from_json(cls, value: Any, check: bool = True) -> Report:
        """Read a report; ``check=False`` skips the scorer keys' shapes (a report just built)."""
        if not isinstance(value, dict) or value.get("schema") != cls.KIND:
            raise ReportError("not a framing report: no \"schema\": \"framing/report\" key",
                              "pass the JSON that `framing analyze --format json` or `framing batch` wrote")
        major = str(value.get("schema_version", "")).split(".")[0]
        if major != SCHEMA_VERSION.split(".")[0]:
            raise ReportError(f"unsupported report schema_version {value.get('schema_version')!r}",
                              f"this framing reads schema {SCHEMA_VERSION.split('.')[0]}.x")
        return from_json(cls, value, check=check)


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchError:
    """A ``framing batch`` line for an article that failed."""

    id: str = doc("the article's id")
    error: Mapping[str, JSON] = doc("{code (its exit code), message, hint?}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """``framing compare --format json``: articles on one event side by side."""

    KIND: ClassVar[str] = "framing/compare"

    schema: str = doc("always \"framing/compare\"")
    schema_version: str = doc("1.x: minor versions only add fields")
    framing: str = doc("framing version")
    overview: tuple[Mapping[str, JSON], ...] = doc("one row per article")
    targets: tuple[Mapping[str, JSON], ...] = doc("targets aligned across the articles")
    frames: tuple[Mapping[str, JSON], ...] = doc("frame scores per article")
    emphasis: tuple[Mapping[str, JSON], ...] = doc("what each article stresses or leaves out")
    findings: tuple[str, ...] = doc("plain-English findings")
    extra: Mapping[str, JSON] = flat("fields added by later minor versions")

    @classmethod
    def of(cls, comparison: Mapping[str, Any]) -> Comparison:
        return from_json(cls, {"schema": cls.KIND, "schema_version": SCHEMA_VERSION,
                               "framing": __version__, **comparison})

    def to_json(self) -> dict[str, Any]:
        return to_json(self)


# ------------------------------------------------------------------------ generic read/write
def _round(value: Any, nd: int = 4) -> Any:
    """Floats rounded to ``nd`` places (the contract's 4 dp; NaN/inf -> null), recursively."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        r = round(value, nd)
        return 0.0 if r == 0 else r  # no "-0.0": byte-identical output
    if isinstance(value, dict):
        return {k: _round(v, nd) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_round(v, nd) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return _round(value.item(), nd)
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _is_flat(f: Any) -> bool:
    return bool(f.metadata.get(_FLAT))


def to_json(obj: Any) -> Any:
    """A model object (or tuple/mapping of them) as plain JSON data, keys in declaration order."""
    if is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in fields(obj):
            v = getattr(obj, f.name)
            if _is_flat(f):
                out.update({k: to_json(x) for k, x in v.items()})
            elif v is None and f.metadata.get(_OPTIONAL):
                continue
            else:
                out[f.name] = to_json(v)
        return out
    if isinstance(obj, tuple):
        return [to_json(v) for v in obj]
    if isinstance(obj, Mapping) and any(is_dataclass(v) for v in obj.values()):
        return {k: to_json(v) for k, v in obj.items()}
    return obj


def _fail(path: str, expected: str, value: Any) -> ReportError:
    return ReportError(f"not a framing report: {path} should be {expected}, got {type(value).__name__}",
                       "pass the JSON that `framing analyze --format json` or `framing batch` wrote")


def _convert(tp: Any, value: Any, path: str, check: bool = True) -> Any:
    origin = typing.get_origin(tp)
    if tp is Any:
        return value
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, path, check)
    if is_dataclass(tp):
        return from_json(tp, value, path, check)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise _fail(path, "a list", value)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v, f"{path}[{i}]", check) for i, v in enumerate(value))
        if len(value) != len(args):
            raise _fail(path, f"a list of {len(args)}", value)
        return tuple(_convert(a, v, f"{path}[{i}]", check) for i, (a, v) in enumerate(zip(args, value, strict=True)))
    if origin in (Mapping, dict) or tp is Mapping:
        if not isinstance(value, dict):
            raise _fail(path, "an object", value)
        args = typing.get_args(tp)
        vt = args[1] if args else Any
        return value if vt is Any else {k: _convert(vt, v, f"{path}.{k}", check) for k, v in value.items()}
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(path, "a number", value)
        return value
    if tp in (int, str, bool):
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            raise _fail(path, tp.__name__, value)
        return value
    raise TypeError(f"unsupported type in the report model: {tp!r}")  # pragma: no cover


def from_json(cls: type, value: Any, path: str = "$", check: bool = True) -> Any:
    """Read a model object from JSON data; ``ReportError`` names the first bad path."""
    if not isinstance(value, dict):
        raise _fail(path, "an object", value)
    hs = hints(cls)
    kw: dict[str, Any] = {}
    declared = {f.name for f in fields(cls) if not _is_flat(f)}
    flat_field = None
    for f in fields(cls):
        if _is_flat(f):
            flat_field = f.name
            continue
        if f.name not in value:
            if f.metadata.get(_OPTIONAL):
                continue
            if f.default is not MISSING or f.default_factory is not MISSING:
                continue
            raise ReportError(f"not a framing report: {path}.{f.name} is missing",
                              "pass the JSON that `framing analyze --format json` or `framing batch` wrote")
        kw[f.name] = _convert(hs[f.name], value[f.name], f"{path}.{f.name}", check)
        if check and (which := f.metadata.get("keys")) is not None:
            _check_keys(_KEYS[which], value[f.name], f"{path}.{f.name}")
    if flat_field is not None:
        kw[flat_field] = {k: v for k, v in value.items() if k not in declared}
        if check and (which := next(f for f in fields(cls) if f.name == flat_field).metadata.get("keys")) is not None:
            _check_keys(_KEYS[which], kw[flat_field], path)
    return cls(**kw)


def _check_keys(known: dict[str, Any], value: Mapping[str, Any], path: str) -> None:
    """The scorer keys present have their contract's shape (the values stay as read)."""
    for k, tp in known.items():
        if k in value:
            _convert(tp, value[k], f"{path}.{k}")
