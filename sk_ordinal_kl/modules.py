"""Networks for tabular data.

:class:`TabularMLP` (the default) outputs one logit per class; its hidden blocks are
``Linear -> ReLU`` or, with ``block="bilinear"``, :class:`BilinearUnit` s (the product of
two linear maps: one block is a quadratic function of its input, as the polynomial
kernel of degree 2 is). :class:`StackedMLP` runs
``k`` independent copies of it as one batched network (the candidates of
:class:`~sk_ordinal_kl.OrdinalKLClassifierCV`). :class:`MinMaxMLP`
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

__all__ = [
    "BLOCKS",
    "BilinearUnit",
    "CosineClassifierHead",
    "MinMaxMLP",
    "StackedMLP",
    "TabularMLP",
]

#: Hidden blocks of :class:`TabularMLP` and :class:`StackedMLP`.
BLOCKS = ("relu", "bilinear")


class BilinearUnit(nn.Module):
    """``(W_a x + b_a) * (W_b x + b_b)``: the bilinear gated linear unit (no activation).

    Each output is a product of two affine functions of the input, so one layer of them
    is a quadratic function of ``x`` of rank ``out_features``; products of features
    (a lever arm times a weight, a saddle ``(x1 - a)(x2 - b)``) are one unit away, where
    ReLU units need many pieces to approximate them. This is the "bilinear" member of
    the GLU family (Shazeer, 2020).

    Parameters
    ----------
    in_features, out_features : int
        Input and output widths.

    Examples
    --------
    >>> unit = BilinearUnit(3, 4)
    >>> unit(torch.zeros(2, 3)).shape
    torch.Size([2, 4])
    """

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.linear = nn.Linear(int(in_features), 2 * int(out_features))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        a, b = self.linear(X).chunk(2, dim=-1)
        return a * b


def _check_block(block: str) -> str:
    if block not in BLOCKS:
        raise ValueError(f"block must be one of {list(BLOCKS)}, got {block!r}.")
    return block


def _mlp(
    in_features: int, hidden_units, dropout: float, out_features: int, block: str = "relu"
) -> nn.Sequential:
    """Hidden blocks (``Linear -> ReLU`` or a :class:`BilinearUnit`), each followed by
    ``Dropout``, then a linear layer to ``out_features``."""
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
    _check_block(block)
    layers: list[nn.Module] = []
    width = int(in_features)
    for units in hidden_units:
        if block == "bilinear":
            layers += [BilinearUnit(width, units), nn.Dropout(dropout)]
        else:
            layers += [nn.Linear(width, units), nn.ReLU(), nn.Dropout(dropout)]
        width = units
    layers.append(nn.Linear(width, int(out_features)))
    return nn.Sequential(*layers)


class TabularMLP(nn.Module):
    """Multi-layer perceptron: hidden blocks with dropout, then a linear head.

    :class:`~sk_ordinal_kl.OrdinalKLClassifier` uses it when no ``module`` is given and
    fills in ``in_features`` and ``num_classes`` from the data; set the rest through
    ``module__hidden_units``, ``module__dropout`` and ``module__block``.

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
    block : {"relu", "bilinear"}, default="relu"
        Hidden block: ``Linear -> ReLU``, or a :class:`BilinearUnit` (a quadratic
        function of the block's input; one bilinear block with the cumulative head
        learns ordinal classes cut from a product of features exactly).

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
        block: str = "relu",
    ):
        super().__init__()
        self.layers = _mlp(in_features, hidden_units, dropout, int(num_classes), block)

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


#: Resolution of :func:`member_dropout_mask`: the drop probability is a multiple of 2^-16.
_MASK_LEVELS = 1 << 16


