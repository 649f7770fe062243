"""Shared fixtures. Tests run with one torch thread: their tensors are small, ``-n 2`` on
two cores must not oversubscribe them, and results do not depend on the thread count."""

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# The one place that knows where the reference data lies: $SK_ORDINAL_KL_DATA_DIR, or the
# project's reference folder beside the checkout. Setting the variable here also points
# the examples and the docs build (subprocesses) at it.
_DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
os.environ.setdefault("SK_ORDINAL_KL_DATA_DIR", str(_DEFAULT_DATA))
SHARED_DATASETS = Path(os.environ["SK_ORDINAL_KL_DATA_DIR"])


REPOSITORY = Path(__file__).resolve().parents[1]


def load_script(relative_path: str):
    """A script of the checkout (e.g. ``benchmarks/tools/fit_time.py``) as a module.

    The studies and tools under ``benchmarks/`` are not in the package, so they are
    loaded by path. The module is registered in ``sys.modules`` (dataclasses look their
    module up there) under a name of its own, and loaded once per session.
    """
    path = REPOSITORY / relative_path
    name = "_script_" + relative_path.removesuffix(".py").replace("/", "_")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """Root of the orreview-format reference datasets; skip when they are not there."""
    if not (SHARED_DATASETS / "ERA").is_dir():
        message = f"reference datasets not found at {SHARED_DATASETS}"
        if os.environ.get("CI"):  # CI always has the reference data: never skip
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATASETS


@pytest.fixture
def ordinal_data():
    """Small, learnable 4-class ordinal problem (latent score cut into classes)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 5))
    score = X @ np.array([1.5, -1.0, 0.5, 0.0, 0.0]) + 0.3 * rng.normal(size=240)
    y = np.digitize(score, np.quantile(score, [0.25, 0.5, 0.75]))
    return X, y


def write_orreview(root, name: str, n_holdouts: int, seed: int) -> None:
    """A tiny orreview-format dataset: 3 features, 3 ordered classes 1..3, 60 rows."""
    rng = np.random.default_rng(seed)
    folder = root / name
    folder.mkdir(parents=True)
    for k in range(n_holdouts):
        for part, n in (("train", 45), ("test", 15)):
            X = rng.normal(size=(n, 3))
            y = np.digitize(X[:, 0] + 0.3 * rng.normal(size=n), [-0.5, 0.5]) + 1
            y[:3] = [1, 2, 3]  # every class present in every file
            rows = np.column_stack([X, y])
            np.savetxt(folder / f"{part}_{name}.{k}", rows, fmt="%.5f")


@pytest.fixture
def orreview_root(tmp_path):
    root = tmp_path / "data"
    write_orreview(root, "alpha", 3, seed=0)
    write_orreview(root, "beta", 3, seed=1)
    return root
