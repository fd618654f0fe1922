"""Where shipped artifacts live: heads, lexicons and the model card under ``models/``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .errors import ModelError


@lru_cache(maxsize=1)
def models_dir() -> Path:
    """``$FRAMING_MODELS``, else the wheel's package data, else the source checkout's models/."""
    env = os.environ.get("FRAMING_MODELS")
    if env:
        return Path(env)
    packaged = Path(__file__).parent / "models"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "models"
    if checkout.is_dir():
        return checkout
    raise ModelError("cannot find the models/ directory", "set FRAMING_MODELS or reinstall framing")


def artifact(name: str) -> Path:
    return models_dir() / name


def cache_dir() -> Path:
    """Default cache: $FRAMING_CACHE, else the platform's user cache dir."""
    env = os.environ.get("FRAMING_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "framing"


def checked_sha256(path: Path, key: str, missing: tuple[str, str], mismatch_hint: str) -> str:
    """sha256 of a committed artifact file after checking it against ``key`` in the ``config.json``
    beside it: a missing file (or config) raises ``ModelError(*missing)``, a mismatch names both
    digests with ``mismatch_hint``."""
    import hashlib
    import json

    cfg = path.parent / "config.json"
    if not path.exists() or not cfg.exists():
        raise ModelError(*missing)
    want = json.loads(cfg.read_text())[key]
    got = hashlib.sha256(path.read_bytes()).hexdigest()
    if got != want:
        raise ModelError(f"checksum mismatch for {path}: {got[:12]} != {want[:12]} (config.json)", mismatch_hint)
    return got
