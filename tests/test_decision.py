"""Decision rules against brute-force minimisers of the expected loss."""

import numpy as np
import pytest

from sk_ordinal_kl.decision import check_prediction_rule, predict_index


def _random_proba(seed, n=500, k=7):
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.full(k, 0.4), size=n)
    return proba


def _expected_loss(proba, power):
    """E_q[|c - Y|^power] for every candidate index c: shape (n, K)."""
    k = np.arange(proba.shape[1])
    distance = np.abs(k[:, None] - k[None, :]) ** power  # (candidate, true)
    return proba @ distance.T


@pytest.mark.parametrize("seed", range(3))
def test_median_minimises_expected_absolute_error(seed):
    proba = _random_proba(seed)
    loss = _expected_loss(proba, 1)
    chosen = loss[np.arange(len(proba)), predict_index(proba, "median")]
    np.testing.assert_allclose(chosen, loss.min(axis=1), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_rounded_mean_minimises_expected_squared_error(seed):
    # E[(c - Y)^2] = (c - mean)^2 + Var: the nearest integer to the mean wins.
    proba = _random_proba(seed)
    loss = _expected_loss(proba, 2)
    chosen = loss[np.arange(len(proba)), predict_index(proba, "mean")]
    np.testing.assert_allclose(chosen, loss.min(axis=1), rtol=1e-12, atol=1e-12)


def test_argmax_is_the_mode():
    proba = _random_proba(0)
    np.testing.assert_array_equal(predict_index(proba, "argmax"), proba.argmax(axis=1))


def test_rules_on_a_bimodal_row():
    q = np.array([[0.4, 0.0, 0.0, 0.3, 0.3]])
    assert [int(predict_index(q, r)[0]) for r in ("argmax", "median", "mean")] == [0, 3, 2]


def test_median_tolerates_float32_rows_below_one():
    q = np.array([[0.5 - 1e-7, 0.5 - 1e-7, 0.0]], dtype=np.float32)
    assert predict_index(q, "median")[0] == 0


def test_unknown_rule_and_bad_shape():
    with pytest.raises(ValueError, match="prediction must be one of"):
        check_prediction_rule("mode")
    with pytest.raises(ValueError, match="2-D"):
        predict_index(np.ones(3), "argmax")
