"""The loss family: every criterion against an independent float64 numpy formula,
gradcheck, finiteness at extreme logits, errors, and use through the estimator."""

import inspect
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.special import gammaln
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.datasets import load_orreview_holdout
from sk_ordinal_kl.losses import (
    LOSSES,
    DLDLv2Loss,
    FocalLoss,
    FullKLDLDLLoss,
    GaussianKLCrossEntropy,
    LabelSmoothingCrossEntropy,
    MeanVarianceLoss,
    MinMaxLoss,
    SoftLabelCrossEntropy,
    SoftLabelKLCrossEntropy,
    SoftTargetKLCrossEntropy,
)
from sk_ordinal_kl.losses._base import ClassIndexLoss
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer
from sk_ordinal_kl.modules import CosineClassifierHead, MinMaxMLP, TabularMLP
from sk_ordinal_kl.targets import SOFT_TARGET_KINDS, soft_target_table

LOGIT_LOSSES = {name: cls for name, cls in LOSSES.items() if name != "min_max"}


# ----------------------------------------------------------- numpy references
def np_table(kind, num_classes, sigma):
    k = np.arange(num_classes, dtype=float)
    y = k[:, None]
    d = k[None, :] - y
    if kind == "gaussian":
        w = -(d**2) / (2 * sigma**2)
    elif kind == "laplace":
        w = -np.abs(d) / sigma
    elif kind == "triangular":
        with np.errstate(divide="ignore"):
            w = np.log(np.maximum(0.0, 1.0 - np.abs(d) / sigma))
    elif kind == "binomial":
        n, theta = num_classes - 1, (y + 0.5) / num_classes
        w = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
        w = (w + k * np.log(theta) + (n - k) * np.log(1 - theta)) / sigma
    else:
        w = (k * np.log(y + 0.5) - (y + 0.5) - gammaln(k + 1)) / sigma
    p = np.exp(w - w.max(1, keepdims=True))
    return p / p.sum(1, keepdims=True)


def np_log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max(1, keepdims=True)
    return z - np.log(np.exp(z).sum(1, keepdims=True))


def np_kl(p, log_q):
    """sum_k p_k log(p_k / q_k), 0 log 0 = 0."""
    with np.errstate(divide="ignore"):
        log_p = np.where(p > 0, np.log(np.where(p > 0, p, 1.0)), 0.0)
    return np.sum(np.where(p > 0, p * (log_p - log_q), 0.0), axis=1)


def np_reduce(per_sample, target, weight, reduction):
    w = np.ones_like(per_sample) if weight is None else np.asarray(weight, float)[target]
    if reduction == "none":
        return per_sample * w
    return np.sum(per_sample * w) / (1.0 if reduction == "sum" else np.sum(w))


def np_moments(prob):
    k = np.arange(prob.shape[1])
    mean = prob @ k
    return mean, np.sum(prob * (k[None] - mean[:, None]) ** 2, axis=1)


def ref_soft_label_kl(z, y, alpha=1.0, sigma=1.0, kind="gaussian"):
    log_q = np_log_softmax(z)
    p = np_table(kind, z.shape[1], sigma)[y]
    return -log_q[np.arange(len(y)), y] + alpha * np_kl(p, log_q)


def ref_soft_label_ce(z, y, sigma=1.0, kind="gaussian", eta=1.0):
    log_q = np_log_softmax(z)
    t = (1 - eta) * np.eye(z.shape[1])[y] + eta * np_table(kind, z.shape[1], sigma)[y]
    return -np.sum(t * log_q, axis=1)


def ref_dldl_v2(z, y, sigma=1.0, lam=1.0, kind="gaussian"):
    log_q = np_log_softmax(z)
    mean_q, _ = np_moments(np.exp(log_q))
    return np_kl(np_table(kind, z.shape[1], sigma)[y], log_q) + lam * np.abs(mean_q - y)


