"""Shared fixtures. Real-model fixtures are session-scoped: the encoder loads once per run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_2cd8e75922315d1a.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def encoder():  # type: ignore[no-untyped-def]
    from framing.encoder import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def pipeline():  # type: ignore[no-untyped-def]
    """The default pipeline (all default scorers), loaded once."""
    from framing.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def seed_report(pipeline, seed_path):  # type: ignore[no-untyped-def]
    from framing.load import load

    return pipeline.analyze(load(str(seed_path))).to_json()


@pytest.fixture()
def runner():  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    return CliRunner()
