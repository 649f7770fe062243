"""Per-sample weights in every criterion of LOSSES: ``forward(..., sample_weight=None)``.

The effective weight of sample ``i`` is ``weight[y_i] * sample_weight[i]``; ``"mean"`` is
``sum_i w_i l_i / sum_i w_i``. Every criterion is checked against a float64 computation
from its own unweighted ``reduction="none"`` output, against repeated and removed rows,
and on each of its paths: plain cross-entropy, small dense table (K <= 32), fused node
with a dense table (K = 40) and with band rows (K = 300).
"""

import pytest
import torch
import torch.nn.functional as F

from sk_ordinal_kl.losses import LOSSES
from sk_ordinal_kl.losses._layout import SMALL_NUM_CLASSES

# Parameters per criterion; at K = 300 the soft-row criteria use band rows (asserted).
PARAMS = {
    "gaussian_kl": {"alpha": 0.7, "sigma": 1.3},
    "soft_label_kl": {"alpha": 2.0, "sigma": 2.5, "kind": "triangular"},
    "soft_label_ce": {"sigma": 0.8, "eta": 0.6},
    "dldl_v2": {"sigma": 1.2, "lam": 0.5, "kind": "poisson"},
    "full_kl_dldl": {"sigma": 0.9, "eps": 1e-2},
    "label_smoothing": {"epsilon": 0.2},
    "focal": {"gamma": 1.5},
    "mean_variance": {"lambda_mean": 0.3, "lambda_var": 0.1},
    "min_max": {"ce_weight": 0.5, "pull_weight": 0.7},
    "all_threshold": {},
}
# Every entry of LOSSES, plus parameters that route to other paths: plain
# cross-entropy (alpha, gamma, eta = 0) and a soft table too wide for band rows.
CASES = [(name, PARAMS[name]) for name in LOSSES] + [
    ("gaussian_kl", {"alpha": 0.0}),
    ("focal", {"gamma": 0.0}),
    ("soft_label_ce", {"eta": 0.0}),
    ("soft_label_ce", {"sigma": 1.5, "kind": "laplace", "eta": 0.6}),
]
CASE_IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in params.items())}" for name, params in CASES]
BANDED = {"gaussian_kl", "soft_label_kl", "soft_label_ce"}
NUM_CLASSES = [5, 40, 300]  # small dense path, fused dense, fused banded


def build(name, num_classes, params, *, class_weight=False, reduction="mean"):
    weight = torch.linspace(0.5, 2.0, num_classes) if class_weight else None
    return LOSSES[name](num_classes=num_classes, weight=weight, reduction=reduction, **params)


def make_inputs(name, num_classes, size=12, seed=0, dtype=torch.float32):
    """Leaf tensors fed to the criterion (logits first) and the targets."""
    generator = torch.Generator().manual_seed(seed + num_classes)
    logits = 3.0 * torch.randn(size, num_classes, generator=generator, dtype=torch.float64)
    target = torch.randint(0, num_classes, (size,), generator=generator)
    if size >= 2:
        target[:2] = torch.tensor([0, num_classes - 1])
    leaves = [logits]
    if name == "min_max":
        leaves.append(torch.randn(size, 6, generator=generator, dtype=torch.float64))
        leaves.append(torch.randn(num_classes, 6, generator=generator, dtype=torch.float64))
    return [leaf.to(dtype).requires_grad_(True) for leaf in leaves], target


def call(criterion, name, leaves, target, sample_weight=None, rows=None):
    """Run the criterion on the leaves, on the batch rows ``rows`` if given."""
    inputs = list(leaves)
    if rows is not None:
        inputs[0] = inputs[0][rows]
        if name == "min_max":
            inputs[1] = inputs[1][rows]  # sample embeddings; class embeddings are shared
        target = target[rows]
    y_pred = tuple(inputs) if name == "min_max" else inputs[0]
    if sample_weight is None:
        return criterion(y_pred, target)
    return criterion(y_pred, target, sample_weight=sample_weight)


