"""Soft-target tables: every kernel against its formula, extreme widths, errors."""

import math

import numpy as np
import pytest
import torch
from scipy.special import gammaln

from sk_ordinal_kl.targets import (
    SOFT_TARGET_KINDS,
    check_kind,
    check_sigma,
    gaussian_targets,
    index_distance,
    log_gaussian_targets,
    log_soft_target_band,
    log_soft_target_table,
    soft_target_half_width,
    soft_target_table,
    target_entropy,
    target_moments,
)


def numpy_table(kind, num_classes, sigma):
    """Independent float64 evaluation of every kernel, straight from its formula."""
    k = np.arange(num_classes, dtype=float)
    rows = []
    for y in range(num_classes):
        d = k - y
        if kind == "gaussian":
            w = np.exp(-(d**2) / (2 * sigma**2))
        elif kind == "laplace":
            w = np.exp(-np.abs(d) / sigma)
        elif kind == "triangular":
            w = np.maximum(0.0, 1.0 - np.abs(d) / sigma)
        elif kind == "binomial":
            n, theta = num_classes - 1, (y + 0.5) / num_classes
            log_pmf = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
            log_pmf += k * np.log(theta) + (n - k) * np.log(1 - theta)
            w = np.exp((log_pmf - log_pmf.max()) / sigma)
        else:  # poisson
            lam = y + 0.5
            log_pmf = k * np.log(lam) - lam - gammaln(k + 1)
            w = np.exp((log_pmf - log_pmf.max()) / sigma)
        rows.append(w / w.sum())
    return np.array(rows)


@pytest.mark.parametrize("kind", SOFT_TARGET_KINDS)
@pytest.mark.parametrize("num_classes", [2, 7, 117])
@pytest.mark.parametrize("sigma", [0.3, 1.0, 4.0])
def test_table_matches_formula_and_is_a_distribution(kind, num_classes, sigma):
    table = soft_target_table(kind, num_classes, sigma)
    assert table.dtype == torch.float64 and table.shape == (num_classes, num_classes)
    np.testing.assert_allclose(table.numpy(), numpy_table(kind, num_classes, sigma), atol=1e-12)
    np.testing.assert_allclose(table.sum(dim=1).numpy(), 1.0, rtol=1e-12)
    # unimodal with the mode on the true class
    assert torch.equal(table.argmax(dim=1), torch.arange(num_classes))
    log_table = log_soft_target_table(kind, num_classes, sigma)
    assert not torch.isnan(log_table).any() and not (log_table == math.inf).any()


def dense_band(table, half_width):
    """Band ``|k - y| <= h`` cut from a dense numpy table, 0 outside ``0..K-1``."""
    num_classes = table.shape[0]
    out = np.zeros((num_classes, 2 * half_width + 1))
    for y in range(num_classes):
        for j, k in enumerate(range(y - half_width, y + half_width + 1)):
            if 0 <= k < num_classes:
                out[y, j] = table[y, k]
    return out


@pytest.mark.parametrize("kind", SOFT_TARGET_KINDS)
@pytest.mark.parametrize(("num_classes", "sigma"), [(60, 0.05), (120, 1.0), (40, 3.0)])
def test_band_is_the_dense_band_when_the_rest_is_below_the_floor(kind, num_classes, sigma):
    floor = math.log(1e-38)
    table = numpy_table(kind, num_classes, sigma)
    half_width = soft_target_half_width(kind, num_classes, sigma, floor, num_classes)
    # exact: everything at or above the floor is inside, and the band is no wider
    distance = np.abs(np.subtract.outer(np.arange(num_classes), np.arange(num_classes)))
    with np.errstate(divide="ignore"):
        above = np.log(table) >= floor
    assert half_width == distance[above].max()
    band = log_soft_target_band(kind, num_classes, sigma, half_width).exp()
    assert band.shape == (num_classes, 2 * half_width + 1)
    np.testing.assert_allclose(band.numpy(), dense_band(table, half_width), atol=1e-15)


def test_half_width_gives_up_beyond_the_limit():
    assert soft_target_half_width("laplace", 1000, 1.0, math.log(1e-38), 62) is None
    assert soft_target_half_width("gaussian", 1000, 1.0, math.log(1e-38), 62) == 13
    assert soft_target_half_width("gaussian", 1000, 1.0, math.log(1e-38), 12) is None


def test_gaussian_is_the_default_special_case():
    assert torch.equal(gaussian_targets(9, 1.7), soft_target_table("gaussian", 9, 1.7))
    assert torch.equal(log_gaussian_targets(9, 1.7), log_soft_target_table("gaussian", 9, 1.7))


