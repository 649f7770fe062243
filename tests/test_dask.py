"""Recipe: the alpha x sigma search on a Dask cluster via joblib's ``dask`` backend.

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
    with Client(cluster), joblib.parallel_backend("dask"):
        search.fit(X, y)

Process workers (``processes=True``) each get ``OMP_NUM_THREADS=1`` from the Dask nanny,
so torch runs one thread per worker; results equal a local ``n_jobs=1`` search because
the estimator seeds torch inside ``fit`` from ``random_state``.
"""

import logging
import os

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

import joblib  # noqa: E402
from search_probes import pid_scorer, split_values, torch_threads_scorer  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sk_ordinal_kl import OrdinalKLClassifier  # noqa: E402
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer  # noqa: E402

STEP = "ordinalklclassifier__"
GRID = {STEP + "alpha": [0.0, 1.0], STEP + "sigma": [0.5, 2.0]}


def _search(n_jobs):
    pipe = make_pipeline(StandardScaler(), OrdinalKLClassifier(max_epochs=2, random_state=0))
    scoring = {
        "mse": neg_mse_class_index_scorer,
        "threads": torch_threads_scorer,
        "pid": pid_scorer,
    }
    return GridSearchCV(pipe, GRID, scoring=scoring, refit="mse", cv=2, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    with cluster, distributed.Client(cluster) as dask_client:
        yield dask_client


def test_dask_search_matches_local_search(client, ordinal_data):
    X, y = ordinal_data
    local = _search(n_jobs=1).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = _search(n_jobs=-1).fit(X, y)
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_mse"], local.cv_results_["mean_test_mse"]
    )
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
    # The fits ran in the Dask worker processes, each with one torch thread.
    worker_pids = set(client.run(os.getpid).values())
    assert split_values(remote, "pid") <= worker_pids
    assert split_values(remote, "threads") == {1}