def ref_full_kl(z, y, sigma=1.0, eps=1e-3, kind="gaussian"):
    log_q = np_log_softmax(z)
    q = np.exp(log_q)
    p = np_table(kind, z.shape[1], sigma)[y]
    mu_p, s2_p = np_moments(p)
    mu_q, s2_q = np_moments(q)
    v_p, v_q = s2_p + eps, s2_q + eps
    gauss = np.log(np.sqrt(v_q) / np.sqrt(v_p)) + (v_p + (mu_p - mu_q) ** 2) / (2 * v_q) - 0.5
    # KL(q || shift+ q) and KL(q || shift- q) over the K - 1 overlapping positions
    forward = np.sum(q[:, :-1] * (log_q[:, :-1] - log_q[:, 1:]), axis=1)
    backward = np.sum(q[:, 1:] * (log_q[:, 1:] - log_q[:, :-1]), axis=1)
    return np_kl(p, log_q) + gauss + 0.5 * (forward + backward)


def ref_label_smoothing(z, y, epsilon=0.1):
    log_q = np_log_softmax(z)
    return -(1 - epsilon) * log_q[np.arange(len(y)), y] - epsilon * log_q.mean(1)


def ref_focal(z, y, gamma=2.0):
    q_y = np.exp(np_log_softmax(z))[np.arange(len(y)), y]
    return -((1 - q_y) ** gamma) * np.log(q_y)


def ref_mean_variance(z, y, lambda_mean=0.2, lambda_var=0.05):
    log_q = np_log_softmax(z)
    mean, var = np_moments(np.exp(log_q))
    ce = -log_q[np.arange(len(y)), y]
    return ce + lambda_mean * 0.5 * (mean - y) ** 2 + lambda_var * var


REFERENCES = {
    "gaussian_kl": (ref_soft_label_kl, {"alpha": 0.7, "sigma": 1.3}),
    "soft_label_kl": (ref_soft_label_kl, {"alpha": 2.0, "sigma": 0.8, "kind": "laplace"}),
    "soft_label_ce": (ref_soft_label_ce, {"sigma": 1.5, "kind": "binomial", "eta": 0.6}),
    "dldl_v2": (ref_dldl_v2, {"sigma": 1.2, "lam": 0.5, "kind": "poisson"}),
    "full_kl_dldl": (ref_full_kl, {"sigma": 0.9, "eps": 1e-2, "kind": "triangular"}),
    "label_smoothing": (ref_label_smoothing, {"epsilon": 0.2}),
    "focal": (ref_focal, {"gamma": 1.5}),
    "mean_variance": (ref_mean_variance, {"lambda_mean": 0.3, "lambda_var": 0.1}),
}
# GaussianKLCrossEntropy has no ``kind``
KIND_FREE = {"gaussian_kl"}


def batch(num_classes, size=24, scale=3.0, seed=0, dtype=torch.float64):
    generator = torch.Generator().manual_seed(seed)
    logits = (scale * torch.randn(size, num_classes, generator=generator)).to(dtype)
    target = torch.randint(0, num_classes, (size,), generator=generator)
    target[:2] = torch.tensor([0, num_classes - 1])
    return logits, target


def build(name, num_classes, **params):
    return LOSSES[name](num_classes=num_classes, **params)


