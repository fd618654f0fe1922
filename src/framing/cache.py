"""A content-addressed cache of article reports, so unchanged articles are not scored again.

An entry is keyed by ``sha256(fingerprint, format, title, targets, text)``. The *fingerprint*
names everything else that can change a report:

* ``framing`` version and a digest of the framing source that shapes reports (every stage and
  the scorers in use, ``code_digest``: editing one of them, e.g. a scorer whose ``version`` was
  bumped, invalidates the cache);
* the encoder's identity, ``encoder.identity()``: the name ``Pipeline.provenance()`` reports,
  with its recipe and artifact digest (``minilm-ft.v2.<sha>``, ``minilm-q8.v3.<sha>``) or weights digest (``torch:DIR@sha``), computed without
  loading the encoder so that a fully cached run never loads the model;
* each scorer's ``name``/``version`` and the scorer options;
* a digest of every file under ``models/`` (heads and lexicons) and of each ``--lexicon`` file.

Layout: ``<cache_dir>/reports-v1/<fingerprint[:16]>/<key[:2]>/<key>.json``; a new model or
version writes under a new fingerprint directory (old ones can be deleted at any time). Writes
are atomic (temp file + rename) so concurrent runs (Dask workers on a shared disk) never see a
half-written entry; an unreadable or corrupt entry is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .load import Document

log = logging.getLogger("framing")
CACHE_FORMAT = 1


def _hash_files(h: Any, root: Path, files: list[Path]) -> None:
    for f in files:
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
        h.update(b"\0")


#: framing source that cannot change a JSON report (the CLI, batch plumbing, training, other
#: renderers); everything else in the package is hashed into the cache fingerprint.
NOT_REPORT_CODE = frozenset({"__main__.py", "cli.py", "batch.py", "cache.py", "gates.py",
                             "distributed.py", "bench.py", "render/table.py", "render/html.py",
                             "render/svg.py"})


@lru_cache(maxsize=8)
def dir_digest(path: str, pattern: str = "*", skip: frozenset[str] = frozenset()) -> str:
    """sha256 over the names and contents of the files under ``path`` (sorted, recursive)."""
    root = Path(path)
    h = hashlib.sha256()
    if root.is_file():
        _hash_files(h, root.parent, [root])
    elif root.is_dir():
        files = sorted(p for p in root.rglob(pattern)
                       if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
                       and p.relative_to(root).as_posix() not in skip
                       and p.relative_to(root).parts[0] not in skip)
        _hash_files(h, root, files)
    return h.hexdigest()[:16]


def code_digest() -> str:
    """Digest of the framing source that shapes reports: every module of the package except
    ``NOT_REPORT_CODE``, training and evaluation code, and of ``scorers/`` only the scorers built
    for the run (call it after building them). Files, not imported modules: a stage imported
    lazily on the first article (targets, profile) must count in a fresh run's fingerprint."""
    import sys

    pkg = Path(__file__).resolve().parent
    files = []
    for path in pkg.rglob("*.py"):
        rel = path.relative_to(pkg).as_posix()
        if rel in NOT_REPORT_CODE or rel.split("/")[0] in ("train", "evaluation"):
            continue
        if rel.startswith("scorers/") and rel != "scorers/__init__.py" \
                and f"framing.scorers.{path.stem}" not in sys.modules:
            continue
        files.append(rel)
    h = hashlib.sha256()
    _hash_files(h, pkg, [pkg / r for r in sorted(files)])
    return h.hexdigest()[:16]


def models_digest() -> str:
    from .resources import models_dir

    try:
        return dir_digest(str(models_dir()))
    except Exception:  # no models dir: the pipeline will report that itself
        return "none"


def encoder_id(pipe: Any) -> str:
    """The encoder's identity as reports give it (``encoder.identity``), without loading it."""
    from .encoder import identity

    return identity(pipe.model, pipe.device)


def fingerprint(pipe: Any) -> dict[str, Any]:
    """Everything besides the article that determines its report (see the module docstring)."""
    scorers = {s.name: s.version for s in pipe.scorers}  # first: builds (imports) the scorers
    return {
        "cache_format": CACHE_FORMAT,
        "framing": __version__,
        "code": code_digest(),
        "encoder": encoder_id(pipe),
        "scorers": scorers,
        "options": pipe.config.options,
        "lexicons": [dir_digest(str(p)) for p in pipe.config.lexicons],
        "models": models_digest(),
    }


class Cache:
    """Reports by content key under one fingerprint directory."""

    def __init__(self, root: str | Path, fp: dict[str, Any]) -> None:
        self.fp = json.dumps(fp, sort_keys=True, default=str)
        self.fp_hash = hashlib.sha256(self.fp.encode()).hexdigest()
        self.root = Path(root) / f"reports-v{CACHE_FORMAT}" / self.fp_hash[:16]
        self.hits = self.misses = 0
        self._write_failed = False

    @classmethod
    def for_pipeline(cls, root: str | Path, pipe: Any) -> Cache:
        return cls(root, fingerprint(pipe))

    def key(self, doc: Document, targets: Any = None) -> str:
        h = hashlib.sha256()
        meta = json.dumps([self.fp_hash, doc.format, doc.title, _canon(targets)],
                          sort_keys=True, ensure_ascii=False)
        h.update(meta.encode("utf-8") + b"\0")
        h.update(doc.text.encode("utf-8"))
        return h.hexdigest()

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached report, or None (missing, unreadable or corrupt entries are misses)."""
        try:
            data = json.loads(self.path(key).read_bytes())
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError) as exc:
            log.debug("ignoring corrupt cache entry %s: %s", key, exc)
            self.misses += 1
            return None
        if not (isinstance(data, dict) and data.get("key") == key and isinstance(data.get("report"), dict)):
            log.debug("ignoring corrupt cache entry %s", key)
            self.misses += 1
            return None
        self.hits += 1
        report: dict[str, Any] = data["report"]
        return report

    def put(self, key: str, report: dict[str, Any]) -> None:
        """Store atomically; a read-only or full disk only costs the cache (one warning)."""
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump({"key": key, "report": report}, fh, ensure_ascii=False,
                              separators=(",", ":"))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            if not self._write_failed:
                log.warning("cache not written (%s): %s", self.root, exc.strerror or exc)
            self._write_failed = True


def _canon(targets: Any) -> Any:
    if not targets:
        return None
    if isinstance(targets, dict):
        return {str(k): sorted(str(a) for a in (v or [])) for k, v in targets.items()}
    return targets
