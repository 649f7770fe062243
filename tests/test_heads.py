"""Output heads (``head="cumulative"``, ``head="binomial"``): the probabilities against
independent float64 formulas (scipy), numerical safety, member independence, and the
estimator with a head through everything that takes a fitted classifier."""

import pickle

import numpy as np
import pytest
import torch
from scipy.special import expit, logsumexp
from scipy.stats import binom, norm
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier, OrdinalKLClassifierCV
from sk_ordinal_kl.callbacks import SigmaSchedule
from sk_ordinal_kl.conformal import OrdinalConformalClassifier
from sk_ordinal_kl.decision import TunedOrdinalDecisionCV
from sk_ordinal_kl.heads import (
    LINKS,
    MIN_GAP,
    BinomialHead,
    CumulativeLinkHead,
    NetworkWithHead,
    cumulative_log_probabilities,
    ordered_thresholds,
)
from sk_ordinal_kl.losses import (
    DLDLv2Loss,
    FocalLoss,
    GaussianKLCrossEntropy,
    MeanVarianceLoss,
)
from sk_ordinal_kl.modules import TabularMLP

# Independent float64 CDFs, survival functions and quantiles of the three links.
CDF = {
    "logit": expit,
    "probit": norm.cdf,
    "cloglog": lambda z: -np.expm1(-np.exp(z)),
}
SF = {
    "logit": lambda z: expit(-z),
    "probit": norm.sf,
    "cloglog": lambda z: np.exp(-np.exp(z)),
}
QUANTILE = {
    "logit": lambda u: np.log(u / (1 - u)),
    "probit": norm.ppf,
    "cloglog": lambda u: np.log(-np.log1p(-u)),
}


def reference_thresholds(raw: np.ndarray) -> np.ndarray:
    """The ordered-threshold construction in float64 numpy."""
    gaps = np.logaddexp(0.0, raw[..., 1:]) + MIN_GAP
    return np.concatenate([raw[..., :1], raw[..., :1] + np.cumsum(gaps, axis=-1)], axis=-1)


def reference_proba(scores: np.ndarray, thresholds: np.ndarray, link: str) -> np.ndarray:
    """``p_j = F(theta_j - s) - F(theta_{j-1} - s)`` in float64 (F(-inf) = 0, F(inf) = 1),
    written as ``S(theta_{j-1} - s) - S(theta_j - s)`` where both CDFs are above 1/2, so
    that float64 does not cancel the upper tail away."""
    z = thresholds - scores
    inf = np.full_like(z[..., :1], np.inf)
    a, b = np.concatenate([-inf, z], axis=-1), np.concatenate([z, inf], axis=-1)
    with np.errstate(invalid="ignore"):  # inf - inf in the branch not taken
        lower = CDF[link](b) - CDF[link](a)
        upper = SF[link](a) - SF[link](b)
    return np.where(CDF[link](a) > 0.5, upper, lower)


def random_head_inputs(num_classes=5, size=40, seed=0, members=None):
    rng = np.random.default_rng(seed)
    shape = (size, 1) if members is None else (size, members, 1)
    scores = rng.normal(scale=3.0, size=shape)
    raw_shape = (num_classes - 1,) if members is None else (members, num_classes - 1)
    raw = rng.normal(size=raw_shape)
    return scores, raw


# ------------------------------------------------------------ the formula
@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_probabilities_equal_the_float64_cumulative_link_formula(link, dtype):
    scores, raw = random_head_inputs()
    got = cumulative_log_probabilities(
        torch.as_tensor(scores, dtype=dtype), torch.as_tensor(raw, dtype=dtype), link
    )
    assert got.dtype == dtype and got.shape == (40, 5)
    expected = reference_proba(scores, reference_thresholds(raw), link)
    proba = got.double().exp().numpy()
    np.testing.assert_allclose(
        proba.sum(axis=1), 1.0, rtol=0, atol=1e-12 if dtype is torch.float64 else 1e-6
    )
    if dtype is torch.float64:
        np.testing.assert_allclose(proba, expected, rtol=1e-9, atol=1e-15)
    else:
        np.testing.assert_allclose(proba, expected, rtol=1e-4, atol=1e-6)
        # Log-probabilities too, wherever float32 can hold the probability.
        visible = expected > 1e-30
        np.testing.assert_allclose(
            got.double().numpy()[visible], np.log(expected[visible]), rtol=1e-4, atol=1e-4
        )


