"""On-disk cache of the benchmark: one small JSON file per finished unit of work.

A unit is (dataset, method, holdout) or (dataset, inner search, holdout). Its file name
carries a hash of everything that determines the result (method description, protocol,
data identity, cache version), so a changed protocol never reads a stale result, and an
interrupted run resumes by skipping every file already written. Files are written to a
temporary name and moved into place with :func:`os.replace`, which is atomic on POSIX
and Windows: a killed run leaves either a complete file or none.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["CACHE_VERSION", "cache_key", "cache_path", "read_cached", "write_atomic"]

#: Bump when the meaning of a cached record changes.
CACHE_VERSION = 1


def cache_key(payload: dict[str, Any]) -> str:
    """Short stable hash of a JSON-serialisable ``payload``.

    Parameters
    ----------
    payload : dict
        Everything that determines the cached result.

    Returns
    -------
    key : str
        First 12 hex digits of the SHA-1 of the canonical JSON text.
    """
    text = json.dumps({"cache_version": CACHE_VERSION, **payload}, sort_keys=True, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", part)


def cache_path(cache_dir: Path, dataset: str, unit: str, holdout: int, key: str) -> Path:
    """File of one cached unit: ``cache_dir/<dataset>/<unit>/h<holdout>-<key>.json``.

    Parameters
    ----------
    cache_dir : Path
        Root of the cache.
    dataset, unit : str
        Dataset name and method (or ``"_search"``) name.
    holdout : int
        Holdout index.
    key : str
        Output of :func:`cache_key`.

    Returns
    -------
    path : Path
        Where the unit's JSON record lives.
    """
    return Path(cache_dir) / _safe(dataset) / _safe(unit) / f"h{holdout:03d}-{key}.json"


def read_cached(path: Path) -> dict[str, Any] | None:
    """The cached record at ``path``, or None when absent or unreadable.

    Parameters
    ----------
    path : Path
        Cache file.

    Returns
    -------
    record : dict or None
        The decoded JSON object.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def write_atomic(path: Path, record: dict[str, Any]) -> None:
    """Write ``record`` as JSON to ``path`` atomically (temporary file + ``os.replace``).

    Parameters
    ----------
    path : Path
        Destination; parent folders are created.
    record : dict
        JSON-serialisable record.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
