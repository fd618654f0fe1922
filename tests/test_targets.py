"""Targets: gazetteer + capitalised-span actors, alias merging, pronouns, quotes, user targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from framing.load import load, load_text
from framing.segment import segment
from framing.targets import find_targets

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_2cd8e75922315d1a.txt"


def _article(text: str):  # type: ignore[no-untyped-def]
    return segment(load_text(text, "t.txt"))


def _surface(article, ts, i):  # type: ignore[no-untyped-def]
    text = article.sentence_text(i)
    return [(m.target, text[m.start:m.end]) for m in ts.mentions[i]]


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    article = segment(load(str(SEED)))
    return article, find_targets(article)


def test_targets_seed_finds_the_main_actors(seed) -> None:  # type: ignore[no-untyped-def]
    _, ts = seed
    names = ts.names()
    for want in ("United States", "Iran", "Iraq", "China", "NATO", "Pentagon"):
        assert want in names
    trump = next(t for t in ts.targets if "Trump" in t.aliases or t.name == "Trump")
    assert {"Trump", "President Donald Trump"} <= set(trump.aliases) | {trump.name}
    us = ts.get("United States")
    assert us is not None and {"U.S.", "Washington"} <= set(us.aliases)
    # the United States dominates the seed; the top five are the four countries and Trump
    assert names[0] == "United States"
    assert set(names[:5]) == {"United States", "Iran", "Iraq", "China", trump.name}
    # mention offsets are relative to the sentence and point at the name
    for i, ms in enumerate(ts.mentions):
        text = seed[0].sentence_text(i)
        for m in ms:
            assert 0 <= m.start < m.end <= len(text)


def test_targets_seed_merges_titles_and_surnames(seed) -> None:  # type: ignore[no-untyped-def]
    _, ts = seed
    sol = [t for t in ts.targets if "Soleimani" in t.name]
    assert len(sol) == 1
    assert {"Soleimani", "Gen. Qassem Soleimani"} <= set(sol[0].aliases)
    assert sol[0].kind == "person"
    # sentence-initial words are not actors
    assert not {"Then", "Speaking", "Beginning", "Despite", "Many"} & set(ts.names())


def test_targets_possessives_curly_and_straight() -> None:
    a = _article("Officials criticised President Joe Biden on Monday.\n"
                 "Critics said Biden’s plan failed. Others said Biden's plan worked.\n")
    ts = find_targets(a)
    biden = [t for t in ts.targets if "Biden" in t.name]
    assert len(biden) == 1 and biden[0].name == "Joe Biden"
    assert _surface(a, ts, 1) == [("Joe Biden", "Biden")]
    assert _surface(a, ts, 2) == [("Joe Biden", "Biden")]


def test_targets_pronoun_he_resolves_to_the_last_person() -> None:
    a = _article("Yesterday the committee questioned Senator Elizabeth Warren about the bill.\n"
                 "He disagreed, and later she defended her proposal.\n")
    ts = find_targets(a)
    got = _surface(a, ts, 1)
    assert ("Elizabeth Warren", "she") in got and ("Elizabeth Warren", "her") in got


def test_targets_they_is_not_resolved_to_a_country() -> None:
    a = _article("Officials in France met the delegation on Friday. They said little.\n")
    ts = find_targets(a)
    assert _surface(a, ts, 1) == []


def test_targets_acronym_merges_with_full_name() -> None:
    a = _article("Critics attacked the Belt and Road Initiative on Tuesday.\n"
                 "Supporters of the BRI said it was a success.\n")
    ts = find_targets(a)
    assert _surface(a, ts, 1) == [("Belt and Road Initiative", "BRI")]


def test_targets_quote_speaker_is_the_subject_of_the_speech_verb() -> None:
    a = _article("Hezbollah leader Hassan Nasrallah called the strike “a crime by the U.S. army” "
                 "in a speech.\n")
    ts = find_targets(a)
    us = [m for m in ts.mentions[0] if m.target == "United States"]
    assert us and us[0].quoted and us[0].speaker == "Hassan Nasrallah"
    named = [m for m in ts.mentions[0] if m.target == "Hassan Nasrallah"]
    assert named and not named[0].quoted and named[0].speaker is None


def test_targets_user_targets_add_and_override() -> None:
    text = "Washington sanctioned Tehran again. The U.S. said Uncle Sam would not back down.\n"
    a = _article(text)
    ts = find_targets(a, {"United States": ["Uncle Sam"]})
    assert [m.target for m in ts.mentions[1]] == ["United States", "United States"]
    ts2 = find_targets(a, {"Washington": []})  # a user target takes the alias over
    assert ts2.mentions[0][0].target == "Washington"
    assert ts2.get("United States") is not None
    ts3 = find_targets(a, {"Acme Corp": ["Acme"]})  # user targets are listed even if absent
    assert ts3.get("Acme Corp") is not None and ts3.get("Acme Corp").mentions == 0


def test_targets_grouped_surface_regex_finds_what_the_flat_alternation_finds(seed_text: str) -> None:
    import re

    from framing.targets import _surface_regex, _surfaces

    forms = list(_surfaces({"Trump": ["Donald Trump", "President Trump"], "Ira": ["I"]}))
    flat = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(s) for s in sorted(set(forms), key=lambda s: (-len(s), s)))
                      + r")(?![\w]|\.\w)")
    text = seed_text + " U.S.-Iran ties; Iranians, Iraqis and the U.S.A. Ira I said"
    assert [m.group(0) for m in _surface_regex(forms).finditer(text)] == [m.group(0) for m in flat.finditer(text)]
    assert [m.span() for m in _surface_regex(forms).finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_targets_an_organisations_short_form_joins_its_full_name() -> None:
    """News style names a company in full, then by its first word: one actor, not two."""
    art = _article("Meridian Shipping raised its fees on Monday. Dockworkers say Meridian ignored "
                   "their letters for months. Officials in Kellan met Meridian on Friday.")
    ts = find_targets(art)
    assert "Meridian" not in ts.names()
    assert [t for t, _ in _surface(art, ts, 1) if t.startswith("Meridian")] == ["Meridian Shipping"]
    assert ts.get("Meridian Shipping").mentions >= 3


def test_targets_a_short_form_stays_apart_where_it_names_something_else() -> None:
    from framing.targets import _short_form_of

    # a plural name is a group, its first word something else ("Senate Democrats", "the Senate")
    names = {"Dalby Farmers": "Dalby Farmers", "Meridian Shipping": "Meridian Shipping"}
    seen = dict.fromkeys(names.values(), (0, 0, 0))
    assert _short_form_of("Dalby", list(names), names, {}, seen) is None
    assert _short_form_of("Meridian", list(names), names, {}, seen) == "Meridian Shipping"
    assert _short_form_of("Meridian", list(names), names, {"Meridian Shipping": True}, seen) is None  # a person
    assert _short_form_of("Meridian", list(names), names, {}, {}) is None  # not named yet
    # two names share the word: "Harrow" alone is ambiguous
    art = _article("Harrow Minerals sued Harrow School over the land. Harrow said the deal was fair.")
    ts = find_targets(art)
    assert all(t not in ("Harrow Minerals", "Harrow School") for t, _ in _surface(art, ts, 1))


@pytest.mark.model
def test_targets_a_company_the_ner_head_misses_is_found_when_the_body_repeats_it() -> None:
    """The NER head tags neither "Harrow Minerals" in this article; the body names it twice, once
    mid-sentence ("the Harrow Minerals tailings dam"), so it is an actor of the article."""
    from framing.pipeline import Pipeline

    path = Path(__file__).resolve().parent / "readings" / "01_river_mine.md"
    ts = Pipeline(["stance"]).score(load(str(path))).targets
    harrow = ts.get("Harrow Minerals")
    assert harrow is not None and harrow.mentions >= 2


@pytest.mark.model
def test_targets_a_firm_typed_as_a_person_is_a_firm_and_keeps_its_short_form() -> None:
    """The NER head types "Northwind Energy" PERSON here; a name ending in "Energy" is a firm, and
    "Northwind" later in the article is the same firm, not a second actor."""
    from framing.pipeline import Pipeline

    path = Path(__file__).resolve().parent / "readings" / "07_wind_farm.md"
    ts = Pipeline(["stance"]).score(load(str(path))).targets
    firm = ts.get("Northwind Energy")
    assert firm is not None and firm.kind == "org" and firm.mentions >= 3
    assert ts.get("Northwind") is None


def test_targets_they_refers_to_the_actor_whose_people_were_named() -> None:
    """'Iran's leaders ... They': the leaders are Iran's, so their words and deeds are Iran's."""
    art = _article("Iran's leaders met on Monday. They rejected the offer and their envoy left.")
    ts = find_targets(art)
    assert [t for t, s in _surface(art, ts, 1)] == ["Iran", "Iran"]
    # two owners: no antecedent is sure
    art = _article("Iran's leaders met Iraq's ministers on Monday. They rejected the offer.")
    ts = find_targets(art)
    assert _surface(art, ts, 1) == []