@pytest.mark.parametrize("link", LINKS)
def test_member_probabilities_use_each_members_thresholds(link):
    scores, raw = random_head_inputs(members=3, seed=1)
    head = CumulativeLinkHead(5, link=link, n_members=3).double()
    with torch.no_grad():
        head.raw_thresholds.copy_(torch.as_tensor(raw) / head.lr_scale)
    got = head(torch.as_tensor(scores)).exp().detach().numpy()
    assert got.shape == (40, 3, 5)
    for m in range(3):
        expected = reference_proba(scores[:, m], reference_thresholds(raw[m]), link)
        np.testing.assert_allclose(got[:, m], expected, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("num_classes", [2, 3, 7])
def test_thresholds_start_at_the_link_quantiles_where_zero_scores_are_uniform(link, num_classes):
    head = CumulativeLinkHead(num_classes, link=link)
    thresholds = head.thresholds.detach().double().numpy()
    expected = QUANTILE[link](np.arange(1, num_classes) / num_classes)
    np.testing.assert_allclose(thresholds, expected, rtol=1e-5, atol=1e-5)
    assert (np.diff(thresholds) > 0).all()
    proba = head(torch.zeros(4)).exp().detach().numpy()
    np.testing.assert_allclose(proba, 1.0 / num_classes, rtol=1e-5)


def test_ordering_holds_for_any_raw_parameters():
    """Fails if the construction stops being increasing (e.g. gaps not made positive)."""
    generator = torch.Generator().manual_seed(0)
    raws = [
        torch.full((6,), -1e3),  # gaps' softplus underflows: the floor keeps them apart
        torch.tensor([3.0, -50.0, 40.0, -5.0, 0.0, -200.0]),
        50 * torch.randn(20, 6, generator=generator),
    ]
    for raw in raws:
        thresholds = ordered_thresholds(raw)
        gaps = thresholds.diff(dim=-1)
        assert (gaps > 0).all(), gaps
        # In float64 (no rounding of the sums) every gap is at least the floor.
        assert (ordered_thresholds(raw.double()).diff(dim=-1) >= MIN_GAP * (1 - 1e-9)).all()
        np.testing.assert_allclose(thresholds[..., 0], raw[..., 0])  # first is free
        for link in LINKS:
            log_p = cumulative_log_probabilities(torch.zeros((*raw.shape[:-1], 1)), raw, link)
            assert torch.isfinite(log_p).all()


# ------------------------------------------------------ numerical safety
@pytest.mark.parametrize("link", LINKS)
def test_huge_scores_give_finite_loss_and_gradients(link):
    scores = torch.tensor([-1e4, -1e2, -30.0, 0.0, 30.0, 1e2, 1e4] * 2)
    target = torch.arange(14) % 5
    head = CumulativeLinkHead(5, link=link)
    scores.requires_grad_(True)
    log_p = head(scores)
    assert torch.isfinite(log_p).all()
    loss = GaussianKLCrossEntropy(num_classes=5)(log_p, target)
    loss.backward()
    assert torch.isfinite(loss)
    assert torch.isfinite(scores.grad).all() and torch.isfinite(head.raw_thresholds.grad).all()
    # The extremes put (nearly) all mass on the extreme classes.
    proba = log_p.detach().exp()
    assert proba[0, 0] > 0.999 and proba[6, -1] > 0.999


@pytest.mark.parametrize("link", LINKS)
def test_gradients_reach_the_thresholds_and_the_network(link):
    torch.manual_seed(0)
    net = NetworkWithHead(torch.nn.Linear(3, 1), CumulativeLinkHead(4, link=link))
    X, target = torch.randn(16, 3), torch.arange(16) % 4
    GaussianKLCrossEntropy(num_classes=4)(net(X), target).backward()
    assert net.network.weight.grad.abs().sum() > 0
    assert (net.head.raw_thresholds.grad.abs() > 0).all()


@pytest.mark.parametrize("link", LINKS)
def test_a_members_loss_touches_only_its_own_thresholds(link):
    head = CumulativeLinkHead(5, link=link, n_members=3)
    scores = torch.randn(10, 3, 1, generator=torch.Generator().manual_seed(0))
    target = torch.arange(10) % 5
    for m in range(3):
        head.zero_grad()
        GaussianKLCrossEntropy(num_classes=5)(head(scores)[:, m], target).backward()
        grad = head.raw_thresholds.grad
        assert (grad[m].abs() > 0).all()
        assert (grad[np.arange(3) != m] == 0).all()


def test_a_tuple_output_gets_the_head_on_its_first_element():
    class TupleNet(torch.nn.Module):
        def forward(self, X):
            return X[:, :1], X

    X = torch.randn(6, 3)
    scores, passed = NetworkWithHead(TupleNet(), CumulativeLinkHead(4))(X)
    torch.testing.assert_close(scores, CumulativeLinkHead(4)(X[:, :1]))
    assert passed is X


def test_scores_of_the_wrong_shape_raise():
    head = CumulativeLinkHead(4)
    assert head(torch.zeros(3)).shape == head(torch.zeros(3, 1)).shape == (3, 4)
    with pytest.raises(ValueError, match=r"one score per row.*got \(3, 4\).*num_classes=1"):
        head(torch.zeros(3, 4))
    with pytest.raises(ValueError, match=r"got \(3, 2, 1\).*n_members"):
        head(torch.zeros(3, 2, 1))
    with pytest.raises(ValueError, match=r"\(batch, 2, 1\); got \(3, 3, 1\)"):
        CumulativeLinkHead(4, n_members=2)(torch.zeros(3, 3, 1))
    with pytest.raises(ValueError, match="num_classes"):
        CumulativeLinkHead(1)
    with pytest.raises(ValueError, match="link"):
        CumulativeLinkHead(3, link="log")
    with pytest.raises(ValueError, match="lr_scale"):
        CumulativeLinkHead(3, lr_scale=0.0)


# --------------------------------------------------------- binomial head
def test_binomial_head_is_the_tempered_binomial():
    scores = np.array([-30.0, -2.0, 0.0, 0.7, 5.0])
    head = BinomialHead(6).double()
    got = head(torch.as_tensor(scores)).exp().detach().numpy()
    expected = binom.pmf(np.arange(6), 5, expit(scores)[:, None])
    # rtol: the binomial coefficients and beta's parameter are stored in float32.
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-300)
    with torch.no_grad():
        head.raw_inverse_temperature.fill_(np.log(np.expm1(2.5)))  # beta = 2.5
    got = head(torch.as_tensor(scores)).detach().numpy()
    log_pmf = binom.logpmf(np.arange(6), 5, expit(scores)[:, None]) * 2.5
    expected = log_pmf - logsumexp(log_pmf, axis=1, keepdims=True)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    # Unimodal: increasing up to the mode, decreasing after it.
    for row in np.exp(got):
        mode = row.argmax()
        assert (np.diff(row[: mode + 1]) >= 0).all() and (np.diff(row[mode:]) <= 0).all()
    huge = head.float()(torch.tensor([-1e4, 1e4], requires_grad=True))
    assert torch.isfinite(huge).all()


