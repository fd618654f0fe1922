"""Cached encoder features for training: the same encoder the CLI runs (int8 ONNX by default),
so heads see at training time exactly what they see at inference time.

Features are cached under ``.cache/features/`` (git-ignored) keyed by the encoder name and a hash
of the texts, because embedding a few thousand long sentences takes minutes on two cores.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..encoder import Encoded, identity, load_encoder


def data_dir() -> Path:
    env = os.environ.get("FRAMING_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[3]
    return here.parent / "shared" / "data"


def cache_root() -> Path:
    return Path(os.environ.get("FRAMING_FEATURE_CACHE", Path(__file__).resolve().parents[3] / ".cache" / "features"))


_ENCODER = None
#: what the heads are trained on: the default encoder's fp32 graph (on the CPU the default runs it
#: as static int8, within 0.003 of it through the CLI; ``models/minilm-q8-static.v1``)
TRAINING_MODEL = "minilm-ft-fp32"


def encoder():  # type: ignore[no-untyped-def]
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = load_encoder(TRAINING_MODEL)
    return _ENCODER


def encoder_name() -> str:
    """The identity of the encoder the heads are trained on (``encoder.identity``): every trainer
    writes it into its head's metrics.json and card, so a card says which features its head reads.
    Decided without loading the encoder (``Encoder.name`` is this identity)."""
    return identity(TRAINING_MODEL)


def encode_cached(texts: Sequence[str], tag: str, with_states: bool = True) -> Encoded:
    """Encode ``texts`` once and cache pooled vectors (and token states as float16) on disk."""
    h = hashlib.sha256(("\x1e".join(texts) + encoder_name()).encode()).hexdigest()[:16]
    path = cache_root() / f"{tag}-{h}{'' if with_states else '-pooled'}.npz"
    if path.exists():
        z = np.load(path)
        pooled = z["pooled"]
        offsets_flat, lens = z["offsets"], z["lens"]
        bounds = np.concatenate([[0], np.cumsum(lens)])
        offsets = [offsets_flat[bounds[i]:bounds[i + 1]] for i in range(len(lens))]
        states: list[np.ndarray] = []
        if with_states:
            flat = z["states"]  # read once: every z[...] access re-reads the array from the archive
            states = [flat[bounds[i]:bounds[i + 1]].astype(np.float32) for i in range(len(lens))]
        return Encoded(pooled, states, offsets, list(z["truncated"]))
    out = encoder().encode(list(texts))  # loaded only on a cache miss
    path.parent.mkdir(parents=True, exist_ok=True)
    lens = np.array([len(o) for o in out.offsets], np.int64)
    payload = {"pooled": out.pooled, "offsets": np.concatenate(out.offsets) if out.offsets else np.zeros((0, 2)),
               "lens": lens, "truncated": np.array(out.truncated)}
    if with_states:
        payload["states"] = np.concatenate(out.states).astype(np.float16)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **payload)
    tmp.replace(path)
    return out