# ------------------------------------------------------------------ values
@pytest.mark.parametrize("name", sorted(REFERENCES))
@pytest.mark.parametrize("num_classes", [2, 7, 117])
def test_matches_float64_reference(name, num_classes):
    ref, params = REFERENCES[name]
    logits, target = batch(num_classes, seed=num_classes)
    z, y = logits.numpy(), target.numpy()
    weight = np.linspace(0.5, 2.0, num_classes)
    for reduction in ("mean", "sum", "none"):
        for w in (None, weight):
            if name == "label_smoothing" and w is not None:
                continue  # torch's own weighting of the smoothing term, tested below
            criterion = build(name, num_classes, weight=w, reduction=reduction, **params)
            expected = np_reduce(ref(z, y, **params), y, w, reduction)
            got = criterion(logits, target)
            assert got.dtype == torch.float64
            np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-12)
            # float32 logits (training): same to float32 log-softmax accuracy
            got32 = criterion(logits.float(), target)
            np.testing.assert_allclose(got32.numpy(), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", SOFT_TARGET_KINDS)
def test_every_kernel_in_every_kernel_loss(kind):
    logits, target = batch(9)
    z, y = logits.numpy(), target.numpy()
    checks = [
        (SoftLabelKLCrossEntropy(1.5, 1.1, 9, kind=kind), ref_soft_label_kl(z, y, 1.5, 1.1, kind)),
        (SoftLabelCrossEntropy(1.1, 9, kind=kind), ref_soft_label_ce(z, y, 1.1, kind)),
        (DLDLv2Loss(1.1, 1.0, 9, kind=kind), ref_dldl_v2(z, y, 1.1, 1.0, kind)),
        (FullKLDLDLLoss(1.1, 9, kind=kind), ref_full_kl(z, y, 1.1, 1e-3, kind)),
    ]
    for criterion, expected in checks:
        np.testing.assert_allclose(criterion(logits, target).numpy(), expected.mean(), rtol=1e-5)


def test_label_smoothing_is_torch_label_smoothing():
    logits, target = batch(5)
    weight = torch.linspace(0.5, 2.0, 5)
    criterion = LabelSmoothingCrossEntropy(0.3, 5, weight=weight, reduction="mean")
    expected = F.cross_entropy(logits, target, weight.double(), label_smoothing=0.3)
    assert torch.equal(criterion(logits, target), expected)


@pytest.mark.parametrize(
    ("criterion", "zero"),
    [
        (SoftLabelCrossEntropy(1.0, 6, eta=0.0), "eta"),
        (FocalLoss(0.0, 6), "gamma"),
        (LabelSmoothingCrossEntropy(0.0, 6), "epsilon"),
        (MeanVarianceLoss(0.0, 0.0, 6), "lambdas"),
        (SoftLabelKLCrossEntropy(0.0, 1.0, 6, kind="laplace"), "alpha"),
    ],
)
def test_zero_parameter_is_cross_entropy(criterion, zero):
    logits, target = batch(6, dtype=torch.float32)
    torch.testing.assert_close(criterion(logits, target), F.cross_entropy(logits, target))


# ------------------------------------------ identities with dlordinal's ExponentialLoss
def dlordinal_exponential_loss(logits, target, p, tau, eta):
    """Re-implementation of dlordinal's ExponentialLoss: CE to the targets
    (1 - eta) onehot + eta softmax(-|k - y|^p / tau), averaged over the batch."""
    num_classes = logits.shape[1]
    k = torch.arange(num_classes, dtype=torch.float64)
    soft = torch.softmax(-((k[None, :] - target[:, None].double()).abs() ** p) / tau, dim=1)
    targets = (1 - eta) * F.one_hot(target, num_classes).double() + eta * soft
    return F.cross_entropy(logits, targets.to(logits.dtype))


@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.5])
@pytest.mark.parametrize("eta", [0.25, 1.0])
def test_gaussian_soft_ce_is_dlordinal_exponential_loss(sigma, eta):
    """Documented constant: 1. SoftLabelCrossEntropy(sigma, eta) *is* ExponentialLoss(p=2,
    tau=2 sigma^2, eta); Laplace is p=1, tau=sigma."""
    logits, target = batch(8)
    gaussian = SoftLabelCrossEntropy(sigma, 8, "gaussian", eta=eta)(logits, target)
    expected = dlordinal_exponential_loss(logits, target, 2.0, 2 * sigma**2, eta)
    torch.testing.assert_close(gaussian, expected, rtol=1e-6, atol=0.0)
    laplace = SoftLabelCrossEntropy(sigma, 8, "laplace", eta=eta)(logits, target)
    expected = dlordinal_exponential_loss(logits, target, 1.0, sigma, eta)
    torch.testing.assert_close(laplace, expected, rtol=1e-6, atol=0.0)


@pytest.mark.parametrize("alpha", [0.3, 1.0, 5.0])
def test_ce_plus_kl_is_scaled_exponential_loss_minus_entropy(alpha):
    """CE + alpha KL(p || q) = (1 + alpha) ExponentialLoss(eta) - alpha H(p),
    eta = alpha / (1 + alpha)."""
    sigma = 1.3
    logits, target = batch(10)
    lhs = GaussianKLCrossEntropy(alpha, sigma, 10, reduction="none")(logits, target)
    p = soft_target_table("gaussian", 10, sigma)[target]
    entropy = -(p * p.log()).sum(1)
    eta = alpha / (1 + alpha)
    rhs = torch.stack(
        [
            (1 + alpha) * dlordinal_exponential_loss(logits[i : i + 1], target[i : i + 1], 2.0,
                                                     2 * sigma**2, eta)
            for i in range(len(target))
        ]
    ) - alpha * entropy  # fmt: skip
    torch.testing.assert_close(lhs, rhs, rtol=1e-6, atol=1e-9)
    mixed = SoftLabelCrossEntropy(sigma, 10, eta=eta, reduction="none")(logits, target)
    torch.testing.assert_close(lhs, (1 + alpha) * mixed - alpha * entropy, rtol=1e-6, atol=1e-9)