# ----------------------------------------------------------- the estimator
def make(**params):
    defaults = {"max_epochs": 15, "random_state": 0, "batch_size": 32}
    return OrdinalKLClassifier(head="cumulative", **{**defaults, **params})


def fit(X, y, **params):
    return make(**params).fit(X, y)


@pytest.mark.parametrize("link", LINKS)
def test_estimator_with_a_cumulative_head(ordinal_data, link):
    X, y = ordinal_data
    order = ["low", "mid", "high", "top"]  # ordinal order, not sorted
    labels = np.array(order)[y]
    clf = fit(X, labels, link=link, classes=order, max_epochs=40, lr=0.01)
    assert isinstance(clf.module_, NetworkWithHead)
    assert isinstance(clf.module_.network, TabularMLP)
    assert clf.module_.network.layers[-1].out_features == 1  # one score per row
    assert clf.module_.head.link == link
    ordinal = clf.predict_proba_ordinal(X)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert list(clf.classes_) == sorted(order)
    for j, label in enumerate(clf.classes_):
        np.testing.assert_array_equal(proba[:, j], ordinal[:, order.index(label)])
    assert (clf.predict(X) == labels).mean() > 0.8
    # predict_proba is the head's probabilities.
    with torch.no_grad():
        clf.module_.eval()
        log_p = clf.module_(torch.as_tensor(X, dtype=torch.float32)).double().exp().numpy()
    np.testing.assert_allclose(ordinal, log_p / log_p.sum(1, keepdims=True), rtol=1e-6)
    thresholds = clf.module_.head.thresholds.detach()
    assert (thresholds.diff() > 0).all()


