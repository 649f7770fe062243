"""The fused soft-target cross-entropy kernel, dense and banded layouts."""

import numpy as np
import pytest
import torch

from sk_ordinal_kl.losses._layout import (
    SMALL_NUM_CLASSES,
    SoftTarget,
    band_layout,
    band_to_dense,
    mix_onehot,
    pack_rows,
)
from sk_ordinal_kl.losses._soft_ce import (
    small_soft_target_cross_entropy,
    soft_target_cross_entropy,
)
from sk_ordinal_kl.targets import gaussian_targets, target_entropy


class _KLTable:
    """The KL-type table ``onehot + alpha p`` in the layout the kernel would pick."""

    def __init__(self, num_classes, sigma, alpha, dtype=torch.float32):
        p = gaussian_targets(num_classes, sigma)
        weights = (torch.eye(num_classes, dtype=torch.float64) + alpha * p).to(dtype)
        self.offset = (alpha * target_entropy(p.log())).to(dtype)
        layout = band_layout(weights)
        self.rows, self.band_columns = (weights, None) if layout is None else layout

    def cross_entropy(self, logits, target, reduction="none"):
        return soft_target_cross_entropy(
            logits, target, self.rows, self.offset, self.band_columns, reduction
        )


def _kl_table(num_classes, sigma, alpha, dtype=torch.float32):
    return _KLTable(num_classes, sigma, alpha, dtype)


def _reference(logits, target, num_classes, sigma, alpha):
    """Float64 numpy: -sum_k (onehot + alpha p)_k log q_k - alpha H(p)."""
    z = logits.detach().double().numpy()
    log_q = z - z.max(1, keepdims=True)
    log_q -= np.log(np.exp(log_q).sum(1, keepdims=True))
    k = np.arange(num_classes)
    out = []
    for row, y in zip(log_q, target.numpy(), strict=True):
        p = np.exp(-((k - y) ** 2) / (2 * sigma**2))
        p /= p.sum()
        entropy = -np.sum(p[p > 0] * np.log(p[p > 0]))
        out.append(-row[y] - alpha * np.sum(p * row) - alpha * entropy)
    return np.array(out)


@pytest.mark.parametrize(
    ("num_classes", "sigma", "banded"), [(7, 1.0, False), (300, 1.0, True), (300, 30.0, False)]
)
def test_matches_float64_reference_and_layout(num_classes, sigma, banded):
    table = _kl_table(num_classes, sigma, alpha=1.5)
    assert (table.band_columns is not None) == banded
    generator = torch.Generator().manual_seed(0)
    logits = 3 * torch.randn(64, num_classes, generator=generator)
    target = torch.randint(0, num_classes, (64,), generator=generator)
    target[:2] = torch.tensor([0, num_classes - 1])  # band edges
    np.testing.assert_allclose(
        table.cross_entropy(logits, target).numpy(),
        _reference(logits, target, num_classes, sigma, 1.5),
        rtol=1e-5,
    )


@pytest.mark.parametrize(("num_classes", "banded"), [(7, False), (300, True)])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_reduced_inside_the_node_matches_float64_reference(num_classes, banded, reduction):
    table = _kl_table(num_classes, 1.0, alpha=0.8)
    assert (table.band_columns is not None) == banded
    generator = torch.Generator().manual_seed(1)
    logits = 3 * torch.randn(50, num_classes, generator=generator)
    target = torch.randint(0, num_classes, (50,), generator=generator)
    expected = _reference(logits, target, num_classes, 1.0, 0.8)
    expected = expected.mean() if reduction == "mean" else expected.sum()
    loss = table.cross_entropy(logits, target, reduction)
    assert loss.shape == ()
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-5)


