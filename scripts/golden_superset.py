"""Check that new JSON output only adds to old output: every key path and value of OLD is present
and equal in NEW (lists compared item by item, same length). JSON or JSONL files.

    python scripts/golden_superset.py OLD.json NEW.json   # exit 1 and the differing paths if not
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def differences(old: Any, new: Any, path: str = "$") -> list[str]:
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [f"{path}: object became {type(new).__name__}"]
        out = []
        for k, v in old.items():
            if k not in new:
                out.append(f"{path}.{k}: missing")
            else:
                out += differences(v, new[k], f"{path}.{k}")
        return out
    if isinstance(old, list):
        if not isinstance(new, list) or len(old) != len(new):
            return [f"{path}: list of {len(old)} became {len(new) if isinstance(new, list) else type(new).__name__}"]
        return [d for i, (a, b) in enumerate(zip(old, new, strict=True)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if old == new and type(old) is type(new) else [f"{path}: {old!r} -> {new!r}"]


def load(path: str) -> list[Any]:
    text = Path(path).read_text(encoding="utf-8")
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def main(argv: list[str]) -> int:
    old, new = load(argv[0]), load(argv[1])
    if len(old) != len(new):
        print(f"{len(old)} documents became {len(new)}")
        return 1
    diffs = [d for i, (a, b) in enumerate(zip(old, new, strict=True)) for d in differences(a, b, f"[{i}]")]
    for d in diffs[:50]:
        print(d)
    print(f"{len(diffs)} difference(s)" + (" (first 50 shown)" if len(diffs) > 50 else ""))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
