"""``minilm-q8``: an opt-in encoder with int8 arithmetic, derived from the default encoder.

The default encoder (``minilm-ft``, ``framing.encoder_ft``) computes in fp32, and every shipped
head was trained on its features. ``minilm-q8`` quantises the same function for int8
*arithmetic*: the default's fp32 graph (the packaged base weights with the fine-tuned layers of
``models/encoder-ft.v2`` laid over them, sha256-checked), onnxruntime's BERT fusions, then dynamic
quantisation (per-output-channel 7-bit weights, per-batch uint8 activations). That runs the encoder
about 1.4x faster on AVX2 CPUs and costs accuracy: measure it with the shipped heads with
``make eval-q8``. (Recipe v2 quantised the base all-MiniLM-L6-v2; on it, before the switch, NewsMTSC
macro-F1 fell 0.021 (rw) / 0.014 (mt) and sentiment r 0.006.) Because activations are quantised per
batch, a sentence's vector also depends a little on its batch-mates (pooled cosine >= 0.98
measured). Use it when throughput matters more than the last points; gate CI on the default.

The model needs no data (dynamic quantisation has no calibration step) and is deterministic; it
is written once to ``$FRAMING_CACHE/encoders/`` (``make install`` builds it; otherwise the first
use does, ~10-20 s), named by the digest of the default encoder's inputs (``encoder_ft.digest``).
``python -m framing.quantize`` builds it and prints its path.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ExitCode, ModelError

log = logging.getLogger("framing")

NAME = "minilm-q8"
#: bump when the build below changes: the cache file and the encoder name (feature and report
#: caches) carry it. v2: BERT fusions before quantising. v3: built from the default fine-tuned
#: encoder's fp32 graph (encoder-ft.v2), not the base model's.
RECIPE = "v3"


def target_path() -> Path:
    """Cache location, keyed by the default encoder's inputs (``encoder_ft.digest``: fine-tuned
    layers, base weights, graph), onnxruntime's version and the recipe."""
    import onnxruntime

    from . import encoder_ft
    from .resources import cache_dir

    return cache_dir() / "encoders" / f"{NAME}-{RECIPE}-{encoder_ft.digest()}-ort{onnxruntime.__version__}.onnx"


def dequantized(source: Path):  # type: ignore[no-untyped-def]
    """The source graph with its ``Cast(int8) * scale`` weight nodes folded into fp32 initializers."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    cast_of: dict[str, str] = {}
    folded: dict[str, np.ndarray] = {}
    nodes = []
    for node in graph.node:
        if node.op_type == "Cast" and node.input[0] in inits and inits[node.input[0]].data_type == onnx.TensorProto.INT8:
            cast_of[node.output[0]] = node.input[0]
            continue
        if node.op_type == "Mul" and node.input[0] in cast_of and node.input[1] in inits:
            q = numpy_helper.to_array(inits[cast_of[node.input[0]]]).astype(np.float32)
            folded[node.output[0]] = (q * numpy_helper.to_array(inits[node.input[1]])).astype(np.float32)
            continue
        nodes.append(node)
    if not folded:
        raise ModelError(f"unexpected encoder graph in {source}: no int8 weights to fold")
    used = {i for n in nodes for i in n.input}
    kept = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    graph.initializer.extend(numpy_helper.from_array(v, k) for k, v in folded.items())
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def _fuse(src: Path, dst: Path) -> None:
    """onnxruntime's BERT fusions (SkipLayerNormalization, BiasGelu): fewer passes over the
    activations around the int8 MatMuls, ~7% faster here. Portable (no hardware-specific layout)."""
    from onnxruntime.transformers import optimizer

    with _quiet_root_logger():
        model = optimizer.optimize_model(str(src), model_type="bert", num_heads=12, hidden_size=384,
                                         opt_level=0, use_gpu=False)
    model.save_model_to_file(str(dst))


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handler, level = logging.NullHandler(), root.level
    root.addHandler(handler)  # with a handler present, logging.warning() does not call basicConfig()
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def build(target: Path | None = None) -> Path:
    """Build the q8 encoder from the default encoder's fp32 graph (idempotent): returns its path."""
    from . import encoder_ft

    layers = encoder_ft.checked_layers()
    target = target or target_path()
    if target.exists():
        return target
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:  # pragma: no cover - base dependencies
        raise ModelError(f"cannot build {NAME}: {exc}", "run the README's install command") from None
    log.info("building the %s encoder once (%s)", NAME, target)

    def make(tmp: Path) -> Path:
        fp32 = tmp / "fp32.onnx"
        onnx.save(encoder_ft.assemble(layers), str(fp32))
        fused = tmp / "fused.onnx"
        _fuse(fp32, fused)
        out = tmp / "q8.onnx"
        with _quiet_root_logger():  # onnxruntime logs a "run pre-processing" hint via logging.warning
            quantize_dynamic(str(fused), str(out), weight_type=QuantType.QInt8, per_channel=True,
                             reduce_range=True,  # 7-bit weights: AVX2's u8*s8 multiply-add cannot saturate
                             op_types_to_quantize=["MatMul"], extra_options={"MatMulConstBOnly": True})
        return out

    return write_encoder(NAME, target, make)


def write_encoder(name: str, target: Path, make: Callable[[Path], Path]) -> Path:
    """Build an encoder file into the user cache: ``make(tmpdir)`` writes it in a temporary folder
    beside ``target``, which it then replaces atomically (a concurrent reader sees no file or the
    whole file); earlier builds ``name-*.onnx`` (other recipes, package versions) are removed.
    An unwritable cache is a model error naming FRAMING_CACHE. Shared with ``framing.encoder_ft``."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{name}-") as tmp:
            os.replace(make(Path(tmp)), target)
        for stale in target.parent.glob(f"{name}-*.onnx"):
            if stale != target:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot write the {name} encoder to {target.parent}: {exc.strerror or exc}",
                         "set FRAMING_CACHE to a writable directory") from None
    return target


def run_main(action: Callable[[], object]) -> int:
    """``python -m`` entry of an encoder builder: print what ``action`` returns, or one error line
    and the model exit code (shared with ``framing.encoder_ft``)."""
    try:
        sys.stdout.write(f"{action()}\n")
    except ModelError as exc:
        sys.stderr.write(f"framing: error: {exc}{f' ({exc.hint})' if exc.hint else ''}\n")
        return int(ExitCode.MODEL)
    return 0


def main() -> int:
    return run_main(build)


if __name__ == "__main__":
    raise SystemExit(main())