def test_sample_and_class_weights_are_the_duplicated_rows(ordinal_data):
    X, y = ordinal_data
    X, y = X[:80].astype(np.float32), y[:80]
    # Full-batch, no dropout: weights 2 equal duplicated rows, up to summation order.
    common = {"batch_size": -1, "module__dropout": 0.0, "max_epochs": 10, "lr": 0.01}
    twice = y == 1
    weighted = make(**common).fit(X, y, sample_weight=np.where(twice, 2.0, 1.0))
    duplicated = fit(np.vstack([X, X[twice]]), np.concatenate([y, y[twice]]), **common)
    class_weighted = fit(X, y, class_weight={1: 2.0}, **common)
    for other in (duplicated, class_weighted):
        np.testing.assert_allclose(
            weighted.predict_proba(X), other.predict_proba(X), rtol=1e-4, atol=1e-6
        )
    unweighted = fit(X, y, **common)
    assert np.abs(unweighted.predict_proba(X) - weighted.predict_proba(X)).max() > 1e-3


def test_thresholds_stay_ordered_on_adversarial_data(ordinal_data):
    X, y = ordinal_data
    absent = np.where(y == 2, 3, y)  # class 2 never seen
    clf = fit(100 * X, 3 - absent, classes=[0, 1, 2, 3], lr=0.1, max_epochs=20)  # huge scores
    for link in LINKS:
        clf.set_params(link=link).fit(100 * X, 3 - absent)
        thresholds = clf.module_.head.thresholds.detach()
        assert torch.isfinite(thresholds).all() and (thresholds.diff() > 0).all()
        assert np.isfinite(clf.history[:, "train_loss"]).all()
        proba = clf.predict_proba(100 * X)
        assert np.isfinite(proba).all()
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)


def test_other_criteria_and_a_sigma_schedule(ordinal_data):
    X, y = ordinal_data
    for criterion, callbacks in [
        (GaussianKLCrossEntropy, [SigmaSchedule(0.9)]),
        (DLDLv2Loss, [SigmaSchedule(0.9)]),
        (FocalLoss, None),
        (MeanVarianceLoss, None),
    ]:
        clf = fit(X, y, criterion=criterion, callbacks=callbacks, max_epochs=3)
        assert np.isfinite(clf.history[:, "train_loss"]).all()
        np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0, atol=1e-12)


def test_initialize_needs_the_classes():
    with pytest.raises(ValueError, match="number of classes"):
        OrdinalKLClassifier(head="cumulative", module__in_features=3).initialize()
    clf = OrdinalKLClassifier(head="cumulative", module__in_features=3, classes=[1, 2, 3])
    assert clf.initialize().module_.head.raw_thresholds.shape == (2,)


def test_tabm_members_have_thresholds_of_their_own(ordinal_data):
    X, y = ordinal_data
    clf = fit(X, y, module="tabm", module__k=2, module__d_block=8, max_epochs=5)
    head = clf.module_.head
    assert head.raw_thresholds.shape == (2, 3)
    assert not torch.equal(head.thresholds[0], head.thresholds[1])  # trained apart
    members = clf.predict_proba_members(X[:10])
    assert members.shape == (10, 2, 4)
    np.testing.assert_allclose(clf.predict_proba_ordinal(X[:10]), members.mean(axis=1))


class ScoreNet(torch.nn.Module):
    """A user network that outputs one score per row and takes no ``num_classes``."""

    def __init__(self, in_features, flat=False):
        super().__init__()
        self.linear = torch.nn.Linear(in_features, 1)
        self.flat = flat

    def forward(self, X):
        out = self.linear(X)
        return out.squeeze(-1) if self.flat else out


class MemberScoreNet(torch.nn.Module):
    """Two members' scores ``(B, 2, 1)``; ``n_members`` says so unless told not to."""

    def __init__(self, in_features, declare=True):
        super().__init__()
        self.linear = torch.nn.Linear(in_features, 2)
        if declare:
            self.n_members = 2

    def forward(self, X):
        return self.linear(X).unsqueeze(-1)


