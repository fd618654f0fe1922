"""Exit codes and the exception hierarchy. The library raises; only ``cli.py`` translates."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes (README "Exit codes")."""

    OK = 0
    ERROR = 1  # unexpected failure (a bug)
    USAGE = 2  # bad options, bad --fail-on expression, missing requirements
    INPUT = 3  # file missing, unreadable, undecodable, empty, no article text
    MODEL = 4  # model, head or lexicon missing or unsafe
    PARTIAL = 5  # batch: some articles failed, the rest were reported
    THRESHOLD = 6  # --fail-on condition met
    INTERRUPTED = 130  # Ctrl-C


class FramingError(Exception):
    """Base class: carries the exit code and an optional hint for the one-line message."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class UsageError(FramingError):
    exit_code = ExitCode.USAGE


class InputError(FramingError):
    exit_code = ExitCode.INPUT


class ModelError(FramingError):
    exit_code = ExitCode.MODEL
