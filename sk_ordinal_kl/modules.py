"""Default network for tabular data: a plain MLP that outputs one logit per class."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["TabularMLP"]


class TabularMLP(nn.Module):
    """Multi-layer perceptron ``Linear -> ReLU -> Dropout`` blocks, then a linear head.

    :class:`~sk_ordinal_kl.OrdinalKLClassifier` uses it when no ``module`` is given and
    fills in ``in_features`` and ``num_classes`` from the data; set the rest through
    ``module__hidden_units`` and ``module__dropout``.

    Parameters
    ----------
    in_features : int
        Number of input features.
    num_classes : int
        Number of output logits ``K``.
    hidden_units : sequence of int, default=(64, 64)
        Width of each hidden layer; ``()`` gives a linear (multinomial logistic) model.
    dropout : float, default=0.1
        Dropout probability after each hidden layer, in ``[0, 1)``.

    Examples
    --------
    >>> net = TabularMLP(in_features=4, num_classes=3, hidden_units=(8,))
    >>> net(torch.zeros(2, 4)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        hidden_units: Sequence[int] = (64, 64),
        dropout: float = 0.1,
    ):
        super().__init__()
        hidden_units = tuple(int(h) for h in hidden_units)
        if any(h < 1 for h in hidden_units):
            raise ValueError(f"hidden_units must be positive integers, got {hidden_units}.")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
        layers: list[nn.Module] = []
        width = int(in_features)
        for units in hidden_units:
            layers += [nn.Linear(width, units), nn.ReLU(), nn.Dropout(dropout)]
            width = units
        layers.append(nn.Linear(width, int(num_classes)))
        self.layers = nn.Sequential(*layers)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Logits of shape ``(batch, num_classes)``."""
        return self.layers(X)