def test_pure_soft_ce_is_the_large_alpha_limit():
    logits, target = batch(6)
    soft_ce = SoftLabelCrossEntropy(1.0, 6)(logits, target)
    p = soft_target_table("gaussian", 6, 1.0)[target]
    entropy = -(p * p.log()).sum(1).mean()
    alpha = 1e7
    scaled = GaussianKLCrossEntropy(alpha, 1.0, 6)(logits, target) / alpha
    torch.testing.assert_close(scaled, soft_ce - entropy, rtol=1e-5, atol=1e-6)


# --------------------------------------------------- gradients and extremes
@pytest.mark.parametrize("name", sorted(LOGIT_LOSSES))
def test_gradcheck_float64(name):
    logits, target = batch(5, size=6)
    criterion = build(name, 5, weight=torch.linspace(0.5, 2.0, 5))
    logits.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda z: criterion(z, target), (logits,))


@pytest.mark.parametrize("name", sorted(LOGIT_LOSSES))
@pytest.mark.parametrize("num_classes", [2, 500])  # K = 2000: test_losses.py (Gaussian)
def test_finite_at_extreme_logits(name, num_classes):
    generator = torch.Generator().manual_seed(1)
    logits = 1e4 * torch.sign(torch.randn(8, num_classes, generator=generator))
    logits[0] = -1e4
    logits[0, 0] = 1e4  # a sample that is exactly right ...
    logits[1] = 1e4
    logits[1, -1] = -1e4  # ... and one exactly wrong
    target = torch.randint(0, num_classes, (8,), generator=generator)
    target[:2] = torch.tensor([0, num_classes - 1])
    params_list = [{}]
    if num_classes == 2 and "sigma" in inspect.signature(LOSSES[name]).parameters:
        params_list += [{"sigma": 1e-6}, {"sigma": 1e6}]
    for params in params_list:
        z = logits.clone().requires_grad_(True)
        loss = build(name, num_classes, **params)(z, target)
        loss.backward()
        assert torch.isfinite(loss), (name, params)
        assert torch.isfinite(z.grad).all(), (name, params)


@pytest.mark.parametrize("name", sorted(LOGIT_LOSSES))
def test_reductions_and_weights_are_consistent(name):
    logits, target = batch(6)
    weight = torch.linspace(0.5, 2.0, 6)
    none = build(name, 6, reduction="none")(logits, target)
    assert none.shape == (24,)
    torch.testing.assert_close(build(name, 6, reduction="sum")(logits, target), none.sum())
    torch.testing.assert_close(build(name, 6)(logits, target), none.mean())
    if name != "label_smoothing":  # torch weights the smoothing term by class
        sample_w = weight.double()[target]
        weighted = build(name, 6, weight=weight)(logits, target)
        torch.testing.assert_close(weighted, (none * sample_w).sum() / sample_w.sum())


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_construction_contract_and_docs(name):
    cls = LOSSES[name]
    criterion = cls(num_classes=4)  # every other parameter has a default
    assert isinstance(criterion, torch.nn.Module)
    doc = inspect.getdoc(cls)
    for section in ("Parameters", "Examples", ".. math::"):
        assert section in doc, (name, section)
    assert any(str(year) in doc for year in range(1980, 2030)), f"{name}: cite the paper"
    assert "Returns" in inspect.getdoc(cls.forward)
    with pytest.raises(TypeError, match="num_classes"):
        cls()
    with pytest.raises(ValueError, match="num_classes"):
        cls(num_classes=1)
    with pytest.raises(ValueError, match="weight"):
        cls(num_classes=4, weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="reduction"):
        cls(num_classes=4, reduction="avg")


