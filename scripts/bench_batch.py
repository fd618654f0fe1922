"""Benchmark `framing batch`: a cold run, then a re-run from the cache (issue 6 targets).

    .venv/bin/python scripts/bench_batch.py            # 60 articles + 4 corrupt files
    .venv/bin/python scripts/bench_batch.py --n 300    # the issue's 300-article batch

Articles are windows of the seed article's paragraphs with a numbered lead line, so every one is
different text (no accidental cache hits). Four corrupt inputs (binary, invalid UTF-8, empty,
missing) are mixed in. Both runs go through the real CLI in a subprocess (model load and
process start included), with a fresh cache directory. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_2cd8e75922315d1a.txt"


def make_corpus(root: Path, n: int, window: int) -> list[str]:
    paras = [p for p in SEED.read_text(encoding="utf-8").splitlines()[1:] if p.strip()]
    paths = []
    for i in range(n):
        start = (i * 7) % len(paras)
        body = [paras[(start + k) % len(paras)] for k in range(window)]
        p = root / f"article_{i:04d}.txt"
        p.write_text(f"Report {i}: a summary of the week's events.\n\n" + "\n\n".join(body) + "\n",
                     encoding="utf-8")
        paths.append(str(p))
    bad = {"corrupt_binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
           "corrupt_latin1.txt": "Caf\xe9 owners protested.".encode("latin-1"),
           "corrupt_empty.txt": b""}
    for name, data in bad.items():
        (root / name).write_bytes(data)
    spots = [n // 4, n // 2, 3 * n // 4]
    for spot, name in zip(spots, bad, strict=True):
        paths.insert(spot, str(root / name))
    paths.append(str(root / "corrupt_missing.txt"))
    return paths


def run(paths: list[str], cache: Path, threads: int | None) -> tuple[float, int, list[dict]]:
    cmd = [sys.executable, "-m", "framing", "batch", *paths, "--cache-dir", str(cache), "-q"]
    if threads:
        cmd += ["--threads", str(threads)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    dt = time.perf_counter() - t0
    return dt, proc.returncode, [json.loads(x) for x in proc.stdout.splitlines()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=60, help="good articles (default 60)")
    ap.add_argument("--window", type=int, default=6, help="seed paragraphs per article")
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="framing-bench-") as tmp:
        root = Path(tmp)
        paths = make_corpus(root, args.n, args.window)
        cold, rc1, out1 = run(paths, root / "cache", args.threads)
        warm, rc2, out2 = run(paths, root / "cache", args.threads)
    good = [r for r in out1 if "error" not in r]
    bad = [r["id"] for r in out1 if "error" in r]
    result = {
        "articles": args.n, "inputs": len(paths), "sentences": sum(r["summary"]["sentences"] for r in good),
        "cold_s": round(cold, 2), "cached_s": round(warm, 2), "speedup": round(cold / warm, 1),
        "exit_codes": [rc1, rc2], "reported_ok": len(good), "named_bad": [Path(b).name for b in bad],
        "same_output": out1 == out2,
    }
    print(json.dumps(result, indent=2))
    ok = (len(good) == args.n and len(bad) == 4 and rc1 == rc2 == 5 and out1 == out2
          and cold / warm >= 10)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
