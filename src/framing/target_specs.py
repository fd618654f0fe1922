"""User-given targets, the one parser: ``--target "Name=alias1,alias2"``, ``--targets-file``
(TOML or JSON), a batch record's ``targets`` and the library's ``targets=`` argument.

Every form normalises to ``dict[str, list[str]]`` (canonical name -> aliases), the form
``framing.targets.find_targets`` reads. The rules, the same for every command:

* a name given twice (in one source or across sources: the file, ``--target`` flags, a batch
  record) is one target whose aliases are the union of both, in the order first given;
* a bad spec, a bad entry or a missing, unreadable or malformed targets file is a
  :class:`~framing.errors.UsageError` (exit 2: it is an option's value, like ``--fail-on``; the
  article itself is the input, exit 3). In ``framing batch`` a bad record's ``targets`` makes that
  record an error item and the batch goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import UsageError

Targets = dict[str, list[str]]

_HINT = 'write targets as {"Name": ["alias", ...]}, ["Name=alias1,alias2", ...] or [{"name": ..., "aliases": [...]}]'


def parse_spec(spec: str, where: str = "--target") -> tuple[str, list[str]]:
    """``"United States=U.S., Washington"`` -> ``("United States", ["U.S.", "Washington"])``.

    Raises:
        UsageError: an empty name.
    """
    name, _, aliases = spec.partition("=")
    name = name.strip()
    if not name:
        raise UsageError(f"bad target {spec!r} in {where}",
                         'write it as "Name=alias1,alias2" or "Name" (e.g. "United States=U.S.,Washington")')
    return name, _split(aliases)


def _split(aliases: str) -> list[str]:
    return [a.strip() for a in aliases.split(",") if a.strip()]


def _add(out: Targets, name: str, aliases: Iterable[str]) -> None:
    """Merge one entry into ``out``: a repeated name gains the aliases it did not have."""
    have = out.setdefault(name, [])
    for a in aliases:
        if a not in have:
            have.append(a)


def normalize(value: Any, where: str = "targets") -> Targets:
    """Targets from any accepted form; ``where`` names the source in error messages.

    Accepted: None; ``{"Name": ["alias", ...]}`` (an alias string ``"a, b"`` or null also);
    ``["Name", "Name=a,b", {"name": ..., "aliases": [...]}, ...]``; one ``"Name=a,b"`` string; any
    of these under a single ``targets`` key (a TOML ``[targets]`` table).

    Raises:
        UsageError: anything else (names must be non-empty, aliases strings).
    """
    out: Targets = {}
    if value is None:
        return out
    if isinstance(value, Mapping) and set(value) == {"targets"}:
        value = value["targets"]
    if isinstance(value, str):
        value = [value]
    if isinstance(value, Mapping):
        for name, aliases in value.items():
            if isinstance(aliases, str):
                aliases = _split(aliases)
            elif aliases is None:
                aliases = []
            if not isinstance(aliases, list | tuple) or not all(isinstance(a, str) for a in aliases):
                raise UsageError(f"bad targets in {where}: the aliases of {name!r} must be strings", _HINT)
            _entry(out, name, aliases, where)
        return out
    if isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, str):
                _add(out, *parse_spec(item, where))
            elif isinstance(item, Mapping) and "name" in item:
                aliases = item.get("aliases") or []
                if isinstance(aliases, str):
                    aliases = _split(aliases)
                if not isinstance(aliases, list | tuple) or not all(isinstance(a, str) for a in aliases):
                    raise UsageError(f"bad targets in {where}: the aliases of {item['name']!r} must be strings",
                                     _HINT)
                _entry(out, item["name"], aliases, where)
            else:
                raise UsageError(f"bad targets in {where}: {item!r}", _HINT)
        return out
    raise UsageError(f"bad targets in {where}: expected an object or a list", _HINT)


def _entry(out: Targets, name: Any, aliases: Iterable[str], where: str) -> None:
    name = str(name).strip() if isinstance(name, str | int) and not isinstance(name, bool) else ""
    if not name:
        raise UsageError(f"bad targets in {where}: a target needs a non-empty name", _HINT)
    _add(out, name, (a.strip() for a in aliases if a.strip()))


def read_file(path: str | Path) -> Targets:
    """Targets from a ``.toml`` file (a ``[targets]`` table or top-level keys) or a JSON file.

    Raises:
        UsageError: the file is missing, unreadable, not UTF-8, not valid TOML/JSON, or holds
            something :func:`normalize` refuses (exit 2, one documented code for every command).
    """
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --targets-file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read --targets-file {path}: not UTF-8 (byte {exc.start})") from None
    try:
        if p.suffix.lower() == ".toml":
            import tomllib

            data: Any = tomllib.loads(text)
            if isinstance(data.get("targets"), dict):  # a [targets] table beside other tables
                data = data["targets"]
        else:
            data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"cannot parse --targets-file {path}: {exc}",
                         "give a .toml file with a [targets] table, or a JSON file") from None
    return normalize(data, str(path))


def merge(*sources: Mapping[str, Iterable[str]] | None) -> Targets | None:
    """The union of several normalised target sets (same name: aliases merged); None if empty."""
    out: Targets = {}
    for src in sources:
        for name, aliases in (src or {}).items():
            _add(out, name, aliases)
    return out or None


def combine(specs: Iterable[str] = (), file: str | Path | None = None) -> Targets | None:
    """The run's targets from ``--targets-file`` and ``--target`` flags (analyze, batch, compare)."""
    return merge(read_file(file) if file else None, normalize(list(specs), "--target"))