def test_user_modules(ordinal_data):
    X, y = ordinal_data
    X = X.astype(np.float32)
    # A class taking num_classes gets 1.
    assert fit(X, y, module=TabularMLP, max_epochs=2).module_.network.layers[-1].out_features == 1
    for flat in (False, True):
        clf = fit(X, y, module=ScoreNet, module__flat=flat, max_epochs=2)
        assert clf.predict_proba(X).shape == (240, 4)
    instance = fit(X, y, module=ScoreNet(5), max_epochs=2)
    assert isinstance(instance.module_.network, ScoreNet)
    members = fit(X, y, module=MemberScoreNet, max_epochs=2)
    assert members.module_.head.raw_thresholds.shape == (2, 3)
    with pytest.raises(ValueError, match=r"one score per row.*got \(32, 4\)"):
        fit(X, y, module=TabularMLP, module__num_classes=4, max_epochs=1)
    with pytest.raises(ValueError, match="n_members"):
        fit(X, y, module=MemberScoreNet, module__declare=False, max_epochs=1)


def test_meta_estimators_and_a_pipeline(ordinal_data):
    X, y = ordinal_data
    net = OrdinalKLClassifier(head="cumulative", max_epochs=5, random_state=0)
    pipe = make_pipeline(StandardScaler(), net).fit(X, y)
    assert pipe.predict_proba(X[:3]).shape == (3, 4)
    search = OrdinalKLClassifierCV(net, alphas=(0.5, 1.0), sigmas=(1.0,), cv=2).fit(X, y)
    assert search.best_estimator_.head == "cumulative"
    assert isinstance(search.best_estimator_.module_, NetworkWithHead)
    tuned = TunedOrdinalDecisionCV(net, cv=2).fit(X, y)
    assert tuned.predict(X[:5]).shape == (5,)
    conformal = OrdinalConformalClassifier(net).fit(X[:160], y[:160])
    conformal.conformalize(X[160:], y[160:])
    assert conformal.predict_set(X[:5]).shape[0] == 5


def test_persistence_partial_fit_and_warm_start(ordinal_data, tmp_path):
    X, y = ordinal_data
    X = X.astype(np.float32)
    clf = fit(X, y, link="probit", max_epochs=3)
    expected = clf.predict_proba(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(X), expected)
    clf.save_params(f_params=tmp_path / "params.pt")
    new = OrdinalKLClassifier(
        head="cumulative", link="probit", classes=clf.ordinal_classes_, module__in_features=5
    ).initialize()
    new.load_params(f_params=tmp_path / "params.pt")
    np.testing.assert_array_equal(new.predict_proba(X), expected)
    before = clf.module_.head.thresholds.detach().clone()
    clf.partial_fit(X, y)
    assert not torch.equal(clf.module_.head.thresholds, before)  # the optimizer has them
    clf.set_params(warm_start=True).fit(X, y)
    assert len(clf.history) == 9  # 3 + 3 + 3 epochs on one model


def test_set_params_head_rebuilds_the_module(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(max_epochs=2, random_state=0).fit(X, y)
    assert isinstance(clf.module_, TabularMLP)
    clf.set_params(head="cumulative", link="cloglog")
    assert isinstance(clf.module_, NetworkWithHead)  # at once, as for module=...
    assert clf.module_.head.link == "cloglog"
    assert clf.optimizer_.param_groups[0]["params"][-1] is clf.module_.head.raw_thresholds
    clf.fit(X, y)
    assert clf.predict_proba(X).shape == (240, 4)
    clf.set_params(head="softmax").fit(X, y)
    assert isinstance(clf.module_, TabularMLP) and clf.module_.layers[-1].out_features == 4


@pytest.mark.parametrize(
    ("params", "message"), [({"head": "ordinal"}, "'head' parameter"), ({"link": "log"}, "'link'")]
)
def test_invalid_head_or_link_raise_before_training(ordinal_data, params, message):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(max_epochs=1, **params)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert not clf.initialized_


def test_binomial_head_in_the_estimator(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(head="binomial", max_epochs=20, lr=0.01, random_state=0)
    clf.fit(X, y)
    assert isinstance(clf.module_.head, BinomialHead)
    assert (clf.predict(X) == y).mean() > 0.8
    proba = clf.predict_proba_ordinal(X)
    modes = proba.argmax(axis=1)
    for row, mode in zip(proba, modes, strict=True):  # unimodal rows
        assert (np.diff(row[: mode + 1]) >= -1e-12).all() and (np.diff(row[mode:]) <= 1e-12).all()


def test_compile_wraps_the_headed_module(ordinal_data):
    X, y = ordinal_data
    clf = fit(X, y, max_epochs=2, compile=True, compile__backend="eager")
    assert type(clf.module_).__name__ == "OptimizedModule"
    assert clf.predict_proba(X[:3]).shape == (3, 4)
