"""The encoder: the fine-tuned fp32 ONNX graph matches the torch path (same weights); the base int8
export matches its fp32 weights; batching does not leak. (The default's int8 path: test_encoder_s8.)"""

from __future__ import annotations

import numpy as np
import pytest

from encoder_checks import agreement, cos
from framing.encoder import MAX_TOKENS, load_encoder

pytestmark = pytest.mark.model

TEXTS = [
    "Then, on Jan. 7, Iran attacked two vast U.S. bases on Iraqi territory.",
    "China is already Iraq’s largest trading partner, while Iraq is now China’s second-largest oil supplier.",
    "Wall Street’s ruthless and expanding efforts to starve every country into compliance need to be met.",
    "Yes.",
]


@pytest.fixture(scope="module")
def torch_encoder():  # type: ignore[no-untyped-def]
    return load_encoder("torch")


@pytest.fixture(scope="module")
def fp32():  # type: ignore[no-untyped-def]
    return load_encoder("minilm-ft-fp32")


@pytest.fixture(scope="module")
def q8():  # type: ignore[no-untyped-def]
    return load_encoder("minilm-q8")  # built once into the cache (make install prebuilds it)


def test_encoder_onnx_matches_torch(fp32, torch_encoder) -> None:  # type: ignore[no-untyped-def]
    """The fp32 ONNX encoder (``minilm-ft-fp32``) and ``--model torch`` (the packaged weights
    with the same layers loaded, fp32): pooled cosine >= 0.995 and token-state cosine >= 0.98
    (both ~1.0 measured); head outputs then differ by < 0.05 on a [-1, 1] scale."""
    assert torch_encoder.name.startswith("minilm-ft-fp32.")
    a, b = fp32.encode(TEXTS), torch_encoder.encode(TEXTS)
    assert a.pooled.shape == b.pooled.shape == (len(TEXTS), 384)
    assert cos(a.pooled, b.pooled).min() >= 0.995
    for sa, sb, oa, ob in zip(a.states, b.states, a.offsets, b.offsets, strict=True):
        assert sa.shape == sb.shape
        assert (oa == ob).all()
        assert cos(sa, sb).mean() >= 0.98
    from framing.scorers import Batch, get

    sent = get("sentiment")
    quotes = [[] for _ in TEXTS]
    sa = [r.score for r in sent.score(Batch(TEXTS, a, quotes))]
    sb = [r.score for r in sent.score(Batch(TEXTS, b, quotes))]
    assert np.abs(np.array(sa) - np.array(sb)).max() < 0.05


def test_base_int8_encoder_matches_its_fp32_weights() -> None:
    """``--model minilm-int8`` (the base model's int8 export, the default before encoder-ft.v2) still
    computes the packaged fp32 weights' function: int8 weights keep pooled cosine >= 0.995 (0.999
    typical) and token-state cosine >= 0.98; and it is not the default (the tuned layers moved it)."""
    from framing.encoder import _packaged_dir

    base, fp32 = load_encoder("minilm-int8"), load_encoder(str(_packaged_dir()))
    assert base.name == "minilm-int8" and fp32.name == "minilm-fp32"
    a, b = base.encode(TEXTS), fp32.encode(TEXTS)
    assert cos(a.pooled, b.pooled).min() >= 0.995
    for sa, sb in zip(a.states, b.states, strict=True):
        assert cos(sa, sb).mean() >= 0.98
    assert cos(a.pooled, load_encoder().encode(TEXTS).pooled).min() < 0.995


def test_encoder_offsets_index_the_sentence(encoder) -> None:  # type: ignore[no-untyped-def]
    enc = encoder.encode(TEXTS[:1])
    text = TEXTS[0]
    pieces = [text[s:e] for s, e in enc.offsets[0] if e > s]
    assert pieces[:4] == ["Then", ",", "on", "Jan"]
    assert enc.states[0].shape[0] == len(enc.offsets[0])