@pytest.mark.parametrize("num_classes", [6, 300])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_gradcheck_and_gradgradcheck_float64(num_classes, reduction):
    table = _kl_table(num_classes, 1.0, alpha=0.7, dtype=torch.float64)
    logits = torch.randn(5, num_classes, dtype=torch.float64, requires_grad=True)
    target = torch.tensor([0, 1, num_classes // 2, num_classes - 2, num_classes - 1])

    def loss(z):
        return table.cross_entropy(z, target, reduction)

    assert torch.autograd.gradcheck(loss, (logits,))
    # create_graph=True takes a differentiable path (e.g. gradient penalties, MAML).
    assert torch.autograd.gradgradcheck(loss, (logits,))


def test_backward_twice_with_retained_graph():
    table = _kl_table(5, 1.0, alpha=1.0)
    logits = torch.randn(3, 5, requires_grad=True)
    loss = table.cross_entropy(logits, torch.tensor([0, 2, 4])).sum()
    (first,) = torch.autograd.grad(loss, logits, retain_graph=True)
    (second,) = torch.autograd.grad(loss, logits)
    torch.testing.assert_close(first, second)


def test_band_to_dense_inverts_band_layout():
    weights = (torch.eye(300, dtype=torch.float64) + gaussian_targets(300, 1.0)).float()
    rows, columns = band_layout(weights)
    assert rows.shape == columns.shape and rows.shape[1] < 300 // 8
    assert torch.equal(band_to_dense(rows, columns), weights)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
def test_small_k_native_path_matches_the_reference(reduction, weighted):
    table = _kl_table(9, 1.3, alpha=0.6, dtype=torch.float64)
    weight = torch.linspace(0.5, 2.0, 9, dtype=torch.float64) if weighted else None
    generator = torch.Generator().manual_seed(2)
    logits = 3 * torch.randn(40, 9, generator=generator, dtype=torch.float64)
    target = torch.randint(0, 9, (40,), generator=generator)
    per_sample = _reference(logits, target, 9, 1.3, 0.6)
    w = np.ones(40) if weight is None else weight.numpy()[target.numpy()]
    expected = {
        "none": per_sample * w,
        "sum": np.sum(per_sample * w),
        "mean": np.sum(per_sample * w) / np.sum(w),
    }[reduction]
    got = small_soft_target_cross_entropy(
        logits, target, table.rows, table.offset, weight, reduction
    )
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)
    logits.requires_grad_(True)

    def loss(z):
        return small_soft_target_cross_entropy(
            z, target, table.rows, table.offset, weight, reduction
        )

    assert torch.autograd.gradcheck(loss, (logits,))
    assert torch.autograd.gradgradcheck(loss, (logits,))


@pytest.mark.parametrize(
    ("num_classes", "sigma", "layout"),
    [(SMALL_NUM_CLASSES, 0.05, "dense"), (40, 0.1, "banded"), (300, 1.0, "banded"),
     (300, 5.0, "dense")],
)  # fmt: skip
def test_soft_target_picks_the_layout(num_classes, sigma, layout):
    target = SoftTarget("gaussian", num_classes, sigma)
    log_rows, columns = target.log_rows()
    assert (columns is None) == (layout == "dense")
    table = target.log_table().exp()
    rows = log_rows.exp() if columns is None else band_to_dense(log_rows.exp(), columns)
    # the band leaves out only mass below float32's smallest normal
    torch.testing.assert_close(rows, table, rtol=1e-12, atol=torch.finfo(torch.float32).tiny)


def test_soft_target_validates_its_kernel():
    with pytest.raises(ValueError, match="'sigma' parameter of SoftTarget"):
        SoftTarget("gaussian", 5, 0.0)
    with pytest.raises(ValueError, match="'kind' parameter of SoftTarget"):
        SoftTarget("cauchy", 5, 1.0)


def test_mix_onehot_and_pack_rows_keep_band_and_dense_tables_equal():
    target = SoftTarget("laplace", 200, 0.1, scale=2.0)
    log_band, columns = target.log_rows()
    assert columns is not None
    band = mix_onehot(log_band, columns, 2.0, 1.0).float()
    dense = mix_onehot(target.log_table(), None, 2.0, 1.0).float()
    rows, kept = pack_rows(band, columns)
    cut_rows, cut_columns = pack_rows(dense)
    assert kept is columns or torch.equal(kept, columns)
    torch.testing.assert_close(band_to_dense(rows, kept), band_to_dense(cut_rows, cut_columns))
    dense_rows, no_columns = pack_rows(dense, cut_band=False)
    assert no_columns is None and dense_rows.shape == (200, 200)
