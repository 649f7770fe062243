"""Scorers that report *where* a GridSearchCV fit ran, for the parallel and Dask tests.

They live in an importable module so that loky and Dask workers unpickle them by name.
"""

import os

import torch


def torch_threads_scorer(estimator, X, y):
    """The torch intra-op thread count of the process that just fitted ``estimator``."""
    return float(torch.get_num_threads())


def pid_scorer(estimator, X, y):
    """The id of the process that just fitted ``estimator``."""
    return float(os.getpid())


def split_values(search, name):
    """The set of per-split test values of scorer ``name`` in ``search.cv_results_``."""
    return {
        int(v)
        for key, values in search.cv_results_.items()
        if key.startswith("split") and key.endswith(f"_test_{name}")
        for v in values
    }
