"""Issue 14: the author's stance toward each actor for the whole article (real model, offline).

Roles (does harm / suffers it / only mentioned), author vs quoted voices, and the evidence
sentences, on short BASIL-like texts written for these tests.
"""

from __future__ import annotations

import pytest

from framing.report.stance import article_evidence, effective_score
from framing.scorers.stance import mention_role

pytestmark = pytest.mark.model


def _role(text: str, name: str) -> str:
    s = text.index(name)
    return mention_role(text, s, s + len(name))


@pytest.mark.parametrize(("text", "name", "role"), [
    ("Moscow imposed harsh sanctions on Georgia last year.", "Georgia", "patient"),
    ("Moscow imposed harsh sanctions on Georgia last year.", "Moscow", "agent"),
    ("Georgia was attacked by armed groups overnight.", "Georgia", "patient"),
    ("The killing of Navarro shocked the town.", "Navarro", "patient"),
    # not every harm word is known: "crackdown" has no harm stem, so Navarro is only mentioned
    ("Navarro’s brutal crackdown left dozens dead.", "Navarro", "mentioned"),
    ("Brooks attacked the village at dawn.", "Brooks", "agent"),
    ("Georgia and Armenia, were hit hard by the blockade.", "Georgia", "patient"),
    ("Georgia will host a regional summit on trade.", "Georgia", "mentioned"),
    # the actor owns what suffers harm (a possessive, then a passive harm verb)
    ("Georgia's oil fields were bombed overnight.", "Georgia", "patient"),
    ("Georgia's troops were deployed to the border.", "Georgia", "mentioned"),
    # those who act for the actor doing harm: the actor does it (no passive: not the owner harmed)
    ("Georgia's rulers are war criminals.", "Georgia", "agent"),
    ("Georgia's army shelled the town at dawn.", "Georgia", "agent"),
    ("Georgia's forces were attacked at dawn.", "Georgia", "patient"),
    ("Georgia's leaders will meet in Vienna.", "Georgia", "mentioned"),
    # domination and imperialism are harm done by their owner
    ("Both countries are increasingly targeted by U.S. imperialism.", "U.S.", "agent"),
    ("They turned away from U.S. domination and toward regional cooperation.", "U.S.", "agent"),
    # the owner of what befalls it suffers it; the owner of harm done does it
    ("The blockade did not lead to Georgia's collapse.", "Georgia", "patient"),
    ("Brooks did not analyse his defeat.", "his", "patient"),
    ("Brooks's defeat of Navarro stunned the town.", "Brooks", "agent"),
    ("Brooks's bellicose threats grew louder.", "Brooks", "agent"),
])
def test_mention_role_tells_doer_sufferer_and_bystander_apart(text: str, name: str, role: str) -> None:
    assert _role(text, name) == role


def _report(text: str, targets: list[str], title: str = "Report"):  # type: ignore[no-untyped-def]
    """One JSONL record through framing batch's code path; the report's targets by name."""
    import json

    from framing.batch import BatchOptions, process, read_records

    rec = json.dumps({"id": "t", "text": text, "title": title, "targets": targets})
    (out,) = list(process(read_records([rec], "t.jsonl"), BatchOptions(scorers=("stance",))))
    assert out.report is not None, out.error
    return out.report, {t["name"]: t for t in out.report["targets"]}


VICTIM = (
    "Arlandia launched a wave of air strikes on Beltrana on Monday, destroying hospitals and "
    "power stations.\n\n"
    "The bombing of Beltrana killed at least forty civilians, among them children sheltering in "
    "a school.\n\n"
    "Beltrana was attacked again on Tuesday, and its water supply was cut off.\n\n"
    "Arlandia's reckless campaign has been condemned as a brutal violation of international law.\n\n"
    "Families in Beltrana now queue for bread under the threat of further strikes."
)


def test_victim_is_not_read_as_the_target_of_hostility() -> None:
    rep, t = _report(VICTIM, ["Arlandia", "Beltrana"])
    victim, aggressor = t["Beltrana"]["stance"]["author"], t["Arlandia"]["stance"]["author"]
    assert victim["label"] != "against", victim
    assert victim["score"] > aggressor["score"] + 0.1, (victim, aggressor)
    assert victim["roles"]["patient"] >= 2 and aggressor["roles"]["patient"] == 0
    # plain means of the mention scores stay available beside the article reading
    assert "mean" in victim and -1 <= victim["mean"] <= 1
    # the evidence: sentences of the article (offsets into its text) that weigh most
    ev = aggressor["evidence"]
    assert 1 <= len(ev) <= 3
    text = rep["article"]["text"] if isinstance(rep.get("article"), dict) and "text" in rep["article"] else None
    for e in ev:
        assert "Arlandia" in e["text"] and e["end"] > e["start"]
        if text is not None:
            assert text[e["start"]:e["end"]] == e["text"]
    assert any("reckless" in e["text"] or "bombing" in e["text"] or "strikes" in e["text"] for e in ev)


