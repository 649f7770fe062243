"""SigmaSchedule: anneals the criterion's table, respects the floor, keeps params clean."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.callbacks import SigmaSchedule
from sk_ordinal_kl.losses import DLDLv2Loss, FocalLoss, GaussianKLCrossEntropy
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer
from sk_ordinal_kl.targets import gaussian_targets, soft_target_table


def _fit(X, y, **params):
    params = {"max_epochs": 5, "random_state": 0, "batch_size": 128, **params}
    return OrdinalKLClassifier(**params).fit(X, y)


def test_schedule_shrinks_sigma_to_the_floor_and_rebuilds_the_table(ordinal_data):
    X, y = ordinal_data
    schedule = SigmaSchedule(factor=0.5, min_sigma=0.3)
    clf = _fit(X, y, alpha=1.0, sigma=2.0, callbacks=[schedule])
    assert clf.history[:, "sigma"] == [2.0, 1.0, 0.5, 0.3, 0.3]
    criterion = clf.criterion_
    assert criterion.current_sigma == 0.3
    expected = torch.eye(4) + gaussian_targets(4, 0.3).float()
    torch.testing.assert_close(criterion.target_weights, expected)
    # the estimator's parameter, and the criterion's constructor value, are untouched
    assert clf.sigma == 2.0 and criterion.sigma == 2.0
    assert clf.get_params()["sigma"] == 2.0
    assert schedule.get_params() == {"factor": 0.5, "min_sigma": 0.3}
    cloned = clone(clf)
    assert cloned.sigma == 2.0 and cloned.callbacks[0].get_params() == schedule.get_params()


def test_table_changes_every_epoch(ordinal_data):
    X, y = ordinal_data
    tables = []

    class Spy(SigmaSchedule):
        def on_epoch_begin(self, net, **kwargs):
            super().on_epoch_begin(net, **kwargs)
            tables.append(net.criterion_.targets.clone())

    _fit(X, y, sigma=3.0, max_epochs=4, criterion=DLDLv2Loss, callbacks=[Spy(factor=0.7)])
    for epoch, table in enumerate(tables):
        expected = soft_target_table("gaussian", 4, 3.0 * 0.7**epoch).float()
        torch.testing.assert_close(table, expected)
    assert not torch.equal(tables[0], tables[-1])


def test_never_raises_sigma_below_the_floor(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, sigma=0.05, max_epochs=3, callbacks=[SigmaSchedule(0.9, min_sigma=0.1)])
    assert clf.history[:, "sigma"] == [0.05, 0.05, 0.05]


def test_fresh_fit_restarts_and_partial_fit_continues(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, sigma=1.0, max_epochs=2, callbacks=[SigmaSchedule(0.5, min_sigma=0.01)])
    assert clf.criterion_.current_sigma == 0.25
    clf.partial_fit(X, y)
    assert clf.history[:, "sigma"][-2:] == [0.25, 0.125]
    clf.fit(X, y)
    assert clf.history[:, "sigma"] == [1.0, 0.5]


def test_factor_is_tunable_through_callbacks_routing(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(
        sigma=2.0,
        max_epochs=2,
        batch_size=128,
        random_state=0,
        callbacks=[("sigma_schedule", SigmaSchedule())],
    )
    clf.set_params(callbacks__sigma_schedule__factor=0.25)
    clf.fit(X, y)
    assert clf.history[:, "sigma"] == [2.0, 0.5]
    search = GridSearchCV(
        clf,
        {"callbacks__sigma_schedule__factor": [0.5, 1.0]},
        scoring=neg_mse_class_index_scorer,
        cv=2,
    )
    search.fit(X, y)
    assert search.best_params_["callbacks__sigma_schedule__factor"] in (0.5, 1.0)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.sigma == 2.0


@pytest.mark.parametrize("factor", [0.0, -0.5, 1.5, float("nan")])
def test_bad_factor(ordinal_data, factor):
    X, y = ordinal_data
    with pytest.raises(ValueError, match="factor"):
        _fit(X, y, max_epochs=1, callbacks=[SigmaSchedule(factor=factor)])


def test_bad_min_sigma_and_criterion(ordinal_data):
    X, y = ordinal_data
    with pytest.raises(ValueError, match="sigma"):
        _fit(X, y, max_epochs=1, callbacks=[SigmaSchedule(min_sigma=0.0)])
    with pytest.raises(TypeError, match="set_sigma"):
        _fit(X, y, max_epochs=1, criterion=FocalLoss, callbacks=[SigmaSchedule()])


def test_set_sigma_keeps_buffer_dtype():
    criterion = GaussianKLCrossEntropy(1.0, 2.0, 5).double()
    criterion.set_sigma(0.5)
    assert criterion.target_weights.dtype == torch.float64
    assert criterion.current_sigma == 0.5 and criterion.sigma == 2.0
