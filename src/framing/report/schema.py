"""The published contract: the JSON Schema (draft 2020-12) of the report, generated from the
model classes (``report.model``) so it cannot drift from the code.

``framing schema`` prints it; ``schema/report.v1.json`` is the committed copy (a test checks the
two are equal). One schema covers what framing prints as JSON: a report (``framing analyze``, a
``framing batch`` line), a failed batch line and a comparison (``framing compare``). Every object
allows properties beyond the declared ones: minor versions (1.x) only add fields, so a 1.3
reader's schema accepts a 1.4 report.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any, Union

from .. import SCHEMA_VERSION
from .model import _KEYS, BatchError, Comparison, Report, hints

SCHEMA_ID = "https://framing.invalid/schema/report.v1.json"


def _type(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if tp is Any:
        return {}
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        inner = [_type(a, defs) for a in args if a is not type(None)]
        out = inner[0] if len(inner) == 1 else {"anyOf": inner}
        return {"anyOf": [out, {"type": "null"}]} if type(None) in args else out
    if is_dataclass(tp):
        _define(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type(args[0], defs)}
        return {"type": "array", "prefixItems": [_type(a, defs) for a in args],
                "minItems": len(args), "maxItems": len(args)}
    if origin in (Mapping, dict) or tp is Mapping:
        args = typing.get_args(tp)
        vt = _type(args[1], defs) if args else {}
        return {"type": "object", **({"additionalProperties": vt} if vt else {})}
    return {"type": {int: "integer", float: "number", str: "string", bool: "boolean"}[tp]}


def _define(cls: type, defs: dict[str, Any]) -> None:
    name = cls.__name__
    if name in defs:
        return
    defs[name] = {}  # placeholder: recursive references
    hs = hints(cls)
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in fields(cls):  # type: ignore[arg-type]
        if f.metadata.get("flat"):
            for k, tp in _KEYS.get(f.metadata.get("keys"), {}).items():  # optional scorer keys
                props[k] = _type(tp, defs)
            continue
        prop = _type(hs[f.name], defs)
        if (which := f.metadata.get("keys")) is not None:  # a summary object: the unit keys
            prop = {**prop, "properties": {k: _type(tp, defs) for k, tp in _KEYS[which].items()}}
        if desc := f.metadata.get("description"):
            prop = {"description": desc, **prop}
        props[f.name] = prop
        if not f.metadata.get("optional"):
            required.append(f.name)
    kind = getattr(cls, "KIND", None)
    if kind is not None:
        props["schema"] = {**props["schema"], "const": kind}
    flat = next((f for f in fields(cls) if f.metadata.get("flat")), None)  # type: ignore[arg-type]
    out: dict[str, Any] = {"type": "object"}
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    if doc and not doc.startswith(name + "("):
        out["description"] = " ".join(doc.split())
    if flat is not None and (fd := flat.metadata.get("description")):
        out["$comment"] = f"other properties: {fd}"
    out.update({"properties": props, "required": required})
    defs[name] = out


def schema() -> dict[str, Any]:
    """The JSON Schema of everything framing prints as JSON, schema major version 1."""
    defs: dict[str, Any] = {}
    for cls in (Report, BatchError, Comparison):
        _define(cls, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"framing report, schema {SCHEMA_VERSION.split('.')[0]}.x",
        "description": f"Generated from framing.report.model (schema_version {SCHEMA_VERSION}): "
                       "`framing analyze --format json`, each line of `framing batch` (a report or "
                       "a failed article) and `framing compare --format json`. Minor versions only "
                       "add fields.",
        "oneOf": [{"$ref": "#/$defs/Report"}, {"$ref": "#/$defs/BatchError"},
                  {"$ref": "#/$defs/Comparison"}],
        "$defs": dict(sorted(defs.items())),
    }


def schema_text() -> str:
    """The schema as ``framing schema`` prints it (and ``schema/report.v1.json`` holds it)."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