@pytest.mark.parametrize("p", [1.0, 2.0])
@pytest.mark.parametrize("sigma", [0.5, 1.0, 3.0])
def test_dlordinal_exponential_soft_labels(p, sigma):
    """dlordinal's labels softmax(-|k - y|^p / tau) (own re-implementation): p=2,
    tau=2 sigma^2 is the Gaussian kernel, p=1, tau=sigma the Laplace (SORD) one."""
    num_classes = 8
    tau, kind = (2 * sigma**2, "gaussian") if p == 2.0 else (sigma, "laplace")
    k = np.arange(num_classes)
    logits = -(np.abs(k[None, :] - k[:, None]) ** p) / tau
    expected = np.exp(logits - logits.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    np.testing.assert_allclose(soft_target_table(kind, num_classes, sigma).numpy(), expected)


def test_triangular_zeros_are_exact_and_entropy_handles_them():
    log_table = log_soft_target_table("triangular", 6, 2.0)
    table = log_table.exp()
    assert (table[0, 2:] == 0).all() and (log_table[0, 2:] == -math.inf).all()
    p = table.numpy()
    expected = -np.array([np.sum(r[r > 0] * np.log(r[r > 0])) for r in p])
    np.testing.assert_allclose(target_entropy(log_table).numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("kind", "num_classes"),
    [(kind, k) for kind in SOFT_TARGET_KINDS for k in (2, 300)] + [("gaussian", 2000)],
)
def test_extreme_sigma_limits(kind, num_classes):
    """sigma -> 0: one-hot rows; sigma -> inf: uniform rows; finite all along.

    The temperature kernels (binomial, Poisson) approach one-hot like exp(-c / sigma)
    with c the log-pmf gap at the mode, so sigma=1e-6 is one-hot to 1e-100, not exactly.
    """
    eye = torch.eye(num_classes, dtype=torch.float64)
    uniform = torch.full_like(eye, 1 / num_classes)
    cases = [(1e-6, eye, 1e-100), (1e6, uniform, 0.01 / num_classes)]  # 1e6: within 1%
    if num_classes < 100:  # the same code path at K = 2000, only slower
        cases += [(1e-300, eye, 0.0), (1e300, uniform, 1e-15)]
    for sigma, expected, atol in cases:
        log_table = log_soft_target_table(kind, num_classes, sigma)
        assert not torch.isnan(log_table).any() and not (log_table == math.inf).any()
        assert float((log_table.exp() - expected).abs().max()) <= atol  # (assert_close is slow)
        assert torch.isfinite(target_entropy(log_table)).all()
    one_hot = log_soft_target_table(kind, num_classes, 1e-9)
    assert float(target_entropy(one_hot).max()) < 1e-100
    flat = target_entropy(log_soft_target_table(kind, num_classes, 1e9))
    torch.testing.assert_close(flat, torch.full_like(flat, math.log(num_classes)))


def test_target_moments_match_numpy():
    log_table = log_soft_target_table("laplace", 7, 1.3)
    mean, variance = target_moments(log_table)
    p, k = log_table.exp().numpy(), np.arange(7)
    expected_mean = p @ k
    np.testing.assert_allclose(mean.numpy(), expected_mean, rtol=1e-12)
    expected_var = (p * (k[None] - expected_mean[:, None]) ** 2).sum(1)
    np.testing.assert_allclose(variance.numpy(), expected_var, rtol=1e-12)


def test_index_distance():
    assert torch.equal(
        index_distance(3), torch.tensor([[0, 1, 2], [-1, 0, 1], [-2, -1, 0.0]]).double()
    )


@pytest.mark.parametrize(
    ("sigma", "error"),
    [(0, ValueError), (-1.0, ValueError), (math.inf, ValueError), (math.nan, ValueError),
     ("1", TypeError), (True, TypeError), (None, TypeError)],
)  # fmt: skip
def test_check_sigma_rejects(sigma, error):
    with pytest.raises(error, match="sigma"):
        check_sigma(sigma)
    with pytest.raises(error, match="sigma"):
        soft_target_table("gaussian", 3, sigma)


def test_bad_kind_and_num_classes():
    assert check_kind("poisson") == "poisson"
    with pytest.raises(ValueError, match="'kind' parameter of"):
        soft_target_table("cauchy", 3, 1.0)
    with pytest.raises(ValueError, match=r"'num_classes' parameter .* range \[2, inf\)"):
        soft_target_table("laplace", 1, 1.0)
    with pytest.raises(TypeError, match=r"'num_classes' parameter .* must be an int"):
        gaussian_targets(2.5, 1.0)


def test_every_kernel_has_its_own_module():
    from sk_ordinal_kl.losses._targets import _kinds

    assert SOFT_TARGET_KINDS == ("gaussian", "laplace", "triangular", "binomial", "poisson")
    modules = {f.__module__ for f in _kinds.LOG_WEIGHTS.values()}
    assert modules == {f"sk_ordinal_kl.losses._targets._{kind}" for kind in SOFT_TARGET_KINDS}
