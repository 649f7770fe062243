"""Train ``OrdinalKLClassifier`` in several CPU processes (torch.distributed, gloo).

Data-parallel training with PyTorch's ``DistributedDataParallel`` (DDP): every process
fits the estimator on its own, equally sized share of the rows with the network
wrapped in DDP, which averages the gradients over the processes in every backward
pass, so all processes take the same optimizer steps and end with the same weights.
Launch one process per core:

    torchrun --nproc_per_node 2 benchmarks/train_multiprocess.py

torchrun starts the processes and sets ``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR`` and
``MASTER_PORT``, which ``init_process_group`` reads. Process 0 prints the number of
processes, the training batches per epoch and process, and the accuracy; with
``--out DIR`` every process also writes ``rank<k>.json`` with those numbers and a copy
of its trained parameters (``tests/test_distributed.py`` runs the script with torchrun
on 2 processes and compares them).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.datasets import make_ordinal_classification
from sk_ordinal_kl.modules import TabularMLP

N_CLASSES = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None, help="write rank<k>.json here")
    args = parser.parse_args()

    dist.init_process_group("gloo")  # CPU collectives; torchrun's environment says where
    rank, world = dist.get_rank(), dist.get_world_size()
    X, y = make_ordinal_classification(
        n_samples=args.n_samples, n_features=10, n_classes=N_CLASSES, noise=0.3, random_state=0
    )
    X = X.astype(np.float32)
    # Every process needs the same number of rows (hence of batches and gradient
    # averages per epoch): drop the remainder, then deal the rows out.
    n = len(X) - len(X) % world
    X_part, y_part = X[rank:n:world], y[rank:n:world]

    torch.manual_seed(0)
    module = DistributedDataParallel(TabularMLP(X.shape[1], N_CLASSES))  # rank 0's weights
    net = OrdinalKLClassifier(
        module=module,
        classes=list(range(N_CLASSES)),  # the same classes in every process
        max_epochs=args.epochs,
        batch_size=32,
        lr=3e-3,
        random_state=rank,  # each process shuffles its rows in its own order
    )
    net.fit(X_part, y_part)

    accuracy = float(np.mean(net.predict(X) == y))
    params = torch.cat([p.detach().flatten() for p in net.module_.parameters()])
    result = {
        "rank": rank,
        "world_size": world,
        "backend": dist.get_backend(),
        "train_rows": len(X_part),
        "train_batches_per_epoch": int(net.history[-1, "train_batch_count"]),
        "accuracy": accuracy,
        "params": params.tolist(),
    }
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"rank{rank}.json").write_text(json.dumps(result))
    if rank == 0:
        print(
            f"{world} process(es) ({result['backend']}), {result['train_rows']} rows and "
            f"{result['train_batches_per_epoch']} batches per epoch and process, "
            f"accuracy {accuracy:.3f}"
        )
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
