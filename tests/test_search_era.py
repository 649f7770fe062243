"""The issue's user story on real data: GridSearchCV over alpha x sigma x rule on ERA."""

import numpy as np
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.datasets import load_orreview_holdout
from sk_ordinal_kl.metrics import mse_class_index, neg_mse_class_index_scorer


def test_grid_search_on_era_holdout_0(shared_datasets):
    split = load_orreview_holdout(shared_datasets, "ERA", 0)
    pipe = make_pipeline(StandardScaler(), OrdinalKLClassifier(max_epochs=30, random_state=0))
    grid = {
        "ordinalklclassifier__alpha": [0.0, 1.0],
        "ordinalklclassifier__sigma": [1.0, 2.0],
        "ordinalklclassifier__prediction": ["argmax", "mean"],
    }
    search = GridSearchCV(pipe, grid, scoring=neg_mse_class_index_scorer, cv=3, n_jobs=2)
    search.fit(split.X_train, split.y_train)

    assert set(search.best_params_) == set(grid)
    assert search.cv_results_["mean_test_score"].shape == (8,)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    pred = search.predict(split.X_test)
    assert set(np.unique(pred)) <= set(range(1, 10))  # original labels 1..9, not indices
    # Sanity bound: far better than always predicting the median class.
    baseline = np.full_like(split.y_test, int(np.median(split.y_train)))
    assert mse_class_index(split.y_test, pred) < 0.8 * mse_class_index(split.y_test, baseline)