def test_targets_a_title_the_ner_head_types_apart_joins_the_name_after_it() -> None:
    from framing.targets import _titles_joined

    text = "the bloc led by Councillor Dean Whitby walked out"
    s = text.index("Councillor")
    ents = [(s, s + 10, "ORG"), (s + 11, s + 22, "PERSON")]
    assert _titles_joined(text, ents) == [(s, s + 22, "PERSON")]
    # a title-word entity before no person, or an organisation's name, is left alone
    assert _titles_joined(text, ents[:1]) == ents[:1]
    other = "talks between Meridian Shipping and Dean Whitby"
    m = other.index("Meridian")
    d = other.index("Dean")
    assert _titles_joined(other, [(m, m + 17, "ORG"), (d, d + 11, "PERSON")]) == [(m, m + 17, "ORG"), (d, d + 11, "PERSON")]


@pytest.mark.model
def test_targets_no_bare_title_among_the_actors() -> None:
    from framing.pipeline import Pipeline

    path = Path(__file__).resolve().parent / "readings" / "04_council_budget.md"
    ts = Pipeline(["stance"]).score(load(str(path))).targets
    assert ts.get("Councillor") is None
    assert "Councillor Dean Whitby" in ts.get("Dean Whitby").aliases


@pytest.mark.model
def test_targets_a_users_target_under_a_title_holds_its_role_and_leaves_no_bare_title() -> None:
    """A user's (or the gazetteer's) name matched under a title establishes the role noun as a
    found candidate does ("President Donald Trump ... The president said"; BASIL: 70 more
    main-entity mentions, 22 of them Obama's "the president"), and the title left beside the
    matched name is no actor ("FBI Director James Comey" gave a target "Director")."""
    from framing.pipeline import Pipeline

    text = ("President Donald Trump fired FBI Director James Comey on Tuesday.\n\n"
            "The president said Comey had lost the confidence of the bureau.\n\n"
            "Former President Barack Obama stayed silent. The president later defended the decision.")
    ts = Pipeline(["stance"]).score(load_text(text, "t.txt", "txt"),
                                    {"Donald Trump": [], "James Comey": [], "Barack Obama": []}).targets
    assert ts.get("Director") is None
    assert ts.get("Donald Trump").mentions == 3, ts.get("Donald Trump")  # a former president holds no role
    from framing.targets import _roles_before

    assert _roles_before("the bloc of Gov. Rick Perry", len("the bloc of Gov. ")) == ["governor"]
    assert _roles_before("former Gov. Rick Perry", len("former Gov. ")) == []
    assert _roles_before("Agov. Rick Perry", len("Agov. ")) == []


