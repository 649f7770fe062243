"""AllThresholdLoss against independent float64 computations."""

import numpy as np
import pytest
import torch
from scipy.special import expit, log_expit, softmax

from sk_ordinal_kl.heads import CumulativeLinkHead
from sk_ordinal_kl.losses import AllThresholdLoss


def _reference(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-sample loss from the probabilities, written out with plain sums."""
    q = softmax(logits, axis=1)
    out = []
    for row, y in zip(q, target, strict=True):
        total = 0.0
        for j in range(len(row) - 1):
            below = row[: j + 1].sum()
            total -= np.log(below) if y <= j else np.log(1 - below)
        out.append(total)
    return np.asarray(out)


@pytest.mark.parametrize("num_classes", [2, 3, 7])
def test_all_threshold_loss_is_the_sum_of_threshold_cross_entropies(num_classes):
    rng = np.random.default_rng(num_classes)
    logits = rng.normal(scale=2.0, size=(9, num_classes))
    target = rng.integers(0, num_classes, size=9)
    loss = AllThresholdLoss(num_classes=num_classes, reduction="none").double()
    got = loss(torch.as_tensor(logits), torch.as_tensor(target)).numpy()
    np.testing.assert_allclose(got, _reference(logits, target), rtol=1e-10)
    mean = AllThresholdLoss(num_classes=num_classes)(
        torch.as_tensor(logits), torch.as_tensor(target)
    )
    assert mean.item() == pytest.approx(_reference(logits, target).mean(), rel=1e-6)


def test_on_the_cumulative_head_it_is_the_all_threshold_logistic_loss():
    # P(Y <= j) = sigmoid(theta_j - s): the loss is sum_j -log sigmoid(+-(theta_j - s)),
    # the sign + where y <= j (mord's LogisticAT objective without its penalty).
    head = CumulativeLinkHead(num_classes=5).double()
    scores = torch.tensor([[-3.0], [0.2], [1.5], [8.0]], dtype=torch.float64)
    target = torch.tensor([0, 2, 4, 3])
    got = AllThresholdLoss(num_classes=5, reduction="none")(head(scores), target)
    theta = head.thresholds.detach().numpy()
    expected = [
        -sum(log_expit(t - s) if y <= j else log_expit(s - t) for j, t in enumerate(theta))
        for s, y in zip(scores.numpy().ravel(), target.numpy(), strict=True)
    ]
    np.testing.assert_allclose(got.detach().numpy(), expected, rtol=1e-8)
    assert expit(0.0) == 0.5  # scipy's logistic, the reference link


def test_far_misses_cost_more_than_near_ones():
    loss = AllThresholdLoss(num_classes=5, reduction="none")
    logits = torch.full((5, 5), -10.0)
    logits[:, 0] = 10.0  # every row predicts class 0
    costs = loss(logits, torch.arange(5))
    assert torch.all(costs[1:] > costs[:-1])


def test_finite_loss_and_gradients_at_extreme_logits():
    logits = (torch.tensor([[1e4, -1e4, 0.0], [-1e4, 0.0, 1e4]])).requires_grad_(True)
    loss = AllThresholdLoss(num_classes=3)(logits, torch.tensor([2, 0]))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(logits.grad).all()
