"""Stage 2b: the actors an article talks about, and where it mentions them.

No spaCy (its import alone costs ~5 s): targets come from

1. a curated gazetteer (``models/actors.v1.json``: countries, short forms, demonyms,
   metonyms such as "Washington", organisations and institutions), matched case-sensitively,
   whole-word, longest first; an initialism matches with or without its dots (FBI = F.B.I.);
2. the NER head's PERSON/ORG/GPE/NORP entities (``framing.ner``, read from the one encoder pass;
   issue 16) outside gazetteer hits, a person's entity split at "and"/","; titles ("President",
   "Gen.", "Mrs.") before a name become aliases and give gender evidence; capitalised-span
   heuristics catch what the head missed when the article names it elsewhere (and are the whole
   method when no entities are given);
3. name coreference per mention (``_resolve``): full forms merge ("James Comey" -> "James B.
   Comey"), never two first names (Melania vs Donald Trump); a surname joins the article's person
   with that surname whose gender agrees with "Mr."/"Mrs." ("Mrs. Clinton" -> Hillary), else the
   gazetteer's default holder; the gazetteer's ``people`` give one canonical name across articles
   ("Donald J. Trump" -> "Donald Trump"); acronym -> full name; possessives -> the name;
4. conservative pronoun coreference: he/him/his/she/her -> the most recent person mention in the
   same or the previous sentence (a user target nothing typed counts as a person when its name
   reads as one, ``_is_person``); its -> the only country/organisation mentioned earlier in the
   same sentence; they/them/their -> a plural actor name ("Democrats", "Iranians"), or an actor
   whose people were named ("Iran's leaders", "Karstan's rulers"), only when it is the only
   candidate in the same or the previous sentence;
5. user targets (``--target "United States=U.S.,Washington"``, a TOML/JSON file, or a dict per
   batch record), which add to or override the found ones. A user target is linked to the
   article's mentions of it (``_user_forms``, ``_link_user``): its name in another case
   ("Republican Lawmakers" = "Republican lawmakers", "internet companies" = "Internet
   companies"; a single capitalised word never lowercased: "Bush" is not "bush"), possessive =
   attributive ("Obama's administration" = "Obama administration"), a common-noun head with a
   determiner ("the administration", "the bill", "lawmakers") when no other user target and no
   other "Capitalised <head>" of the article claims it, a found name up to case, accents,
   titles, initials and short first names ("Charles E. Grassley" -> "Chuck Grassley").

Mentions are reported per sentence with offsets relative to the sentence; ``quoted`` comes from
the article's quote spans and ``speaker`` is the subject of a speech verb (said, called, told, ...)
in the same sentence, or in the previous sentence of the same paragraph.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from .language import LEADING_WORDS, STOPWORDS
from .model import Article
from .names import ABBREVIATIONS, PERSON_TITLES, TITLE_WORDS
from .scorers import Mention
from .target_specs import normalize as normalize_user_targets  # the one parser of user targets

#: Prominence weights: a title mention counts 3, a heading 1.5, a named mention 1, a pronoun 0.5.
W_TITLE, W_HEADING, W_NAMED, W_PRONOUN = 3.0, 1.5, 1.0, 0.5

_TITLE_RE = re.compile(
    r"^(?:(?:" + "|".join(re.escape(t) for t in sorted(PERSON_TITLES, key=len, reverse=True)) + r")\s+)+")
#: Capitalised words that are not actors (calendar words, sentence adverbs, generic nouns).
NON_ACTOR = frozenset(["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "New", "Year", "Eve", "Christmas", "Easter", "Ramadan", "I", "I'm", "I’m", "OK", "AM", "PM", "A.M.", "P.M.", "TV", "Internet", "Web", "God", "Arab", "Arabs", "Western", "Eastern", "Northern", "Southern", "European", "African", "Asian", "Latin", "Muslim", "Muslims", "Christian", "Christians", "Jewish", "Sunni", "Shia", "Shiite", "Catholic", "Protestant", "Parliament", "Embassy", "Government", "Cabinet", "State", "Co.", "Inc.", "Corp.", "Ltd.", "Co", "Inc"])
#: Function/sentence-initial words dropped from the front of a capitalised run.
_LEADING_STOP = LEADING_WORDS  # framing.language: the stopwords, capitalised, plus sentence openers
_CONNECTORS = ("of", "and", "al-", "el-", "bin", "ibn", "de", "da", "del", "la", "von", "van", "der", "&")
#: last words that make a name a firm whatever the NER head typed it ("Northwind Energy" PERSON)
_FIRM_WORDS = frozenset(["Energy", "Shipping", "Minerals", "Mining", "Petroleum", "Pharmaceuticals",
                         "Technologies", "Logistics", "Chemicals", "Telecom", "Communications", "Resources",
                         "Insurance", "Securities", "Airlines", "Airways", "Motors", "Industries", "Holdings",
                         "Group", "Bank", "Company", "Corporation", "Corp.", "Inc.", "Ltd.", "Co."])
_ORG_WORDS = frozenset(["Initiative", "Road", "Party", "Zone", "Sea", "River", "Gulf", "Ocean", "Council", "Parliament", "Ministry", "Army", "Forces", "Force", "University", "Service", "Services", "Engineering", "Oil", "Network", "News", "Times", "Post", "Agency", "Department", "Committee", "Commission", "Court", "Union", "Organization", "Organisation", "Fund", "Institute", "Foundation", "Association", "League", "Front", "Movement", "Brigade", "Brigades", "Guard", "Guards", "Corps", "Navy", "Embassy", "Media", "Press", "Journal", "Daily", "Street", "Square", "Field", "Province", "State", "States", "Republic", "Kingdom", "Island", "Islands", "Mountains", "Canal", "Strait", "Bay", "Coast", "Desert"]) | _FIRM_WORDS

_ABBREV = ABBREVIATIONS  # framing.names
_CAP_TOKEN = re.compile(r"[A-Z](?:\.[A-Z])+\.|[A-Z][\w\-]*(?:['’][A-Z][\w\-]*)*\.?")
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
#: plural nouns for the people of an actor: "Karstan's rulers ... Their campaign" is Karstan's
_GROUP_NOUNS = frozenset(["rulers", "leaders", "officials", "forces", "troops", "soldiers", "generals",
                          "commanders", "ministers", "diplomats", "executives", "managers", "bosses",
                          "militias", "fighters", "lawmakers", "authorities", "negotiators", "spokesmen"])
_OWNS_GROUP = re.compile(r"\s*['’]s?\s+(?:own\s+)?([a-z]+)")
#: "the president", "the governor": a role noun after "the" refers to a person the article named
#: with that title before it ("President Obama ... the president"; ``_role_holder`` picks among
#: several). Role noun -> the titles that give it (matched whole: "Vice President Biden" is not
#: "the president").
ROLE_NOUNS: dict[str, frozenset[str]] = {
    "president": frozenset(["President", "Pres."]),
    "vice president": frozenset(["Vice President"]),
    "prime minister": frozenset(["Prime Minister"]),
    "governor": frozenset(["Governor", "Gov."]),
    "senator": frozenset(["Senator", "Sen."]),
    "congressman": frozenset(["Congressman", "Rep.", "Representative"]),
    "congresswoman": frozenset(["Congresswoman", "Rep.", "Representative"]),
    "speaker": frozenset(["Speaker", "House Speaker"]),
    "attorney general": frozenset(["Attorney General"]),
    "secretary of state": frozenset(["Secretary of State"]),
    "mayor": frozenset(["Mayor"]),
    "sheriff": frozenset(["Sheriff"]),
    "chancellor": frozenset(["Chancellor"]),
    "secretary": frozenset(["Secretary", "Defense Secretary", "Secretary of Defense"]),
    "first lady": frozenset(["First Lady"]),
    "special counsel": frozenset(["Special Counsel"]),
    "majority leader": frozenset(["Majority Leader", "Senate Majority Leader"]),
    "minority leader": frozenset(["Minority Leader", "Senate Minority Leader", "House Minority Leader"]),
    "chairman": frozenset(["Chairman"]),
    "chairwoman": frozenset(["Chairwoman"]),
    "director": frozenset(["Director", "FBI Director", "F.B.I. Director", "CIA Director", "C.I.A. Director"]),
    "judge": frozenset(["Judge"]),
    "ambassador": frozenset(["Ambassador"]),
}
#: "the committee", "the administration": an organisation's head noun after "the" refers to the
#: organisation the article named with it ("the House Oversight Committee ... the committee",
#: "the Obama administration ... the administration"). Not "the company"/"the firm": on our
#: articles those mentions sit in the factual sentences around the evaluative ones and dilute the
#: author's against evidence of a firm the author attacks (01_river_mine: Harrow Minerals reads
#: neutral with them, against without); BASIL has 13 such train mentions, too few to learn from.
ORG_NOUNS = frozenset(["administration", "campaign", "committee", "department", "agency", "ministry",
                       "party", "union", "commission", "council", "court", "bureau", "network",
                       "organization", "organisation", "association", "foundation", "institute"])
#: "the campaign trail", "the party line": the noun is a modifier there, not the organisation
_NOT_HEAD = ("trail", "season", "cycle", "finance", "finances", "manager", "managers", "year", "line",
             "system", "process", "level", "nominee", "nominees")
#: "the president" / "the committee" as a noun phrase of its own: not "the president of X" (another
#: office), not before a name ("the president, Barack Obama" is the name's apposition, already a
#: mention), not a hyphenated form ("the president-elect") or a compound ("the campaign trail")
_ROLE_RE = re.compile(r"\b[Tt]he\s+((?i:" + "|".join(sorted([*ROLE_NOUNS, *ORG_NOUNS], key=len, reverse=True))
                      + r"))\b(?![-\w]|\s+of\b|,?\s+[A-Z]|\s+(?:" + "|".join(_NOT_HEAD) + r")\b)")


def _owns_group(text: str, end: int) -> bool:
    """The mention owns a group of people ("Karstan's rulers", "Iran's leaders"): they/their may
    refer to the actor through them."""
    m = _OWNS_GROUP.match(text, end)
    return bool(m) and m.group(1) in _GROUP_NOUNS


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
    # an initialism is one name with or without its dots: FBI = F.B.I., U.N. = UN
    for s, sf in list(table.items()):
        for v in _initialism_variants(s):
            table.setdefault(v, sf)
    # user targets: their name and aliases win over the gazetteer. A user name equal to a
    # gazetteer actor's canonical name extends that actor; a user name or alias equal to another
    # actor's alias takes only that surface form over (--target Washington splits it off).
    for name, aliases in user.items():
        for s in [name, *aliases]:
            prev = table.get(s)
            table[s] = _Surface(name, prev.kind if prev and prev.canonical == name else "user", False)
    return table


def _initialism_variants(s: str) -> list[str]:
    """"FBI" -> ["F.B.I."], "U.N." -> ["UN"]; other forms have none."""
    if re.fullmatch(r"[A-Z]{2,5}", s):
        return [".".join(s) + "."]
    if re.fullmatch(r"(?:[A-Z]\.){2,5}", s):
        return [s.replace(".", "")]
    return []


@lru_cache(maxsize=1)
def people() -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]], dict[str, str]]:
    """(full form -> person, surname -> people, first name -> gender) from the gazetteer."""
    gz = gazetteer()
    by_form: dict[str, dict[str, Any]] = {}
    by_surname: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in gz.get("people", []):
        for f in [p["name"], *p.get("aliases", [])]:
            by_form[f] = p
        by_surname[p["surname"]].append(p)
    first: dict[str, str] = {}
    for g, names in (gz.get("first_names") or {}).items():
        for n in names:
            first.setdefault(n, g)
    return by_form, dict(by_surname), first


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


#: determiners before a singular common-noun head that make it a mention ("the administration")
_SING_DETS = frozenset({"the", "this", "that"})
#: words before a plural head that make it another group ("other lawmakers", "some lawmakers")
_NOT_SAME_GROUP = frozenset({"other", "some", "few", "several", "many", "most", "more", "such", "no",
                             "both", "each", "any", "all", "own", "same"})
_APOS = "'’"
#: prepositions that start a postmodifier: the head noun of a target comes before them
_POSTMODIFIERS = frozenset({"for", "of", "on", "in", "to", "with", "against", "about", "from", "over"})


def _phrase_re(form: str, flags: int = 0) -> re.Pattern[str]:
    """``form`` as a whole-word pattern; whitespace as any whitespace, either apostrophe."""
    parts = []
    for ch in form:
        parts.append(r"\s+" if ch.isspace() else "['’]" if ch in _APOS else re.escape(ch))
    return re.compile(r"(?<![\w.])" + re.sub(r"(?:\\s\+)+", r"\\s+", "".join(parts)) + r"(?![\w]|\.\w)",
                      flags)


def _case_ok(given: str, seen: str) -> bool:
    """Whether ``seen`` (the article's spelling) may name ``given`` (the user's): the same up to
    case for a phrase of two words or more; a single word only gains capitals ("protesters" =
    "Protesters", "Washington" = "WASHINGTON"), never loses them ("Bush" is not "bush")."""
    if len(given.split()) >= 2:
        return True
    return all(not g.isupper() or c.isupper() for g, c in zip(given, seen, strict=False))


def _number_forms(word: str) -> list[str]:
    """A common noun and its other number: "lawmakers" -> ["lawmakers", "lawmaker"]."""
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        return [w, w[:-3] + "y"]
    if w.endswith(("ses", "xes", "ches", "shes")):
        return [w, w[:-2]]
    if w.endswith("s") and not w.endswith("ss"):
        return [w, w[:-1]]
    if w.endswith("y") and w[-2:-1] not in "aeiou":
        return [w, w[:-1] + "ies"]
    return [w, w + ("es" if w.endswith(("s", "x", "ch", "sh")) else "s")]


def _head_ok(text: str, s: int, e: int) -> bool:
    """Whether a bare common-noun head at text[s:e] is a mention of the one user target with
    that head: a singular after the/this/that ("the administration"), a plural after a function
    word, punctuation or the start ("provided to lawmakers"), never after a modifier ("Democratic
    lawmakers", "state officials") or "other"/"some" ("other lawmakers"); capitalised only at the
    start of the sentence."""
    word = text[s:e]
    if word[:1].isupper() and not _is_sentence_start(text, s):
        return False
    m = re.search(r"(\S+)\s+$", text[:s])
    prev = m.group(1) if m else ""
    if prev and not prev[-1].isalnum():  # "said, lawmakers", "(lawmakers"
        prev = "" if prev[-1] not in _APOS else prev
    prev_l = prev.lower()
    if word.lower().endswith("s") and not word.lower().endswith("ss"):
        return not prev or (prev_l in STOPWORDS and prev_l not in _NOT_SAME_GROUP)
    return prev_l in _SING_DETS


def _standalone(text: str, s: int, e: int) -> bool:
    """Whether text[s:e] is a whole name, not part of a longer capitalised one ("Social
    Security" in "the Social Security Administration" or "Strengthen Social Security")."""
    m = re.search(r"(\S+)\s+$", text[:s])
    if m and m.group(1)[:1].isupper() and m.group(1)[-1].isalnum() and m.group(1) not in LEADING_WORDS:
        return False
    return not re.match(r"\s+(?:of\s+)?[A-Z]", text[e:])


def _another_with_head(name: str, variants: Iterable[str], text: str) -> bool:
    """Whether ``text`` writes a "Capitalised <head>" that is not ``name`` ("the Bush
    administration" beside "Obama administration"; "Democratic lawmakers" beside "Republican
    lawmakers"): then a bare "the <head>" is nobody's. ``variants`` are the head's forms."""
    mods = {w.casefold() for w in re.sub(r"['’]s\b", "", name).split()}
    rx = re.compile(r"((?:[A-Z][\w.\-]*(?:['’]s)?\s+)+)(?i:" + "|".join(variants) + r")(?!\w)")
    for m in rx.finditer(text):
        words: list[str] = []  # the run's words after the end of a sentence before it
        for w in reversed(re.sub(r"['’]s\b", "", m.group(1)).split()):
            if w.endswith(".") and w not in TITLE_WORDS and w[:-1] not in _ABBREV \
                    and not re.fullmatch(r"(?:[A-Z]\.)+", w):
                break
            if w not in LEADING_WORDS and w not in TITLE_WORDS:
                words.append(w)
        if words and not {w.casefold() for w in words} <= mods:
            return True
    return False


def _user_forms(user: Mapping[str, Sequence[str]], text: str, article: bool = True
                ) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The user targets with the forms ``text`` names them by, and the forms among them to check
    per mention: ``"head"`` (a bare head, ``_head_ok``) or ``"case"`` (a form that gained
    capitals, ``_standalone``).

    * a name or alias as the article spells it, up to case (``_case_ok``) and apostrophe;
    * possessive = attributive: "Obama's administration" <-> "Obama administration";
    * the head noun of a multiword target ("Republican lawmakers" -> "lawmakers", "Obama
      administration" -> "administration"), either number, when it is a common noun (lowercase
      in the target or in the article), no other user target has that head, and (``article``)
      the article writes no other "Capitalised <head>" ("Democratic lawmakers", "the Bush
      administration"). ``article=False`` (one sentence, ``candidate_spans``) skips that check.

    A form two user targets would gain is given to neither."""
    given = {f for n, a in user.items() for f in (n, *a)}
    gained: dict[str, set[str]] = defaultdict(set)
    checks: dict[str, str] = {}
    heads: dict[str, list[str]] = defaultdict(list)
    for name, aliases in user.items():
        forms = [name, *aliases]
        for f in list(forms):
            m = re.fullmatch(r"(.+?)['’]s\s+([a-z][\w-]*)", f)
            if m:
                forms.append(f"{m.group(1)} {m.group(2)}")
            m = re.fullmatch(r"([A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)*)\s+([a-z][\w-]*)", f)
            if m:
                forms.append(f"{m.group(1)}'s {m.group(2)}")
        for f in dict.fromkeys(forms):
            for m in _phrase_re(f, re.IGNORECASE).finditer(text):
                seen = m.group(0)
                if seen not in given and _case_ok(f, seen):
                    gained[seen].add(name)
                    if any(c.isupper() and not g.isupper() for g, c in zip(f, seen, strict=False)):
                        checks.setdefault(seen, "case")
        toks = re.sub(r"['’]s\b", "", name).split()
        cut = next((i for i, t in enumerate(toks) if i and t in _POSTMODIFIERS), len(toks))
        toks = toks[:cut]  # "joint tax rule for homosexual couples": the head is "rule"
        if len(toks) >= 2 and toks[-1].isalpha() and len(toks[-1]) > 2:
            heads[toks[-1].lower()].append(name)
    given_l = {f.casefold() for f in given}
    for head, names in heads.items():
        if len(names) != 1:
            continue  # "Democratic lawmakers" and "Republican lawmakers": "lawmakers" is neither
        name = names[0]
        variants = _number_forms(head)
        if any(v in given_l for v in variants):
            continue
        lower = {v for v in variants if re.search(r"(?<!\w)" + v + r"(?!\w)", text)}
        if article and not lower and not name.split()[-1].islower():
            continue  # a proper name's last word ("Tea Party", "Supreme Court" written so)
        if article and _another_with_head(name, variants, text):
            continue
        for v in variants:
            for form in (v, v.capitalize()):
                gained[form].add(name)
                checks[form] = "head"
    out = {n: list(a) for n, a in user.items()}
    for form, names in gained.items():
        if len(names) == 1:
            out[next(iter(names))].append(form)
        else:
            checks.pop(form, None)
    return out, checks


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
    typ: str | None = None  # the NER head's type (PERSON, ORG, GPE, NORP); None for a capitalised run
    gender: str | None = None  # "m"/"f" from a title before the name (Mr., Mrs., Congresswoman, ...)


#: NER types that are actors, and the kind reported for a found actor of that type
_ACTOR_TYPES = {"PERSON": "person", "ORG": "org", "GPE": "place", "NORP": "group"}
_GENDER_TITLES = {"Mr.": "m", "Mr": "m", "Mrs.": "f", "Mrs": "f", "Ms.": "f", "Ms": "f", "Miss": "f",
                  "Sir": "m", "Lady": "f", "Lord": "m", "Congressman": "m", "Congresswoman": "f",
                  "Chairman": "m", "Chairwoman": "f", "King": "m", "Queen": "f", "Prince": "m",
                  "Princess": "f", "First Lady": "f", "Sheikh": "m"}
_TITLE_BEFORE = re.compile(
    r"(?<![\w.])(?:(?:" + "|".join(re.escape(t) for t in sorted(PERSON_TITLES, key=len, reverse=True))
    + r")\s+)+$")


def _strip_title(s: str) -> tuple[str, int]:
    m = _TITLE_RE.match(s)
    return (s[m.end():], m.end()) if m else (s, 0)


def _gender_of(titles: str) -> str | None:
    g = None
    for t in sorted(_GENDER_TITLES, key=len, reverse=True):
        if re.search(r"(?<![\w.])" + re.escape(t) + r"(?![\w.])" if not t.endswith(".")
                     else r"(?<![\w.])" + re.escape(t), titles):
            g = _GENDER_TITLES[t]
            break
    return g


def _cap_runs(text: str, masked: str) -> list[tuple[int, int]]:
    """Spans of capitalised-token runs in ``masked`` (gazetteer hits blanked out)."""
    toks = [(m.start(), m.end()) for m in _CAP_TOKEN.finditer(masked)]
    runs: list[list[tuple[int, int]]] = []
    for s, e in toks:
        word = masked[s:e]
        if word.endswith(".") and word[:-1] not in _ABBREV and not re.fullmatch(r"(?:[A-Z]\.)+", word):
            e -= 1  # sentence-final period
        if s > 0 and (masked[s - 1].isalnum() or masked[s - 1] in "-#."):
            continue  # inside a word ("McDonald"), glued to a gazetteer hit ("U.S.-Iran") or an initialism
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
        # "Naft Shahr and Khorramshahr", "Hillary Clinton and Bill Clinton": "and" joins only
        # into an organisation's name ("Belt and Road Initiative", "Health and Human Services")
        cut = [j for j in range(1, len(r)) if masked[r[j - 1][1]:r[j][0]] == " and "]
        if cut and not any(masked[a:b].rstrip(".") in _ORG_WORDS for a, b in r[cut[-1]:]):
            bounds = [0, *cut, len(r)]
            out.extend((r[a][0], r[b - 1][1]) for a, b in pairwise(bounds))
        else:
            out.append((r[0][0], r[-1][1]))
    return out


def _is_sentence_start(text: str, s: int) -> bool:
    return not text[:s].strip(" \"“‘'([—–-")


_PARTICLE = re.compile(r"(?:al|el|ad|as|bin|ibn|de|da|del|la|le|van|von|der|du|dos)[- ][A-Z]")


def _make_cand(unit: int, text: str, s: int, e: int, typ: str | None, at_start: bool) -> _Cand | None:
    """A candidate for text[s:e] after the shared rules: leading function words and titles cut
    (a title before the span counts too), trailing connectors cut, party-state tags, calendar
    words, single letters and fragments refused."""
    from .ner import PARTY_STATE_RE

    span = text[s:e]
    while True:  # drop leading function words ("But Trump", "The Belt and Road Initiative")
        first, _, rest = span.partition(" ")
        if first in _LEADING_STOP and rest:
            s += len(first) + 1
            span = rest
            at_start = False  # the name itself is not at the start
            continue
        break
    if span in _LEADING_STOP:
        return None
    # leading pieces that are no name: "’s Kurds", "& Health Studies", "of Education", "surveil
    # Carter Page", "neo-Pharisaical" (a name starts with a capital or a particle such as "al-")
    while span and not (span[0].isupper() or span[0].isdigit() or _PARTICLE.match(span)):
        head, sep, rest = span.partition(" ")
        if not sep:
            return None
        s += len(head) + 1
        span = rest
        at_start = False
    form, cut = _strip_title(span)
    form = re.sub(r"\s+(?:of|and|&)$", "", form).rstrip(",;:")
    for suf in ("’s", "'s"):
        if form.endswith(suf):
            form = form[: -len(suf)]
    before = _TITLE_BEFORE.search(text, 0, s) if not cut else None
    title_text = span[:cut] if cut else (before.group(0) if before else "")
    if not form or form in NON_ACTOR or all(w in NON_ACTOR for w in form.split()):
        return None
    if PARTY_STATE_RE.fullmatch(form) or not any(c.isupper() for c in form):
        return None
    if len(form.replace(".", "").replace(" ", "")) <= 1:  # "F.", "A", "I."
        return None
    start = s + cut
    full_start = before.start() if before else s
    return _Cand(unit, start, start + len(form), form, text[full_start:start + len(form)],
                 bool(title_text), at_start, typ, _gender_of(title_text) if title_text else None)


def _split_name_list(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A list of names without separators ("Dianne Feinstein Maxine Waters Adam Schiff", a photo
    caption) split before each known first name that follows a name of two words or more."""
    ws = [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", text[s:e])]
    if len(ws) < 4:
        return [(s, e)]
    first = people()[2]
    out, start = [], 0
    # a title before the first name is no name of its own ("Special Counsel Robert Mueller")
    lead = next((k for k, (a, b) in enumerate(ws) if text[a:b] not in TITLE_WORDS), len(ws))
    for i in range(2, len(ws)):
        if i - max(start, lead) >= 2 and text[ws[i][0]:ws[i][1]] in first:
            out.append((ws[start][0], ws[i - 1][1]))
            start = i
    out.append((ws[start][0], ws[-1][1]))
    return out


def _candidates(unit: int, text: str, gaz: re.Pattern[str],
                ents: Sequence[tuple[int, int, str]] | None = None,
                checks: Mapping[str, str] | None = None
                ) -> tuple[list[tuple[int, int, str]], list[_Cand], list[_Cand]]:
    """(gazetteer hits, strong candidates, weak candidates) of one unit.

    Strong candidates are the NER head's PERSON/ORG/GPE/NORP entities outside gazetteer hits
    (a person's entity is split at "and"/"&"/","). Weak ones are capitalised runs, used when no
    entities are given (the heuristic alone) and to catch a name the head missed that the
    article names elsewhere. A hit of a form ``checks`` names (``_user_forms``) counts only
    where its check holds.
    """
    checks = checks or {}
    dateline = _dateline_end(text) if unit == 0 else 0  # the story's first sentence only
    gaz_hits = [(m.start(), m.end(), m.group(0)) for m in gaz.finditer(text)
                if m.start() >= dateline and ((ck := checks.get(m.group(0))) is None
                or (_head_ok if ck == "head" else _standalone)(text, m.start(), m.end()))]
    masked = list(text)
    masked[:dateline] = "#" * dateline  # where the story was filed is no mention of an actor
    for s, e, _ in gaz_hits:
        masked[s:e] = "#" * (e - s)
    mtext = "".join(masked)
    strong: list[_Cand] = []
    if ents is not None:
        ents = _titles_joined(text, ents)
        for es, ee, typ in ents:
            if typ not in _ACTOR_TYPES:
                continue
            # the parts of the entity outside gazetteer hits ("U.S. Attorney John Smith")
            for m in re.finditer(r"[^#\n]+", mtext[es:ee]):  # never across a hit or a line
                ps, pe = es + m.start(), es + m.end()
                parts = ([q for a in re.finditer(r"(?:(?!\s+(?:and|&)\s+|,\s+).)+", text[ps:pe])
                          for q in _split_name_list(text, ps + a.start(), ps + a.end())]
                         if typ == "PERSON" else [(ps, pe)])
                for a, b in parts:
                    seg = text[a:b]
                    a += len(seg) - len(seg.lstrip(" -–—,(“\"'‘"))
                    b -= len(seg) - len(seg.rstrip(" -–—,)”\"'’"))
                    if b - a < 2:
                        continue
                    if typ == "NORP" and not text[a:b].endswith("s"):
                        continue  # "Republican lawmakers": an adjective, not an actor
                    if _titles_a_hit(text, mtext, a, b):
                        continue
                    c = _make_cand(unit, text, a, b, typ, _is_sentence_start(text, a))
                    if c is not None:
                        strong.append(c)
    weak: list[_Cand] = []
    taken = [(c.start, c.end) for c in strong] + [(s, e) for s, e, t in (ents or ())]
    for s, e in _cap_runs(text, mtext):
        if any(s < te and e > ts for ts, te in taken):
            continue
        # "Iraqi Parliament", "U.S. Embassy": an untitled single word glued to a gazetteer hit
        # is that actor's institution, already counted as a mention of the actor
        glued = s >= 2 and mtext[s - 1] == " " and mtext[s - 2] == "#"
        span = text[s:e]
        if glued and " " not in span and not _TITLE_RE.match(span + " "):
            continue
        if _titles_a_hit(text, mtext, s, e):
            continue
        c = _make_cand(unit, text, s, e, None, _is_sentence_start(text, s))
        if c is not None:
            weak.append(c)
    return gaz_hits, strong, weak


#: A news dateline opening a sentence: "WASHINGTON —", "BEIRUT, Lebanon —", "NEW YORK (AP) --"
_DATELINE_RE = re.compile(r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+)*(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)*)?"
                          r"(?: \([A-Za-z .]+\))? ?(?:—|–|--?) ?(?=[\w“\"'‘])")


def _dateline_end(text: str) -> int:
    """Where a dateline opening this sentence ends (0 without one): the place the story was filed
    from, not a mention of that place as an actor ("WASHINGTON — Senate Republicans ..."). Read
    on the article's first sentence only: "NATO — the alliance — said" later on is no dateline."""
    m = _DATELINE_RE.match(text)
    return m.end() if m and any(c.isalpha() for c in m.group(0)) else 0


def _titles_a_hit(text: str, masked: str, s: int, e: int) -> bool:
    """Title words only, right before a gazetteer or user-target hit: the title of that name
    ("FBI Director James Comey" where James Comey is the user's target leaves "Director"), no
    actor of its own."""
    words = text[s:e].split()
    return bool(words) and all(w in TITLE_WORDS for w in words) and masked[e:e + 2] == " #"


def _titles_joined(text: str, ents: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The NER head's entities with a bare title it typed apart joined to the person after it
    ("Councillor" ORG + "Dean Whitby" PERSON -> "Councillor Dean Whitby" PERSON; "Special" +
    untagged "Counsel" + "Robert Mueller" too): a title alone is no actor, and before a name it is
    the name's title (an alias, gender evidence). A capitalised entity right before a LAW joins it."""
    out: list[tuple[int, int, str]] = []
    for es, ee, typ in sorted(ents):
        if (out and typ == "PERSON" and all(w in TITLE_WORDS for w in text[out[-1][1]:es].split())
                and all(w in TITLE_WORDS for w in text[out[-1][0]:out[-1][1]].split())):
            out[-1] = (out[-1][0], ee, "PERSON")
            continue
        if out and typ == "LAW" and text[out[-1][1]:es] == " " and text[out[-1][0]:out[-1][0] + 1].isupper():
            # "Water" ORG + "Protection Act" LAW: one law's name the head typed apart; its first
            # word is no actor ("Water" was a target of its own)
            out[-1] = (out[-1][0], ee, "LAW")
            continue
        out.append((es, ee, typ))
    return out


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


_NAME_SUFFIXES = frozenset({"Jr", "Sr", "II", "III", "IV"})


def _is_person(name: str, kinds: Mapping[str, str]) -> bool:
    """Whether he/him/his/she/her may refer to ``name``: a person, or a user target nothing in
    the article typed whose name reads as a person's ("Martin Cole": two or three capitalised
    words, no organisation word; ``_guess_kind``)."""
    kind = kinds.get(name)
    return kind == "person" or (kind == "user" and _guess_kind([name], False) == "person")


def _unit_order(c: _Cand) -> tuple[int, int, int]:
    return (0 if c.sent == -1 else 1 if c.sent < -1 else 2, c.sent if c.sent >= 0 else -c.sent, c.start)


def _resolve(cands: list[_Cand]) -> tuple[list[str], dict[str, str]]:
    """Canonical name per candidate (mention-level coreference of names) and a kind per name.

    * a full name absorbs its shorter full forms with the same first and last word
      ("James Comey" -> "James B. Comey"), never a different first name (Melania vs Donald Trump);
    * the gazetteer's people give the canonical name ("Donald J. Trump" -> "Donald Trump");
    * a single word joins the full name whose initials it is (acronyms), else the person of this
      article with that surname: a gender title ("Mrs. Clinton") must agree with the person's
      gender (gazetteer, own titles, first name); among several, the gazetteer's default holder,
      else the one named most recently; with no such person in the article, the gazetteer's
      person with that surname (gender-checked; its default holder when several), else itself.
    """
    by_form, by_surname, first_gender = people()
    forms = Counter(c.form for c in cands)
    typs: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cands:
        # a person's title before the name ("Sheriff Arpaio", typed ORG by the head) is person evidence
        typs[c.form]["PERSON" if c.titled else (c.typ or "")] += 1
    multi = [f for f in forms if len(f.split()) >= 2 and not _acronym(f)]
    rep: dict[str, str] = {}
    for f in sorted(multi, key=lambda x: (-len(x.split()), -forms[x], x)):
        toks = f.split()
        sup = [m for m in multi if m != f and m in rep and len(m.split()) > len(toks)
               and m.split()[-1] == toks[-1] and m.split()[0] == toks[0] and all(t in m.split() for t in toks)]
        rep[f] = rep[max(sup, key=lambda m: (forms[m], len(m), m))] if sup else f
    # canonical name of each cluster: the gazetteer's, else its most frequent full form
    members: dict[str, list[str]] = defaultdict(list)
    for f, r in rep.items():
        members[r].append(f)
    name_of: dict[str, str] = {}
    gender: dict[str, str | None] = {}
    person: dict[str, bool] = {}
    for fs in members.values():
        gz = next((by_form[f] for f in sorted(fs, key=lambda x: (-forms[x], x)) if f in by_form), None)
        nm = gz["name"] if gz else max(fs, key=lambda x: (forms[x], len(x), x))
        for f in fs:
            name_of[f] = nm
        g = gz["gender"] if gz else None
        own = {c.gender for c in cands if c.form in fs and c.gender}
        if g is None and len(own) == 1:
            g = next(iter(own))
        if g is None:
            g = first_gender.get(nm.split()[0])
        gender[nm] = g if gender.get(nm) is None else gender[nm]
        ptype = sum(typs[f]["PERSON"] for f in fs)
        otype = sum(v for f in fs for t, v in typs[f].items() if t and t != "PERSON")
        person[nm] = person.get(nm, False) or bool(gz) or (nm.split()[-1] not in _FIRM_WORDS and (
            ptype > otype or (not otype and any(c.titled for c in cands if c.form in fs))))
    surnames: dict[str, list[str]] = defaultdict(list)
    for nm in dict.fromkeys(name_of.values()):
        if person.get(nm):
            words = [w for w in nm.split() if w.rstrip(".,") not in _NAME_SUFFIXES]
            surnames[words[-1] if words else nm].append(nm)
    gz_person = {p["name"] for ps in by_surname.values() for p in ps}
    defaults = {p["name"] for ps in by_surname.values() for p in ps if p.get("default")}

    out: list[str] = [""] * len(cands)
    last_seen: dict[str, tuple[int, int, int]] = {}
    gendered = defaultdict(set)
    for c in cands:
        if len(c.form.split()) == 1 and c.gender:
            gendered[c.form].add(c.gender)
    order = sorted(range(len(cands)), key=lambda i: _unit_order(cands[i]))
    for i in order:
        c = cands[i]
        f = c.form
        nm = name_of.get(f)
        if nm is None:
            nm = f
            ac = _acronym(f)
            by_init = sorted({name_of[m] for m in multi if ac and _initials(m) == ac})
            # a person of this article with that surname, whatever type the head gave the word
            # ("Trump" tagged ORG in "the Trump administration")
            pool = [n for n in surnames.get(f, []) if not c.gender or gender.get(n) in (None, c.gender)]
            if pool and all(n in gz_person for n in pool):
                # the article names only other known holders of the surname (Melania Trump):
                # the usual holder (Donald Trump) stays a candidate for a bare "Trump"
                pool += [p["name"] for p in by_surname.get(f, []) if p.get("default")
                         and p["name"] not in pool and (not c.gender or p["gender"] == c.gender)]
            if by_init and not pool:
                nm = by_init[0]
            elif len(pool) == 1:
                nm = pool[0]
            elif pool:
                dflt = [n for n in pool if n in defaults]
                seen = [n for n in pool if n in last_seen and last_seen[n] <= _unit_order(c)]
                nm = (dflt[0] if len(dflt) == 1 else max(seen, key=lambda n: last_seen[n]) if seen
                      else min(pool, key=lambda n: min((_unit_order(x) for x in cands
                                                        if name_of.get(x.form) == n), default=(9, 0, 0))))
            elif c.typ in (None, "PERSON", "ORG") and f in by_surname:
                gz = [p for p in by_surname[f] if not c.gender or p["gender"] == c.gender]
                pick = [p for p in gz if p.get("default")] if len(gz) > 1 else gz
                if len(pick) == 1:
                    nm = pick[0]["name"]
                    gender.setdefault(nm, pick[0]["gender"])
                    person[nm] = True
            if nm == f and c.typ in (None, "ORG", "PERSON") and f not in by_surname and f not in first_gender:
                # an organisation's short form after its full name: "Meridian Shipping ... Meridian"
                nm = _short_form_of(f, multi, name_of, person, last_seen) or f
            if nm == f and c.gender and len(gendered[f]) > 1:
                nm = {"m": "Mr. ", "f": "Mrs. "}[c.gender] + f  # two people, no first names
                person[nm] = True
        out[i] = nm
        last_seen[nm] = _unit_order(c)
    kinds: dict[str, str] = {}
    for nm in out:
        if person.get(nm) or nm in gz_person:
            kinds[nm] = "person"
        elif nm.split()[-1] in _FIRM_WORDS:
            kinds[nm] = "org"
        elif nm not in kinds:
            fs = [x.form for j, x in enumerate(cands) if out[j] == nm]
            # a person's title counts as a PERSON reading, as in ``typs`` above
            t = Counter("PERSON" if x.titled else x.typ for j, x in enumerate(cands)
                        if out[j] == nm and (x.typ or x.titled)).most_common(1)
            kinds[nm] = _ACTOR_TYPES[t[0][0]] if t else _guess_kind(fs, any(
                x.titled for j, x in enumerate(cands) if out[j] == nm))
    return out, kinds


def _short_form_of(word: str, multi: Sequence[str], name_of: Mapping[str, str], person: Mapping[str, bool],
                   seen: Mapping[str, Any]) -> str | None:
    """The organisation a single word shortens, news style ("Meridian Shipping" named first, then
    "Meridian"): the one non-person name of the article, already named, whose first word it is.
    Not when that name ends in a plural ("Senate Democrats": "the Senate" is the chamber) or when
    two names share the word ("Harrow Minerals" and "Harrow School")."""
    heads = {name_of[m] for m in multi if m.split()[0] == word}
    if len(heads) != 1:
        return None
    nm = next(iter(heads))
    last = nm.split()[-1]
    if person.get(nm) or nm not in seen or nm.split()[0] != word or (last.endswith("s") and not last.endswith("ss")):
        return None
    return nm


#: words of person titles and roles a found name may carry before a user target's surname
_TITLE_WORDS = TITLE_WORDS  # framing.names


#: short forms of English first names: "Chuck Grassley" is "Charles E. Grassley"
_SHORT_FIRST = {"chuck": "charles", "charlie": "charles", "dave": "david", "bill": "william",
                "will": "william", "billy": "william", "bob": "robert", "rob": "robert", "bobby": "robert",
                "mike": "michael", "jim": "james", "jimmy": "james", "joe": "joseph", "tom": "thomas",
                "dick": "richard", "rick": "richard", "ted": "edward", "ed": "edward", "steve": "steven",
                "dan": "daniel", "danny": "daniel", "chris": "christopher", "tony": "anthony",
                "ben": "benjamin", "nick": "nicholas", "pat": "patrick", "jeff": "jeffrey", "ron": "ronald",
                "don": "donald", "andy": "andrew", "matt": "matthew", "sam": "samuel", "alex": "alexander",
                "greg": "gregory", "jerry": "gerald", "larry": "lawrence", "liz": "elizabeth",
                "beth": "elizabeth", "kate": "katherine", "kathy": "katherine", "jen": "jennifer",
                "sue": "susan", "peggy": "margaret", "meg": "margaret", "newt": "newton"}


def _fold(word: str) -> str:
    """A name word up to case, accents and short first names ("Raúl" = "Raul", "Dave" = "David")."""
    w = "".join(ch for ch in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(ch))
    return _SHORT_FIRST.get(w, w)


def _link_user(found: Iterable[str], user: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Found names that name a user target (issue 14: a record's targets are bare names):
    the same name up to case, accents and punctuation ("Wal-Mart" = "Walmart", "Raúl Labrador" =
    "Raul Labrador"), or a person's name with the user target's surname whose other words all
    belong to it, up to accents and short first names ("Obama", "Anthony D. Weiner", "Majority
    Leader Harry Reid", "Charles E. Grassley" -> "Barack Obama", "Anthony Weiner", "Harry Reid",
    "Chuck Grassley"); a surname two user targets share links to neither."""
    def key(x: str) -> str:
        return "".join(ch for ch in _fold(x) if ch.isalnum())

    exact = {key(u): u for u in user}
    by_last: dict[str, list[str]] = defaultdict(list)
    for u in user:
        toks = u.split()
        if 2 <= len(toks) <= 4 and all(t[:1].isupper() for t in toks):
            by_last[_fold(toks[-1])].append(u)
    out: dict[str, str] = {}
    for f in found:
        if f in user:
            continue
        if key(f) in exact:
            out[f] = exact[key(f)]
            continue
        toks = f.split()
        pool = by_last.get(_fold(toks[-1]), []) if toks else []
        if len(pool) == 1:
            own = {_fold(t) for t in pool[0].split()}
            rest = [t for t in toks[:-1] if _fold(t) not in own and t not in _TITLE_WORDS
                    and not re.fullmatch(r"[A-Z]\.?", t)]
            if len(toks) == 1 or not rest or own <= {_fold(t) for t in toks}:
                out[f] = pool[0]
    return out


# ----------------------------------------------------------------------------- main entry
def candidate_spans(index: int, text: str, user_targets: Mapping[str, Sequence[str]] | Any = None,
                    entities: Sequence[tuple[int, int, str]] | None = None) -> list[tuple[int, int]]:
    """Every span that ``find_targets`` could report as a mention in sentence ``index`` (a
    superset, from that sentence alone): gazetteer and user-target hits, the name candidates built
    from its NER entities and capitalised runs, and every pronoun. A long article's windows score
    stance on these before the article's targets are known (``Pipeline``), so no window keeps
    its token states waiting for the rest of the article."""
    given = normalize_user_targets(user_targets)
    _, gaz, _ = _surface_table(tuple((n, tuple(a)) for n, a in given.items()))
    hits, strong, weak = _candidates(index, text, gaz, entities)
    spans = {(s, e) for s, e, _ in hits} | {(c.start, c.end) for c in (*strong, *weak)}
    # the forms find_targets may add to the user targets (``_user_forms``), wherever they occur
    user, _ = _user_forms(given, text, article=False)
    for form in {f for n, a in user.items() for f in a} - {f for n, a in given.items() for f in (n, *a)}:
        spans.update((m.start(), m.end()) for m in _phrase_re(form).finditer(text))
    for rx in (_PRON_PERSON, _PRON_ITS, _PRON_PLURAL):
        spans.update((m.start(), m.end()) for m in rx.finditer(text))
    return sorted(spans)


def find_targets(article: Article, user_targets: Mapping[str, Sequence[str]] | Any = None,
                 entities: Sequence[Sequence[tuple[int, int, str]]] | None = None) -> TargetSet:
    """Find the actors of ``article`` and their mentions per sentence.

    Args:
        article: a segmented article.
        user_targets: extra/overriding targets, ``{"United States": ["U.S.", "Washington"]}`` or any
            form ``normalize_user_targets`` accepts.
        entities: per sentence, the NER head's entities ``(start, end, TYPE)`` relative to the
            sentence (``framing.ner.entities`` over the shared encoder pass). Without them,
            capitalised-span heuristics alone find the names.

    Returns:
        A TargetSet: targets ranked by prominence, mentions per sentence (offsets relative to the
        sentence) with ``quoted`` and ``speaker`` filled where identifiable.
    """
    given = normalize_user_targets(user_targets)
    texts = [article.sentence_text(i) for i in range(len(article.sentences))]
    # the forms this article names each user target by (case, possessive, common-noun head)
    user, checks = _user_forms(given, article.text)
    table, gaz, canonical = _surface_table(tuple((n, tuple(a)) for n, a in user.items()))
    units: list[tuple[int, str]] = [(i, t) for i, t in enumerate(texts)]
    if article.title_span:
        units.append((-1, article.text[slice(*article.title_span)]))
    for k, sec in enumerate(article.sections):
        if sec.heading_span:
            units.append((-2 - k, article.text[slice(*sec.heading_span)]))

    gaz_hits: dict[int, list[tuple[int, int, str]]] = {}
    strong: list[_Cand] = []
    weak: list[_Cand] = []
    for u, t in units:
        hits, st, wk = _candidates(u, t, gaz, entities[u] if entities is not None and u >= 0 else None,
                                   checks)
        gaz_hits[u] = hits
        strong.extend(st)
        weak.extend(wk)

    # keep: the head's entities; without them, mid-sentence capitalised spans and titled ones.
    # Other spans (start of sentence, title, headings, the head's misses) only when their form
    # is known from a kept span (or is the surname/acronym of one)
    if entities is not None:
        # the head's misses: titled spans, and a name of two or more capitalised words the body
        # repeats, once at least mid-sentence ("the Harrow Minerals tailings dam ... Harrow
        # Minerals has spent")
        repeated = Counter(c.form for c in weak if c.sent >= 0 and len(c.form.split()) >= 2)
        mid = {c.form for c in weak if c.sent >= 0 and not c.at_start}
        body = strong + [c for c in weak if c.sent >= 0 and (c.titled or (repeated[c.form] >= 2 and c.form in mid))]
    else:
        body = [c for c in weak if c.sent >= 0 and (not c.at_start or c.titled)]
    known_forms = {c.form for c in body}
    known_tokens = {w for f in known_forms for w in f.split() if len(f.split()) >= 2} | {
        f for f in known_forms} | {w for u in user for w in u.split() if len(u.split()) >= 2}
    kept = list(body)
    body_ids = {id(c) for c in body}
    for c in weak:
        if id(c) in body_ids:
            continue
        if c.form in known_forms or (len(c.form.split()) == 1 and c.form in known_tokens) or (
                entities is None and c.sent >= 0 and c.at_start and len(c.form.split()) >= 2
                and any(w in known_tokens for w in c.form.split())):
            kept.append(c)
    names, kinds = _resolve(kept)
    link: dict[str, str] = {}
    if user:  # found names that name a user target report under the user's name
        gaz_forms = {form for hits in gaz_hits.values() for *_, form in hits}
        link = _link_user(set(names) | gaz_forms | {table[f].canonical for f in gaz_forms}, user)
        names = [link.get(n, n) for n in names]
        linked: dict[str, list[str]] = defaultdict(list)
        for found, u in sorted(link.items()):
            if found in kinds:
                linked[u].append(kinds[found])
        for u, ks in linked.items():
            # the found names of one user target may be typed apart ("Sheriff Arpaio" a person,
            # "Joe Arpaio" an ORG by the NER head): a person among them makes the target one (its
            # pronouns resolve to it); else its own found kind, else the first found name's.
            # Never the order of a set, which changes with the process's hash seed.
            if "person" in ks:
                kinds[u] = "person"
            elif u not in kinds:
                kinds[u] = ks[0]
    for s in table.values():
        if s.kind != "user" or s.canonical not in kinds:  # a linked user target keeps the found kind
            kinds[s.canonical] = s.kind

    # mentions per unit: (start, end, canonical, plural)
    per_unit: dict[int, list[tuple[int, int, str, bool]]] = defaultdict(list)
    seen_forms: dict[str, set[str]] = defaultdict(set)
    # holders of "the <noun>": (sentence, start, noun, name) of each mention of a person under a
    # title (``_roles_of``, ``_roles_before``) and of an organisation by its name (``_org_nouns``)
    holders: list[tuple[int, int, str, str]] = []
    for u, hits in gaz_hits.items():
        for s, e, form in hits:
            sf = table[form]
            name = link.get(form) or link.get(sf.canonical, sf.canonical)
            per_unit[u].append((s, e, name, sf.plural))
            seen_forms[name].add(form)
            if u >= 0:
                holders.extend((u, s, role, name) for role in _roles_before(texts[u], s))
    for c, name in zip(kept, names, strict=True):
        name = table[name].canonical if name in table else name
        per_unit[c.sent].append((c.start, c.end, name, False))
        seen_forms[name].add(c.form)
        if c.titled:
            seen_forms[name].add(c.full)
            holders.extend((c.sent, c.start, role, name) for role in _roles_of(c, texts[c.sent]) if c.sent >= 0)
    salience = Counter(n for u, ms in per_unit.items() if u >= 0 for *_, n, _p in ms)
    org_nouns = {n: _org_nouns(n, kinds, user, article.text) for n in salience}  # once per name
    for u, ms in per_unit.items():
        if u >= 0:
            holders.extend((u, s, noun, n) for s, _e, n, _p in ms for noun in org_nouns[n])
    holders.sort()
    for u in per_unit:
        per_unit[u].sort()

    # pronouns, quotes, speakers
    out: list[tuple[Mention, ...]] = []
    named_counts: Counter[str] = Counter()
    pron_counts: Counter[str] = Counter()
    prev_named: list[tuple[int, int, str, bool]] = []
    prev_groups: list[tuple[int, int, str, bool]] = []  # prev_named, owners of a group as plural
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
            before = [x for x in named if x[1] <= m.start() and _is_person(x[2], kinds)]
            pool = before or [x for x in prev_named if _is_person(x[2], kinds)]
            if pool:
                mentions.append((m.start(), m.end(), pool[-1][2]))
                pron_counts[pool[-1][2]] += 1
        for m in _PRON_ITS.finditer(text):
            cands_its = {x[2] for x in named if x[1] <= m.start() and kinds.get(x[2]) not in ("person", "other")
                         and not x[3]}
            if not cands_its and same_para and not any(x[1] <= m.start() for x in named):
                # "Harrow Minerals has spent the spring in denial. Its executives ...": the one
                # organisation or place the paragraph's previous sentence named
                cands_its = {x[2] for x in prev_named if kinds.get(x[2]) not in ("person", "other") and not x[3]}
            if len(cands_its) == 1:
                n = next(iter(cands_its))
                mentions.append((m.start(), m.end(), n))
                pron_counts[n] += 1
        for m in _ROLE_RE.finditer(text):
            n = _role_holder(holders, i, m.start(), m.group(1).lower(), salience)
            if n is not None and (_is_person(n, kinds) or m.group(1).lower() not in ROLE_NOUNS) and not any(
                    s < m.end() and m.start() < e for s, e, _ in mentions):
                mentions.append((m.start(), m.end(), n))
                pron_counts[n] += 1
        groups = [(s, e, n, p or _owns_group(text, e)) for s, e, n, p in named]
        for m in _PRON_PLURAL.finditer(text):
            pool_pl = {x[2] for x in [*prev_groups, *[y for y in groups if y[1] <= m.start()]] if x[3]}
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
        prev_groups = groups
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
    user_aliases = {name: aliases for name, aliases in given.items()}
    names = set(prominence) | set(user)
    targets = []
    for n in names:
        aliases = sorted(seen_forms.get(n, set()) | set(user_aliases.get(n, [])) - {n})
        src = "user" if n in user else ("gazetteer" if n in canonical else "found")
        targets.append(Target(n, tuple(aliases), kinds.get(n, "other"), named_counts[n] + pron_counts[n],
                              float(prominence[n]), src))
    targets.sort(key=lambda t: (-t.prominence, -t.mentions, t.name))
    return TargetSet(tuple(targets), tuple(out), dict(head_counts))


def _roles_of(c: _Cand, text: str) -> list[str]:
    """The role nouns a titled mention establishes ("President Barack Obama": president; "Gov.
    Rick Perry": governor); the title is the text before the name, matched whole. A former holder
    ("former President Bill Clinton") establishes none: "the president" is someone else."""
    title = c.full[: len(c.full) - len(c.form)].strip()
    fs = c.start - (len(c.full) - len(c.form))
    return [] if _former(text, fs) else _roles_titled(title)


def _roles_titled(title: str) -> list[str]:
    """The role nouns a title establishes ("Gov." -> governor)."""
    return [r for r, ts in ROLE_NOUNS.items() if title in ts]


def _former(text: str, title_start: int) -> bool:
    """A former holder: "former Arkansas Gov. Mike Huckabee", "ex-", "then-", "the late"."""
    return re.search(r"\b(?:former|ex-|then-|late)\s+(?:[A-Z][\w.]*\s+){0,2}$",
                     text[max(title_start - 40, 0):title_start], re.IGNORECASE) is not None


#: every role title, longest first (``_roles_before``)
_ROLE_TITLES = sorted({t for ts in ROLE_NOUNS.values() for t in ts}, key=len, reverse=True)


def _roles_before(text: str, start: int) -> list[str]:
    """The role nouns of the title right before a name the gazetteer or a user target matched
    ("President Donald Trump" where "Donald Trump" is the user's target): what ``_roles_of`` reads
    from a titled candidate, for a name no candidate carries."""
    for t in _ROLE_TITLES:
        ts = start - len(t) - 1
        if ts >= 0 and text[ts:start] == t + " " and (ts == 0 or not text[ts - 1].isalnum()):
            return [] if _former(text, ts) else _roles_titled(t)
    return []


def _org_nouns(name: str, kinds: Mapping[str, str], user: Mapping[str, Any], text: str) -> list[str]:
    """The head noun "the ..." may name organisation ``name`` by: the last word of its name when an
    ``ORG_NOUNS`` word ("Justice Department": department; "House Oversight Committee":
    committee), unless the article writes another "Capitalised <noun>" (``_another_with_head``: "the
    Senate committee" too, and "the committee" is nobody's). A user target's head is
    ``_user_forms``'s (the same rule, on the user's names)."""
    if name in user or kinds.get(name) in ("person", "place", "country", "group", "user"):
        return []
    last = name.split()[-1].lower()
    if last not in ORG_NOUNS or _another_with_head(name, _number_forms(last), text):
        return []
    return [last]


def _role_holder(holders: Sequence[tuple[int, int, str, str]], sent: int, start: int, role: str,
                 salience: Mapping[str, int]) -> str | None:
    """Who "the <role>" at (``sent``, ``start``) is: among the people the article named with that
    title before it, the most salient (most named mentions in the article; "President Bill Clinton"
    named once in a story about Mr. Obama is not "the president"), the most recent on a tie."""
    seen: dict[str, int] = {}
    for k, h in enumerate(holders):
        if (h[0], h[1]) >= (sent, start):
            break
        if h[2] == role:
            seen[h[3]] = k
    return max(seen, key=lambda n: (salience.get(n, 0), seen[n])) if seen else None


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