@pytest.mark.model
def test_targets_a_dateline_is_no_mention() -> None:
    """"WASHINGTON — ..." says where the story was filed (BASIL/PTC dev: 11 such targets, among
    them "DE JANEIRO"); the place named later as an actor still is one, and a later sentence
    opening with a name and a dash is no dateline."""
    from framing.load import load_text
    from framing.pipeline import Pipeline
    from framing.targets import _dateline_end

    assert _dateline_end("BEIRUT, Lebanon — The leader said") == len("BEIRUT, Lebanon — ")
    assert _dateline_end("NEW YORK (AP) -- Stocks fell") == len("NEW YORK (AP) -- ")
    assert _dateline_end("U.S. sanctions hit Iran — and hard") == 0
    text = ("WASHINGTON — Senate Republicans unveiled their health bill on Thursday.\n\n"
            "NATO — the alliance of thirty states — said it would meet in Brussels.")
    ts = Pipeline(["stance"]).score(load_text(text, "t.txt", "txt")).targets
    assert ts.get("WASHINGTON") is None and ts.get("Washington") is None
    assert ts.get("NATO") is not None
    text2 = "BEIRUT — Protests spread on Monday.\n\nWashington threatened new sanctions on Lebanon."
    ts2 = Pipeline(["stance"]).score(load_text(text2, "t.txt", "txt")).targets
    found = {t.name for t in ts2.targets}
    assert "BEIRUT" not in found and {"Lebanon"} <= found and any("Washington" in t.aliases for t in ts2.targets), found


