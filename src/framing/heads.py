"""Small numpy heads over encoder features, stored as ``models/<name>.v<N>/`` with a
``config.json`` and ``weights.safetensors`` (never pickle). Inference needs numpy only.

config.json::

    {"name": "sentiment", "version": 1, "input_dim": 388,
     "layers": [{"op": "standardize", "mean": "mu", "std": "sd"},
                {"op": "linear", "weight": "w0", "bias": "b0"}, {"op": "relu"},
                {"op": "linear", "weight": "w1", "bias": "b1"}, {"op": "softmax"}],
     "labels": ["negative", "neutral", "positive"], "meta": {...}}

Weights are stored as ``[in, out]`` so that ``x @ W + b`` is the layer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError

_OPS = {"standardize", "linear", "relu", "gelu", "tanh", "sigmoid", "softmax", "l2norm", "clip"}


@dataclass
class Head:
    name: str
    config: dict[str, Any]
    tensors: dict[str, np.ndarray] = field(repr=False)

    @property
    def labels(self) -> list[str]:
        return list(self.config.get("labels", []))

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.config.get("meta", {}))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Apply the head to a [n, input_dim] float32 array."""
        x = np.asarray(x, dtype=np.float32)
        want = self.config.get("input_dim")
        if want is not None and x.shape[-1] != want:
            raise ModelError(f"head {self.name!r} expects {want} input features, got {x.shape[-1]}",
                             "heads were trained for all-MiniLM-L6-v2 (384-d); retrain with `make models`")
        for layer in self.config["layers"]:
            op = layer["op"]
            if op == "standardize":
                x = (x - self.tensors[layer["mean"]]) / self.tensors[layer["std"]]
            elif op == "linear":
                x = x @ self.tensors[layer["weight"]]
                if layer.get("bias"):
                    x = x + self.tensors[layer["bias"]]
            elif op == "relu":
                x = np.maximum(x, 0)
            elif op == "gelu":
                x = 0.5 * x * (1 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))
            elif op == "tanh":
                x = np.tanh(x)
            elif op == "sigmoid":
                x = 1 / (1 + np.exp(-np.clip(x, -60, 60)))
            elif op == "softmax":
                z = x - x.max(-1, keepdims=True)
                e = np.exp(z)
                x = e / e.sum(-1, keepdims=True)
            elif op == "l2norm":
                x = x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)
            elif op == "clip":
                x = np.clip(x, layer.get("min", -1.0), layer.get("max", 1.0))
        return x.astype(np.float32, copy=False)


def save_head(directory: Path, name: str, layers: list[dict[str, Any]],
              tensors: Mapping[str, np.ndarray], *, input_dim: int, labels: list[str] | None = None,
              version: int = 1, meta: Mapping[str, Any] | None = None) -> Path:
    """Write a head directory (config.json + weights.safetensors). Used by ``framing.train``."""
    from safetensors.numpy import save_file

    for layer in layers:
        if layer["op"] not in _OPS:
            raise ValueError(f"unknown op {layer['op']}")
    directory.mkdir(parents=True, exist_ok=True)
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()},
              str(directory / "weights.safetensors"))
    config = {"name": name, "version": version, "input_dim": input_dim, "layers": layers,
              "labels": labels or [], "meta": dict(meta or {})}
    (directory / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    return directory


def load_head(directory: Path) -> Head:
    """Load a head; refuses anything that is not config.json + safetensors."""
    from safetensors.numpy import load_file

    cfg_path, w_path = directory / "config.json", directory / "weights.safetensors"
    if not cfg_path.exists() or not w_path.exists():
        pickles = [p.name for p in directory.glob("*") if p.suffix in {".pkl", ".pickle", ".pt", ".bin", ".joblib"}]
        if pickles:
            raise ModelError(f"refusing pickled weights in {directory}: {', '.join(pickles)}",
                             "heads must be safetensors + config.json")
        raise ModelError(f"model head missing: {directory}", "run `make models` to rebuild it")
    try:
        config = json.loads(cfg_path.read_text())
        tensors = load_file(str(w_path))
    except (OSError, ValueError) as exc:
        raise ModelError(f"corrupt model head {directory}: {exc}") from None
    for layer in config.get("layers", []):
        if layer.get("op") not in _OPS:
            raise ModelError(f"unknown layer op {layer.get('op')!r} in {cfg_path}")
    return Head(config.get("name", directory.name), config, tensors)