@pytest.mark.parametrize(
    ("cls", "params", "error", "match"),
    [
        (SoftLabelKLCrossEntropy, {"kind": "cauchy"}, ValueError, "kind"),
        (SoftLabelCrossEntropy, {"eta": 1.5}, ValueError, "eta"),
        (SoftLabelCrossEntropy, {"sigma": 0.0}, ValueError, "sigma"),
        (DLDLv2Loss, {"lam": -1.0}, ValueError, "lam"),
        (DLDLv2Loss, {"lam": math.nan}, ValueError, "lam"),
        (FullKLDLDLLoss, {"eps": 0.0}, ValueError, "eps"),
        (FullKLDLDLLoss, {"sigma": math.inf}, ValueError, "sigma"),
        (LabelSmoothingCrossEntropy, {"epsilon": 1.2}, ValueError, "epsilon"),
        (FocalLoss, {"gamma": -0.5}, ValueError, "gamma"),
        (FocalLoss, {"gamma": "2"}, TypeError, "gamma"),
        (MeanVarianceLoss, {"lambda_var": -0.1}, ValueError, "lambda_var"),
        (MinMaxLoss, {"push_weight": -1.0}, ValueError, "push_weight"),
    ],
)
def test_bad_parameters(cls, params, error, match):
    with pytest.raises(error, match=match):
        cls(num_classes=4, **params)


@pytest.mark.parametrize("name", sorted(LOGIT_LOSSES))
def test_bad_batches(name):
    criterion = build(name, 3)
    with pytest.raises(ValueError, match="logits must have shape"):
        criterion(torch.zeros(4, 5), torch.zeros(4, dtype=torch.long))
    with pytest.raises(TypeError, match="integer class indices"):
        criterion(torch.zeros(4, 3), torch.zeros(4))


def test_kernel_losses_follow_dtype_and_rebuild_with_set_sigma():
    for cls in (SoftLabelCrossEntropy, DLDLv2Loss, FullKLDLDLLoss, SoftLabelKLCrossEntropy):
        criterion = cls(num_classes=5, sigma=2.0).double()
        criterion.set_sigma(0.5)
        assert criterion.sigma == 2.0 and criterion.current_sigma == 0.5
        assert {b.dtype for b in criterion.buffers()} == {torch.float64}
        fresh = cls(num_classes=5, sigma=0.5).double()
        logits, target = batch(5)
        torch.testing.assert_close(criterion(logits, target), fresh(logits, target))


def test_full_kl_smoothness_term_is_nonnegative_and_zero_for_flat_q():
    criterion = FullKLDLDLLoss(sigma=1e6, num_classes=6, reduction="none")
    flat = torch.zeros(3, 6, dtype=torch.float64)
    # uniform p and uniform q: all three KL terms vanish
    torch.testing.assert_close(
        criterion(flat, torch.tensor([0, 2, 5])), torch.zeros(3, dtype=torch.float64)
    )


# ------------------------------------------------------------------ min-max
def ref_min_max(features, embeddings, y, pull_weight=1.0, push_weight=1.0):
    f = features / np.linalg.norm(features, axis=1, keepdims=True)
    e = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    pull = (1 - np.sum(f * e[y], axis=1)) ** 2
    cos = e @ e.T
    num_classes = len(e)
    push = np.array(
        [np.mean([(cos[c, j] + 1) ** 2 for j in range(num_classes) if j != c]) for c in y]
    )
    return pull_weight * pull + push_weight * push


@pytest.mark.parametrize("num_classes", [2, 7, 30])
def test_min_max_matches_reference(num_classes):
    generator = torch.Generator().manual_seed(num_classes)
    features = torch.randn(12, 5, generator=generator, dtype=torch.float64)
    embeddings = torch.randn(num_classes, 5, generator=generator, dtype=torch.float64)
    target = torch.randint(0, num_classes, (12,), generator=generator)
    logits = 10 * F.normalize(features, dim=1) @ F.normalize(embeddings, dim=1).T
    z, f, e, y = logits.numpy(), features.numpy(), embeddings.numpy(), target.numpy()
    plain = MinMaxLoss(num_classes, pull_weight=0.7, push_weight=1.3, reduction="none")
    expected = ref_min_max(f, e, y, 0.7, 1.3)
    np.testing.assert_allclose(plain((logits, features, embeddings), target), expected, rtol=1e-7)
    with_ce = MinMaxLoss(num_classes, ce_weight=0.5, weight=np.linspace(1, 2, num_classes))
    expected = ref_min_max(f, e, y) - 0.5 * np_log_softmax(z)[np.arange(12), y]
    w = np.linspace(1, 2, num_classes)[y]
    np.testing.assert_allclose(
        with_ce((logits, features, embeddings), target), np.sum(expected * w) / w.sum(), rtol=1e-7
    )


