"""Stage 2b: the actors an article talks about, and where it mentions them.

No spaCy (its import alone costs ~5 s): targets come from

1. a curated gazetteer (``models/actors.v1.json``: countries, short forms, demonyms,
   metonyms such as "Washington", organisations and institutions), matched case-sensitively,
   whole-word, longest first;
2. capitalised-span heuristics for everything else (people, companies, places): runs of
   capitalised tokens, joined through "of"/"and"/"al-"-style connectors, with titles ("President",
   "Gen.", "Prime Minister") stripped into aliases; a span at the start of a sentence counts only
   when the same name also occurs mid-sentence, carried a title, or is a known actor;
3. alias merging: surname -> full name ("Trump" -> "Donald Trump"), acronym -> full name,
   possessives ("Trump’s", "Trump's") -> the name;
4. conservative pronoun coreference: he/him/his/she/her -> the most recent person mention in the
   same or the previous sentence; its -> the only country/organisation mentioned earlier in the
   same sentence; they/them/their -> a plural actor name ("Democrats", "Iranians") only when it is
   the only candidate in the same or the previous sentence;
5. user targets (``--target "United States=U.S.,Washington"``, a TOML/JSON file, or a dict per
   batch record), which add to or override the found ones.

Mentions are reported per sentence with offsets relative to the sentence; ``quoted`` comes from
the article's quote spans and ``speaker`` is the subject of a speech verb (said, called, told, ...)
in the same sentence, or in the previous sentence of the same paragraph.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError, UsageError
from .model import Article
from .scorers import Mention

#: Prominence weights: a title mention counts 3, a heading 1.5, a named mention 1, a pronoun 0.5.
W_TITLE, W_HEADING, W_NAMED, W_PRONOUN = 3.0, 1.5, 1.0, 0.5

#: Person titles stripped into aliases (longest first when matching).
PERSON_TITLES = (
    "President", "Vice President", "President-elect", "Prime Minister", "Deputy Prime Minister",
    "Foreign Minister", "Defense Minister", "Defence Minister", "Finance Minister", "Minister",
    "Secretary of State", "Secretary of Defense", "Defense Secretary", "Secretary", "Attorney General",
    "Gen.", "General", "Lt.", "Lt. Gen.", "Maj. Gen.", "Brig. Gen.", "Col.", "Maj.", "Adm.", "Admiral",
    "Sgt.", "Capt.", "Cmdr.", "Commander", "Sen.", "Senator", "Rep.", "Representative", "Gov.",
    "Governor", "Mayor", "Judge", "Justice", "Chief Justice", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.",
    "Professor", "King", "Queen", "Prince", "Crown Prince", "Princess", "Chancellor", "Ayatollah",
    "Supreme Leader", "Pope", "Sheikh", "Speaker", "House Speaker", "Chairman", "Chairwoman",
    "Ambassador", "Emperor", "Sultan", "Emir", "Leader", "Senate Majority Leader", "Former",
)
_TITLE_RE = re.compile(
    r"^(?:(?:" + "|".join(re.escape(t) for t in sorted(PERSON_TITLES, key=len, reverse=True)) + r")\s+)+")
#: Capitalised words that are not actors (calendar words, sentence adverbs, generic nouns).
NON_ACTOR = frozenset(["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "New", "Year", "Eve", "Christmas", "Easter", "Ramadan", "I", "I'm", "I’m", "OK", "AM", "PM", "A.M.", "P.M.", "TV", "Internet", "Web", "God", "Arab", "Arabs", "Western", "Eastern", "Northern", "Southern", "European", "African", "Asian", "Latin", "Muslim", "Muslims", "Christian", "Christians", "Jewish", "Sunni", "Shia", "Shiite", "Catholic", "Protestant", "Parliament", "Embassy", "Government", "Cabinet"])
#: Function/sentence-initial words dropped from the front of a capitalised run.
_LEADING_STOP = frozenset(["The", "A", "An", "And", "But", "Or", "So", "Yet", "For", "Nor", "In", "On", "At", "By", "Of", "To", "From", "With", "Without", "As", "After", "Before", "Then", "This", "That", "These", "Those", "There", "Here", "It", "Its", "He", "She", "They", "We", "You", "His", "Her", "Their", "Our", "My", "Your", "When", "While", "If", "Although", "Though", "Because", "Since", "Until", "Unless", "Meanwhile", "However", "Despite", "Under", "Over", "Among", "Between", "Through", "During", "Even", "Also", "Only", "Just", "Still", "Now", "Later", "Earlier", "Today", "Yesterday", "Tomorrow", "Last", "Next", "Every", "Each", "All", "Some", "Many", "Most", "Several", "Few", "No", "Not", "Both", "Either", "Neither", "Such", "What", "Which", "Who", "Whom", "Whose", "Where", "Why", "How", "According", "Beginning", "Speaking", "Rather", "Instead", "Moreover", "Furthermore", "Indeed", "Thus", "Therefore", "Hence", "Nonetheless"])
_CONNECTORS = ("of", "and", "al-", "el-", "bin", "ibn", "de", "da", "del", "la", "von", "van", "der", "&")
_ORG_WORDS = frozenset(["Initiative", "Road", "Co.", "Company", "Corp.", "Corporation", "Inc.", "Ltd.", "Party", "Zone", "Sea", "River", "Gulf", "Ocean", "Council", "Parliament", "Ministry", "Army", "Forces", "Force", "University", "Bank", "Service", "Services", "Engineering", "Oil", "Group", "Network", "News", "Times", "Post", "Agency", "Department", "Committee", "Commission", "Court", "Union", "Organization", "Organisation", "Fund", "Institute", "Foundation", "Association", "League", "Front", "Movement", "Brigade", "Brigades", "Guard", "Guards", "Corps", "Navy", "Embassy", "Airlines", "Airways", "Motors", "Industries", "Holdings", "Media", "Press", "Journal", "Daily", "Street", "Square", "Field", "Province", "State", "States", "Republic", "Kingdom", "Island", "Islands", "Mountains", "Canal", "Strait", "Bay", "Coast", "Desert"])
_ABBREV = frozenset({"Co", "Inc", "Corp", "Ltd", "Jr", "Sr", "St", "Mt", "Gen", "Lt", "Col", "Maj",
                     "Adm", "Sgt", "Capt", "Sen", "Rep", "Gov", "Dr", "Mr", "Mrs", "Ms", "Prof", "Cmdr",
                     "Brig"})
_CAP_TOKEN = re.compile(r"[A-Z][\w\-]*(?:['’][A-Z][\w\-]*)*\.?|[A-Z](?:\.[A-Z])+\.")
_SPEECH_VERBS = (
    "said", "says", "say", "told", "tells", "tell", "claimed", "claims", "claim", "called", "calls",
    "stated", "added", "adds", "warned", "warns", "declared", "declares", "announced", "announces",
    "insisted", "insists", "argued", "argues", "wrote", "writes", "tweeted", "tweets", "threatened",
    "threatens", "asked", "asks", "replied", "noted", "notes", "explained", "described", "describes",
    "accused", "accuses", "urged", "urges", "vowed", "vows", "promised", "denied", "denies", "admitted",
    "suggested", "suggests", "demanded", "demands", "boasted", "boasts", "blamed", "blames",
    "according to",
)
_SPEECH_RE = re.compile(r"\b(?:" + "|".join(re.escape(v) for v in _SPEECH_VERBS) + r")\b")
#: gazetteer names that are grammatically plural (antecedents for they/their)
_PLURAL_NAMES = frozenset({"Democrats", "Republicans", "Houthis", "Houthi rebels", "Revolutionary Guards"})
_PRON_PERSON = re.compile(r"\b(?:he|him|his|she|her|hers)\b", re.IGNORECASE)
_PRON_ITS = re.compile(r"\bits\b", re.IGNORECASE)
_PRON_PLURAL = re.compile(r"\b(?:they|them|their)\b", re.IGNORECASE)


# ----------------------------------------------------------------------------- data model
@dataclass(frozen=True, slots=True)
class Target:
    """One actor: canonical name, the surface forms seen (and user/gazetteer aliases), counts."""

    name: str
    aliases: tuple[str, ...]
    kind: str  # country | org | institution | party | group | company | person | other | user
    mentions: int  # mentions in sentences (named + resolved pronouns)
    prominence: float  # mentions weighted by title/heading presence
    source: str  # gazetteer | found | user

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "aliases": list(self.aliases), "kind": self.kind,
                "mentions": self.mentions, "prominence": round(self.prominence, 4)}


@dataclass(frozen=True)
class TargetSet:
    """Targets ranked by prominence and the mentions of each sentence (relative offsets)."""

    targets: tuple[Target, ...]
    mentions: tuple[tuple[Mention, ...], ...]  # aligned with Article.sentences
    heading_mentions: dict[str, int] = field(default_factory=dict)  # target -> title/heading hits

    def names(self) -> list[str]:
        return [t.name for t in self.targets]

    def get(self, name: str) -> Target | None:
        return next((t for t in self.targets if t.name == name), None)

    def __len__(self) -> int:
        return len(self.targets)


# ----------------------------------------------------------------------------- user targets
def parse_target_spec(spec: str) -> tuple[str, list[str]]:
    """``"United States=U.S.,Washington"`` -> ("United States", ["U.S.", "Washington"]).

    Raises:
        UsageError: an empty name.
    """
    name, _, rest = spec.partition("=")
    name = name.strip()
    if not name:
        raise UsageError(f"bad --target: {spec!r}", 'use NAME or NAME=ALIAS,ALIAS (e.g. "United States=U.S.,Washington")')
    aliases = [a.strip() for a in rest.split(",") if a.strip()]
    return name, aliases


def normalize_user_targets(data: Any) -> dict[str, list[str]]:
    """Accept {"name": [aliases]} / {"name": "a, b"} / [{"name":..,"aliases":[..]}] / ["N=a,b"] / "N=a,b".

    A top-level ``{"targets": ...}`` wrapper (as in a TOML ``[targets]`` table) is unwrapped.

    Raises:
        UsageError: anything else.
    """
    if data is None:
        return {}
    if isinstance(data, Mapping) and set(data) == {"targets"}:
        data = data["targets"]
    out: dict[str, list[str]] = {}
    if isinstance(data, str):
        data = [data]
    if isinstance(data, Mapping):
        for name, aliases in data.items():
            if isinstance(aliases, str):
                aliases = [a.strip() for a in aliases.split(",") if a.strip()]
            elif aliases is None:
                aliases = []
            if not isinstance(aliases, list | tuple) or not all(isinstance(a, str) for a in aliases):
                raise UsageError(f"bad targets entry for {name!r}", "aliases must be a list of strings")
            out.setdefault(str(name).strip(), []).extend(a.strip() for a in aliases if a.strip())
        return out
    if isinstance(data, list | tuple):
        for item in data:
            if isinstance(item, str):
                n, a = parse_target_spec(item)
            elif isinstance(item, Mapping) and "name" in item:
                n, a = str(item["name"]).strip(), [str(x).strip() for x in item.get("aliases", [])]
            else:
                raise UsageError(f"bad targets entry: {item!r}", 'use {"name": ..., "aliases": [...]}')
            out.setdefault(n, []).extend(a)
        return out
    raise UsageError("bad targets", 'give {"Name": ["alias", ...]}')


def load_targets_file(path: str | Path) -> dict[str, list[str]]:
    """Read user targets from a .toml or .json file (see ``normalize_user_targets``).

    Raises:
        InputError: missing or unparsable file.
    """
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read targets file {path}: {exc.strerror or exc}") from None
    try:
        if p.suffix.lower() == ".toml":
            import tomllib

            data: Any = tomllib.loads(raw)
        else:
            data = json.loads(raw)
    except ValueError as exc:
        raise InputError(f"cannot parse targets file {path}: {exc}") from None
    return normalize_user_targets(data)


# ----------------------------------------------------------------------------- gazetteer
@dataclass(frozen=True)
class _Surface:
    canonical: str
    kind: str
    plural: bool  # a plural name ("Democrats", "Iranians"): antecedent for they/their


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Any]:
    from .resources import artifact

    path = artifact("actors.v1.json")
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        from .errors import ModelError

        raise ModelError(f"cannot read the actor gazetteer {path}: {exc}") from None


def _surfaces(user: Mapping[str, Sequence[str]]) -> dict[str, _Surface]:
    """surface form -> actor, gazetteer first and user targets overriding."""
    table: dict[str, _Surface] = {}
    for a in gazetteer()["actors"]:
        for s in [a["name"], *a.get("aliases", []), *a.get("metonyms", [])]:
            table[s] = _Surface(a["name"], a["kind"], s in _PLURAL_NAMES)
        for s in a.get("demonyms", []):
            table[s] = _Surface(a["name"], a["kind"], s.endswith("s"))
    # user targets: their name and aliases win over the gazetteer. A user name equal to a
    # gazetteer actor's canonical name extends that actor; a user name or alias equal to another
    # actor's alias takes only that surface form over (--target Washington splits it off).
    for name, aliases in user.items():
        for s in [name, *aliases]:
            prev = table.get(s)
            table[s] = _Surface(name, prev.kind if prev and prev.canonical == name else "user", False)
    return table


def _surface_regex(forms: Iterable[str]) -> re.Pattern[str]:
    alts = sorted(set(forms), key=lambda s: (-len(s), s))
    # The alternatives are grouped by first character, each group keeping the longest-first
    # order: only one group can match at a position, so this finds exactly what the flat
    # alternation finds, without trying every surface form at every position.
    groups: dict[str, list[str]] = {}
    for s in alts:
        groups.setdefault(s[:1], []).append(s[1:])
    alt = "|".join(re.escape(c) + "(?:" + "|".join(re.escape(r) for r in rest) + ")"
                   for c, rest in groups.items() if c)
    if "" in groups:  # an empty form (sorted last) stays the last alternative
        alt += "|"
    # \w boundaries; "U.S." ends with "." so only the left side needs a word boundary there
    return re.compile(r"(?<![\w.])(?:" + alt + r")(?![\w]|\.\w)")


@lru_cache(maxsize=32)
def _surface_table(user_key: tuple[tuple[str, tuple[str, ...]], ...]
                   ) -> tuple[dict[str, _Surface], re.Pattern[str], frozenset[str]]:
    """(surface table, its regex, the canonical names in it) for one set of user targets.
    Callers must not modify the table."""
    table = _surfaces(dict(user_key))
    return table, _surface_regex(table), frozenset(v.canonical for v in table.values())


# ----------------------------------------------------------------------------- capitalised spans
@dataclass
class _Cand:
    sent: int  # sentence index, or -1 title / -2-k heading k
    start: int  # relative to the unit text
    end: int
    form: str  # the name without its title
    full: str  # the surface text including the title
    titled: bool
    at_start: bool


def _strip_title(s: str) -> tuple[str, int]:
    m = _TITLE_RE.match(s)
    return (s[m.end():], m.end()) if m else (s, 0)


def _cap_runs(text: str, masked: str) -> list[tuple[int, int]]:
    """Spans of capitalised-token runs in ``masked`` (gazetteer hits blanked out)."""
    toks = [(m.start(), m.end()) for m in _CAP_TOKEN.finditer(masked)]
    runs: list[list[tuple[int, int]]] = []
    for s, e in toks:
        word = masked[s:e]
        if word.endswith(".") and word[:-1] not in _ABBREV and not re.fullmatch(r"(?:[A-Z]\.)+", word):
            e -= 1  # sentence-final period
        if s > 0 and (masked[s - 1].isalnum() or masked[s - 1] in "-#"):
            continue  # inside a word ("McDonald") or glued to a gazetteer hit ("U.S.-Iran")
        if runs:
            pe = runs[-1][-1][1]
            gap = masked[pe:s]
            if gap == " " or (gap.strip() in _CONNECTORS and gap.startswith(" ") and
                              (gap.endswith(" ") or gap.endswith("-"))):
                runs[-1].append((s, e))
                continue
        runs.append([(s, e)])
    out: list[tuple[int, int]] = []
    for r in runs:
        # "Naft Shahr and Khorramshahr": "and" joins only into a multi-word name ("Belt and Road
        # Initiative"); before a single last word it separates two names
        if len(r) >= 2 and masked[r[-2][1]:r[-1][0]] == " and ":
            out.append((r[0][0], r[-2][1]))
            out.append(r[-1])
        else:
            out.append((r[0][0], r[-1][1]))
    return out


def _is_sentence_start(text: str, s: int) -> bool:
    return not text[:s].strip(" \"“‘'([—–-")


def _candidates(unit: int, text: str, gaz: re.Pattern[str]) -> tuple[list[tuple[int, int, str]], list[_Cand]]:
    gaz_hits = [(m.start(), m.end(), m.group(0)) for m in gaz.finditer(text)]
    masked = list(text)
    for s, e, _ in gaz_hits:
        masked[s:e] = "#" * (e - s)
    mtext = "".join(masked)
    cands: list[_Cand] = []
    for s, e in _cap_runs(text, mtext):
        span = text[s:e]
        at_start = _is_sentence_start(text, s)
        # drop leading function words ("But Trump", "The Belt and Road Initiative")
        while True:
            first, _, rest = span.partition(" ")
            if first in _LEADING_STOP and rest:
                s += len(first) + 1
                span = rest
                at_start = False  # the name itself is not at the start
                continue
            break
        if span in _LEADING_STOP:
            continue
        # "Iraqi Parliament", "U.S. Embassy": an untitled single word glued to a gazetteer hit
        # is that actor's institution, already counted as a mention of the actor
        glued = s >= 2 and mtext[s - 1] == " " and mtext[s - 2] == "#"
        if glued and " " not in span and not _TITLE_RE.match(span + " "):
            continue
        form, cut = _strip_title(span)
        # trailing connectors left by the run builder
        form = re.sub(r"\s+(?:of|and|&)$", "", form)
        if not form or form in NON_ACTOR or all(w in NON_ACTOR for w in form.split()):
            continue
        if not any(c.islower() for c in form) and len(form) <= 1:
            continue
        cands.append(_Cand(unit, s + cut, s + cut + len(form), form, span, cut > 0, at_start))
    return gaz_hits, cands


def _initials(form: str) -> str:
    return "".join(w[0] for w in form.replace("-", " ").split() if w[:1].isupper())


def _acronym(form: str) -> str | None:
    bare = form.replace(".", "")
    return bare if 2 <= len(bare) <= 6 and bare.isupper() and bare.isalpha() else None


def _guess_kind(forms: Iterable[str], titled: bool) -> str:
    forms = list(forms)
    if titled:
        return "person"
    if any(w in _ORG_WORDS for f in forms for w in f.split()):
        return "other"
    if any(_acronym(f) for f in forms):
        return "other"
    if any(2 <= len(f.split()) <= 3 and all(w[:1].isupper() for w in f.split()) for f in forms):
        return "person"
    return "other"


def _cluster(cands: list[_Cand], known: set[str]) -> dict[str, str]:
    """form -> canonical form: surnames and acronyms merge into the full names they abbreviate."""
    forms = Counter(c.form for c in cands)
    multi = [f for f in forms if len(f.split()) >= 2]
    multi_toks = [(m, m.split()) for m in multi]
    canon: dict[str, str] = {}
    for f in sorted(forms, key=lambda x: (-len(x.split()), -forms[x], x)):
        if f in canon:
            continue
        toks = f.split()
        target = None
        if len(toks) == 1:
            ac = _acronym(f)
            by_initials = [m for m in multi if ac and _initials(m) == ac]
            by_surname = [m for m, mt in multi_toks if mt[-1] == f]
            pool = by_initials or by_surname
            if pool:
                target = max(pool, key=lambda m: (forms[m], len(m), m))
        else:  # "Donald Trump" inside "Donald J. Trump": same last token, tokens a subsequence
            longer = [m for m, mt in multi_toks if len(mt) > len(toks) and mt[-1] == toks[-1]
                      and all(t in mt for t in toks)]
            if longer:
                target = max(longer, key=lambda m: (forms[m], len(m), m))
        canon[f] = canon.get(target, target) if target else f
    return canon


#: words of person titles and roles a found name may carry before a user target's surname
_TITLE_WORDS = frozenset(w for t in PERSON_TITLES for w in t.split()) | {"Sheriff", "Rep", "Sen", "Gov", "Lt"}


def _link_user(found: Iterable[str], user: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Found names that name a user target (issue 14: a record's targets are bare names):
    the same name up to case and punctuation ("Wal-Mart" = "Walmart"), or a person's name with
    the user target's surname whose other words all belong to it ("Obama", "Anthony D. Weiner",
    "Majority Leader Harry Reid" -> "Barack Obama", "Anthony Weiner", "Harry Reid"); a surname two
    user targets share links to neither."""
    def key(x: str) -> str:
        return "".join(ch for ch in x.casefold() if ch.isalnum())

    exact = {key(u): u for u in user}
    by_last: dict[str, list[str]] = defaultdict(list)
    for u in user:
        toks = u.split()
        if 2 <= len(toks) <= 4 and all(t[:1].isupper() for t in toks):
            by_last[toks[-1]].append(u)
    out: dict[str, str] = {}
    for f in found:
        if f in user:
            continue
        if key(f) in exact:
            out[f] = exact[key(f)]
            continue
        toks = f.split()
        pool = by_last.get(toks[-1], [])
        if len(pool) == 1:
            own = set(pool[0].split())
            rest = [t for t in toks[:-1] if t not in own and t not in _TITLE_WORDS
                    and not re.fullmatch(r"[A-Z]\.?", t)]
            if len(toks) == 1 or not rest or own <= set(toks):
                out[f] = pool[0]
    return out


