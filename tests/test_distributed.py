"""Multi-process training: 2 CPU processes through torch.distributed (gloo) and DDP.

Runs ``benchmarks/train_multiprocess.py`` with torchrun, as the user guide says to, on
localhost only, with a free port.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch.distributed as dist

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "train_multiprocess.py"
N_CLASSES = 4

pytestmark = pytest.mark.skipif(
    not (dist.is_available() and dist.is_gloo_available()),
    reason="torch was built without torch.distributed / gloo",
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_processes_train_the_same_model(tmp_path: Path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    if sys.platform.startswith("linux"):
        env.setdefault("GLOO_SOCKET_IFNAME", "lo")  # loopback only, whatever the hostname
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nnodes",
        "1",
        "--nproc_per_node",
        "2",
        "--master_addr",
        "127.0.0.1",
        "--master_port",
        str(_free_port()),
        str(SCRIPT),
        "--n-samples",
        "2000",
        "--epochs",
        "6",
        "--out",
        str(tmp_path),
    ]
    # About 20 s on 2 busy cores, most of it starting the two interpreters.
    result = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{k}.json").read_text()) for k in (0, 1)]
    for k, rank in enumerate(ranks):
        assert rank["rank"] == k
        assert rank["world_size"] == 2
        assert rank["backend"] == "gloo"
        # Each process trained on half of the rows: 1000 rows in batches of 32.
        assert rank["train_rows"] == 1000
        assert rank["train_batches_per_epoch"] == 32
        # Well above chance (1 / 4) on the easy problem, over all 2000 rows.
        assert rank["accuracy"] > 0.6, rank["accuracy"]
    # Gradients averaged in every step: both processes end with the same weights,
    # although each shuffled and saw different rows.
    assert ranks[0]["params"] == ranks[1]["params"]
