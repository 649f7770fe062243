"""Run every benchmark (each in its own process) and write ``docs/performance.md``.

    python benchmarks/run_all.py --quick          # tiny sizes, a smoke test (noisy)
    python benchmarks/run_all.py                  # full sizes: run on a quiet machine
    python benchmarks/run_all.py --from-json      # only regenerate the page

Results go to ``benchmarks/results/<name>.json``; the page is generated from them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from _timing import fmt_value

HERE = Path(__file__).resolve().parent

ROOT = HERE.parent
SCRIPTS = {
    "fit_vs_bare_loop": "bench_fit_vs_bare_loop.py",
    "criterion": "bench_criterion.py",
    "scaling": "bench_scaling.py",
    "parallel_search": "bench_parallel_search.py",
    "compile": "bench_compile.py",
}

GUIDE = """\
## How the criterion is computed, and what its ratios mean

`GaussianKLCrossEntropy` evaluates CE + alpha KL(p || q) as
`-sum_k (onehot_y + alpha p_y)_k log q_k - alpha H(p_y)` in one of three
ways, chosen when the table is built:

* **K <= 32, dense table**: `nll_loss(log_softmax(z) @ W.T + c, y)`, three native ops
  whose autograd runs in C++ (and differentiates to any order);
* **larger K**: one fused autograd node (`sk_ordinal_kl/_soft_ce.py`): a log-softmax,
  one row gather from the cached table and one product-sum, reduced inside the node;
  the backward is the closed form `(1 + alpha) q - onehot - alpha p` through the same
  log-softmax backward kernel as hard-label CE;
* **band**: when every weight beyond `|k - y| = h` is 0 in float32 (a Gaussian with
  sigma = 1 has h = 13) and the band is at most K/8 wide, the table is *built* as
  `K x (2h + 1)` band rows straight from the kernel (no `K x K` table at any point) and
  only `2h + 1` log-probabilities per sample are gathered.

At batch 256 and K up to about a hundred, both losses take tens of microseconds, and
most of that is fixed cost per dispatched op and per autograd node, not arithmetic: the
fused node runs a handful of small ops more than `F.cross_entropy`, whose forward and
backward are two C++ nodes. The batch-size sweep above shows the ratio falling as the
per-element work grows. In a training step the criterion is a small part of the cost,
which is what the step ratio measures.

