"""The core criterion CE + alpha KL(p_sigma || q): value, gradient, limits, errors, dtype."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sk_ordinal_kl.losses import (
    GaussianKLCrossEntropy,
    SoftLabelKLCrossEntropy,
    SoftTargetKLCrossEntropy,
    check_alpha,
    check_logits_and_target,
    reduce_loss,
)
from sk_ordinal_kl.targets import gaussian_targets, log_gaussian_targets, log_soft_target_table


def reference(logits, target, alpha, sigma, weight=None, reduction="mean"):
    """Float64 numpy: CE + alpha sum_k p_k log(p_k / q_k), p from the formula, 0 log 0 = 0."""
    z = np.asarray(logits, dtype=np.float64)
    num_classes = z.shape[1]
    log_q = z - z.max(1, keepdims=True)
    log_q -= np.log(np.exp(log_q).sum(1, keepdims=True))
    k = np.arange(num_classes)
    losses = []
    for row, y in zip(log_q, np.asarray(target), strict=True):
        p = np.exp(-((k - y) ** 2) / (2 * sigma**2))
        p /= p.sum()
        pos = p > 0
        kl = np.sum(p[pos] * (np.log(p[pos]) - row[pos]))
        losses.append(-row[y] + alpha * kl)
    losses = np.array(losses)
    w = np.ones_like(losses) if weight is None else np.asarray(weight, float)[np.asarray(target)]
    if reduction == "none":
        return losses * w
    if reduction == "sum":
        return np.sum(losses * w)
    return np.sum(losses * w) / np.sum(w)


def batch(num_classes, size=32, scale=3.0, seed=0, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    logits = (scale * torch.randn(size, num_classes, generator=generator)).to(dtype)
    target = torch.randint(0, num_classes, (size,), generator=generator)
    target[:2] = torch.tensor([0, num_classes - 1])
    return logits, target


@pytest.mark.parametrize("num_classes", [2, 7, 117])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0, 5.0])
@pytest.mark.parametrize("sigma", [0.3, 1.0, 4.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_float64_reference(num_classes, alpha, sigma, weighted):
    logits, target = batch(num_classes, seed=num_classes)
    weight = np.linspace(0.5, 2.0, num_classes) if weighted else None
    for reduction in ("mean", "sum", "none"):
        criterion = GaussianKLCrossEntropy(alpha, sigma, num_classes, weight, reduction)
        expected = reference(logits.numpy(), target.numpy(), alpha, sigma, weight, reduction)
        # float64 logits: 1e-5 relative on every value, per-sample ones included
        got64 = criterion(logits.double(), target)
        assert got64.dtype == torch.float64
        np.testing.assert_allclose(got64.numpy(), expected, rtol=1e-5)
        # float32 logits: a float32 log-softmax is only good to ~1e-7 absolute, so
        # per-sample losses near 0 (confident, right) need an absolute tolerance too
        got32 = criterion(logits, target)
        assert got32.dtype == torch.float32
        np.testing.assert_allclose(got32.numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_alpha_zero_is_exactly_cross_entropy(weighted, reduction):
    logits, target = batch(7)
    weight = torch.linspace(0.5, 2.0, 7) if weighted else None
    criterion = GaussianKLCrossEntropy(0.0, 1.0, 7, weight=weight, reduction=reduction)
    assert torch.equal(
        criterion(logits, target), F.cross_entropy(logits, target, weight, reduction=reduction)
    )


@pytest.mark.parametrize(
    ("num_classes", "alpha", "reduction"),
    [(2, 0.3, "mean"), (7, 0.0, "mean"), (7, 0.3, "sum"), (7, 5.0, "none"), (7, 5.0, "mean")],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradcheck_float64(num_classes, alpha, reduction, weighted):
    logits, target = batch(num_classes, size=6, dtype=torch.float64)
    weight = torch.linspace(0.5, 2.0, num_classes) if weighted else None
    criterion = GaussianKLCrossEntropy(alpha, 0.8, num_classes, weight=weight, reduction=reduction)
    logits.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda z: criterion(z, target), (logits,))


@pytest.mark.parametrize("alpha", [0.0, 0.7, 5.0])
def test_analytic_gradient(alpha):
    """d/dz = ((1 + alpha) softmax(z) - onehot - alpha p) / B for the mean."""
    logits, target = batch(9, dtype=torch.float64)
    logits.requires_grad_(True)
    GaussianKLCrossEntropy(alpha, 1.5, 9)(logits, target).backward()
    p = gaussian_targets(9, 1.5)[target]
    onehot = F.one_hot(target, 9).double()
    expected = ((1 + alpha) * torch.softmax(logits.detach(), 1) - onehot - alpha * p) / 32
    torch.testing.assert_close(logits.grad, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("num_classes", [2, 2000])
@pytest.mark.parametrize("sigma", [1e-6, 1e6])
def test_finite_at_extreme_logits_and_sigma(num_classes, sigma):
    generator = torch.Generator().manual_seed(0)
    logits = 1e4 * torch.sign(torch.randn(16, num_classes, generator=generator))
    target = torch.randint(0, num_classes, (16,), generator=generator)
    logits.requires_grad_(True)
    loss = GaussianKLCrossEntropy(2.0, sigma, num_classes)(logits, target)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(logits.grad).all()


@pytest.mark.parametrize("num_classes", [117, 1000])
def test_table_holds_no_subnormal_weights(num_classes):
    """Gaussian tails below float32's smallest normal are stored as 0 (slow CPU path)."""
    criterion = GaussianKLCrossEntropy(1.0, 1.0, num_classes)
    weights = criterion.target_weights
    exact = torch.eye(num_classes, dtype=torch.float64) + gaussian_targets(num_classes, 1.0)
    tiny = torch.finfo(torch.float32).tiny
    assert ((exact > 0) & (exact < tiny)).any()  # the float64 table has such tails
    assert not ((weights > 0) & (weights < tiny)).any()
    assert torch.equal(weights > 0, exact >= tiny)


