"""A cheap English check: the heads are trained on English news, so other languages get a warning.

Decision (issue 9): non-English text is analysed, not refused, with a warning on stderr and in
the report's "warnings", because mixed-language articles and quotes are common in news; users who
want refusal can gate on it in batch.
"""

from __future__ import annotations

import re

#: The most frequent English function words; in English prose they are ~35-50% of tokens.
_STOPWORDS = frozenset(
    ["the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "on", "was", "with", "as", "by", "at", "be", "this", "are", "from", "or", "have", "an", "not", "but", "his", "her", "they", "he", "she", "we", "their", "its", "has", "had", "were", "been", "which", "will", "would", "who", "more", "than", "also", "said", "can", "all", "one", "about", "into", "there", "after", "when", "what", "so", "if"])
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: Below this share of English function words (over >= 20 words) we warn.
MIN_STOPWORD_SHARE = 0.12


def english_share(text: str, limit: int = 5000) -> float | None:
    """Share of English function words among the first ``limit`` words; None when too short."""
    words = _WORD.findall(text[: limit * 8])[:limit]
    if len(words) < 20:
        return None
    return sum(w.lower() in _STOPWORDS for w in words) / len(words)


def language_warning(text: str) -> str | None:
    share = english_share(text)
    if share is not None and share < MIN_STOPWORD_SHARE:
        return (f"the text does not look like English ({share:.0%} English function words); "
                "the scores are calibrated on English news and may be meaningless")
    return None
