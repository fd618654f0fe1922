"""Name vocabularies: titles and abbreviations, one home for the NER rules (``framing.ner``),
actor resolution (``framing.targets``) and ``framing.compare`` (issue 15)."""

from __future__ import annotations

#: Single-word titles before a name ("Sen", "President"): never part of an entity (``ner.clean_span``
#: cuts them), kept as a surface form by ``framing.targets``. The NER head reads "is a title" as a
#: word feature (``ner.word_features``) and ``ner.v1`` was trained with exactly this set: changing
#: it means retraining ``ner.v1`` (``python -m framing.train ner``).
TITLES = frozenset(["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Maj", "Adm", "Sgt", "Capt", "Cmdr", "Brig", "Pres", "President", "Vice", "Senator", "Representative", "Congressman", "Congresswoman", "Governor", "General", "Admiral", "Mayor", "Judge", "Justice", "Chief", "Secretary", "Minister", "Prime", "Chancellor", "Ambassador", "Speaker", "Chairman", "Chairwoman", "Director", "Attorney", "Deputy", "Former", "former", "Sir", "Dame", "Lord", "Lady", "Rev", "Reverend", "Father", "Sister", "Pope", "King", "Queen", "Prince", "Princess", "Sheikh", "Ayatollah", "Commissioner", "Sheriff", "Detective", "Officer", "Agent", "Professor", "Doctor"])
#: Abbreviations whose dot ends no sentence ("Mr.", "Jr.", "Inc.", "Gen.").
ABBREVIATIONS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Maj",
                           "Adm", "Sgt", "Capt", "Cmdr", "Brig", "Jr", "Sr", "St", "Inc", "Co", "Corp",
                           "Ltd", "Mt", "Rev", "Pres"})

#: Person titles, one or more words, stripped from a name into its aliases (``framing.targets``;
#: longest first when matching).
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
    "Director", "F.B.I. Director", "FBI Director", "C.I.A. Director", "CIA Director", "Deputy Attorney General",
    "Special Counsel", "Special Prosecutor", "Miss", "Sir", "Lady", "Lord", "Rev.", "Reverend", "Pres.",
    "Majority Leader", "Minority Leader", "Senate Minority Leader", "House Minority Leader", "First Lady",
    "Congressman", "Congresswoman", "Vice President-elect", "Deputy", "Agent", "Officer", "Detective",
    "Councillor", "Councilor", "Councilman", "Councilwoman", "Alderman", "Alderwoman", "Assemblyman",
    "Assemblywoman", "Assemblymember", "Commissioner", "Sheriff", "Mayor-elect", "Governor-elect",
)
#: Every word of a title as a name's tokens show it ("Sheriff", "Rep", "Rep.", "Secretary", "State").
TITLE_WORDS = (TITLES | frozenset(w for t in PERSON_TITLES for w in t.split())
               | frozenset(f"{w}." for w in TITLES & ABBREVIATIONS))
