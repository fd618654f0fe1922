"""``make bench``: start-up, memory and throughput of this machine, each against the encoder floor.

The floor is arithmetic: MiniLM-L6 costs about 21 MFLOP per word piece (6 layers x 384 hidden,
attention over short sentences included); this machine's measured fp32 GEMM rate divided by that
cost and by the batch's mean word pieces per sentence gives sentences per second. Each figure is printed with its
ratio to that floor so runs on different machines compare.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_2cd8e75922315d1a.txt"
FLOP_PER_TOKEN = 21e6  # MiniLM-L6-H384: 2 x ~10.6M weight MACs per token (embeddings excluded)


#: The encoder's own GEMM shapes: a 32-sentence batch of ~30 word pieces against MiniLM's
#: 384 -> 1536 -> 384 feed-forward and 384 x 384 attention projections.
GEMM_SHAPES = ((960, 384, 1536), (960, 1536, 384), (960, 384, 384))


def gemm_gflops(reps: int = 30, rounds: int = 5) -> float:
    """This machine's fp32 GEMM rate on the encoder's shapes (numpy's BLAS, all cores): the best of
    ``rounds`` (a shared VM's speed drifts; the floor should be what the cores can do)."""
    import numpy as np

    rng = np.random.default_rng(0)
    mats = [(rng.standard_normal((m, k), dtype=np.float32), rng.standard_normal((k, n), dtype=np.float32))
            for m, k, n in GEMM_SHAPES]
    best = 0.0
    for _ in range(rounds):
        flops = seconds = 0.0
        for a, b in mats:
            a @ b  # warm up BLAS threads
            t = time.perf_counter()
            for _ in range(reps):
                a @ b
            seconds += time.perf_counter() - t
            flops += 2.0 * a.shape[0] * a.shape[1] * b.shape[1] * reps
        best = max(best, flops / seconds / 1e9)
    return best


def run_cli(args: list[str], reps: int) -> tuple[list[float], int]:
    """Wall times of whole `framing ...` processes, and the largest child peak RSS (KiB)."""
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "framing", *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return times, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def peak_run(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system: steadier than wall time on a shared machine)
    and peak RSS (MB) of one ``framing ...`` process (``os.wait4``: that child's own figures,
    not the largest of all children so far)."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "framing", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"framing {' '.join(args)} exited {proc.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def seed_times(k: int) -> str:
    """The seed's title and then its body ``k`` times (same sections, paragraphs, sentences)."""
    text = SEED.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return title + "\n" + "\n".join([body.rstrip("\n")] * k) + "\n" * text.endswith("\n")


def headed_sections(n: int) -> str:
    """A title and ``n`` short headed sections, each one of the seed's paragraphs."""
    paras = [ln for ln in SEED.read_text(encoding="utf-8").splitlines() if len(ln.split()) > 8]
    parts = ["A long article in many short sections"]
    for i in range(n):
        parts += [f"Section number {i} of the report", paras[i % len(paras)]]
    return "\n\n".join(parts) + "\n"


#: The length sweep of issue 17: the seed 1x, 8x and 64x; 250 and 2,000 short headed sections.
SWEEP = (("seed_x1", lambda: seed_times(1)), ("seed_x8", lambda: seed_times(8)),
         ("seed_x64", lambda: seed_times(64)), ("sections_250", lambda: headed_sections(250)),
         ("sections_2000", lambda: headed_sections(2000)))


def length_sweep(sizes: tuple[str, ...] | None = None) -> dict[str, dict[str, float]]:
    """``framing analyze FILE -f json`` per size: seconds, CPU seconds, peak RSS, sentences, and
    seconds per 1,000 sentences (flat when time grows linearly with length); and the ratios of
    8x the text to 1x (process start and model load included, so the 1x to 8x ratio is less
    than 8)."""
    import tempfile

    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="framing-sweep-") as tmp:
        for name, make in SWEEP:
            if sizes and name not in sizes:
                continue
            path = Path(tmp) / f"{name}.txt"
            path.write_text(make(), encoding="utf-8")
            report = Path(tmp) / f"{name}.json"
            seconds, cpu, rss = peak_run(["analyze", str(path), "-f", "json", "-o", str(report)])
            sentences = json.loads(report.read_text(encoding="utf-8"))["article"]["sentences"]
            out[name] = {"mb": round(path.stat().st_size / 1e6, 3), "sentences": sentences,
                         "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                         "peak_rss_mb": round(rss, 1),
                         "s_per_1000_sentences": round(1000 * seconds / sentences, 2)}
    for small, big in (("seed_x1", "seed_x8"), ("seed_x8", "seed_x64"), ("sections_250", "sections_2000")):
        if small in out and big in out:
            out[f"{big}_vs_{small}"] = {  # 8x the text: about 8 when time is linear
                k: round(out[big][k] / out[small][k], 2) for k in ("seconds", "cpu_seconds")}
    return out


def synthetic_articles(n: int, seed: int = 7) -> list[str]:
    """n articles made by re-sampling the seed's paragraphs (realistic sentence lengths)."""
    paras = [ln for ln in SEED.read_text(encoding="utf-8").splitlines() if len(ln.split()) > 8]
    rng = random.Random(seed)
    return ["\n".join(rng.sample(paras, 12)) for _ in range(n)]


def time_batch(docs: list, texts: list[str], model: str | None, device: str = "cpu",
               stages: dict[str, float] | None = None) -> tuple[float, float]:
    """Seconds for the whole batch (every scorer on) and for the raw encoder on its sentences;
    ``stages`` receives the pipeline's own seconds per stage."""
    from .pipeline import Pipeline
    from .scorers import available

    pipe = Pipeline(available(), model=model, device=device)
    pipe.scorers, pipe.encoder  # load outside the timed region  # noqa: B018
    pipe.encoder.encode(texts[:64])  # warm up (thread pools, CUDA kernels)
    pipe.timings.clear()
    t = time.perf_counter()
    analyses = list(pipe.analyze_many((d, None) for d in docs))
    batch_s = time.perf_counter() - t
    if stages is not None:
        stages.update(pipe.timings)
        stages["other"] = batch_s - sum(pipe.timings.values())
    assert sum(len(a.article.sentences) for a in analyses) == len(texts)
    t = time.perf_counter()
    pipe.encoder.encode(texts)
    return batch_s, time.perf_counter() - t


def cuda_name() -> str | None:
    """The CUDA device's name when torch sees one (the bench never needs a GPU)."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        return None
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def main() -> None:
    from .encoder import _packaged_dir, _tokenizer
    from .load import load_text
    from .scorers import available
    from .segment import segment

    out: dict[str, object] = {"machine": {"cpus": os.cpu_count()}}
    gflops = gemm_gflops()
    articles = synthetic_articles(int(os.environ.get("FRAMING_BENCH_ARTICLES", "200")))
    docs = [load_text(a, f"bench-{i}") for i, a in enumerate(articles)]
    texts = [d.text[s.start:s.end] for d in docs for s in segment(d).sentences]
    # word pieces per sentence of the batch itself, [CLS] and [SEP] included
    tokens_per_sentence = statistics.mean(
        len(e.ids) for e in _tokenizer(str(_packaged_dir() / "tokenizer.json")).encode_batch(texts))
    floor = gflops * 1e9 / (FLOP_PER_TOKEN * tokens_per_sentence)
    out["gemm_gflops"] = round(gflops, 1)
    out["floor_sentences_per_s"] = round(floor, 1)
    out["tokens_per_sentence"] = round(tokens_per_sentence, 1)
    # the brief's reference floor: 110 GFLOP/s measured on these cores, 25-word sentences
    out["reference_floor_sentences_per_s"] = 145.0

    cold, rss = run_cli(["analyze", str(SEED), "--format", "json"], 1)
    warm, rss = run_cli(["analyze", str(SEED), "--format", "json"], 5)
    helps, _ = run_cli(["--help"], 5)
    out["seed_cold_s"] = round(cold[0], 3)
    out["seed_warm_median_s"] = round(statistics.median(warm), 3)
    out["help_median_s"] = round(statistics.median(helps), 3)
    out["peak_rss_mb"] = round(rss / 1024, 1)

    from .encoder import identity

    n_sent = len(texts)
    # the default (on the CPU: static int8), its fp32 graph (what the heads were trained on) and the
    # dynamic minilm-q8
    for key, model in (("", None), ("_fp32", "minilm-ft-fp32"), ("_q8", "minilm-q8")):
        stages: dict[str, float] = {}
        batch_s, enc_s = time_batch(docs, texts, model, stages=stages)
        out["batch" + key] = {"encoder": identity(model), "articles": len(docs),
                              "sentences": n_sent, "scorers": available(),
                              "sentences_per_s": round(n_sent / batch_s, 1),
                              "ratio_to_floor": round(n_sent / batch_s / floor, 3),
                              "ratio_to_reference_floor": round(n_sent / batch_s / 145.0, 3)}
        out["encoder_only" + key] = {"sentences_per_s": round(n_sent / enc_s, 1),
                                     "ratio_to_floor": round(n_sent / enc_s / floor, 3)}
        out["batch_vs_encoder" + key] = round(enc_s / batch_s, 3)
        out["stages_ms_per_sentence" + key] = {k: round(1000 * v / n_sent, 3)
                                               for k, v in sorted(stages.items(), key=lambda kv: -kv[1])}
    gpu = cuda_name()
    if gpu:
        batch_s, enc_s = time_batch(docs, texts, None, "cuda")
        out["batch_cuda"] = {"device": gpu, "sentences_per_s": round(n_sent / batch_s, 1),
                             "encoder_only_sentences_per_s": round(n_sent / enc_s, 1)}
    out["length_sweep"] = length_sweep()
    out["targets"] = {"seed_cold_s<=": 1.5, "help_s<=": 0.3, "peak_rss_mb<=": 400,
                      "batch_ratio_to_floor>=": 0.85, "batch_cuda_sentences_per_s>=": 5000,
                      "sections_2000_vs_sections_250<=": 8.5, "sections_2000_peak_rss_mb<": 600}
    sys.stdout.write(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["sweep"]:  # python -m framing.bench sweep [NAME ...]: the sweep alone
        sys.stdout.write(json.dumps(length_sweep(tuple(sys.argv[2:]) or None), indent=2) + "\n")
    else:
        main()
