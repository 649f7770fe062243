"""How ``OrdinalKLClassifier.fit`` scales with rows N, classes K, and its peak memory.

* N sweep -- 1 epoch, batch 256, 20 features, K=5, N in {10k, 100k, 1M}: time per row
  and max/min of the per-row times (target <= 1.5: fit is linear in N).
* K sweep -- same, N=100k, K in {5, 100, 1000}: time and ratio to K=5.
* Peak memory -- each configuration fitted in a *fresh subprocess*: RSS sampled every
  millisecond during the fit, minus the RSS after imports (before the data is made), so
  the peak memory of data + fit, K=100 vs K=1000 on the same data (target: ratio < 2);
  also the process peak (``ru_maxrss``) and what the fit alone adds.

    python benchmarks/bench_scaling.py [--quick] [--threads 1] [--repeats 5]
"""

from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import threading

import torch
from _timing import (
    base_parser,
    check,
    fmt_seconds,
    interleaved,
    make_tabular,
    print_table,
    report,
    setup,
)

from sk_ordinal_kl import OrdinalKLClassifier

FEATURES = 20
BATCH = 256
N_TARGET = 1.5
MEMORY_TARGET = 2.0


def fit(X, y, k: int, alpha: float = 1.0) -> OrdinalKLClassifier:
    net = OrdinalKLClassifier(
        alpha=alpha,
        sigma=1.0,
        classes=list(range(k)),
        batch_size=BATCH,
        max_epochs=1,
        train_split=None,
        verbose=0,
        random_state=0,
    )
    return net.fit(X, y)


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