def test_min_max_gradcheck_and_extremes():
    generator = torch.Generator().manual_seed(0)
    features = torch.randn(6, 4, generator=generator, dtype=torch.float64, requires_grad=True)
    embeddings = torch.randn(3, 4, generator=generator, dtype=torch.float64, requires_grad=True)
    logits = torch.randn(6, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    target = torch.tensor([0, 1, 2, 0, 1, 2])
    criterion = MinMaxLoss(3, ce_weight=0.5)
    assert torch.autograd.gradcheck(
        lambda z, f, e: criterion((z, f, e), target), (logits, features, embeddings)
    )
    big = [(1e4 * t.detach().sign()).float().requires_grad_(True) for t in (logits, features)]
    emb = (1e4 * embeddings.detach()).float().requires_grad_(True)
    loss = criterion((big[0], big[1], emb), target)
    loss.backward()
    assert torch.isfinite(loss)
    assert all(torch.isfinite(t.grad).all() for t in (*big, emb))


def test_min_max_errors():
    criterion = MinMaxLoss(3)
    with pytest.raises(TypeError, match="MinMaxMLP"):
        criterion(torch.zeros(2, 3), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="class_embeddings must have shape"):
        criterion((torch.zeros(2, 3), torch.ones(2, 4), torch.ones(2, 4)), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="features must have shape"):
        criterion((torch.zeros(2, 3), torch.ones(3, 4), torch.ones(3, 4)), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="scale"):
        CosineClassifierHead(4, 3, scale=0.0)
    assert MinMaxLoss.default_module is MinMaxMLP


def test_min_max_module_outputs():
    net = MinMaxMLP(in_features=4, num_classes=3, embedding_dim=6, scale=5.0, hidden_units=())
    logits, features, embeddings = net(torch.randn(7, 4))
    assert logits.shape == (7, 3) and features.shape == (7, 6) and embeddings.shape == (3, 6)
    assert float(logits.detach().abs().max()) <= 5.0 + 1e-5
    # the default MLP is unchanged
    assert TabularMLP(4, 3)(torch.zeros(2, 4)).shape == (2, 3)


def test_min_max_through_the_estimator(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(
        module=MinMaxMLP,
        criterion=MinMaxLoss,
        module__hidden_units=(16,),
        max_epochs=5,
        lr=3e-2,
        random_state=0,
    ).fit(X, y)
    assert clf.module_.head.class_embeddings.shape == (4, 16)  # num_classes injected
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert (proba >= 0).all()
    assert set(np.unique(clf.predict(X))) <= set(np.unique(y))
    assert np.mean(clf.predict(X) == y) > 0.5  # chance is 0.25
    assert np.isfinite(clf.history[:, "train_loss"]).all()


# -------------------------------------------------------------- grid search
def test_grid_search_over_criteria_on_era(shared_datasets):
    split = load_orreview_holdout(shared_datasets, "ERA", 0)
    pipe = make_pipeline(
        StandardScaler(),
        OrdinalKLClassifier(max_epochs=3, batch_size=128, lr=5e-3, random_state=0),
    )
    step = "ordinalklclassifier__"
    grid = [
        {f"{step}criterion": [GaussianKLCrossEntropy], f"{step}sigma": [1.0, 2.0]},
        {f"{step}criterion": [SoftLabelKLCrossEntropy], f"{step}criterion__kind": ["laplace"]},
        {f"{step}criterion": [DLDLv2Loss], f"{step}criterion__lam": [0.5, 1.0]},
        {f"{step}criterion": [MeanVarianceLoss], f"{step}criterion__lambda_mean": [0.2]},
        {f"{step}criterion": [FocalLoss], f"{step}criterion__gamma": [2.0]},
    ]
    search = GridSearchCV(pipe, grid, scoring=neg_mse_class_index_scorer, cv=2, n_jobs=1)
    search.fit(split.X_train, split.y_train)
    scores = search.cv_results_["mean_test_score"]
    assert scores.shape == (7,) and np.isfinite(scores).all()
    assert search.best_params_[f"{step}criterion"] in LOSSES.values()
    pred = search.predict(split.X_test)
    assert set(np.unique(pred)) <= set(range(1, 10))


# ------------------------------------------------- each criterion declares its parameters
CONSTRUCTED = {**LOSSES, "soft_target_kl": SoftTargetKLCrossEntropy}


@pytest.mark.parametrize("name", sorted(CONSTRUCTED))
def test_every_constructor_parameter_has_a_constraint_of_its_own_class(name):
    """A parameter missing from its criterion's table would go unvalidated; the base
    table knows only what every criterion takes, so a new loss never edits it."""
    cls = CONSTRUCTED[name]
    parameters = set(inspect.signature(cls).parameters) - {"weight", "log_targets"}
    assert parameters <= set(cls._parameter_constraints)
    assert set(ClassIndexLoss._parameter_constraints) == {"num_classes", "reduction"}


@pytest.mark.parametrize("name", sorted(CONSTRUCTED))
def test_an_invalid_own_parameter_is_refused_by_name(name):
    cls = CONSTRUCTED[name]
    own = set(inspect.signature(cls).parameters) - {"weight", "log_targets", "reduction"}
    kwargs = (
        {"log_targets": torch.zeros(3, 3).fill_(-math.log(3))} if name == "soft_target_kl" else {}
    )
    if "num_classes" in own:
        kwargs["num_classes"] = 3
    for parameter in sorted(own - {"num_classes"}):
        bad = "nope" if parameter == "kind" else -1.0
        with pytest.raises(ValueError, match=f"'{parameter}' parameter of {cls.__name__}"):
            cls(**kwargs, **{parameter: bad})


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_set_sigma_is_inherited_by_exactly_the_kernel_criteria(name):
    """SigmaSchedule drives every criterion that takes ``sigma``, and only those."""
    cls = LOSSES[name]
    takes_sigma = "sigma" in inspect.signature(cls).parameters
    assert callable(getattr(cls, "set_sigma", None)) == takes_sigma
    assert "set_sigma" not in vars(cls)  # inherited from KernelLoss, not assigned


def test_buffers_are_read_through_the_public_module_api(monkeypatch):
    """``as_buffer`` follows a buffer's dtype via ``named_buffers``, not ``_buffers``."""
    criterion = GaussianKLCrossEntropy(num_classes=40).double()
    seen = []
    original = torch.nn.Module.named_buffers

    def spy(self, *args, **kwargs):
        seen.append(kwargs.get("recurse", args[1] if len(args) > 1 else True))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.nn.Module, "named_buffers", spy)
    criterion.set_sigma(0.5)
    assert seen and not any(seen)  # recurse=False
    assert criterion.target_rows.dtype == torch.float64


def test_shared_parameter_descriptions_are_filled_into_every_docstring():
    import sk_ordinal_kl.losses as losses
    import sk_ordinal_kl.targets as targets
    from sk_ordinal_kl.losses import _layout, _soft_ce

    documented = [getattr(losses, n) for n in losses.__all__]
    documented += [getattr(targets, n) for n in targets.__all__]
    documented += [getattr(_soft_ce, n) for n in _soft_ce.__all__]
    documented += [getattr(_layout, n) for n in _layout.__all__]
    unfilled = [getattr(o, "__name__", o) for o in documented if "%(" in (o.__doc__ or "")]
    assert not unfilled
    assert "num_classes : int\n        Number of classes" in DLDLv2Loss.__doc__


def test_fill_doc_indents_like_the_placeholder_and_refuses_unknown_names():
    from sk_ordinal_kl.losses._docs import fill_doc

    def documented():
        """Head.

        Parameters
        ----------
        %(reduction)s
        """

    assert '        reduction : {"mean", "sum", "none"}, default="mean"\n            How' in (
        fill_doc(documented).__doc__
    )

    def misspelled():
        """%(reductoin)s"""

    with pytest.raises(KeyError, match="reductoin"):
        fill_doc(misspelled)