@pytest.mark.parametrize(("kind", "sigma"), [("gaussian", 1.0), ("triangular", 5.0)])
def test_large_k_band_rows_built_directly_match_the_dense_table(kind, sigma, monkeypatch):
    num_classes = 3000
    dense = SoftTargetKLCrossEntropy(
        log_soft_target_table(kind, num_classes, sigma), alpha=1.5, reduction="none"
    )

    def no_dense_table(*args):
        raise AssertionError("a K x K table was built")

    monkeypatch.setattr("sk_ordinal_kl.losses._layout.log_soft_target_table", no_dense_table)
    banded = SoftLabelKLCrossEntropy(1.5, sigma, num_classes, kind=kind, reduction="none")
    half_width = banded.band_columns.shape[1] // 2
    assert banded.target_rows.shape == (num_classes, 2 * half_width + 1)
    assert torch.equal(banded.target_weights, dense.target_weights)
    torch.testing.assert_close(banded.target_offset, dense.target_offset, rtol=1e-6, atol=0)
    logits, target = batch(num_classes, size=64)
    logits.requires_grad_(True)
    torch.testing.assert_close(banded(logits, target), dense(logits, target))
    (got,) = torch.autograd.grad(banded(logits, target).mean(), logits)
    (expected,) = torch.autograd.grad(dense(logits, target).mean(), logits)
    torch.testing.assert_close(got, expected)


@pytest.mark.parametrize("num_classes", [7, 100])
def test_empty_batch_mean_is_nan_like_cross_entropy(num_classes):
    empty = torch.zeros(0, num_classes, requires_grad=True)
    target = torch.zeros(0, dtype=torch.long)
    assert torch.isnan(F.cross_entropy(empty, target))
    loss = GaussianKLCrossEntropy(1.0, 1.0, num_classes)(empty, target)
    assert torch.isnan(loss)
    loss.backward()
    assert empty.grad.shape == (0, num_classes)


@pytest.mark.parametrize("num_classes", [7, 100, 1000])
def test_int32_targets_give_the_int64_loss(num_classes):
    logits, target = batch(num_classes)
    criterion = GaussianKLCrossEntropy(1.0, 1.0, num_classes)
    torch.testing.assert_close(
        criterion(logits, target.int()), criterion(logits, target), rtol=0, atol=0
    )


def test_large_batch_mean_keeps_float32_precision():
    """Per-sample sums first: one B*K-long float32 sum of cancelling terms loses digits."""
    logits, target = batch(200, size=8192, seed=3)
    criterion = GaussianKLCrossEntropy(1.0, 30.0, 200)  # wide kernel: dense rows
    assert criterion.band_columns is None
    got = criterion(logits, target).item()
    expected = criterion.double()(logits.double(), target).item()
    assert abs(got - expected) <= 1e-6 * abs(expected)


def test_small_k_is_never_banded():
    """K <= 32 keeps the dense native path even when the kernel is one-hot-narrow."""
    assert GaussianKLCrossEntropy(1.0, 0.05, 32).band_columns is None
    assert GaussianKLCrossEntropy(1.0, 0.05, 33).band_columns is not None