@pytest.mark.model
def test_targets_no_word_of_a_law_among_the_actors() -> None:
    """The NER head types "Water" ORG + "Protection Act" LAW apart; the first word of a law's name
    is no actor (BASIL/PTC dev lost 11 such names: "Defense", "Religious", "Fourth", ...)."""
    from framing.load import load_text
    from framing.pipeline import Pipeline
    from framing.targets import _titles_joined

    text = "The villagers of Dalby have filed a lawsuit under the Water Protection Act."
    w, p = text.index("Water"), text.index("Protection")
    assert _titles_joined(text, [(w, w + 5, "ORG"), (p, p + 14, "LAW")]) == [(w, p + 14, "LAW")]
    ts = Pipeline(["stance"]).score(load_text(text + " Dalby wants the dam closed.", "x", "txt")).targets
    assert ts.get("Water") is None and ts.get("Dalby") is not None


def test_targets_the_president_is_the_person_last_named_with_that_title() -> None:
    a = _article("President Barack Obama spoke in Ohio on Monday. The president said the law works.\n"
                 "Former President Bill Clinton joined the rally. Later the president praised workers.\n"
                 "Gov. Rick Perry attacked the plan. The governor called it a disaster.\n"
                 "The president of the union, Ann Lee, disagreed.\n")
    ts = find_targets(a)
    assert ("Barack Obama", "The president") in _surface(a, ts, 1)
    # a former holder of the title does not take "the president" over
    assert ("Barack Obama", "the president") in _surface(a, ts, 3)
    assert ("Rick Perry", "The governor") in _surface(a, ts, 5)
    # "the president of the union" is another office, and "Vice President" another title
    assert all(t != "Barack Obama" for t, _ in _surface(a, ts, 6))
    b = _article("Vice President Joe Biden arrived late. The president was not there.\n")
    tb = find_targets(b)
    assert _surface(b, tb, 1) == []
    # no holder named before: no mention
    c = _article("The president spoke first. Later President Barack Obama was praised.\n")
    assert _surface(c, find_targets(c), 0) == []


def test_targets_the_committee_is_the_organisation_named_with_that_head_noun() -> None:
    a = _article("The House Oversight Committee opened an inquiry on Monday. The committee will meet on Friday.\n"
                 "Reporters followed the candidates on the campaign trail.\n")
    ts = find_targets(a)
    assert ("House Oversight Committee", "The committee") in _surface(a, ts, 1)
    # a compound ("the campaign trail") is no mention, and no campaign was named
    assert _surface(a, ts, 2) == []


def test_targets_its_at_the_start_of_a_sentence_is_the_organisation_the_previous_one_named() -> None:
    a = _article("Villagers sued Harrow Minerals in May. Its executives call the complaints a smear.\n\n"
                 "Its brochures are glossy.\n")
    ts = find_targets(a)
    assert ("Harrow Minerals", "Its") in _surface(a, ts, 1)
    # not across a paragraph break
    assert _surface(a, ts, 2) == []


def test_targets_the_committee_is_nobodys_when_the_article_names_another_committee() -> None:
    a = _article("The House Oversight Committee opened an inquiry on Monday. A Senate Judiciary Committee "
                 "aide declined to comment. The committee will meet on Friday.\n")
    ts = find_targets(a)
    assert all(s.lower() != "the committee" for _, s in _surface(a, ts, 2))


@pytest.mark.model
def test_targets_titles_of_2017_officials_join_their_names_and_their_role_nouns() -> None:
    from framing.pipeline import Pipeline

    text = ("Comey testifies\n\nFBI Director James Comey told senators on Monday that the bureau was "
            "investigating. The director declined to name targets. Special Counsel Robert Mueller was "
            "appointed later; the special counsel has not commented. Senate Majority Leader Mitch "
            "McConnell said the majority leader would wait.\n")
    a = Pipeline(["stance"]).score(load_text(text, "t.txt"))
    ts = a.targets
    names = {t.name for t in ts.targets}
    assert not names & {"Special", "Special Counsel", "Majority Leader", "Director"}
    said = {(m.target, a.article.sentence_text(i)[m.start:m.end]) for i, ms in enumerate(ts.mentions) for m in ms}
    assert {("James Comey", "The director"), ("Robert Mueller", "the special counsel"),
            ("Mitch McConnell", "the majority leader")} <= said


def test_targets_every_role_title_is_a_title_the_candidates_carry() -> None:
    # a role noun's title must be one the name rules cut off as a title (names.PERSON_TITLES):
    # another would never mark a holder, and "the <role>" would silently never resolve
    from framing.names import PERSON_TITLES
    from framing.targets import ROLE_NOUNS

    assert {t for ts in ROLE_NOUNS.values() for t in ts} <= set(PERSON_TITLES)
