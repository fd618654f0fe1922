"""Exit codes and the exception hierarchy. The library raises; only ``cli.py`` translates."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes: the one table is :data:`EXIT_CODES` (README "Exit codes"
    is tested against it)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INPUT = 3
    MODEL = 4
    PARTIAL = 5
    THRESHOLD = 6
    INTERRUPTED = 130


#: What each exit code means, as the README's "Exit codes" table says it (tests/test_cli_strict.py
#: compares the two).
EXIT_CODES: dict[ExitCode, str] = {
    ExitCode.OK: "OK",
    ExitCode.ERROR: "unexpected error (a bug): one line on stderr, rerun with `--traceback`",
    ExitCode.USAGE: "usage error: bad option, bad `--fail-on` expression or unknown gate metric, "
                    "frame or target; a bad `--target`, or a missing, unreadable or malformed "
                    "`--targets-file`; a missing optional dependency",
    ExitCode.INPUT: "input error: missing, unreadable, binary, undecodable, empty or oversized "
                    "input; no prose found; a `framing render` file that is not a framing report",
    ExitCode.MODEL: "model error: a head, lexicon (shipped or `--lexicon`) or `--model` missing, "
                    "unreadable, unsafe (pickle) or incompatible",
    ExitCode.PARTIAL: "partial: `framing batch` reported every good article but some failed",
    ExitCode.THRESHOLD: "threshold: a `--fail-on` gate tripped (or, with `--gate-missing fail`, "
                        "could not be evaluated)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


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
