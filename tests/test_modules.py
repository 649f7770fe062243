"""The default networks: shapes, layers, parameter checks, and learning a simple task."""

import numpy as np
import pytest
import torch
from torch import nn

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.modules import (
    BilinearUnit,
    CosineClassifierHead,
    MinMaxMLP,
    StackedMLP,
    TabularMLP,
)


def test_tabular_mlp_layers_follow_hidden_units():
    net = TabularMLP(in_features=5, num_classes=3, hidden_units=(8, 4), dropout=0.2)
    linears = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(5, 8), (8, 4), (4, 3)]
    assert net(torch.zeros(7, 5)).shape == (7, 3)
    dropouts = [m.p for m in net.modules() if isinstance(m, torch.nn.Dropout)]
    assert dropouts == [0.2, 0.2]


def test_tabular_mlp_without_hidden_layers_is_linear():
    net = TabularMLP(in_features=3, num_classes=4, hidden_units=())
    (linear,) = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    x = torch.randn(2, 3)
    torch.testing.assert_close(net(x), linear(x))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"hidden_units": 64}, TypeError, "sequence of layer widths"),
        ({"hidden_units": "64"}, TypeError, "sequence of layer widths"),
        ({"hidden_units": (8, 0)}, ValueError, "positive integers"),
        ({"hidden_units": (8.5,)}, ValueError, "positive integers"),
        ({"dropout": 1.0}, ValueError, r"dropout must be in \[0, 1\)"),
        ({"dropout": -0.1}, ValueError, r"dropout must be in \[0, 1\)"),
    ],
)
def test_tabular_mlp_rejects_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        TabularMLP(in_features=3, num_classes=2, **kwargs)


def test_bad_hidden_units_raise_before_training_through_the_estimator():
    X, y = np.zeros((10, 3)), np.arange(10) % 2
    with pytest.raises(TypeError, match="sequence of layer widths"):
        OrdinalKLClassifier(module__hidden_units=64, max_epochs=1).fit(X, y)


def test_cosine_head_is_a_scaled_cosine():
    head = CosineClassifierHead(in_features=4, num_classes=3, scale=5.0)
    x = torch.randn(6, 4, dtype=torch.float64)
    e = head.class_embeddings.detach().double()
    expected = 5.0 * (x @ e.T) / (x.norm(dim=1, keepdim=True) * e.norm(dim=1))
    torch.testing.assert_close(head(x.float()).double(), expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="scale must be a finite number > 0"):
        CosineClassifierHead(4, 3, scale=0.0)


def test_min_max_mlp_returns_logits_features_and_class_embeddings():
    net = MinMaxMLP(in_features=4, num_classes=3, embedding_dim=8, hidden_units=())
    logits, features, class_embeddings = net(torch.randn(5, 4))
    assert logits.shape == (5, 3) and features.shape == (5, 8)
    assert class_embeddings.shape == (3, 8)
    assert logits.abs().max() <= net.head.scale + 1e-5  # scaled cosines
    torch.testing.assert_close(class_embeddings, net.head.class_embeddings)
    with pytest.raises(ValueError, match="embedding_dim must be a positive integer"):
        MinMaxMLP(in_features=4, num_classes=3, embedding_dim=0)


def test_tabular_mlp_learns_a_separable_problem():
    torch.manual_seed(0)
    X = torch.randn(200, 2)
    y = (X[:, 0] > 0).long() + (X[:, 0] > 1).long()
    net = TabularMLP(in_features=2, num_classes=3, hidden_units=(16,), dropout=0.0)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
    for _ in range(200):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(net(X), y).backward()
        optimizer.step()
    assert (net(X).argmax(1) == y).float().mean() > 0.95


@pytest.mark.parametrize("p", [0.1, 0.25, 0.5, 0.9])
def test_member_dropout_mask_drops_p_and_keeps_the_mean(p):
    from sk_ordinal_kl.modules import member_dropout_mask

    torch.manual_seed(0)
    h = torch.empty(4, 500, 64)
    mask = member_dropout_mask(h, p)
    assert mask.shape == h.shape and mask.dtype == h.dtype
    levels = 2**16
    p_rounded = round(p * levels) / levels
    scale = 1.0 / (1.0 - p_rounded)  # float64 reference
    values = np.unique(mask.double().numpy())
    assert values.tolist() == [0.0, pytest.approx(scale, rel=1e-6)]
    dropped = (mask == 0).double().mean().item()
    n = mask.numel()
    assert abs(dropped - p) < 5 * np.sqrt(p * (1 - p) / n)
    # Each row (member x sample) draws its own values: masks of different members agree
    # only as often as independent draws would.
    a, b = (mask[0] == 0).double(), (mask[1] == 0).double()
    assert abs((a * b).mean().item() - p * p) < 5 * np.sqrt(p * p * (1 - p * p) / a.numel())


