"""The fine-tuned encoder artifact (issue 13): its ONNX build equals the torch model it was trained
as, it is the default encoder and really differs from the base model in the tuned layers, and a
tampered artifact is refused.
Also the training recipe's pure parts (mention pooling, tag labels, splits, batches)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from framing import encoder_ft
from framing.encoder import load_encoder
from framing.errors import ModelError

ART = Path(__file__).resolve().parents[1] / "models" / encoder_ft.ARTIFACT
TEXTS = [
    "The senator's reckless scheme drew fierce criticism from Democrats on Tuesday.",
    "Iran said on Monday it would resume talks with European negotiators in Vienna.",
    "Critics called the mayor a liar, but the city council approved the budget anyway.",
]


@pytest.fixture(scope="module")
def ft_path(tmp_path_factory, monkeypatch_module):  # type: ignore[no-untyped-def]
    monkeypatch_module.setenv("FRAMING_CACHE", str(tmp_path_factory.mktemp("ftcache")))
    from framing import encoder_ft

    return encoder_ft.build()


@pytest.fixture(scope="module")
def monkeypatch_module():  # type: ignore[no-untyped-def]
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.mark.model
@pytest.mark.slow
def test_onnx_build_matches_the_torch_model_it_was_trained_as(ft_path) -> None:  # type: ignore[no-untyped-def]
    import torch
    from safetensors.torch import load_file

    from framing.encoder import OnnxEncoder, _packaged_dir
    from framing.train.finetune import base_model

    ft = OnnxEncoder(ft_path, _packaged_dir() / "tokenizer.json", threads=1)
    got = ft.encode(TEXTS)
    model = base_model()
    tuned = load_file(str(ART / "layers.safetensors"))
    result = model.load_state_dict({k: v.float() for k, v in tuned.items()}, strict=False)
    assert not result.unexpected_keys
    trained = json.loads((ART / "config.json").read_text())["trained_layers"]
    assert {int(k.split(".")[2]) for k in tuned} == set(trained)
    for text, states in zip(TEXTS, got.states, strict=True):
        ids = ft.tokenizer.encode(text).ids
        with torch.inference_mode():
            want = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long))
        assert np.abs(want.last_hidden_state[0].numpy() - states).max() < 1e-4
    # --model minilm-ft-fp32 is this build, and the tuned layers moved the states from the base model's
    assert load_encoder("minilm-ft-fp32").encode(TEXTS).pooled == pytest.approx(got.pooled, abs=1e-5)
    base = load_encoder("minilm-int8").encode(TEXTS)
    cos = (base.pooled * got.pooled).sum(1) / np.linalg.norm(base.pooled, axis=1) / np.linalg.norm(got.pooled, axis=1)
    assert cos.max() < 0.995


@pytest.mark.model
@pytest.mark.slow
def test_build_is_idempotent_and_named_by_its_inputs(ft_path) -> None:  # type: ignore[no-untyped-def]
    from framing import encoder_ft

    mtime = ft_path.stat().st_mtime_ns
    assert encoder_ft.build() == ft_path and ft_path.stat().st_mtime_ns == mtime
    assert ft_path.name.startswith(f"minilm-ft-{encoder_ft.RECIPE}-") and ft_path.suffix == ".onnx"


def test_tampered_layers_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from framing import encoder_ft

    art = tmp_path / encoder_ft.ARTIFACT
    shutil.copytree(ART, art)
    data = bytearray((art / "layers.safetensors").read_bytes())
    data[-1] ^= 0x01
    (art / "layers.safetensors").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum mismatch"):
        encoder_ft.checked_layers(art)
    shutil.rmtree(art)
    with pytest.raises(ModelError, match="missing"):
        encoder_ft.checked_layers(art)


def test_artifact_is_small_and_pickle_free() -> None:
    files = {p.name for p in ART.iterdir()}
    assert {"layers.safetensors", "heads.safetensors", "config.json", "card.md"} <= files
    assert not any(n.endswith((".bin", ".pt", ".pkl", ".pickle", ".ckpt")) for n in files)
    assert (ART / "layers.safetensors").stat().st_size < 40 * 2**20


def test_mention_pooling_and_tag_labels_on_real_word_pieces() -> None:
    from framing.train.finetune import _tokenizer, piece_tags, piece_weights

    text = "Critics called Mayor Bloomberg a liar."
    enc = _tokenizer(64).encode(text)
    off = np.asarray(enc.offsets, np.int32).reshape(-1, 2)
    s = text.index("Bloomberg")
    w = piece_weights(off, s, s + len("Bloomberg"))
    assert w.sum() == pytest.approx(1.0)
    pooled = [(a, b) for (a, b), x in zip(off, w, strict=True) if x > 0]
    assert "".join(text[a:b] for a, b in pooled) == "Bloomberg"  # all its pieces, nothing else
    assert w[0] == 0 and w[-1] == 0  # [CLS] / [SEP] never pooled
    liar = text.index("liar")
    lab = piece_tags(off, [(liar, liar + 4, 2), (0, 7, 1)])
    assert lab[0] == -1 and lab[-1] == -1
    got = {text[a:b]: int(c) for (a, b), c in zip(off, lab, strict=True) if b > a}
    assert got["liar"] == 2 and got["Critics"] == 1 and got["called"] == 0


def test_dev_halves_and_length_batches_are_deterministic() -> None:
    from framing.train.finetune import dev_half, length_batches

    keys = [f"article{i}" for i in range(2000)]
    halves = [dev_half(k) for k in keys]
    assert halves == [dev_half(k) for k in keys]
    assert 0.45 < halves.count("A") / len(keys) < 0.55
    lens = list(np.random.default_rng(0).integers(5, 64, 500))
    a = length_batches(lens, np.random.default_rng(13))
    b = length_batches(lens, np.random.default_rng(13))
    assert [x.tolist() for x in a] == [x.tolist() for x in b]
    assert sorted(np.concatenate(a).tolist()) == list(range(500))
    # bucketed: a batch spans a narrow length range
    assert np.median([np.ptp(np.asarray(lens)[x]) for x in a]) <= 8


@pytest.mark.model
@pytest.mark.slow
def test_exported_heads_read_the_scorers_features_as_they_were_trained(ft_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``--export-heads``: the heads trained with the encoder, run on the ONNX encoder's output through
    the scorers' own feature functions, give what the training forward pass gives on the torch model."""
    import torch
    from safetensors.torch import load_file

    from framing.encoder import OnnxEncoder, _packaged_dir
    from framing.heads import load_head
    from framing.lexicon import load_lexicon
    from framing.scorers.bias import bias_features
    from framing.scorers.sentiment import head_inputs
    from framing.scorers.stance import mention_features
    from framing.train.finetune import Item, _run_layers, base_model, export_heads, forward, make_heads

    models = Path(__file__).resolve().parents[1] / "models"
    for name in ("sentiment.v1", "bias.v1", "stance.v1"):
        shutil.copytree(models / name, tmp_path / name)
    assert export_heads(ART, tmp_path) == ["sentiment.v1", "bias.v1", "stance.v1"]
    ft = OnnxEncoder(ft_path, _packaged_dir() / "tokenizer.json", threads=1)
    got = ft.encode(TEXTS)
    text = TEXTS[0]
    s = text.index("senator")
    stance_in = mention_features(got.states[0], got.offsets[0], s, s + len("senator"))[None]
    sent = load_head(tmp_path / "sentiment.v1")(head_inputs(got.pooled, TEXTS))[:, 0]
    bias = load_head(tmp_path / "bias.v1")(bias_features(TEXTS, got, load_lexicon(models / "lexicon.v1.tsv", user=False)))[:, -1]
    stance = load_head(tmp_path / "stance.v1")(stance_in)[0]

    model = base_model()
    model.load_state_dict({k: v.float() for k, v in load_file(str(ART / "layers.safetensors")).items()}, strict=False)
    heads = make_heads(model.config.hidden_size)
    heads.load_state_dict(load_file(str(ART / "heads.safetensors")))
    cfg = json.loads((ART / "config.json").read_text())
    n_low = min(cfg["trained_layers"])
    for i, t in enumerate(TEXTS):
        ids = torch.tensor([ft.tokenizer.encode(t).ids])
        mask = torch.ones_like(ids)
        with torch.inference_mode():
            lower = _run_layers(model.encoder.layer[:n_low], model.embeddings(input_ids=ids), mask)[0].numpy()
            item = Item(t, "test", "B", mentions=((s, s + len("senator"), 0),) if i == 0 else ())
            out = forward(model.encoder.layer[n_low:], heads, [lower], [item], [got.offsets[i]])
        scale = json.loads((tmp_path / "sentiment.v1" / "config.json").read_text())["meta"]["scale"]
        assert sent[i] == pytest.approx(float(np.clip(out.sentiment[0] * 4.0 / scale, -1, 1)), abs=1e-3)
        thr = cfg["thresholds"]["bias"]
        want = 1 / (1 + np.exp(-(float(out.bias[0]) - np.log(thr / (1 - thr)))))
        assert bias[i] == pytest.approx(want, abs=1e-3)
        if i == 0:
            assert stance == pytest.approx(torch.softmax(out.stance[0], 0).numpy(), abs=1e-3)
