"""Cost of the ordinal criterion: ``GaussianKLCrossEntropy`` vs ``F.cross_entropy``.

Three measurements at batch 256 for each number of classes K:

* criterion alone -- forward + backward on logits ``(256, K)`` requiring grad;
* one training step -- default ``TabularMLP`` (20 features) forward + criterion +
  backward + ``AdamW.step``, CE+KL vs CE;
* seed-style loop -- the naive per-sample implementation (a Python loop over the batch
  building each Gaussian row with numpy and computing ``KL(p || softmax(z_i))`` as
  ``sum p * log(p / q)``), forward + backward, beside ours. It also shows that the naive
  ``log(p / q)`` is NaN as soon as a Gaussian weight underflows to 0 (large K).

Target: step CE+KL / CE <= 1.1. The criterion-alone ratio is information only (it was
a target of <= 1.5 at K >= 100, retired): on logits of a few kilobytes it measures
per-op dispatch, not arithmetic, and closing it would take a compiled extension, which
would cost the pure-Python, CPU-only install.

    python benchmarks/bench_criterion.py [--quick] [--threads 1] [--repeats 101]

Timing: the candidates alternate in short samples (about 2 ms of calls each, 10 ms for
training steps, order rotated every repetition), 101 repetitions by default; a ratio is
the median of the paired per-sample ratios, so load that comes and goes on a shared
machine hits both sides of a pair alike.
"""

from __future__ import annotations

import math
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F
from _timing import base_parser, check, fmt_seconds, interleaved, print_table, report, setup

from sk_ordinal_kl import GaussianKLCrossEntropy
from sk_ordinal_kl.modules import TabularMLP

BATCH = 256
FEATURES = 20
ALPHA = SIGMA = 1.0
SWEEP_K = 117
SWEEP_BATCHES = (256, 1024, 4096)
STEP_TARGET = 1.1


def seed_style_loss(logits: torch.Tensor, y: torch.Tensor, alpha: float, sigma: float):
    """What a newcomer writes: one Python iteration per sample, KL via log(p / q)."""
    k = np.arange(logits.shape[1])
    total = 0.0
    for i in range(logits.shape[0]):
        label = int(y[i])
        p = np.exp(-((k - label) ** 2) / (2 * sigma**2))
        p = torch.tensor(p / p.sum(), dtype=logits.dtype)
        q = torch.softmax(logits[i], dim=0)
        kl = (p * torch.log(p / q)).sum()
        total = total + (-torch.log(q[label]) + alpha * kl)
    return total / logits.shape[0]


def repeat(fn, n: int):
    def run():
        for _ in range(n):
            fn()

    return run


def inner_count(fn, budget: float = 0.002) -> int:
    """Calls per timing sample so that one sample lasts about ``budget`` seconds."""
    fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, min(10_000, math.ceil(budget / once)))


def criterion_cases(k: int, seed_style: bool, batch: int = BATCH) -> dict:
    gen = torch.Generator().manual_seed(k)
    logits = torch.randn(batch, k, generator=gen).requires_grad_()
    y = torch.randint(0, k, (batch,), generator=gen)
    ours = GaussianKLCrossEntropy(alpha=ALPHA, sigma=SIGMA, num_classes=k)

    def fwd_bwd(loss_fn):
        def run():
            logits.grad = None
            loss_fn(logits, y).backward()

        return run

    cases = {
        "F.cross_entropy": fwd_bwd(F.cross_entropy),
        "GaussianKLCrossEntropy": fwd_bwd(ours),
    }
    if seed_style:
        cases["seed-style loop"] = fwd_bwd(lambda z, t: seed_style_loss(z, t, ALPHA, SIGMA))
    with torch.no_grad():
        naive = float(seed_style_loss(logits, y, ALPHA, SIGMA))
        exact = float(ours(logits, y))
    return cases, {"ours": exact, "seed_style": naive}


def step_cases(k: int) -> dict:
    gen = torch.Generator().manual_seed(k)
    X = torch.randn(BATCH, FEATURES, generator=gen)
    y = torch.randint(0, k, (BATCH,), generator=gen)

    def make(criterion):
        torch.manual_seed(0)
        module = TabularMLP(FEATURES, k)
        optimizer = torch.optim.AdamW(module.parameters(), lr=1e-3)
        module.train()

        def run():
            optimizer.zero_grad()
            criterion(module(X), y).backward()
            optimizer.step()

        return run

    return {
        "step CE": make(torch.nn.CrossEntropyLoss()),
        "step CE+KL": make(GaussianKLCrossEntropy(alpha=ALPHA, sigma=SIGMA, num_classes=k)),
    }


def timed(cases: dict, repeats: int, budget: float = 0.002) -> dict:
    """Interleaved timing, samples of about ``budget`` seconds each; per-call medians."""
    calls = min(inner_count(fn, budget) for fn in cases.values())
    result = interleaved({name: repeat(fn, calls) for name, fn in cases.items()}, repeats)
    for res in result.values():
        res["per_call"] = res["median"] / calls
        res["calls"] = calls
    return result


