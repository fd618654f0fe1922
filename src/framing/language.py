"""A cheap English check: the heads are trained on English news, so other languages get a warning.

Decision (issue 9): non-English text is analysed, not refused, with a warning on stderr and in
the report's "warnings", because mixed-language articles and quotes are common in news; users who
want refusal can gate on it in batch.
"""

from __future__ import annotations

import re

#: English function words: THE stopword list of framing. Every other list of English function
#: words is derived below from this one plus a small named set (one home, issue 15).
STOPWORDS = frozenset([
    "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "for", "of", "to", "in", "on", "at",
    "by", "from", "with", "without", "as", "into", "onto", "over", "under", "than", "then", "that",
    "this", "these", "those", "there", "here", "is", "are", "was", "were", "be", "been", "being", "am",
    "has", "have", "had", "do", "does", "did", "will", "would", "shall", "should", "can", "could",
    "may", "might", "must", "it", "its", "it's", "he", "him", "his", "she", "her", "they", "them",
    "their", "we", "us", "our", "you", "your", "i", "me", "my", "not", "no", "also", "just", "only",
    "even", "still", "now", "very", "more", "most", "much", "many", "some", "any", "all", "both",
    "each", "either", "neither", "such", "what", "which", "who", "whom", "whose", "when", "where",
    "why", "how", "if", "while", "although", "though", "because", "since", "until", "unless",
    "about", "after", "before", "between", "through", "during", "against", "among", "per", "via",
    "again", "once", "further", "few", "other", "same", "own", "too", "up", "down", "out", "off",
    "’s", "'s", "s", "t", "don",
])
#: Degree words: function words that still belong to a loaded phrase ("even worse", "much
#: worse", "still more"): a lexicon entry may start or end with them.
DEGREE_WORDS = frozenset(["even", "much", "still"])
#: Words of news reporting that say nothing of the writer's language: never a lexicon entry.
REPORTING_WORDS = frozenset(["said", "say", "says", "mr", "mrs", "ms", "new", "year", "one", "two",
                             "three"])
#: Words that open an English sentence or clause and are never part of a name that follows
#: ("However Iran ...", "Yesterday the Pentagon ..."), besides the function words.
SENTENCE_OPENERS = frozenset([
    "according", "beginning", "despite", "earlier", "every", "furthermore", "hence", "however",
    "indeed", "instead", "last", "later", "meanwhile", "moreover", "next", "nonetheless", "rather",
    "several", "speaking", "therefore", "thus", "today", "tomorrow", "yesterday",
])
#: Function words that are also given names or surnames ("Will Hurd", "Theresa May", "Can
#: Dundar", "Per Stig Moller"): kept at the front of a capitalised name.
NAME_WORDS = frozenset(["will", "may", "can", "per", "don"])

#: Lexicon entries never start or end with these (``framing.train.lexicon``).
LEXICON_EDGE_WORDS = (STOPWORDS - DEGREE_WORDS) | REPORTING_WORDS
#: Capitalised words dropped from the front of a capitalised run (``framing.targets``).
LEADING_WORDS = frozenset(w.capitalize() for w in (STOPWORDS - NAME_WORDS) | SENTENCE_OPENERS)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: Below this share of English function words (over >= 20 words) we warn. English news articles
#: have 0.30-0.56 (326 SemEval frame articles, min 0.302); Spanish, French, German, Italian,
#: Portuguese and Dutch news paragraphs 0.06-0.13.
MIN_STOPWORD_SHARE = 0.16


def english_share(text: str, limit: int = 5000) -> float | None:
    """Share of English function words among the first ``limit`` words; None when too short."""
    words = _WORD.findall(text[: limit * 8])[:limit]
    if len(words) < 20:
        return None
    return sum(w.lower() in STOPWORDS for w in words) / len(words)


def language_warning(text: str) -> str | None:
    share = english_share(text)
    if share is not None and share < MIN_STOPWORD_SHARE:
        return (f"the text does not look like English ({share:.0%} English function words); "
                "the scores are calibrated on English news and may be meaningless")
    return None
