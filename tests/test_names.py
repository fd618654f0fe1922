"""One home for name vocabularies (framing.names) and English function words (framing.language)."""

from __future__ import annotations

from framing import compare, language, ner, targets
from framing.names import ABBREVIATIONS, PERSON_TITLES, TITLE_WORDS, TITLES


def test_every_dotted_title_is_an_abbreviation_and_a_title_word() -> None:
    for title in PERSON_TITLES:
        for w in title.split():
            assert w in TITLE_WORDS
            if w.endswith(".") and "." not in w[:-1]:
                assert w[:-1] in ABBREVIATIONS, w  # else its dot would read as a sentence end
    assert TITLES <= TITLE_WORDS


def test_the_modules_read_the_one_vocabulary() -> None:
    assert ner.TITLES is TITLES and targets._ABBREV is ABBREVIATIONS and compare._NAME_TITLES is TITLES
    from framing.scorers import loaded_terms, stance
    from framing.train import lexicon

    assert stance._STOP is language.STOPWORDS and loaded_terms._EDGE_STOP is language.STOPWORDS
    assert lexicon.STOPWORDS == (language.STOPWORDS - language.DEGREE_WORDS) | language.REPORTING_WORDS
    assert targets._LEADING_STOP is language.LEADING_WORDS


def test_leading_words_keep_names_that_are_function_words() -> None:
    assert {"The", "However", "Yesterday", "Did"} <= language.LEADING_WORDS
    assert not {"Will", "May", "Can"} & language.LEADING_WORDS  # Will Hurd, Theresa May, Can Dundar


def test_english_share_separates_english_from_other_languages(seed_text: str) -> None:
    share = language.english_share(seed_text)
    assert share is not None and share > 2 * language.MIN_STOPWORD_SHARE
    german = ("Die Regierung hat neue Sanktionen gegen das Nachbarland angekündigt. Die Minister trafen "
              "sich stundenlang in der Hauptstadt, um die Antwort zu besprechen. Was die Opposition will, "
              "ist also klar: sie kritisierte die Entscheidung scharf und forderte im Parlament eine "
              "Erklärung. Am Abend war es so weit.")
    assert language.language_warning(german) is not None
