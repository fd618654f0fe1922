"""Per-article time limits (``framing batch --timeout``): a deadline the stages check between
bounded pieces of work, and the error a late article becomes.

The check is cooperative: the pipeline looks at the clock after each encoder chunk
(``pipeline.ENCODE_CHUNK`` sentences) and between the later stages, so an article stops within
one chunk's time of its limit and the batch carries on with the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

from .errors import InputError


class TimedOut(InputError):
    """An article took longer than ``--timeout`` seconds; reported as that article's error."""


@dataclass(frozen=True, slots=True)
class Deadline:
    """``seconds`` from ``start`` (``time.perf_counter`` clock)."""

    seconds: float
    start: float

    @classmethod
    def after(cls, seconds: float | None) -> Deadline | None:
        return None if seconds is None or seconds <= 0 else cls(float(seconds), perf_counter())

    def check(self, what: str) -> None:
        """Raise :class:`TimedOut` naming ``what`` once the time is up."""
        if perf_counter() - self.start > self.seconds:
            raise TimedOut(f"timed out after {self.seconds:g} s (--timeout): {what}",
                           "raise --timeout, or split the article")


def check(deadline: Deadline | None, what: str) -> None:
    """``deadline.check(what)`` when there is a deadline."""
    if deadline is not None:
        deadline.check(what)