def member_dropout_mask(h: torch.Tensor, p: float) -> torch.Tensor:
    """Inverted-dropout mask for ``h``: each element 0 with probability ``p``, else 1/(1-p).

    Every element draws its own value, as :func:`torch.nn.functional.dropout` does, but
    from 16 random bits rather than a whole random number: on the CPU, torch's
    ``bernoulli_`` makes one generator call per element and costs more than the rest of
    a stacked layer, while one 64-bit draw here serves four elements. ``p`` is rounded to
    a multiple of 2^-16 (0.1 becomes 0.100006) and the scale uses that rounded value, so
    the mask's mean stays exactly 1. It reads torch's default generator, so a seeded fit
    repeats itself.

    Parameters
    ----------
    h : torch.Tensor
        Activations the mask is for (its shape, dtype and device).
    p : float
        Drop probability in [0, 1).

    Returns
    -------
    mask : torch.Tensor
        Same shape, dtype and device as ``h``; holds 0 and ``1 / (1 - p_rounded)``.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> mask = member_dropout_mask(torch.ones(100_000), 0.1)
    >>> round((mask == 0).float().mean().item(), 2), round(mask.mean().item(), 2)
    (0.1, 1.0)
    """
    drop = round(p * _MASK_LEVELS)
    if drop == 0:
        return torch.ones_like(h)
    words = torch.empty((h.numel() + 3) // 4, dtype=torch.int64, device=h.device)
    # Signed 16-bit values are uniform on [-2^15, 2^15): ``drop`` of the 2^16 fall below.
    bits = words.random_(-(2**63), None).view(torch.int16)[: h.numel()].view(h.shape)
    keep = bits >= drop - _MASK_LEVELS // 2
    return keep.to(h.dtype) * (_MASK_LEVELS / (_MASK_LEVELS - drop))


class StackedMLP(nn.Module):
    """``k`` independent :class:`TabularMLP` s as one batched network: ``(B, F) -> (B, k, K)``.

    Member ``m`` has weights of its own (stacked along a leading axis of every
    parameter), so an element-wise optimizer updates each member as it would update a
    lone :class:`TabularMLP`; the first layer is one matrix product for all members, the
    others one batched product each. Dropout draws its own mask for every member, from
    :func:`member_dropout_mask` (so with dropout its random stream differs from a lone
    fit's; with ``dropout=0`` a member trains exactly as a lone fit).

    Parameters
    ----------
    in_features : int
        Number of input features.
    num_classes : int
        Number of output logits ``K`` per member.
    n_members : int
        Number of members ``k``.
    hidden_units : sequence of int, default=(64, 64)
        Hidden layer widths of every member.
    dropout : float, default=0.1
        Dropout probability after each hidden layer.
    block : {"relu", "bilinear"}, default="relu"
        Hidden block of every member, as in :class:`TabularMLP`.
    same_init : bool, default=True
        Build one :class:`TabularMLP` from torch's random state and copy it into every
        member: each member then starts where a lone fit seeded alike starts, and the
        random state moves on exactly as after that fit's initialisation. False builds
        ``k`` networks one after the other (different initialisations).

    Examples
    --------
    >>> net = StackedMLP(in_features=4, num_classes=3, n_members=5, hidden_units=(8,))
    >>> net(torch.zeros(2, 4)).shape
    torch.Size([2, 5, 3])
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        n_members: int,
        hidden_units: Sequence[int] = (64, 64),
        dropout: float = 0.1,
        same_init: bool = True,
        block: str = "relu",
    ):
        super().__init__()
        if int(n_members) < 1:
            raise ValueError(f"n_members must be a positive integer, got {n_members!r}.")
        count = 1 if same_init else int(n_members)
        nets = [
            TabularMLP(in_features, num_classes, hidden_units, dropout, block)
            for _ in range(count)
        ]
        nets = nets * int(n_members) if same_init else nets
        linears = [[m for m in net.modules() if isinstance(m, nn.Linear)] for net in nets]
        self.weights = nn.ParameterList(
            nn.Parameter(torch.stack([layers[i].weight.detach() for layers in linears]))
            for i in range(len(linears[0]))
        )
        self.biases = nn.ParameterList(
            nn.Parameter(torch.stack([layers[i].bias.detach() for layers in linears]))
            for i in range(len(linears[0]))
        )
        self.dropout = float(dropout)
        self.block = block
        self.n_members = int(n_members)

    def _activate(self, h: torch.Tensor) -> torch.Tensor:
        if self.block == "bilinear":  # the BilinearUnit's product of its two halves
            a, b = h.chunk(2, dim=-1)
            return a * b
        return F.relu(h)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Member logits of a batch.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, in_features)
            Input features.

        Returns
        -------
        logits : torch.Tensor of shape (batch, n_members, num_classes)
            Member ``m``'s logits in ``[:, m]``.
        """
        # Plain lists: indexing or slicing a ParameterList builds a new module per call,
        # a cost paid every batch.
        (first_w, *weights), (first_b, *biases) = list(self.weights), list(self.biases)
        k, width = first_w.shape[:2]
        # All members' first layers in one product: (B, F) @ (F, k * width).
        h = torch.addmm(first_b.reshape(-1), X, first_w.reshape(k * width, -1).T)
        h = h.view(X.shape[0], k, width).transpose(0, 1)  # (k, B, width)
        for weight, bias in zip(weights, biases, strict=True):
            h = self._activate(h)
            if self.training and self.dropout > 0:
                h = h * member_dropout_mask(h, self.dropout)
            h = torch.baddbmm(bias.unsqueeze(1), h, weight.transpose(1, 2))
        return h.transpose(0, 1)

    def member(self, m: int) -> TabularMLP:
        """Member ``m`` as a stand-alone :class:`TabularMLP` (a copy of its weights)."""
        in_features, num_classes = self.weights[0].shape[2], self.weights[-1].shape[1]
        halves = 2 if self.block == "bilinear" else 1  # a bilinear unit's linear map is 2x
        hidden = tuple(w.shape[1] // halves for w in self.weights[:-1])
        net = TabularMLP(in_features, num_classes, hidden, self.dropout, self.block)
        linears = [layer for layer in net.modules() if isinstance(layer, nn.Linear)]
        with torch.no_grad():
            for layer, weight, bias in zip(linears, self.weights, self.biases, strict=True):
                layer.weight.copy_(weight[m])
                layer.bias.copy_(bias[m])
        return net
