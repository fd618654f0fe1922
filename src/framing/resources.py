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
