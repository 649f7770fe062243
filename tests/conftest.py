"""Shared fixtures. Each pytest-xdist worker gets one torch thread so that ``-n 2`` on
two cores does not oversubscribe them."""

import os
from pathlib import Path

import numpy as np
import pytest
import torch

if os.environ.get("PYTEST_XDIST_WORKER"):
    torch.set_num_threads(1)

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """Root of ../shared/datasets (orreview format); skip when it is not beside the repo."""
    if not (SHARED_DATASETS / "ERA").is_dir():
        message = f"reference datasets not found at {SHARED_DATASETS}"
        if os.environ.get("CI"):  # CI always has ../shared beside the clone: never skip
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
