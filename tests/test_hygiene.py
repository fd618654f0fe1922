"""Start-up hygiene: the CLI module imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys


def test_import_cli_is_light() -> None:
    code = ("import sys, framing.cli; heavy = [m for m in ('torch', 'transformers', 'onnxruntime', "
            "'trafilatura') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "framing", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "analyze" in out.stdout