def test_sigma_limits():
    logits, target = batch(6)
    ce = F.cross_entropy(logits, target, reduction="none")
    narrow = GaussianKLCrossEntropy(1.5, 1e-6, 6, reduction="none")
    assert torch.equal(gaussian_targets(6, 1e-6), torch.eye(6, dtype=torch.float64))
    torch.testing.assert_close(narrow(logits, target), 2.5 * ce)  # (1 + alpha) CE
    wide = GaussianKLCrossEntropy(1.5, 1e6, 6, reduction="none")
    torch.testing.assert_close(
        gaussian_targets(6, 1e6), torch.full((6, 6), 1 / 6, dtype=torch.float64)
    )
    kl_uniform = -math.log(6) - torch.log_softmax(logits, 1).mean(1)
    torch.testing.assert_close(wide(logits, target), ce + 1.5 * kl_uniform)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"alpha": -0.1}, ValueError, "alpha"),
        ({"alpha": math.nan}, ValueError, "alpha"),
        ({"alpha": math.inf}, ValueError, "alpha"),
        ({"alpha": "1"}, TypeError, "alpha"),
        ({"sigma": 0.0}, ValueError, "sigma"),
        ({"sigma": -1.0}, ValueError, "sigma"),
        ({"sigma": math.inf}, ValueError, "sigma"),
        ({"num_classes": 1}, ValueError, "num_classes"),
        ({"num_classes": None}, TypeError, "num_classes"),
        ({"num_classes": 2.5}, TypeError, "num_classes"),
        ({"weight": [1.0, 2.0]}, ValueError, "weight must have shape"),
        ({"weight": [1.0, -2.0, 1.0]}, ValueError, "non-negative"),
        ({"reduction": "avg"}, ValueError, "reduction"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    params = {"alpha": 1.0, "sigma": 1.0, "num_classes": 3, **kwargs}
    with pytest.raises(error, match=match):
        GaussianKLCrossEntropy(**params)


def test_bad_batches():
    criterion = GaussianKLCrossEntropy(1.0, 1.0, 3)
    with pytest.raises(ValueError, match="logits must have shape"):
        criterion(torch.zeros(4), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="logits must have shape"):
        criterion(torch.zeros(4, 5), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="target must have shape"):
        criterion(torch.zeros(4, 3), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="target must have shape"):
        criterion(torch.zeros(4, 3), torch.zeros(4, 1, dtype=torch.long))
    with pytest.raises(TypeError, match="integer class indices"):
        criterion(torch.zeros(4, 3), torch.zeros(4))
    with pytest.raises(TypeError, match="integer class indices"):
        check_logits_and_target(torch.zeros(2, 3), torch.tensor([True, False]), 3)


def test_bad_log_targets():
    with pytest.raises(ValueError, match="square"):
        SoftTargetKLCrossEntropy(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="sum to 1"):
        SoftTargetKLCrossEntropy(torch.zeros(3, 3))
    with pytest.raises(ValueError, match="NaN"):
        SoftTargetKLCrossEntropy(torch.full((2, 2), math.nan))
    with pytest.raises(ValueError, match="'num_classes' parameter"):
        SoftTargetKLCrossEntropy(torch.zeros(1, 1))


def test_buffers_follow_dtype_and_device():
    criterion = GaussianKLCrossEntropy(1.0, 1.0, 5, weight=torch.ones(5)).double()
    assert {b.dtype for b in criterion.buffers()} == {torch.float64}
    logits, target = batch(5, dtype=torch.float64)
    assert criterion(logits, target).dtype == torch.float64
    criterion.set_sigma(2.0)  # rebuilt buffers keep the module's dtype
    assert {b.dtype for b in criterion.buffers()} == {torch.float64}
    criterion = criterion.to(torch.device("cpu")).float()
    assert {b.dtype for b in criterion.buffers()} == {torch.float32}


def test_generic_table_and_kernel_classes_agree():
    logits, target = batch(6)
    generic = SoftTargetKLCrossEntropy(log_gaussian_targets(6, 0.9), alpha=2.0)
    special = GaussianKLCrossEntropy(2.0, 0.9, 6)
    family = SoftLabelKLCrossEntropy(2.0, 0.9, 6, kind="gaussian")
    assert torch.equal(generic(logits, target), special(logits, target))
    assert torch.equal(family(logits, target), special(logits, target))
    assert isinstance(special, SoftLabelKLCrossEntropy)


def test_helpers():
    assert check_alpha(2) == 2.0
    with pytest.raises(TypeError):
        check_alpha(True)
    w = torch.tensor([1.0, 3.0])
    assert reduce_loss(torch.tensor([2.0, 4.0]), w, "mean") == (2 + 12) / 4
    assert reduce_loss(torch.tensor([2.0, 4.0]), w, "sum") == 14
    assert torch.equal(reduce_loss(torch.tensor([2.0, 4.0]), None, "none"), torch.tensor([2.0, 4]))
