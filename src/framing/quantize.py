"""int8 builds of the fine-tuned encoder: the default's CPU path (static) and ``minilm-q8`` (dynamic).

**Static, the default on the CPU** (``build_static``, recipe ``s8v1``; ``python -m framing.quantize
--static``): the fp32 graph below with fixed activation ranges from the committed calibration
``models/minilm-q8-static.v1`` (measured on 300 training sentences by ``python -m framing.quantize
--calibrate``; outlier input channels scaled into the weights), int8 weights and uint8 activations
in every weight MatMul. A sentence's vector does not depend on its batch; the dev figures through
the CLI stay within 0.003 of fp32 under the shipped heads (its card). Identity
``minilm-ft.s8v1.<sha>`` (``encoder.identity``), cache file ``minilm-s8-s8v1-<sha>-ort<v>.onnx``.

**Dynamic, opt-in** (``--model minilm-q8``, described below):

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
    target = target or target_path()
    if target.exists():  # its name carries the inputs' digests: the checks run when it is built
        return target
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:  # pragma: no cover - base dependencies
        raise ModelError(f"cannot build {NAME}: {exc}", "run the README's install command") from None
    log.info("building the %s encoder once (%s)", NAME, target)

    def make(tmp: Path) -> Path:
        fused = _fp32_fused(tmp)
        out = tmp / "q8.onnx"
        with _quiet_root_logger():  # onnxruntime logs a "run pre-processing" hint via logging.warning
            quantize_dynamic(str(fused), str(out), weight_type=QuantType.QInt8, per_channel=True,
                             reduce_range=True,  # 7-bit weights: AVX2's u8*s8 multiply-add cannot saturate
                             op_types_to_quantize=["MatMul"], extra_options={"MatMulConstBOnly": True})
        return out

    return write_encoder(NAME, target, make)


# --------------------------------------------------------------------------------------------------
# The static recipe: the default encoder's int8 path (``minilm-ft`` on the CPU)

#: the cache file's prefix (not ``minilm-ft-``: that encoder's stale-file sweep would remove it)
STATIC_NAME = "minilm-s8"
#: bump when the static build or calibration changes; the default encoder's identity carries it.
#: s8v1: SmoothQuant-style scaling of the top 1% input channels, per-tensor uint8 activation ranges
#: from calibration, per-channel 7-bit weights, fp32 MatMul outputs.
STATIC_RECIPE = "s8v1"
#: the committed calibration (``models/minilm-q8-static.v1``): activation ranges, no data
CALIBRATION = "minilm-q8-static.v1"
ROLES = ("qkv", "ao", "ffi", "ffo")  # a layer's weight MatMuls by their input: Q/K/V share one
SMOOTHED = ("qkv", "ffi", "ffo")  # inputs with outlier channels (LayerNorm and GELU outputs)
QUANTILE = 0.99  # channels whose calibration maximum exceeds this quantile of all maxima are scaled
CALIBRATION_SEED = 13
CALIBRATION_PER_SET = 100


def calibration_dir() -> Path:
    from .resources import artifact

    return artifact(CALIBRATION)


def _calibration_sha(art: Path) -> str:
    """sha256 of ``calibration.json``, after checking it against the artifact's config.json."""
    from .resources import checked_sha256

    return checked_sha256(art / "calibration.json", "calibration_sha256",
                          (f"the int8 calibration of the default encoder is missing in {art}",
                           "reinstall framing, or calibrate with: python -m framing.quantize --calibrate"),
                          "reinstall framing or recalibrate: python -m framing.quantize --calibrate")


def checked_calibration(art: Path | None = None) -> dict:
    """The calibration, checked: its sha256 against config.json, and the encoder it was measured on
    against the default encoder's inputs (``encoder_ft.digest``): ranges of another encoder's
    activations would clip this one's."""
    import json

    from . import encoder_ft

    art = art or calibration_dir()
    _calibration_sha(art)
    cal = json.loads((art / "calibration.json").read_text())
    if cal.get("recipe") != STATIC_RECIPE or cal.get("encoder") != encoder_ft.digest():
        raise ModelError(f"the int8 calibration in {art} was measured on encoder {cal.get('encoder')} "
                         f"(recipe {cal.get('recipe')}), not on {encoder_ft.digest()} ({STATIC_RECIPE})",
                         "recalibrate: python -m framing.quantize --calibrate (or use --model minilm-ft-fp32)")
    return cal