def test_member_dropout_mask_follows_the_torch_seed_and_zero_keeps_all():
    from sk_ordinal_kl.modules import member_dropout_mask

    h = torch.empty(3, 7)
    torch.manual_seed(3)
    first = member_dropout_mask(h, 0.3)
    torch.manual_seed(3)
    assert torch.equal(first, member_dropout_mask(h, 0.3))
    assert torch.equal(member_dropout_mask(h, 0.0), torch.ones_like(h))


def test_stacked_mlp_drops_each_member_on_its_own_in_training_only():
    torch.manual_seed(0)
    net = StackedMLP(5, 3, n_members=4, hidden_units=(256,), dropout=0.5, same_init=True)
    X = torch.randn(32, 5)
    net.eval()
    evaluated = net(X)
    assert torch.equal(evaluated, net(X))
    net.train()
    trained = net(X)
    # Same weights in every member: with one shared mask the members would agree.
    assert not torch.allclose(trained[:, 0], trained[:, 1])
    assert torch.allclose(evaluated[:, 0], evaluated[:, 1])


# ---------------------------------------------------------------- bilinear blocks
def test_bilinear_unit_is_the_product_of_two_affine_maps():
    torch.manual_seed(0)
    unit = BilinearUnit(3, 4).double()
    X = torch.randn(6, 3, dtype=torch.float64)
    W, b = unit.linear.weight.detach().numpy(), unit.linear.bias.detach().numpy()
    x = X.numpy()
    expected = (x @ W[:4].T + b[:4]) * (x @ W[4:].T + b[4:])  # independent float64
    np.testing.assert_allclose(unit(X).detach().numpy(), expected, rtol=1e-12)


def test_one_bilinear_block_is_a_quadratic_function():
    torch.manual_seed(1)
    net = TabularMLP(2, 1, hidden_units=(5,), dropout=0.0, block="bilinear").double()
    x = torch.randn(2, dtype=torch.float64)
    h = torch.randn(2, dtype=torch.float64)
    # A quadratic f has a constant second difference: f(x+2h) - 2 f(x+h) + f(x) = h'Ah,
    # the same wherever it is taken.
    second = [net(z + 2 * h) - 2 * net(z + h) + net(z) for z in (x, -3 * x, x + 5.0)]
    torch.testing.assert_close(second[0], second[1])
    torch.testing.assert_close(second[0], second[2])
    relu = TabularMLP(2, 1, hidden_units=(5,), dropout=0.0).double()  # piecewise linear
    assert relu(x).shape == net(x).shape


@pytest.mark.parametrize("block", ["relu", "bilinear"])
def test_stacked_members_are_lone_networks(block):
    torch.manual_seed(2)
    stacked = StackedMLP(4, 3, 5, hidden_units=(8, 6), dropout=0.0, block=block, same_init=False)
    X = torch.randn(7, 4)
    out = stacked(X)
    for m in range(5):
        lone = stacked.member(m)
        assert isinstance(lone.layers[0], BilinearUnit if block == "bilinear" else nn.Linear)
        torch.testing.assert_close(lone(X), out[:, m])


def test_same_init_members_start_as_a_lone_bilinear_net():
    torch.manual_seed(3)
    lone = TabularMLP(4, 3, (8,), 0.0, "bilinear")
    torch.manual_seed(3)
    stacked = StackedMLP(4, 3, 2, hidden_units=(8,), dropout=0.0, block="bilinear")
    X = torch.randn(5, 4)
    torch.testing.assert_close(stacked(X)[:, 1], lone(X))


def test_unknown_block_is_refused():
    with pytest.raises(ValueError, match="block must be one of"):
        TabularMLP(2, 3, block="tanh")
    with pytest.raises(ValueError, match="block must be one of"):
        StackedMLP(2, 3, 2, block="tanh")


def test_bilinear_block_with_the_cumulative_head_learns_a_product_rule():
    # Classes cut from x1 * x2 (a saddle, as in the toy reference set): one bilinear
    # block and the cumulative head hold the rule exactly; ReLU blocks approximate it.
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(600, 2)).astype(np.float32)
    y = np.digitize(X[:, 0] * X[:, 1], [-0.3, -0.05, 0.05, 0.3])
    net = OrdinalKLClassifier(
        alpha=0.0,
        head="cumulative",
        module__hidden_units=(16,),
        module__block="bilinear",
        module__dropout=0.0,
        optimizer__weight_decay=0.0,
        lr=0.01,
        max_epochs=150,
        random_state=0,
    ).fit(X[:400], y[:400])
    assert np.mean(net.predict(X[400:]) == y[400:]) > 0.95
