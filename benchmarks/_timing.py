"""Shared helpers for the benchmark scripts: argument parsing, thread pinning, interleaved
timing, tables and JSON output.

Timing policy (noisy shared machines): every comparison runs its candidates *interleaved*
(A, B, C, A, B, C, ... with the order rotated each repetition) and reports the median of
the per-repetition times and the median of the *paired* per-repetition ratios, so a
background load that comes and goes hits all candidates alike.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch

__all__ = [
    "base_parser",
    "check",
    "environment",
    "fmt_seconds",
    "fmt_value",
    "interleaved",
    "make_tabular",
    "print_table",
    "report",
    "setup",
    "write_json",
]


def base_parser(description: str, *, default_repeats: int = 5) -> argparse.ArgumentParser:
    """An argument parser with ``--quick``, ``--threads``, ``--repeats`` and ``--json``."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, to check the script runs (noisy)"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="torch intra-op threads (default: 1)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=default_repeats,
        help=f"interleaved repetitions per measurement; the median is reported "
        f"(default: {default_repeats})",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    return parser


def setup(args: argparse.Namespace) -> None:
    """Pin torch's intra-op (and, if still possible, inter-op) threads."""
    torch.set_num_threads(args.threads)
    with contextlib.suppress(RuntimeError):  # only settable before any parallel work
        torch.set_num_interop_threads(args.threads)


def environment(args: argparse.Namespace) -> dict:
    """Versions and settings that a result depends on."""
    import sklearn
    import skorch

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "quick": bool(args.quick),
        "repeats": args.repeats,
        "command": " ".join(["python", *map(_repo_relative, sys.argv)]),
    }


def _repo_relative(arg: str) -> str:
    """``arg`` relative to the repository root if it is a path inside it (portable logs)."""
    root = Path(__file__).resolve().parent.parent
    path = Path(arg)
    if path.is_absolute() and path.resolve().is_relative_to(root):
        return str(path.resolve().relative_to(root))
    return arg


def interleaved(
    cases: Mapping[str, Callable[[], object]],
    repeats: int,
    *,
    warmup: int = 1,
    baseline: str | None = None,
) -> dict[str, dict]:
    """Time ``cases`` round-robin; return per case the times, their median and the ratio.

    ``ratio`` is the median over repetitions of ``time(case) / time(baseline)`` measured in
    the same repetition (paired), ``baseline`` defaulting to the first case.
    """
    names = list(cases)
    baseline = names[0] if baseline is None else baseline
    for _ in range(warmup):
        for name in names:
            cases[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(repeats):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            cases[name]()
            times[name].append(time.perf_counter() - start)
    result = {}
    for name in names:
        ratios = [t / b for t, b in zip(times[name], times[baseline], strict=True)]
        result[name] = {
            "times": times[name],
            "median": statistics.median(times[name]),
            "ratio": statistics.median(ratios),
            "baseline": baseline,
        }
    return result


def make_tabular(n: int, d: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Float32 features and int64 ordinal labels 0..k-1 (latent score cut at quantiles).

    Every class is present (quantile cuts), built in float32 so no float64 copy of a large
    ``X`` inflates peak memory.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d), dtype=np.float32)
    w = rng.standard_normal(d).astype(np.float32) / np.sqrt(d)
    score = X @ w + 0.5 * rng.standard_normal(n, dtype=np.float32)
    cuts = np.quantile(score, np.linspace(0, 1, k + 1)[1:-1])
    y = np.searchsorted(cuts, score).astype(np.int64)
    return X, y


def fmt_value(value: float) -> str:
    """A headline number: three decimals for ratios (1.101 must not print as 1.1)."""
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}"


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain fixed-width text table."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print(f"\n{title}")
    for i, row in enumerate(cells):
        pairs = enumerate(zip(row, widths, strict=True))
        padded = [c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in pairs]
        print("  ".join(padded))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def check(name: str, value: float, target: str, met: bool) -> dict:
    """One headline number with its target, for the summary table of docs/performance.md."""
    print(f"  {'OK  ' if met else 'MISS'} {name}: {fmt_value(value)} (target {target})")
    return {"name": name, "value": float(value), "target": target, "met": bool(met)}


def report(
    name: str,
    title: str,
    args: argparse.Namespace,
    tables: Sequence[dict],
    checks: Sequence[dict],
    notes: Sequence[str] = (),
) -> dict:
    """The JSON payload of one script; ``tables`` are ``{"title", "headers", "rows"}``."""
    payload = {
        "benchmark": name,
        "title": title,
        "environment": environment(args),
        "tables": list(tables),
        "checks": list(checks),
        "notes": list(notes),
    }
    write_json(args.json, payload)
    return payload


def write_json(path: Path | None, payload: dict) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=float) + "\n")
    print(f"\nwrote {path}")


def train_bare(
    module, criterion, optimizer, X: torch.Tensor, y: torch.Tensor, batch: int, epochs: int
) -> torch.nn.Module:
    """The reference a fit is timed against: a plain PyTorch loop over shuffled batches."""
    module.train()
    n = len(X)
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, batch):
            rows = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = criterion(module(X.index_select(0, rows)), y.index_select(0, rows))
            loss.backward()
            optimizer.step()
    return module