# ----------------------------------------------------------------------------- main entry
def find_targets(article: Article, user_targets: Mapping[str, Sequence[str]] | Any = None) -> TargetSet:
    """Find the actors of ``article`` and their mentions per sentence.

    Args:
        article: a segmented article.
        user_targets: extra/overriding targets, ``{"United States": ["U.S.", "Washington"]}`` or any
            form ``normalize_user_targets`` accepts.

    Returns:
        A TargetSet: targets ranked by prominence, mentions per sentence (offsets relative to the
        sentence) with ``quoted`` and ``speaker`` filled where identifiable.
    """
    user = normalize_user_targets(user_targets)
    table, gaz, canonical = _surface_table(tuple((n, tuple(a)) for n, a in user.items()))
    texts = [article.sentence_text(i) for i in range(len(article.sentences))]
    units: list[tuple[int, str]] = [(i, t) for i, t in enumerate(texts)]
    if article.title_span:
        units.append((-1, article.text[slice(*article.title_span)]))
    for k, sec in enumerate(article.sections):
        if sec.heading_span:
            units.append((-2 - k, article.text[slice(*sec.heading_span)]))

    gaz_hits: dict[int, list[tuple[int, int, str]]] = {}
    cands: list[_Cand] = []
    for u, t in units:
        hits, cs = _candidates(u, t, gaz)
        gaz_hits[u] = hits
        cands.extend(cs)

    # keep: mid-sentence body spans, titled spans, and start-of-sentence/heading spans whose
    # form is known from a kept span (or its surname/acronym is)
    body = [c for c in cands if c.sent >= 0 and (not c.at_start or c.titled)]
    known_forms = {c.form for c in body}
    known_tokens = {w for f in known_forms for w in f.split() if len(f.split()) >= 2} | {
        f for f in known_forms} | {w for u in user for w in u.split() if len(u.split()) >= 2}
    kept = list(body)
    body_ids = {id(c) for c in body}
    for c in cands:
        if id(c) in body_ids:
            continue
        if c.form in known_forms or (len(c.form.split()) == 1 and c.form in known_tokens) or (c.sent >= 0 and c.at_start and len(c.form.split()) >= 2 and any(
                w in known_tokens for w in c.form.split())):
            kept.append(c)
    canon = _cluster(kept, known_forms)
    link: dict[str, str] = {}
    if user:
        gaz_forms = {form for hits in gaz_hits.values() for *_, form in hits}
        link = _link_user(set(canon.values()) | gaz_forms | {table[f].canonical for f in gaz_forms}, user)
        canon = {f: link.get(c, c) for f, c in canon.items()}
    titled = defaultdict(bool)
    members: dict[str, set[str]] = defaultdict(set)
    for c in kept:
        titled[canon[c.form]] |= c.titled
        members[canon[c.form]].add(c.form)
        if c.titled:
            members[canon[c.form]].add(c.full)
    kinds: dict[str, str] = {}
    for name, forms in members.items():
        kinds[name] = _guess_kind(forms, titled[name])
    for s in table.values():
        if s.kind != "user" or s.canonical not in kinds:  # a linked user target keeps the found kind
            kinds[s.canonical] = s.kind

    # mentions per unit: (start, end, canonical, kind, plural, named)
    per_unit: dict[int, list[tuple[int, int, str, bool]]] = defaultdict(list)
    seen_forms: dict[str, set[str]] = defaultdict(set)
    for u, hits in gaz_hits.items():
        for s, e, form in hits:
            sf = table[form]
            name = link.get(form) or link.get(sf.canonical, sf.canonical)
            per_unit[u].append((s, e, name, sf.plural))
            seen_forms[name].add(form)
    for c in kept:
        name = canon[c.form]
        name = table[name].canonical if name in table else name
        per_unit[c.sent].append((c.start, c.end, name, False))
        seen_forms[name].add(c.form)
        if c.titled:
            seen_forms[name].add(c.full)
    for u in per_unit:
        per_unit[u].sort()

    # pronouns, quotes, speakers
    out: list[tuple[Mention, ...]] = []
    named_counts: Counter[str] = Counter()
    pron_counts: Counter[str] = Counter()
    prev_named: list[tuple[int, int, str, bool]] = []
    prev_para = -1
    prev_speaker: str | None = None
    for i, (text, near) in enumerate(zip(texts, article.sentence_quotes(), strict=True)):
        sent = article.sentences[i]
        quotes = [(max(qs - sent.start, 0), min(qe - sent.start, len(text))) for qs, qe in near]
        named = per_unit.get(i, [])
        same_para = sent.paragraph == prev_para
        mentions: list[tuple[int, int, str]] = [(s, e, n) for s, e, n, _ in named]
        for *_, n, _plural in named:
            named_counts[n] += 1
        for m in _PRON_PERSON.finditer(text):
            before = [x for x in named if x[1] <= m.start() and kinds.get(x[2]) == "person"]
            pool = before or [x for x in prev_named if kinds.get(x[2]) == "person"]
            if pool:
                mentions.append((m.start(), m.end(), pool[-1][2]))
                pron_counts[pool[-1][2]] += 1
        for m in _PRON_ITS.finditer(text):
            cands_its = {x[2] for x in named if x[1] <= m.start() and kinds.get(x[2]) not in ("person", "other")
                         and not x[3]}
            if len(cands_its) == 1:
                n = next(iter(cands_its))
                mentions.append((m.start(), m.end(), n))
                pron_counts[n] += 1
        for m in _PRON_PLURAL.finditer(text):
            pool_pl = {x[2] for x in [*prev_named, *[y for y in named if y[1] <= m.start()]] if x[3]}
            if len(pool_pl) == 1:
                n = next(iter(pool_pl))
                mentions.append((m.start(), m.end(), n))
                pron_counts[n] += 1
        mentions.sort()
        speaker = _speaker(text, named, quotes)
        if speaker is None and quotes and same_para and prev_speaker:
            speaker = prev_speaker
        row = []
        for s, e, n in mentions:
            q = any(qs <= s and e <= qe for qs, qe in quotes)
            row.append(Mention(n, s, e, q, speaker if q else None))
        out.append(tuple(row))
        prev_named = named
        prev_para = sent.paragraph
        prev_speaker = speaker if quotes else None

    head_counts: Counter[str] = Counter()
    prominence: Counter[str] = Counter()
    for u, ms in per_unit.items():
        if u < 0:
            for _s, _e, n, _p in ms:
                head_counts[n] += 1
                prominence[n] += W_TITLE if u == -1 else W_HEADING
    for n, k in named_counts.items():
        prominence[n] += W_NAMED * k
    for n, k in pron_counts.items():
        prominence[n] += W_PRONOUN * k
    user_aliases = {name: aliases for name, aliases in user.items()}
    names = set(prominence) | set(user)
    targets = []
    for n in names:
        aliases = sorted(seen_forms.get(n, set()) | set(user_aliases.get(n, [])) - {n})
        src = "user" if n in user else ("gazetteer" if n in canonical else "found")
        targets.append(Target(n, tuple(aliases), kinds.get(n, "other"), named_counts[n] + pron_counts[n],
                              float(prominence[n]), src))
    targets.sort(key=lambda t: (-t.prominence, -t.mentions, t.name))
    return TargetSet(tuple(targets), tuple(out), dict(head_counts))


def _speaker(text: str, named: list[tuple[int, int, str, bool]],
             quotes: list[tuple[int, int]]) -> str | None:
    """The subject of a speech verb outside the quotes of this sentence, where identifiable."""
    if not quotes:
        return None

    def inside(a: int, b: int) -> bool:
        return any(qs <= a and b <= qe for qs, qe in quotes)

    outside = [x for x in named if not inside(x[0], x[1])]
    for m in _SPEECH_RE.finditer(text):
        if inside(m.start(), m.end()):
            continue
        if m.group(0) == "according to":
            after = [x for x in outside if x[0] >= m.end() and x[0] - m.end() <= 40]
            if after:
                return after[0][2]
            continue
        before = [x for x in outside if x[1] <= m.start()]
        # nearest subject before the verb, not across a quote or clause break
        if before:
            _, e, n, _ = before[-1]
            gap = text[e:m.start()]
            if len(gap.split()) <= 12 and not any(ch in gap for ch in "“”\";"):
                return n
        after = [x for x in outside if x[0] >= m.end() and x[0] - m.end() <= 25]
        if after:  # inverted: '"...," said Nasrallah'
            return after[0][2]
    return None
