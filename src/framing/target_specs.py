"""User-given targets: ``--target "Name=alias1,alias2"``, a TOML/JSON file, or batch records.

All forms normalise to ``dict[str, list[str]]`` (canonical name -> aliases), the form
``framing.targets.find_targets`` accepts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import UsageError


def parse_spec(spec: str) -> tuple[str, list[str]]:
    name, _, aliases = spec.partition("=")
    name = name.strip()
    if not name:
        raise UsageError(f"bad --target {spec!r}", 'write it as "Name=alias1,alias2" or "Name"')
    return name, [a.strip() for a in aliases.split(",") if a.strip()]


def from_value(value: Any, where: str) -> dict[str, list[str]]:
    """Targets from JSON/TOML data: {"Name": ["alias", ...]}, ["Name", ...] or ["Name=a,b", ...]."""
    out: dict[str, list[str]] = {}
    if value is None:
        return out
    if isinstance(value, dict):
        items: Iterable[Any] = value.items()
        for name, aliases in items:
            if isinstance(aliases, str):
                aliases = [aliases]
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise UsageError(f"bad targets in {where}: aliases of {name!r} must be strings")
            out[str(name)] = list(aliases)
        return out
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                name, aliases = parse_spec(item)
                out[name] = aliases
            elif isinstance(item, dict) and "name" in item:
                out[str(item["name"])] = [str(a) for a in item.get("aliases", [])]
            else:
                raise UsageError(f"bad targets in {where}: {item!r}")
        return out
    raise UsageError(f"bad targets in {where}: expected an object or a list")


def from_file(path: str) -> dict[str, list[str]]:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read targets file {path}: {exc.strerror or exc}") from None
    try:
        if p.suffix.lower() == ".toml":
            import tomllib

            data: Any = tomllib.loads(raw.decode("utf-8"))
            data = data.get("targets", data)
        else:
            data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot parse targets file {path}: {exc}") from None
    return from_value(data, path)


def combine(specs: Iterable[str] = (), file: str | None = None) -> dict[str, list[str]] | None:
    out: dict[str, list[str]] = {}
    if file:
        out.update(from_file(file))
    for spec in specs:
        name, aliases = parse_spec(spec)
        out[name] = aliases
    return out or None