def random_weights(size, seed=1, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return (3.0 * torch.rand(size, generator=generator, dtype=torch.float64)).to(dtype)


def grads(loss, leaves):
    return torch.autograd.grad(loss, leaves)


@pytest.mark.parametrize("num_classes", NUM_CLASSES)
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_paths_are_the_intended_ones(name, params, num_classes):
    """The large K really uses band rows (else the banded node would go untested)."""
    criterion = build(name, num_classes, params)
    if name in BANDED and "target_rows" in dict(criterion.named_buffers()):
        banded = criterion.band_columns is not None
        wide = params.get("kind") == "laplace"
        assert banded == (num_classes == 300 and not wide)
        assert (num_classes <= SMALL_NUM_CLASSES) == (num_classes == 5)


# ------------------------------------------------- 1. against a float64 reference
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("class_weight", [False, True], ids=["no-class-weight", "class-weight"])
@pytest.mark.parametrize("num_classes", NUM_CLASSES)
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_matches_float64_weighted_reduction(name, params, num_classes, class_weight, reduction):
    """``sum_i s_i (w_y l)_i / sum_i s_i w_y`` from the criterion's own unweighted
    per-sample losses in float64, for the value and the gradient of every input."""
    leaves64, target = make_inputs(name, num_classes, dtype=torch.float64)
    sample_weight = random_weights(len(target), dtype=torch.float64)
    reference = build(name, num_classes, params, class_weight=class_weight, reduction="none")
    per_sample = call(reference.double(), name, leaves64, target)  # w_y l_i, float64
    class_w = reference.weight.double()[target] if class_weight else torch.ones_like(per_sample)
    if reduction == "none":
        expected = per_sample * sample_weight
        grad_outputs = torch.linspace(-1.0, 2.0, len(target), dtype=torch.float64)
    else:
        expected = (per_sample * sample_weight).sum()
        if reduction == "mean":
            expected = expected / (class_w * sample_weight).sum()
        grad_outputs = torch.tensor(1.0, dtype=torch.float64)
    expected_grads = torch.autograd.grad(expected, leaves64, grad_outputs)

    criterion = build(name, num_classes, params, class_weight=class_weight, reduction=reduction)
    for dtype, tol in ((torch.float64, 1e-10), (torch.float32, 1e-4)):
        leaves = [leaf.detach().to(dtype).requires_grad_(True) for leaf in leaves64]
        got = call(criterion.to(dtype), name, leaves, target, sample_weight.to(dtype))
        assert got.dtype == dtype and got.shape == expected.shape
        got_grads = torch.autograd.grad(got, leaves, grad_outputs.to(dtype))
        torch.testing.assert_close(got.double(), expected.detach(), rtol=tol, atol=tol)
        for got_grad, expected_grad in zip(got_grads, expected_grads, strict=True):
            torch.testing.assert_close(got_grad.double(), expected_grad, rtol=tol, atol=tol)


# ----------------------------------------------- 2. integer weights = repeated rows
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("class_weight", [False, True], ids=["no-class-weight", "class-weight"])
@pytest.mark.parametrize("num_classes", NUM_CLASSES)
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_integer_weights_are_repeated_rows(name, params, num_classes, class_weight, reduction):
    leaves, target = make_inputs(name, num_classes, dtype=torch.float64)
    counts = torch.tensor([2, 0, 1, 3, 1, 0, 4, 1, 2, 1, 3, 1])  # int64: cast by the loss
    criterion = build(name, num_classes, params, class_weight=class_weight, reduction=reduction)
    criterion = criterion.double()
    weighted = call(criterion, name, leaves, target, counts)
    repeated = call(
        criterion, name, leaves, target, rows=torch.arange(len(target)).repeat_interleave(counts)
    )
    torch.testing.assert_close(weighted, repeated, rtol=1e-12, atol=1e-12)
    for got, expected in zip(grads(weighted, leaves), grads(repeated, leaves), strict=True):
        torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------- 3. zero weight = row removed
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("class_weight", [False, True], ids=["no-class-weight", "class-weight"])
@pytest.mark.parametrize("num_classes", NUM_CLASSES)
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_zero_weight_removes_the_row(name, params, num_classes, class_weight, reduction):
    leaves, target = make_inputs(name, num_classes)
    sample_weight = torch.ones(len(target))
    dropped = torch.tensor([1, 4, 5, 9])
    sample_weight[dropped] = 0.0
    kept = torch.nonzero(sample_weight).squeeze(1)
    criterion = build(name, num_classes, params, class_weight=class_weight, reduction=reduction)
    weighted = call(criterion, name, leaves, target, sample_weight)
    removed = call(criterion, name, leaves, target, rows=kept)
    grad_outputs = None
    if reduction == "none":
        assert torch.equal(weighted[dropped], torch.zeros(len(dropped)))
        weighted = weighted[kept]
        grad_outputs = torch.linspace(-1.0, 2.0, len(kept))
    torch.testing.assert_close(weighted, removed, rtol=1e-6, atol=1e-6)
    got = torch.autograd.grad(weighted, leaves, grad_outputs)
    expected = torch.autograd.grad(removed, leaves, grad_outputs)
    assert torch.equal(got[0][dropped], torch.zeros_like(got[0][dropped]))  # no gradient
    for got_grad, expected_grad in zip(got, expected, strict=True):
        torch.testing.assert_close(got_grad, expected_grad, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------- 4. None = weights of 1
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("class_weight", [False, True], ids=["no-class-weight", "class-weight"])
@pytest.mark.parametrize("num_classes", NUM_CLASSES)
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_none_is_unit_weights(name, params, num_classes, class_weight, reduction):
    leaves, target = make_inputs(name, num_classes)
    criterion = build(name, num_classes, params, class_weight=class_weight, reduction=reduction)
    unweighted = call(criterion, name, leaves, target)
    ones = call(criterion, name, leaves, target, torch.ones(len(target)))
    torch.testing.assert_close(ones, unweighted, rtol=1e-6, atol=1e-6)
    if reduction == "mean":  # a different scale would show in the gradients too
        for got, expected in zip(grads(ones, leaves), grads(unweighted, leaves), strict=True):
            torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-7)


# ------------------------------------------------------------------ 5. errors
@pytest.mark.parametrize("num_classes", [5, 300])
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_bad_sample_weight(name, params, num_classes):
    leaves, target = make_inputs(name, num_classes)
    criterion = build(name, num_classes, params)
    size = len(target)
    for bad in (torch.ones(size + 1), torch.ones(size, 1), torch.ones(()), torch.ones(1, size)):
        with pytest.raises(ValueError, match="sample_weight"):
            call(criterion, name, leaves, target, bad)
    for bad_value in (-1.0, float("nan")):
        bad = torch.ones(size)
        bad[3] = bad_value
        with pytest.raises(ValueError, match="sample_weight"):
            call(criterion, name, leaves, target, bad)
    with pytest.raises(ValueError, match="sample_weight"):
        call(criterion, name, leaves, target, -torch.ones(size, dtype=torch.int64))
    with pytest.raises(TypeError, match="sample_weight"):
        call(criterion, name, leaves, target, torch.ones(size, dtype=torch.bool))


# ------------------------------------------------------------- edge cases
@pytest.mark.parametrize("num_classes", NUM_CLASSES)
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_zero_total_weight_is_nan_mean_like_an_empty_batch(name, params, num_classes):
    """Documented: sum_i w_i = 0 gives a NaN mean (the mean of an empty batch is NaN)
    and a sum of 0."""
    leaves, target = make_inputs(name, num_classes)
    zeros = torch.zeros(len(target))
    assert torch.isnan(call(build(name, num_classes, params), name, leaves, target, zeros))
    empty_leaves, empty_target = make_inputs(name, num_classes, size=0)
    empty = call(build(name, num_classes, params), name, empty_leaves, empty_target)
    assert torch.isnan(empty)
    no_weights = torch.zeros(0)
    criterion = build(name, num_classes, params)
    assert torch.isnan(call(criterion, name, empty_leaves, empty_target, no_weights))
    total = call(build(name, num_classes, params, reduction="sum"), name, leaves, target, zeros)
    assert total.item() == 0.0
    if name == "label_smoothing":
        return  # torch weights its smoothing term by the other classes: sum / 0 = inf
    # zero class weight of every target in the batch: the same
    criterion = build(name, num_classes, params, class_weight=True)
    with torch.no_grad():
        criterion.weight[target] = 0.0
    assert torch.isnan(call(criterion, name, leaves, target, torch.ones(len(target))))


@pytest.mark.parametrize("num_classes", [5, 40, 300])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradient_wrt_sample_weight(num_classes, reduction):
    """A sample_weight that requires grad gets one (the fused node takes the weights as
    constants, so such weights go through the per-sample path)."""
    leaves, target = make_inputs("gaussian_kl", num_classes, size=5, dtype=torch.float64)
    sample_weight = random_weights(5, dtype=torch.float64).requires_grad_(True)
    criterion = build(
        "gaussian_kl", num_classes, PARAMS["gaussian_kl"], class_weight=True, reduction=reduction
    ).double()
    assert torch.autograd.gradcheck(
        lambda z, s: criterion(z, target, sample_weight=s), (leaves[0], sample_weight)
    )


@pytest.mark.parametrize("num_classes", [40, 300])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_second_derivatives_through_the_weighted_fused_node(num_classes, reduction):
    leaves, target = make_inputs("soft_label_ce", num_classes, size=3, dtype=torch.float64)
    criterion = build(
        "soft_label_ce", num_classes, PARAMS["soft_label_ce"], class_weight=True,
        reduction=reduction,
    ).double()  # fmt: skip
    sample_weight = random_weights(3, dtype=torch.float64)
    assert torch.autograd.gradgradcheck(
        lambda z: criterion(z, target, sample_weight=sample_weight), (leaves[0],)
    )


def test_label_smoothing_weights_like_torch():
    """With class weights, torch also weights the smoothing term by class; sample
    weights multiply torch's per-sample values and the mean divides by sum w_y s."""
    leaves, target = make_inputs("label_smoothing", 7, dtype=torch.float64)
    class_weight = torch.linspace(0.5, 2.0, 7, dtype=torch.float64)
    sample_weight = random_weights(len(target), dtype=torch.float64)
    criterion = LOSSES["label_smoothing"](epsilon=0.3, num_classes=7, weight=class_weight)
    per_sample = F.cross_entropy(
        leaves[0], target, class_weight, reduction="none", label_smoothing=0.3
    )
    expected = (per_sample * sample_weight).sum() / (class_weight[target] * sample_weight).sum()
    got = criterion.double()(leaves[0], target, sample_weight=sample_weight)
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=0.0)