def static_digest(art: Path | None = None) -> str:
    """The default int8 encoder's inputs: the fp32 encoder's digest and the calibration's sha256."""
    import hashlib

    from . import encoder_ft

    return hashlib.sha256((encoder_ft.digest() + _calibration_sha(art or calibration_dir())).encode()).hexdigest()[:16]


def static_target_path(art: Path | None = None) -> Path:
    import onnxruntime

    from .resources import cache_dir

    return (cache_dir() / "encoders"
            / f"{STATIC_NAME}-{STATIC_RECIPE}-{static_digest(art)}-ort{onnxruntime.__version__}.onnx")


def weight_matmuls(model) -> list[dict[str, list]]:  # type: ignore[no-untyped-def]
    """The fused graph's weight MatMuls (constant B), per layer and role (``ROLES``), checked
    against the BERT layer's structure so a changed graph fails here, not in the numbers."""
    inits = {t.name for t in model.graph.initializer}
    producer = {o: n for n in model.graph.node for o in n.output}
    mms = [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in inits]
    if len(mms) % 6:
        raise ModelError(f"unexpected encoder graph: {len(mms)} weight MatMuls, not 6 per layer")
    layers = []
    for k in range(0, len(mms), 6):
        qkv, ao, ffi, ffo = mms[k:k + 3], mms[k + 3], mms[k + 4], mms[k + 5]
        gelu = producer.get(ffo.input[0])
        if len({n.input[0] for n in qkv}) != 1 or gelu is None or gelu.op_type not in ("BiasGelu", "Gelu", "FastGelu"):
            raise ModelError(f"unexpected encoder graph: layer {k // 6} is not Q/K/V, output, FFN in, FFN out")
        layers.append({"qkv": qkv, "ao": [ao], "ffi": [ffi], "ffo": [ffo]})
    return layers


def _fp32_fused(tmp: Path) -> Path:
    """The default encoder's fp32 graph with the BERT fusions, written to ``tmp``."""
    import onnx

    from . import encoder_ft

    fp32 = tmp / "fp32.onnx"
    onnx.save(encoder_ft.assemble(encoder_ft.checked_layers()), str(fp32))
    fused = tmp / "fused.onnx"
    _fuse(fp32, fused)
    return fused


def calibration_sentences(per: int = CALIBRATION_PER_SET, seed: int = CALIBRATION_SEED) -> dict[str, list[str]]:
    """``per`` sentences from each training split (never a dev set): NYT editorial train groups,
    BABE train rows, NewsMTSC train; sorted pools, ``random.Random(seed)``."""
    import json
    import random

    from .train.features import data_dir
    from .train.lexicon import babe_rows
    from .train.sentiment import is_dev, load_rows

    texts, _, groups = load_rows()
    with open(data_dir() / "stance" / "newsmtsc_train.jsonl", encoding="utf-8") as fh:
        mtsc = {json.loads(line)["sentence_normalized"] for line in fh if line.strip()}
    pools = {"nyt_editorial_train": sorted({t for t, g in zip(texts, groups, strict=True) if not is_dev(g)}),
             "babe_train": sorted({r.text for r in babe_rows() if not r.dev}),
             "newsmtsc_train": sorted(mtsc)}
    rng = random.Random(seed)
    return {name: rng.sample(pool, per) for name, pool in pools.items()}