QUOTED = (
    "Governor Dana Whitfield signed the state budget on Friday after a week of negotiations.\n\n"
    "\"Whitfield is a corrupt liar who has betrayed every family in this state,\" said Tom Reyes, "
    "a rival candidate.\n\n"
    "\"She is a disgrace and a fraud,\" Reyes added.\n\n"
    "The budget funds schools, roads and a new hospital in the north of the state.\n\n"
    "Whitfield will present the plan to county officials next week."
)


def test_quoted_attacks_are_not_the_authors_voice() -> None:
    _, t = _report(QUOTED, ["Dana Whitfield"])
    st = t["Dana Whitfield"]["stance"]
    assert st["author"]["label"] != "against", st["author"]
    assert st["quoted"]["mentions"] >= 1
    assert st["quoted"]["score"] < st["author"]["score"]
    # the author's evidence never comes from inside the quotes
    for e in st["author"]["evidence"]:
        assert "corrupt" not in e["text"] and "disgrace" not in e["text"]


def test_bare_user_target_collects_surname_mentions() -> None:
    """A record's targets are bare names: "Dana Whitfield" also owns "Whitfield" at a sentence
    start and inside a quote (BASIL gives main entities that way)."""
    _, t = _report(QUOTED, ["Dana Whitfield"])
    assert t["Dana Whitfield"]["mentions"] >= 3
    assert t["Dana Whitfield"]["stance"]["quoted"]["mentions"] >= 1


def test_patient_reading_is_no_evidence_against() -> None:
    """Harm suffered is not stance against the sufferer: a patient mention adds no P(against) to the
    against evidence but still counts as one of the author's mentions, so it dilutes the others
    (the article rule), and its negative score counts 0 (the section profile)."""
    from framing.scorers.stance import MentionStance

    rule = {"against_weight": 0.5, "favor_weight": 0.5}
    patient = MentionStance("Iraq", 0, 4, "Iraq", -0.8, "against", (0.85, 0.1, 0.05), role="patient",
                            slant=(0.7, 0.2, 0.1))
    agent = MentionStance("Iraq", 0, 4, "Iraq", -0.8, "against", (0.85, 0.1, 0.05), role="agent",
                          slant=(0.7, 0.2, 0.1))
    assert article_evidence([patient], rule) == (0.0, pytest.approx(0.075))
    assert article_evidence([agent], rule) == (pytest.approx(0.775), pytest.approx(0.075))
    assert article_evidence([patient, agent], rule)[0] == pytest.approx(0.775 / 2)
    assert effective_score(-0.8, "patient") == 0.0 and effective_score(0.4, "patient") == 0.4
    assert effective_score(-0.8, "agent") == -0.8


def test_a_doer_of_harm_adds_the_agent_bonus_to_the_against_evidence() -> None:
    from framing.report.stance import article_rule
    from framing.scorers.stance import MentionStance

    def m(role: str, p_against: float) -> MentionStance:
        return MentionStance("Karstan", 0, 7, "Karstan", 0.0, "neutral", (0.2, 0.7, 0.1), role=role,
                             slant=(p_against, 1 - p_against, 0.0))

    rule = {"against_weight": 0.0, "favor_weight": 0.0, "agent_bonus": 0.2}
    assert article_evidence([m("agent", 0.3)], rule)[0] == pytest.approx(0.5)
    assert article_evidence([m("mentioned", 0.3)], rule)[0] == pytest.approx(0.3)
    assert article_evidence([m("patient", 0.3)], rule)[0] == 0.0
    assert article_evidence([m("agent", 0.9)], rule)[0] == 1.0  # a share is at most 1
    # a rule written without the bonus (before session 7) reads as no bonus
    assert article_evidence([m("agent", 0.3)], {"against_weight": 0.0, "favor_weight": 0.0})[0] == pytest.approx(0.3)
    assert article_rule()["agent_bonus"] > 0  # the shipped rule has one (chosen on BASIL train + tune)


CHIEF = (
    "Over the past month, Police Chief Martin Cole has ordered dawn raids on forty homes.\n\n"
    "Cole is a showman who invites television crews to film the raids. His reckless tactics "
    "humiliate innocent families."
)


def test_pronoun_refers_to_a_user_target_that_reads_as_a_person() -> None:
    """A record's target nothing in the article typed ("Martin Cole") still owns "His" when its
    name reads as a person's, so the author's harshest sentence about it counts."""
    _, t = _report(CHIEF, ["Martin Cole=Martin Cole,Cole"])
    assert t["Martin Cole"]["mentions"] >= 3, t["Martin Cole"]
    _, t = _report(CHIEF.replace("Martin Cole", "Eastgate Police Department").replace("Cole is", "Eastgate Police Department is"),
                   ["Eastgate Police Department=Eastgate Police Department"])
    assert t["Eastgate Police Department"]["mentions"] == 2, t["Eastgate Police Department"]  # not a person: "His" is not its
