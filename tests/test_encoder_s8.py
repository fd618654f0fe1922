"""The default encoder's CPU path: the fine-tuned encoder as static int8 (``framing.quantize``,
recipe ``s8v1``). Its activation ranges are fixed by the committed calibration, so a sentence's
vector does not depend on its batch; it stays close to the fp32 graph the heads were trained on;
its identity is its own (caches never mix with fp32's) and follows the calibration; a tampered or
stale calibration is refused; a missing file is built, byte for byte the same."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from encoder_checks import agreement
from framing import encoder_ft, quantize
from framing.encoder import FP32_MODEL, identity, load_encoder
from framing.errors import ModelError

ART = Path(__file__).resolve().parents[1] / "models" / quantize.CALIBRATION

OTHERS = [f"Officials said on Tuesday that the {w} talks would resume next week after a long pause."
          for w in ("trade", "border", "budget", "climate", "security", "energy")] * 6 + [
    "A much longer sentence, written to widen the padded batch well beyond every seed sentence, "
    "in which the committee, after weeks of hearings, testimony and argument, finally voted to "
    "send the bill back to the floor with amendments that neither party had asked for."]


def sentences(text: str, n: int = 24) -> list[str]:
    return [ln for ln in text.splitlines() if len(ln.split()) > 8][:n]


@pytest.fixture(scope="module")
def fp32():  # type: ignore[no-untyped-def]
    return load_encoder(FP32_MODEL)


def copy_art(tmp_path: Path) -> Path:
    art = tmp_path / quantize.CALIBRATION
    shutil.copytree(ART, art)
    return art


def reseal(art: Path) -> None:
    """Write the calibration's sha256 into its config.json (what ``--calibrate`` does)."""
    cfg = json.loads((art / "config.json").read_text())
    cfg["calibration_sha256"] = hashlib.sha256((art / "calibration.json").read_bytes()).hexdigest()
    (art / "config.json").write_text(json.dumps(cfg))


@pytest.mark.model
def test_default_is_static_int8_and_batch_invariant(encoder, seed_text) -> None:  # type: ignore[no-untyped-def]
    """Each seed sentence encoded alone, in its article, and in a wider padded batch after other
    text: identical pooled vectors and token states (fixed activation scales; exact int32 sums)."""
    assert encoder.name == identity() and encoder.name.startswith(f"minilm-ft.{quantize.STATIC_RECIPE}.")
    texts = sentences(seed_text)
    article = encoder.encode(texts)
    mixed = encoder.encode(OTHERS + texts)
    for i, text in enumerate(texts):
        alone = encoder.encode([text])
        assert np.array_equal(alone.pooled[0], article.pooled[i])
        assert np.array_equal(alone.states[0], article.states[i])
        assert np.array_equal(alone.pooled[0], mixed.pooled[len(OTHERS) + i])
        assert np.array_equal(alone.states[0], mixed.states[len(OTHERS) + i])


@pytest.mark.model
def test_default_stays_close_to_the_fp32_graph_the_heads_were_trained_on(encoder, fp32, seed_text) -> None:  # type: ignore[no-untyped-def]
    """Stated tolerance against ``minilm-ft-fp32``: pooled cosine >= 0.98 per sentence and >= 0.995
    on average (0.997 mean measured on 400 seed and PTC sentences), token states >= 0.97 on average,
    sentiment within 0.1 (the dev figures through the CLI moved by <= 0.003, models card). It is
    int8 arithmetic, not a renamed fp32 graph."""
    texts = sentences(seed_text)
    c, states, sa, sb = agreement(encoder, fp32, texts)
    assert c.min() >= 0.98 and c.mean() >= 0.995
    assert c.mean() < 0.99999
    assert states.min() >= 0.97
    assert np.abs(sa - sb).max() < 0.1


def test_identity_is_its_own_and_follows_the_calibration(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The default's identity differs from the fp32 graph's (``minilm-ft.v2.<sha>``, which the
    heads' feature caches name), and any change to the calibration changes it and the file name."""
    default, fp32_id = identity(), identity(FP32_MODEL)
    assert default != fp32_id == f"minilm-ft.{encoder_ft.RECIPE}.{encoder_ft.digest()[:8]}"
    assert default == f"minilm-ft.{quantize.STATIC_RECIPE}.{quantize.static_digest()[:8]}"
    path = quantize.static_target_path()
    assert path.name.startswith(f"{quantize.STATIC_NAME}-{quantize.STATIC_RECIPE}-")
    assert not path.name.startswith(f"{encoder_ft.NAME}-")  # the fp32 build's stale-file sweep spares it
    art = copy_art(tmp_path)
    cal = json.loads((art / "calibration.json").read_text())
    cal["layers"][0]["ffo"]["max"] *= 1.01
    (art / "calibration.json").write_text(json.dumps(cal))
    reseal(art)
    monkeypatch.setattr(quantize, "calibration_dir", lambda: art)
    assert identity() != default and identity().startswith(f"minilm-ft.{quantize.STATIC_RECIPE}.")
    assert quantize.static_target_path() != path
    assert identity(FP32_MODEL) == fp32_id


def test_tampered_or_stale_calibration_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    art = copy_art(tmp_path)
    assert quantize.checked_calibration(art)["encoder"] == encoder_ft.digest()
    body = (art / "calibration.json").read_text()
    (art / "calibration.json").write_text(body.replace('"quantile":0.99', '"quantile":0.98'))
    with pytest.raises(ModelError, match="checksum mismatch"):
        quantize.checked_calibration(art)
    # measured on another encoder (e.g. before the fine-tuned layers were retrained): refused
    cal = json.loads(body)
    cal["encoder"] = "0" * 16
    (art / "calibration.json").write_text(json.dumps(cal))
    reseal(art)
    with pytest.raises(ModelError, match=r"measured on encoder 0{16}") as err:
        quantize.checked_calibration(art)
    assert "recalibrate" in err.value.hint and "minilm-ft-fp32" in err.value.hint
    shutil.rmtree(art)
    with pytest.raises(ModelError, match="missing"):
        quantize.checked_calibration(art)


def test_calibration_is_small_and_data_free() -> None:
    """Committed: per-tensor ranges and per-channel divisors only (no sentences), for every layer."""
    cal = quantize.checked_calibration(ART)
    assert (ART / "calibration.json").stat().st_size < 200_000
    assert set(cal["sentences"]) == {"nyt_editorial_train", "babe_train", "newsmtsc_train"}
    assert len(cal["layers"]) == 6
    for layer in cal["layers"]:
        assert set(layer) == set(quantize.ROLES)
        for role, c in layer.items():
            assert c["min"] <= 0 <= c["max"] and c["max"] - c["min"] > 0.5
            assert ("smooth" in c) == (role in quantize.SMOOTHED)
            assert all(s >= 1.0 for s in c.get("smooth", []))


@pytest.mark.model
@pytest.mark.slow
def test_missing_file_is_built_on_first_use_and_deterministic(encoder, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A fresh cache: the first load builds the file (no data read), byte for byte the same as the
    installed one, and the encoder it loads computes the same vectors."""
    installed = quantize.build_static()
    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path))
    fresh = load_encoder()
    built = quantize.static_target_path()
    assert built.parent == tmp_path / "encoders" and built.exists() and built.name == installed.name
    assert hashlib.sha256(built.read_bytes()).digest() == hashlib.sha256(installed.read_bytes()).digest()
    texts = ["Iran said on Monday it would resume talks with European negotiators in Vienna."]
    assert np.array_equal(fresh.encode(texts).pooled, encoder.encode(texts).pooled)