**torch.compile** (skorch's `compile=True`) works with the estimator but does not pay
off for these small tabular models (table above): compilation costs seconds and the
compiled steady-state epoch is slower, so the default stays `compile=False`.

## Threads, parallel search and clusters

**torch threads.** Each benchmark pins torch to `--threads` intra-op threads (default 1)
so that candidates compare fairly. The default TabularMLP is small: on a busy 2-core
machine, torch with 2 threads can be *several times slower* than with 1 thread (threads
spin waiting for a core), so for small tabular models prefer 1 thread per process and
parallelise across fits instead.

**GridSearchCV(n_jobs=k).** joblib's default `loky` backend starts worker processes with
`OMP_NUM_THREADS = cpu_count() // n_jobs` (and the MKL/OpenBLAS equivalents), and torch
reads `OMP_NUM_THREADS` when it starts, so with `n_jobs=2` on 2 cores every worker fits
with `torch.get_num_threads() == 1` (measured by a scorer returning that number inside the
workers, and by a bare `joblib.Parallel` probe; see `tests/test_parallel.py`). Caveat: if
the *parent* environment already sets `OMP_NUM_THREADS`, loky passes the parent's value
on unchanged; use `joblib.parallel_config(inner_max_num_threads=1)` (or unset the
variable) to force one thread per worker. `n_jobs=-1` with the loky backend is safe.
Results are identical to `n_jobs=1` when `random_state` is set, because the estimator
seeds torch inside `fit` (workers do not inherit the parent's `torch.manual_seed`).

**Dask.** The same search runs on a Dask cluster through joblib's `dask` backend
(tested in `tests/test_dask.py`; needs `pip install "dask[distributed]"`):

```python
from dask.distributed import Client, LocalCluster
from joblib import parallel_backend

cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
with Client(cluster), parallel_backend("dask"):
    search.fit(X, y)          # GridSearchCV(..., n_jobs=-1) over alpha x sigma
```

Use `processes=True` (one process per worker) and `threads_per_worker=1`: the Dask nanny
starts worker processes with `OMP_NUM_THREADS=1`, so torch uses 1 thread per worker.
Thread-based workers (`processes=False`) share one torch thread pool and one global torch
RNG, which `fit(random_state=...)` seeds: concurrent fits in one process are then neither
reproducible nor faster, so do not use them for torch estimators.

## GPUs

**One GPU.** `OrdinalKLClassifier(device="cuda")` trains on the GPU (the default
`ArrayBatchLoader` yields CPU slices; skorch moves each batch to `device`). `predict` and
`predict_proba` return CPU numpy arrays. Tested in `tests/test_parallel.py` (skipped
without CUDA). For data that fits in GPU memory, larger batches (`batch_size=1024`+) keep
the GPU busy; the criterion's target table (dense or band rows) is a buffer that
follows the device.

**Several GPUs / mixed precision** through Hugging Face `accelerate` and skorch's
experimental `AccelerateMixin`:

```python
from accelerate import Accelerator
from skorch.hf import AccelerateMixin
from torch.utils.data import DataLoader

from sk_ordinal_kl import OrdinalKLClassifier


class AcceleratedOrdinalKL(AccelerateMixin, OrdinalKLClassifier):
    \"\"\"OrdinalKLClassifier trained through accelerate (DDP, mixed precision).\"\"\"


net = AcceleratedOrdinalKL(
    accelerator=Accelerator(),       # mixed_precision="bf16", gradient_accumulation_steps=...
    device=None,                     # accelerate places module, criterion and batches
    iterator_train=DataLoader,       # accelerate shards DataLoaders across processes;
    iterator_valid=DataLoader,       # ArrayBatchLoader is not a DataLoader and is not sharded
    alpha=1.0, sigma=1.0, random_state=0,
)
net.fit(X, y)                        # launch with: accelerate launch train.py
```

Requirements from skorch 1.4's `AccelerateMixin`: `accelerator=` is a required keyword,
`device` must stay `None` while the accelerator places devices, optimizers that need a
closure (LBFGS) are not supported, and the net can be pickled only after training with
`unwrap_after_train=True` (the default). Use `DataLoader` iterators so that accelerate
shards the batches over processes and moves them to each process's device (with the
default `ArrayBatchLoader` every process would see all rows, on the CPU). Checked on CPU
(single process) in `tests/test_parallel.py` when `accelerate` is installed.
"""


def run(name: str, script: str, args: argparse.Namespace, results: Path) -> None:
    command = [sys.executable, str(HERE / script), "--threads", str(args.threads)]
    command += ["--json", str(results / f"{name}.json")]
    if args.quick:
        command.append("--quick")
    if args.repeats:
        command += ["--repeats", str(args.repeats)]
    print(f"$ {' '.join(command)}", flush=True)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    print(f"[{name}: {time.perf_counter() - start:.0f} s]\n", flush=True)


def md_table(headers, rows) -> list[str]:
    lines = ["| " + " | ".join(map(str, headers)) + " |"]
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def render(payloads: list[dict], command: str) -> str:
    quick = any(p["environment"]["quick"] for p in payloads)
    env = payloads[0]["environment"]
    lines = ["# Performance", ""]
    lines += [
        "<!-- Generated by benchmarks/run_all.py: edit that script, not this page. -->",
        "",
        f"Produced by `{command}` "
        f"(torch {env['torch']}, skorch {env['skorch']}, scikit-learn {env['sklearn']}, "
        f"Python {env['python']}, {env['cpus']} CPUs, {env['torch_threads']} torch thread(s) "
        "per process unless stated).",
        "",
    ]
    if quick:
        lines += [
            "> **Quick run: tiny sizes on a shared, busy machine. The numbers below only show "
            "that the scripts run; they are noisy and not representative.** Regenerate at "
            "full size on a quiet machine with `python benchmarks/run_all.py`.",
            "",
        ]
    lines += [
        "Every comparison runs its candidates interleaved and reports medians; ratios are "
        "medians of per-repetition ratios measured side by side. Scripts and exact "
        "commands: [benchmarks/README.md](../benchmarks/README.md).",
        "",
        "## Summary",
        "",
    ]
    rows = []
    for p in payloads:
        for c in p["checks"]:
            met = "yes" if c["met"] else "**no**"
            rows.append([p["title"], c["name"], fmt_value(c["value"]), c["target"], met])
    lines += md_table(["benchmark", "measure", "value", "target", "met"], rows)
    for p in payloads:
        lines += ["", f"## {p['title']}", "", f"`{p['environment']['command']}`", ""]
        for table in p["tables"]:
            lines += [f"{table['title']}", ""]
            lines += md_table(table["headers"], table["rows"])
            lines.append("")
        lines += [f"- {note}" for note in p["notes"]]
    lines += ["", GUIDE]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=None, help="override each script's")
    parser.add_argument("--only", nargs="+", choices=sorted(SCRIPTS), default=None)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument(
        "--from-json", action="store_true", help="do not run; render the existing results"
    )
    args = parser.parse_args()
    args.results.mkdir(parents=True, exist_ok=True)
    names = args.only or list(SCRIPTS)
    if not args.from_json:
        for name in names:
            run(name, SCRIPTS[name], args, args.results)
    payloads = [
        json.loads((args.results / f"{name}.json").read_text())
        for name in SCRIPTS
        if (args.results / f"{name}.json").exists()
    ]
    quick = any(p["environment"]["quick"] for p in payloads)
    command = "python benchmarks/run_all.py" + (" --quick" if quick else "")
    if args.repeats:
        command += f" --repeats {args.repeats}"
    if args.threads != 1:
        command += f" --threads {args.threads}"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(payloads, command))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