def test_encoder_batch_composition_does_not_change_results(encoder) -> None:  # type: ignore[no-untyped-def]
    alone = encoder.encode(TEXTS[:1]).pooled[0]
    mixed = encoder.encode([TEXTS[3], TEXTS[1], TEXTS[0] * 1, "word " * 200]).pooled[2]
    assert cos(alone, mixed) >= 0.998  # int8 activation scales are per batch: a small, bounded drift


def test_encoder_truncates_long_input(encoder) -> None:  # type: ignore[no-untyped-def]
    enc = encoder.encode(["word " * 600])
    assert enc.truncated == [True]
    assert enc.states[0].shape[0] == MAX_TOKENS


def test_q8_encoder_stays_close_to_the_fp32_graph(fp32, q8, seed_text) -> None:  # type: ignore[no-untyped-def]
    """minilm-q8 (dynamic int8) is opt-in because it drifts: the stated tolerance is pooled
    cosine >= 0.97 (0.99 typical on the seed) and sentiment within 0.15 (0.06 measured)."""
    from framing.quantize import NAME, target_path

    assert q8.name.startswith(NAME) and target_path().exists()
    texts = [ln for ln in seed_text.splitlines() if len(ln.split()) > 8][:24]
    c, states, sa, sb = agreement(fp32, q8, texts)
    assert c.min() >= 0.97
    assert c.mean() < 0.9995  # it is a different computation, not a renamed default
    assert states.min() >= 0.95
    assert np.abs(sa - sb).max() < 0.15
    assert np.corrcoef(sa, sb)[0, 1] > 0.95


def test_q8_batch_dependence_is_bounded(q8, seed_text) -> None:  # type: ignore[no-untyped-def]
    """minilm-q8 quantises activations per batch, so a sentence's vector depends a little on the
    sentences batched with it (the default encoder's does not): stated bound, pooled cosine
    >= 0.97 between an article alone and the same article batched with other text (0.989 measured)."""
    texts = [ln for ln in seed_text.splitlines() if len(ln.split()) > 8][:24]
    others = [f"Officials said on Tuesday that the {w} talks would resume next week after a pause."
              for w in ("trade", "border", "budget", "climate", "security", "energy")] * 8
    alone = q8.encode(texts).pooled
    mixed = q8.encode(others + texts).pooled[len(others):]
    c = cos(alone, mixed)
    assert c.min() >= 0.97


def test_q8_unwritable_cache_is_a_model_error(tmp_path, seed_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Building minilm-q8 where the cache cannot be written: exit 4 and one line, no traceback."""
    from typer.testing import CliRunner

    from framing.cli import app
    from framing.errors import ExitCode

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("FRAMING_CACHE", str(blocker / "cache"))
    res = CliRunner().invoke(app, ["analyze", str(seed_path), "--model", "minilm-q8", "-f", "json"])
    assert res.exit_code == ExitCode.MODEL
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and "FRAMING_CACHE" in err[0] and "Traceback" not in res.output


def test_file_digest_is_remembered_but_never_for_other_bytes(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The encoder identity hashes ~110 MB of packaged files; a large file's sha256 is remembered
    per (path, size, inode, mtime, ctime), and rewriting the file (same size) gives its new digest."""
    import hashlib
    import json

    from framing import encoder
    from framing.encoder import file_digest

    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    big = tmp_path / "weights.bin"
    data = bytearray(np.random.default_rng(0).bytes(3 << 20))
    big.write_bytes(bytes(data))
    want = hashlib.sha256(data).hexdigest()
    memo = tmp_path / "cache" / "encoders" / "file-digests.json"
    assert file_digest(big) == want[:12] and not memo.exists()  # just written: hashed, not remembered
    monkeypatch.setattr(encoder, "_RACY_NS", 0)  # as if written long ago
    assert file_digest(big) == want[:12] and file_digest(big, 64) == want
    assert list(json.loads(memo.read_text()).values()) == [want]
    data[-1] ^= 0x01
    big.write_bytes(bytes(data))  # maybe within the same file-time tick as the first write
    monkeypatch.undo()
    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    assert file_digest(big, 64) == hashlib.sha256(data).hexdigest() != want
    memo.write_text("not json")  # a damaged memo is ignored
    assert file_digest(big, 64) == hashlib.sha256(data).hexdigest()
