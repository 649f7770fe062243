"""Parallel search (joblib), torch threads in workers, accelerate and CUDA devices."""

import os

import numpy as np
import pytest
import torch
from joblib import Parallel, delayed, parallel_config
from search_probes import pid_scorer, split_values, torch_threads_scorer
from sklearn.model_selection import GridSearchCV

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer

GRID = {"alpha": [0.0, 1.0], "sigma": [0.5, 2.0]}


def _thread_probe():
    return os.getpid(), torch.get_num_threads()


def _search(X, y, n_jobs):
    scoring = {"mse": neg_mse_class_index_scorer, "threads": torch_threads_scorer}
    scoring["pid"] = pid_scorer
    estimator = OrdinalKLClassifier(max_epochs=2, random_state=0)
    return GridSearchCV(estimator, GRID, scoring=scoring, refit="mse", cv=2, n_jobs=n_jobs).fit(
        X, y
    )


@pytest.fixture(scope="module")
def searches():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5)).astype(np.float32)
    y = np.digitize(X @ np.array([1.5, -1.0, 0.5, 0.0, 0.0]), [-1.0, 0.0, 1.0])
    return _search(X, y, 1), _search(X, y, 2)


def test_n_jobs_2_matches_n_jobs_1(searches):
    serial, parallel = searches
    np.testing.assert_array_equal(
        parallel.cv_results_["mean_test_mse"], serial.cv_results_["mean_test_mse"]
    )
    assert parallel.best_params_ == serial.best_params_


@pytest.mark.skipif(
    "OMP_NUM_THREADS" in os.environ, reason="loky passes a parent OMP_NUM_THREADS on unchanged"
)
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 CPUs")
def test_workers_use_cpu_count_over_n_jobs_torch_threads(searches):
    serial, parallel = searches
    expected = max((os.cpu_count() or 1) // 2, 1)
    assert split_values(parallel, "threads") == {expected}
    assert os.getpid() not in split_values(parallel, "pid")  # fitted in worker processes
    assert split_values(serial, "pid") == {os.getpid()}


def test_inner_max_num_threads_pins_worker_threads():
    with parallel_config(backend="loky", inner_max_num_threads=1):
        probes = Parallel(n_jobs=2)(delayed(_thread_probe)() for _ in range(4))
    assert {threads for _, threads in probes} == {1}
    assert os.getpid() not in {pid for pid, _ in probes}


# ----------------------------------------------------------------- devices
def _toy():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 4)).astype(np.float32)
    y = np.digitize(X[:, 0], [-0.5, 0.5])
    return X, y


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
def test_fit_on_cuda_predicts_numpy_on_cpu():
    X, y = _toy()
    net = OrdinalKLClassifier(device="cuda", max_epochs=3, random_state=0).fit(X, y)
    assert next(net.module_.parameters()).is_cuda
    assert all(buffer.is_cuda for buffer in net.criterion_.buffers())
    proba = net.predict_proba(X)
    assert isinstance(proba, np.ndarray)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert set(net.predict(X)) <= set(np.unique(y))


def test_accelerate_mixin_on_cpu():
    accelerate = pytest.importorskip("accelerate")
    from skorch.hf import AccelerateMixin
    from torch.utils.data import DataLoader

    class AcceleratedOrdinalKL(AccelerateMixin, OrdinalKLClassifier):
        """OrdinalKLClassifier through accelerate."""

    X, y = _toy()
    net = AcceleratedOrdinalKL(
        accelerator=accelerate.Accelerator(cpu=True),
        iterator_train=DataLoader,
        iterator_valid=DataLoader,
        max_epochs=3,
        random_state=0,
    ).fit(X, y)
    proba = net.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    plain = OrdinalKLClassifier(
        iterator_train=DataLoader, iterator_valid=DataLoader, max_epochs=3, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(proba, plain.predict_proba(X), rtol=1e-4, atol=1e-6)
