"""Overhead of ``OrdinalKLClassifier.fit`` over a bare PyTorch training loop.

All candidates train the same ``TabularMLP`` (default widths) with the same
``GaussianKLCrossEntropy(alpha=1, sigma=1)``, ``AdamW(lr=1e-3)`` (``fused=True`` where
torch supports it, as the estimator builds it), batch size 128 and 5
epochs, on the same float32 data:

* ``bare loop``   -- pre-built tensors, one ``randperm`` per epoch, ``index_select`` per
  batch, ``zero_grad / forward / loss / backward / step``. The reference (ratio 1).
* ``OrdinalKLClassifier`` -- ``fit(X, y)`` with ``train_split=None, verbose=0`` (input
  validation, label encoding, skorch's loop, the default ``ArrayBatchLoader``).
* ``skorch stock`` -- ``skorch.NeuralNetClassifier`` with the same module and criterion
  and skorch's default per-row ``DataLoader`` (for reference).

Target: OrdinalKLClassifier / bare loop <= 1.2.

    python benchmarks/bench_fit_vs_bare_loop.py [--quick] [--threads 1] [--repeats 5]
"""

from __future__ import annotations

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
    train_bare,
)
from skorch import NeuralNetClassifier

from sk_ordinal_kl import GaussianKLCrossEntropy, OrdinalKLClassifier
from sk_ordinal_kl._compat import fused_optimizer_supports
from sk_ordinal_kl.modules import TabularMLP

K = 5
BATCH = 128
LR = 1e-3
TARGET = 1.2


def bare_loop(X: torch.Tensor, y: torch.Tensor, epochs: int) -> torch.nn.Module:
    module = TabularMLP(X.shape[1], K)
    criterion = GaussianKLCrossEntropy(alpha=1.0, sigma=1.0, num_classes=K)
    # The estimator's default optimizer: AdamW, fused where torch's kernel takes the
    # parameters (as OrdinalKLClassifier builds it).
    fused = fused_optimizer_supports(module.parameters()) or None
    optimizer = torch.optim.AdamW(module.parameters(), lr=LR, fused=fused)
    return train_bare(module, criterion, optimizer, X, y, BATCH, epochs)


def ordinal_fit(X, y, epochs: int) -> OrdinalKLClassifier:
    net = OrdinalKLClassifier(
        alpha=1.0,
        sigma=1.0,
        lr=LR,
        batch_size=BATCH,
        max_epochs=epochs,
        train_split=None,
        verbose=0,
        random_state=0,
    )
    return net.fit(X, y)


def stock_fit(X, y, epochs: int) -> NeuralNetClassifier:
    net = NeuralNetClassifier(
        TabularMLP,
        module__in_features=X.shape[1],
        module__num_classes=K,
        criterion=GaussianKLCrossEntropy,
        criterion__alpha=1.0,
        criterion__sigma=1.0,
        criterion__num_classes=K,
        optimizer=torch.optim.AdamW,
        lr=LR,
        batch_size=BATCH,
        max_epochs=epochs,
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
    )
    return net.fit(X, y)


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument(
        "--no-stock", action="store_true", help="skip skorch's stock NeuralNetClassifier"
    )
    args = parser.parse_args()
    setup(args)
    sizes = [(2_000, 20), (10_000, 50)] if args.quick else [(20_000, 20), (200_000, 50)]
    rows, checks, details = [], [], {}
    for n, d in sizes:
        X, y = make_tabular(n, d, K)
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        cases = {
            "bare loop": lambda Xt=Xt, yt=yt: bare_loop(Xt, yt, args.epochs),
            "OrdinalKLClassifier": lambda X=X, y=y: ordinal_fit(X, y, args.epochs),
        }
        if not args.no_stock:
            cases["skorch stock (per-row DataLoader)"] = lambda X=X, y=y: stock_fit(
                X, y, args.epochs
            )
        result = interleaved(cases, args.repeats)
        details[f"{n}x{d}"] = result
        for name, res in result.items():
            per_epoch = res["median"] / args.epochs
            rows.append(
                [
                    f"{n:,}x{d}",
                    name,
                    fmt_seconds(res["median"]),
                    fmt_seconds(per_epoch),
                    f"{res['ratio']:.2f}",
                ]
            )
        ratio = result["OrdinalKLClassifier"]["ratio"]
        checks.append(
            check(f"fit / bare loop, {n:,}x{d}, K={K}", ratio, f"<= {TARGET}", ratio <= TARGET)
        )
    headers = ["data", "candidate", "fit (median)", "per epoch", "ratio vs bare"]
    title = (
        f"Fit vs bare loop: {args.epochs} epochs, batch {BATCH}, K={K}, "
        f"{args.threads} torch thread(s), median of {args.repeats} interleaved runs"
    )
    print_table(title, headers, rows)
    report(
        "fit_vs_bare_loop",
        "Fit overhead vs a bare PyTorch loop",
        args,
        [{"title": title, "headers": headers, "rows": rows}],
        checks,
        notes=["ratio = median of per-repetition time / bare-loop time (paired)"],
    )


if __name__ == "__main__":
    main()
