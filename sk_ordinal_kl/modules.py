"""Networks for tabular data.

:class:`TabularMLP` (the default) outputs one logit per class. :class:`MinMaxMLP`
learns one embedding per class and outputs scaled cosines as logits, plus the
embeddings that :class:`~sk_ordinal_kl.losses.MinMaxLoss` needs.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["CosineClassifierHead", "MinMaxMLP", "TabularMLP"]


def _mlp(in_features: int, hidden_units, dropout: float, out_features: int) -> nn.Sequential:
    """``Linear -> ReLU -> Dropout`` blocks, then a linear layer to ``out_features``."""
    if isinstance(hidden_units, str | bytes) or not isinstance(hidden_units, Sequence):
        raise TypeError(
            f"hidden_units must be a sequence of layer widths such as (64, 64), got "
            f"{hidden_units!r}."
        )
    if not all(isinstance(h, numbers.Integral) and not isinstance(h, bool) for h in hidden_units):
        raise ValueError(f"hidden_units must be positive integers, got {hidden_units!r}.")
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
    layers.append(nn.Linear(width, int(out_features)))
    return nn.Sequential(*layers)


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
        self.layers = _mlp(in_features, hidden_units, dropout, int(num_classes))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Logits of the batch.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, in_features)
            Input features.

        Returns
        -------
        logits : torch.Tensor of shape (batch, num_classes)
            One unnormalised score per class.
        """
        return self.layers(X)


class CosineClassifierHead(nn.Module):
    """One learned embedding ``e_c`` per class; logits are ``scale * cos(x, e_c)``.

    Parameters
    ----------
    in_features : int
        Dimension ``D`` of the incoming sample embeddings.
    num_classes : int
        Number of classes ``K``.
    scale : float, default=10.0
        Multiplier ``s`` of the cosines (a softmax inverse temperature), > 0.

    Attributes
    ----------
    class_embeddings : torch.nn.Parameter of shape (K, D)
        The class embeddings, initialised i.i.d. standard normal.

    Examples
    --------
    >>> head = CosineClassifierHead(in_features=8, num_classes=3)
    >>> head(torch.ones(2, 8)).abs().max() <= 10.0
    tensor(True)
    """

    def __init__(self, in_features: int, num_classes: int, scale: float = 10.0):
        super().__init__()
        if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a finite number > 0, got {scale!r}.")
        self.scale = float(scale)
        self.class_embeddings = nn.Parameter(torch.randn(int(num_classes), int(in_features)))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Scaled cosine similarities of each sample to each class embedding.

        Parameters
        ----------
        features : torch.Tensor of shape (batch, embedding_dim)
            Sample embeddings.

        Returns
        -------
        logits : torch.Tensor of shape (batch, num_classes)
            ``scale * cos(features, class_embeddings)``.
        """
        f = F.normalize(features, dim=1, eps=1e-12)
        e = F.normalize(self.class_embeddings, dim=1, eps=1e-12)
        return self.scale * (f @ e.T)


class MinMaxMLP(nn.Module):
    """MLP sample embedding plus a :class:`CosineClassifierHead` (for ``MinMaxLoss``).

    ``forward`` returns the tuple ``(logits, features, class_embeddings)``: skorch
    hands the whole tuple to the criterion and uses the first element (the scaled
    cosines) for ``predict_proba``, where the estimator applies the softmax.
    :class:`~sk_ordinal_kl.OrdinalKLClassifier` fills in ``in_features`` and
    ``num_classes``; set the rest through ``module__*``.

    Parameters
    ----------
    in_features : int
        Number of input features.
    num_classes : int
        Number of classes ``K``.
    embedding_dim : int, default=16
        Dimension ``D`` of the sample and class embeddings.
    scale : float, default=10.0
        Multiplier of the cosines in the logits (> 0).
    hidden_units : sequence of int, default=(64,)
        Hidden layers of the embedding MLP; ``()`` gives a linear embedding.
    dropout : float, default=0.1
        Dropout after each hidden layer, in ``[0, 1)``.

    Examples
    --------
    >>> net = MinMaxMLP(in_features=4, num_classes=3, embedding_dim=8)
    >>> logits, features, class_embeddings = net(torch.zeros(2, 4))
    >>> logits.shape, features.shape, class_embeddings.shape
    (torch.Size([2, 3]), torch.Size([2, 8]), torch.Size([3, 8]))
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        embedding_dim: int = 16,
        scale: float = 10.0,
        hidden_units: Sequence[int] = (64,),
        dropout: float = 0.1,
    ):
        super().__init__()
        if int(embedding_dim) < 1:
            raise ValueError(f"embedding_dim must be a positive integer, got {embedding_dim!r}.")
        self.embedding = _mlp(in_features, hidden_units, dropout, int(embedding_dim))
        self.head = CosineClassifierHead(int(embedding_dim), num_classes, scale=scale)

    def forward(self, X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Logits plus what :class:`~sk_ordinal_kl.losses.MinMaxLoss` needs.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, in_features)
            Input features.

        Returns
        -------
        outputs : tuple of torch.Tensor
            ``(logits (B, K), features (B, D), class_embeddings (K, D))``; skorch uses
            the first for ``predict_proba``.
        """
        features = self.embedding(X)
        return self.head(features), features, self.head.class_embeddings