def calibrate(art: Path | None = None, per: int = CALIBRATION_PER_SET) -> Path:
    """Measure the default encoder's activations on training sentences and write the calibration
    (``calibration.json`` + its sha256 in ``config.json``) to the artifact directory.

    Per input of every weight MatMul: the per-channel minimum and maximum over real tokens (padding
    excluded), in the encoder's own length-sorted batches of 32. Inputs with outlier channels
    (``SMOOTHED``) get a per-channel divisor ``max(1, max|x_j| / T)``, T the ``QUANTILE`` of the
    channel maxima, folded into the weights' rows at build; the per-tensor range is taken after it."""
    import hashlib
    import json
    import tempfile

    import numpy as np
    import onnx
    import onnxruntime as ort

    from . import encoder_ft
    from .encoder import _batches, _packaged_dir, _padded, _tokenizer

    art = art or calibration_dir()
    sets = calibration_sentences(per)
    texts = [t for ts in sets.values() for t in ts]
    with tempfile.TemporaryDirectory(prefix="framing-calib-") as tmp:
        model = onnx.load(str(_fp32_fused(Path(tmp))))
        layers = weight_matmuls(model)
        names = [[layer[r][0].input[0] for r in ROLES] for layer in layers]
        have = {o.name for o in model.graph.output}
        for t in (t for row in names for t in row):
            if t not in have:
                model.graph.output.append(onnx.helper.make_empty_tensor_value_info(t))
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    flat = [t for row in names for t in row]
    lo = {t: np.full(1, np.inf, np.float32) for t in flat}
    hi = {t: np.full(1, -np.inf, np.float32) for t in flat}
    encs = _tokenizer(str(_packaged_dir() / "tokenizer.json")).encode_batch(texts)
    lens = [len(e.ids) for e in encs]
    for idx in _batches(lens, 32):
        ids, mask = _padded(encs, idx, lens)
        outs = session.run(flat, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
        real = mask.astype(bool)
        for t, v in zip(flat, outs, strict=True):
            v = v[real]
            lo[t] = np.minimum(lo[t], v.min(0))
            hi[t] = np.maximum(hi[t], v.max(0))

    def g(x: float) -> float:
        return float(f"{x:.7g}")

    out_layers = []
    for row in names:
        entry = {}
        for role, t in zip(ROLES, row, strict=True):
            amax = np.maximum(np.abs(lo[t]), np.abs(hi[t]))
            s = np.maximum(1.0, amax / np.quantile(amax, QUANTILE)) if role in SMOOTHED else np.ones_like(amax)
            s = np.array([g(x) for x in s], np.float32)
            entry[role] = {"min": g(min(0.0, float((lo[t] / s).min()))), "max": g(max(0.0, float((hi[t] / s).max())))}
            if role in SMOOTHED:
                entry[role]["smooth"] = [g(float(x)) for x in s]
        out_layers.append(entry)
    cal = {"recipe": STATIC_RECIPE, "encoder": encoder_ft.digest(), "seed": CALIBRATION_SEED,
           "sentences": {k: len(v) for k, v in sets.items()}, "tokens": int(sum(lens)),
           "quantile": QUANTILE, "layers": out_layers}
    art.mkdir(parents=True, exist_ok=True)
    body = json.dumps(cal, separators=(",", ":")) + "\n"
    (art / "calibration.json").write_text(body)
    (art / "config.json").write_text(json.dumps(
        {"calibration_sha256": hashlib.sha256(body.encode()).hexdigest(), "recipe": STATIC_RECIPE,
         "encoder": cal["encoder"], "seed": CALIBRATION_SEED, "sentences": cal["sentences"],
         "tokens": cal["tokens"]}, indent=2) + "\n")
    return art / "calibration.json"


def smooth(model, cal: dict) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    """Apply the calibration to the fused fp32 graph in place: for a smoothed input x, one
    ``Mul(x, 1/s)`` feeds its MatMuls and their weight rows are multiplied by s (the same
    function in exact arithmetic). Returns each MatMul input's activation range."""
    import numpy as np
    from onnx import helper, numpy_helper

    layers = weight_matmuls(model)
    if len(layers) != len(cal["layers"]):
        raise ModelError(f"the calibration has {len(cal['layers'])} layers, the encoder graph {len(layers)}")
    inits = {t.name: t for t in model.graph.initializer}
    ranges: dict[str, tuple[float, float]] = {}
    muls: dict[str, object] = {}  # MatMul name -> the Mul node to insert before it
    for layer, entry in zip(layers, cal["layers"], strict=True):
        for role in ROLES:
            nodes, c = layer[role], entry[role]
            x = nodes[0].input[0]
            if "smooth" in c:
                s = np.asarray(c["smooth"], np.float32)
                inv, xs = f"{x}_smooth_inv", f"{x}_smoothed"
                model.graph.initializer.append(numpy_helper.from_array((1.0 / s).astype(np.float32), inv))
                muls[nodes[0].name] = helper.make_node("Mul", [x, inv], [xs], name=f"{x}_smooth")
                for n in nodes:
                    w = numpy_helper.to_array(inits[n.input[1]])
                    if w.shape[0] != s.shape[0]:
                        raise ModelError(f"calibration of {role} has {s.shape[0]} channels, the weight {w.shape[0]}")
                    inits[n.input[1]].CopyFrom(numpy_helper.from_array((w * s[:, None]).astype(np.float32), n.input[1]))
                    n.input[0] = xs
                x = xs
            ranges[x] = (float(c["min"]), float(c["max"]))
    nodes = []
    for n in model.graph.node:
        if n.name in muls:
            nodes.append(muls[n.name])
        nodes.append(n)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return ranges


def build_static(target: Path | None = None, art: Path | None = None) -> Path:
    """Build the default encoder's int8 path (idempotent): returns its path. Deterministic: the
    fp32 graph (``encoder_ft.assemble``), the BERT fusions, the committed calibration's smoothing,
    then onnxruntime's static QDQ quantisation of the 36 weight MatMuls with the calibration's
    activation ranges (uint8, per tensor) and per-output-channel 7-bit int8 weights (7 bits: AVX2's
    u8*s8 multiply-add cannot saturate); MatMul outputs stay fp32. No data is read."""
    target = target or static_target_path(art)
    if target.exists():  # its name carries the inputs' digests: the checks run when it is built
        return target
    cal = checked_calibration(art)
    try:
        import numpy as np
        import onnx
        from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
        from onnxruntime.quantization.calibrate import TensorData, TensorsData, save_tensors_data
    except ImportError as exc:  # pragma: no cover - base dependencies
        raise ModelError(f"cannot build the int8 encoder: {exc}", "run the README's install command") from None
    log.info("building the default encoder's int8 file once (%s)", target)

    def make(tmp: Path) -> Path:
        model = onnx.load(str(_fp32_fused(tmp)))
        nodes = [n.name for layer in weight_matmuls(model) for role in ROLES for n in layer[role]]
        ranges = smooth(model, cal)
        smoothed = tmp / "smoothed.onnx"
        onnx.save(model, str(smoothed))
        cache = tmp / "ranges.json"
        save_tensors_data(TensorsData(CalibrationMethod.MinMax, {
            t: TensorData(lowest=np.float32(lo), highest=np.float32(hi)) for t, (lo, hi) in ranges.items()}), cache)
        out = tmp / "s8.onnx"
        with _quiet_root_logger():  # onnxruntime logs a "run pre-processing" hint via logging.warning
            quantize_static(str(smoothed), str(out), None, quant_format=QuantFormat.QDQ,
                            op_types_to_quantize=["MatMul"], nodes_to_quantize=nodes, per_channel=True,
                            reduce_range=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                            calibrate_method=CalibrationMethod.MinMax, calibration_cache_path=str(cache),
                            extra_options={"OpTypesToExcludeOutputQuantization": ["MatMul"]})
        return out

    return write_encoder(STATIC_NAME, target, make)


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


def main(argv: list[str] | None = None) -> int:
    """``python -m framing.quantize``: build minilm-q8; ``--static``: the default encoder's int8
    file; ``--calibrate``: measure the calibration again (reads ../shared/data; never at install)."""
    argv = sys.argv[1:] if argv is None else argv
    if "--calibrate" in argv:
        return run_main(calibrate)
    return run_main(build_static if "--static" in argv else build)


if __name__ == "__main__":
    raise SystemExit(main())
