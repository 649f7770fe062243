"""Peer estimators of the benchmark that need a little glue: CORN and per-rule scorers.

* :class:`CornLoss` / :class:`CornMLPClassifier` — CORN (Shi, Cao & Raschka, 2023)
  through the same skorch loop and MLP as :class:`~sk_ordinal_kl.OrdinalKLClassifier`.
  The module outputs ``K - 1`` conditional logits; ``coral_pytorch.losses.corn_loss``
  trains them and :func:`corn_probabilities` turns them into ``K`` class probabilities,
  so every decision rule (and ``predict_proba``) works. CORN's own label decoding
  (count of ``P(y > k) > 0.5``) is the ``"median"`` rule of those probabilities.
* :func:`rule_mse_scorer` — MSE on class indices after a given decision rule, read off
  ``predict_proba``: one inner-CV fit scores all rules at once.

``coral_pytorch`` is imported lazily, so this module imports without it.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..classifier import OrdinalKLClassifier
from ..decision import check_prediction_rule, predict_index
from ..metrics import ClassIndexScorer, mse_class_index

__all__ = ["CornLoss", "CornMLPClassifier", "corn_probabilities", "rule_mse_scorer"]


class CornLoss(nn.Module):
    """CORN loss of ``coral_pytorch`` as a criterion taking ``(logits, class_index)``.

    Parameters
    ----------
    num_classes : int
        Number of ordered classes ``K``; the logits have ``K - 1`` columns.
    """

    def __init__(self, num_classes: int):
        super().__init__()
        self.num_classes = int(num_classes)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean CORN loss of a batch.

        Parameters
        ----------
        logits : torch.Tensor of shape (B, K - 1)
            Conditional logits ``logit P(y > k | y > k - 1)``.
        target : torch.Tensor of shape (B,)
            Class indices in ``0..K-1``.

        Returns
        -------
        loss : torch.Tensor
            Scalar loss.
        """
        from coral_pytorch.losses import corn_loss

        return corn_loss(logits, target.long(), self.num_classes)


def corn_probabilities(logits: torch.Tensor) -> torch.Tensor:
    """Class probabilities ``(B, K)`` from CORN's ``(B, K - 1)`` conditional logits.

    Parameters
    ----------
    logits : torch.Tensor of shape (B, K - 1)
        Conditional logits.

    Returns
    -------
    proba : torch.Tensor of shape (B, K)
        ``P(y = k) = P(y > k - 1) - P(y > k)`` with ``P(y > -1) = 1``, ``P(y > K-1) = 0``.
    """
    exceed = torch.cumprod(torch.sigmoid(logits), dim=1)
    ones = torch.ones_like(exceed[:, :1])
    zeros = torch.zeros_like(exceed[:, :1])
    upper = torch.cat([ones, exceed], dim=1)
    lower = torch.cat([exceed, zeros], dim=1)
    return (upper - lower).clamp_min(0.0)


class CornMLPClassifier(OrdinalKLClassifier):
    """:class:`~sk_ordinal_kl.OrdinalKLClassifier` trained with the CORN loss.

    Same parameters as the parent; ``criterion`` should be :class:`CornLoss`,
    ``predict_nonlinearity`` :func:`corn_probabilities`, and ``prediction="median"``
    reproduces CORN's rank decoding. The module gets ``num_classes = K - 1`` outputs;
    ``alpha`` and ``sigma`` are unused.
    """

    def _module_data_kwargs(self, module) -> dict:
        kwargs = super()._module_data_kwargs(module)
        if "num_classes" in kwargs:
            kwargs["num_classes"] -= 1
        return kwargs


class _RuleMSE:
    """``mse_class_index(true_idx, predict_index(proba, rule))`` (picklable)."""

    def __init__(self, rule: str):
        self.rule = check_prediction_rule(rule)
        self.__name__ = f"mse_class_index_{self.rule}"

    def __call__(self, true_idx: np.ndarray, proba: np.ndarray) -> float:
        return mse_class_index(true_idx, predict_index(proba, self.rule))


def rule_mse_scorer(rule: str) -> ClassIndexScorer:
    """Negated MSE on class indices after decision rule ``rule``, from ``predict_proba``.

    With ``rule`` equal to the estimator's ``prediction`` it gives the same value as
    :data:`~sk_ordinal_kl.metrics.neg_mse_class_index_scorer`.

    Parameters
    ----------
    rule : {"argmax", "median", "mean"}
        Decision rule applied to the predicted probabilities.

    Returns
    -------
    scorer : ClassIndexScorer
        ``scorer(estimator, X, y) -> -MSE``.
    """
    return ClassIndexScorer(
        _RuleMSE(rule), greater_is_better=False, response_method="predict_proba"
    )