class RssSampler(threading.Thread):
    """Highest current RSS seen while running (sampled every millisecond, Linux only)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = current_rss_mib()
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.001):
            self.peak = max(self.peak, current_rss_mib())


def child_memory(n: int, k: int, alpha: float) -> None:
    """Run in a fresh interpreter: print RSS before, during and after one fit, as JSON."""
    fit(*make_tabular(512, FEATURES, 5), 5)  # warm up lazy torch/skorch initialisation
    gc.collect()
    baseline = current_rss_mib()  # interpreter + libraries, before this job's data
    X, y = make_tabular(n, FEATURES, k)
    gc.collect()
    before_max, before = max_rss_mib(), current_rss_mib()
    sampler = RssSampler()
    sampler.start()
    fit(X, y, k, alpha)
    sampler.done.set()
    sampler.join()
    print(
        json.dumps(
            {
                "n": n,
                "k": k,
                "alpha": alpha,
                "rss_baseline_mib": baseline,
                "rss_before_mib": before,
                "sampled_peak_mib": max(sampler.peak, current_rss_mib()),
                "max_rss_before_mib": before_max,
                "max_rss_after_mib": max_rss_mib(),
            }
        )
    )


def measure_memory(n: int, k: int, threads: int, alpha: float = 1.0) -> dict:
    command = [sys.executable, __file__, "--child-memory", str(n), str(k), str(alpha)]
    command += ["--threads", str(threads)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument(
        "--child-memory", nargs=3, type=float, metavar=("N", "K", "ALPHA"), help="internal"
    )
    args = parser.parse_args()
    setup(args)
    if args.child_memory:
        n, k, alpha = args.child_memory
        child_memory(int(n), int(k), alpha)
        return

    n_sizes = [5_000, 20_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    k_sizes = [5, 100, 1000]
    n_for_k = 20_000 if args.quick else 100_000
    checks, tables = [], []

    # -- N sweep (K=5): interleaved across sizes so load drift hits all alike
    data = {n: make_tabular(n, FEATURES, 5) for n in n_sizes}
    result = interleaved(
        {f"N={n:,}": (lambda Xy=data[n]: fit(*Xy, 5)) for n in n_sizes}, args.repeats
    )
    per_row = {n: result[f"N={n:,}"]["median"] / n for n in n_sizes}
    spread = max(per_row.values()) / min(per_row.values())
    rows = [
        [f"{n:,}", fmt_seconds(result[f"N={n:,}"]["median"]), f"{per_row[n] * 1e6:.2f} µs"]
        for n in n_sizes
    ]
    title = f"Fit time vs N: 1 epoch, batch {BATCH}, {FEATURES} features, K=5"
    tables.append({"title": title, "headers": ["N", "fit", "per row"], "rows": rows})
    print_table(title, tables[-1]["headers"], rows)
    met = spread <= N_TARGET
    checks.append(check("per-row fit time max/min over N", spread, f"<= {N_TARGET}", met))
    del data

    # -- K sweep at fixed N
    X, y = make_tabular(n_for_k, FEATURES, max(k_sizes))
    labels = {k: y % k for k in k_sizes}  # all K classes present, same X
    result = interleaved(
        {f"K={k}": (lambda k=k: fit(X, labels[k], k)) for k in k_sizes}, args.repeats
    )
    rows = [
        [k, fmt_seconds(result[f"K={k}"]["median"]), f"{result[f'K={k}']['ratio']:.2f}"]
        for k in k_sizes
    ]
    title = f"Fit time vs K: N={n_for_k:,}, 1 epoch, batch {BATCH}, {FEATURES} features"
    tables.append({"title": title, "headers": ["K", "fit", "ratio vs K=5"], "rows": rows})
    print_table(title, tables[-1]["headers"], rows)

    # -- peak memory, fresh subprocess per configuration
    memory = {k: measure_memory(n_for_k, k, args.threads) for k in k_sizes}
    # Reference: the same fit with hard-label CE (alpha=0), at the largest K.
    memory["1000, CE (alpha=0)"] = measure_memory(n_for_k, 1000, args.threads, alpha=0.0)
    job = {k: m["sampled_peak_mib"] - m["rss_baseline_mib"] for k, m in memory.items()}
    fit_only = {k: m["sampled_peak_mib"] - m["rss_before_mib"] for k, m in memory.items()}
    rows = [
        [
            k,
            f"{m['rss_baseline_mib']:.0f} MiB",
            f"{job[k]:.1f} MiB",
            f"{fit_only[k]:.1f} MiB",
            f"{m['max_rss_after_mib']:.0f} MiB",
        ]
        for k, m in memory.items()
    ]
    title = (
        f"Memory of one fit (fresh process per row): N={n_for_k:,}x{FEATURES}, 1 epoch; "
        "baseline = RSS after imports and a tiny warm-up fit; peak RSS sampled every ms"
    )
    headers = [
        "K",
        "baseline",
        "peak - baseline (data + fit)",
        "peak - RSS before fit (fit only)",
        "process peak (ru_maxrss)",
    ]
    tables.append({"title": title, "headers": headers, "rows": rows})
    print_table(title, headers, rows)
    # Same data, so the peak memory of the job should not double with K; the interpreter
    # and torch (~400 MiB) are left out, as they would hide any growth.
    job_ratio = job[1000] / job[100]
    met = job_ratio < MEMORY_TARGET
    checks.append(
        check("peak memory (data + fit) K=1000 / K=100", job_ratio, f"< {MEMORY_TARGET}", met)
    )
    peak_ratio = memory[1000]["max_rss_after_mib"] / memory[100]["max_rss_after_mib"]
    met = peak_ratio < MEMORY_TARGET
    checks.append(check("process peak RSS K=1000 / K=100", peak_ratio, f"< {MEMORY_TARGET}", met))
    report(
        "scaling",
        "Scaling in N and K, peak memory",
        args,
        tables,
        checks,
        notes=[
            "fit only = what the fit adds over the data already in memory: the model, the "
            "optimizer state and per-batch B x K tensors (logits, log-probabilities, gradients) "
            "grow with K; no K x K table is built for a Gaussian with sigma=1 at K=1000 "
            "(band rows)",
            f"torch {torch.__version__}",
        ],
    )


if __name__ == "__main__":
    main()