def batch_sweep(args) -> list[list]:
    """Criterion alone at K=SWEEP_K for growing batches (fixed per-call costs amortised)."""
    rows = []
    for batch in [BATCH] if args.quick else SWEEP_BATCHES:
        cases, _ = criterion_cases(SWEEP_K, seed_style=False, batch=batch)
        res = timed(cases, args.repeats)
        ce, ours = res["F.cross_entropy"], res["GaussianKLCrossEntropy"]
        rows.append(
            [
                batch,
                fmt_seconds(ce["per_call"]),
                fmt_seconds(ours["per_call"]),
                f"{ours['ratio']:.2f}",
            ]
        )
    return rows


def seed_style_ratio(seed, ours_timing: dict, repeats: int = 5) -> tuple[float, float]:
    """Per-call time of the seed-style loop (median of ``repeats`` calls), and its ratio
    to our per-call time measured above in steady state.

    Not paired call by call: one loop call runs for tens of milliseconds and leaves the
    caches cold, so the few calls of ours that would fit beside it measure a cold start.
    """
    seed()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        seed()
        times.append(time.perf_counter() - start)
    per_call = statistics.median(times)
    return per_call, per_call / ours_timing["per_call"]


def main() -> None:
    parser = base_parser(__doc__, default_repeats=101)
    parser.add_argument(
        "--classes", type=int, nargs="+", default=None, help="K values (default 5 117 1000 5000)"
    )
    parser.add_argument(
        "--seed-style-max-k",
        type=int,
        default=1000,
        help="largest K at which the slow per-sample loop is timed (default 1000)",
    )
    args = parser.parse_args()
    setup(args)
    ks = args.classes or ([5, 117, 1000] if args.quick else [5, 117, 1000, 5000])
    rows, checks = [], []
    for k in ks:
        cases, values = criterion_cases(k, seed_style=k <= args.seed_style_max_k)
        seed = cases.pop("seed-style loop", None)
        crit = timed(cases, args.repeats)
        ce, ours = crit["F.cross_entropy"], crit["GaussianKLCrossEntropy"]
        # A step takes milliseconds: samples of several steps each.
        step = timed(step_cases(k), args.repeats, budget=0.01)
        s_ce, s_kl = step["step CE"], step["step CE+KL"]
        seed_ratio = seed_time = "-"
        if seed is not None:
            seed_per_call, ratio = seed_style_ratio(seed, ours)
            seed_ratio, seed_time = f"{ratio:.0f}x", fmt_seconds(seed_per_call)
            checks.append(check(f"seed-style loop / ours, K={k}", ratio, ">= 100", ratio >= 100))
        naive_value = values["seed_style"]
        rows.append(
            [
                k,
                fmt_seconds(ce["per_call"]),
                fmt_seconds(ours["per_call"]),
                f"{ours['ratio']:.2f}",
                fmt_seconds(s_ce["per_call"]),
                fmt_seconds(s_kl["per_call"]),
                f"{s_kl['ratio']:.2f}",
                seed_time,
                seed_ratio,
                f"{values['ours']:.4f} / {naive_value:.4f}"
                if math.isfinite(naive_value)
                else f"{values['ours']:.4f} / {naive_value}",
            ]
        )
        checks.append(
            check(
                f"train step CE+KL / CE, K={k}",
                s_kl["ratio"],
                f"<= {STEP_TARGET}",
                s_kl["ratio"] <= STEP_TARGET,
            )
        )
        if k >= 100:  # a former target, kept as information (see the module docstring)
            print(f"  info criterion CE+KL / CE, K={k}: {ours['ratio']:.3f}")
            checks.append(
                {
                    "name": f"criterion CE+KL / CE, K={k}",
                    "value": float(ours["ratio"]),
                    "target": "none (information; the former <= 1.5 is retired)",
                    "met": True,
                    "info": True,
                }
            )
    batch_rows = batch_sweep(args)
    headers = [
        "K",
        "CE fwd+bwd",
        "CE+KL fwd+bwd",
        "ratio",
        "step CE",
        "step CE+KL",
        "step ratio",
        "seed-style loop",
        "loop / ours",
        "loss ours / loop",
    ]
    title = (
        f"Criterion cost, batch {BATCH}, alpha={ALPHA}, sigma={SIGMA}, {args.threads} torch "
        f"thread(s), median of {args.repeats} interleaved samples"
    )
    print_table(title, headers, rows)
    batch_title = (
        f"Criterion alone vs batch size, K={SWEEP_K}: what is per call and what is per element"
    )
    batch_headers = ["batch", "CE fwd+bwd", "CE+KL fwd+bwd", "ratio"]
    print_table(batch_title, batch_headers, batch_rows)
    report(
        "criterion",
        "Criterion cost vs cross-entropy",
        args,
        [
            {"title": title, "headers": headers, "rows": rows},
            {"title": batch_title, "headers": batch_headers, "rows": batch_rows},
        ],
        checks,
        notes=[
            "times are per call; ratios are medians of paired per-sample ratios",
            "criterion-alone ratio: information, no target (the former <= 1.5 at K >= 100 "
            "is retired: on tensors of a few kilobytes it measures per-op dispatch, and "
            "meeting it would need a compiled extension, at the cost of the pure-Python "
            "CPU-only install); the training-step ratio is the target",
            "'loss ours / loop': the naive log(p/q) loop gives nan once a Gaussian weight "
            "underflows to 0 (K large for sigma=1)",
        ],
    )


if __name__ == "__main__":
    main()
