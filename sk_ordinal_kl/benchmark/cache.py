"""On-disk cache of the benchmark: one small JSON file per finished unit of work.

A unit is (dataset, training size, method, holdout) or the same with an inner search in
place of the method. Its file name carries a hash of everything that determines the
result — the method's description and grid, the protocol, the data's content, the
versions of this package and of the libraries that train (numpy, scikit-learn, torch,
skorch, and the peers' packages), a digest of this package's code (docstrings and
comments excluded) and the cache format — so a changed method never reads a stale
result, and an interrupted run resumes by skipping every file already written. Files
are written to a temporary name and moved into place with :func:`os.replace`, which is
atomic on POSIX and Windows: a killed run leaves either a complete file or none.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import secrets
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = [
    "CACHE_VERSION",
    "cache_key",
    "cache_path",
    "code_digest",
    "read_cached",
    "software_versions",
    "write_atomic",
]

#: Bump when the meaning of a cached record changes.
CACHE_VERSION = 2

#: Packages whose version can change a result (the peers' own packages included).
_VERSIONED = (
    "sk-ordinal-kl",
    "numpy",
    "scikit-learn",
    "torch",
    "skorch",
    "skordinal",
    "ogboost",
    "mord",
    "coral-pytorch",
    "dlordinal",
)


@lru_cache(maxsize=1)
def software_versions() -> dict[str, str]:
    """Versions of this package and of the libraries that train (part of every key).

    Returns
    -------
    versions : dict
        Distribution name -> version (``"absent"`` when not installed).
    """
    from .. import __version__

    found = {}
    for name in _VERSIONED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    found["sk-ordinal-kl"] = __version__  # the imported code, not a stale install record
    found["sk-ordinal-kl-code"] = code_digest()
    return found


def _without_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return tree


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of the package's code as parsed (docstrings, comments, layout ignored).

    Between releases the version string stays put while the code moves; keying on the
    code itself means an edited loss, estimator or method is recomputed, while an edited
    docstring is not.

    Returns
    -------
    digest : str
        16 hex digits.
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1()
    for path in sorted(root.rglob("*.py")):
        tree = _without_docstrings(ast.parse(path.read_text(encoding="utf-8")))
        digest.update(str(path.relative_to(root)).encode())
        digest.update(ast.dump(tree).encode())
    return digest.hexdigest()[:16]


def cache_key(payload: dict[str, Any]) -> str:
    """Short stable hash of a JSON-serialisable ``payload``.

    Parameters
    ----------
    payload : dict
        Everything that determines the cached result, besides the software versions and
        the cache format, which every key includes.

    Returns
    -------
    key : str
        First 12 hex digits of the SHA-1 of the canonical JSON text.
    """
    versioned = {"cache_version": CACHE_VERSION, "software": software_versions(), **payload}
    text = json.dumps(versioned, sort_keys=True, default=str)
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

    The file gets the permissions of any file the process creates (``0o666`` less the
    umask, 0644 under the usual umask), not the owner-only mode of
    :func:`tempfile.mkstemp`.

    Parameters
    ----------
    path : Path
        Destination; parent folders are created.
    record : dict
        JSON-serialisable record.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
