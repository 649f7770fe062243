"""Soft-target cross-entropy criteria: ``-sum_k W[y, k] log q_k - c[y]`` for a table ``W``.

:class:`SoftTargetKLCrossEntropy` (any fixed table), :class:`SoftLabelKLCrossEntropy`
(a kernel of :mod:`sk_ordinal_kl.targets`), its Gaussian special case
:class:`GaussianKLCrossEntropy`, and :class:`SoftLabelCrossEntropy`. Each keeps the rows
``W`` as the buffer ``target_rows`` (dense ``(K, K)``, or the band ``|k - y| <= h`` as
``(K, 2h + 1)`` with its ``band_columns``), laid out as the
:class:`~._layout.SoftTarget` it receives or :func:`~._layout.pack_rows` decides,
and :func:`soft_rows_loss` picks the compute path.

``CE(q, y) + alpha * KL(p || q)`` is evaluated through the identity

    CE(q, y) + alpha * KL(p || q) = sum_k -(onehot_y + alpha * p)_k log q_k - alpha * H(p),

so a forward pass is one log-softmax, one row gather from a ``K x K`` table and one
product-sum: O(B K), no ``log(p / q)`` and no per-sample Python loop. The row
``onehot_y + alpha * p(y)`` and the constant ``alpha * H(p(y))`` are cached per
class as buffers (they follow ``.to(device)`` and ``.double()``).
"""

from __future__ import annotations

import math
from typing import ClassVar

import torch

from ._base import NON_NEGATIVE, UNIT_INTERVAL, ClassIndexLoss, as_buffer, set_buffer
from ._docs import fill_doc
from ._kernel import KernelLoss
from ._layout import SMALL_NUM_CLASSES, SoftTarget, band_to_dense, mix_onehot, pack_rows
from ._soft_ce import small_soft_target_cross_entropy, soft_target_cross_entropy
from ._targets._checks import check_num_classes
from ._targets._stats import target_entropy

__all__ = [
    "GaussianKLCrossEntropy",
    "SoftLabelCrossEntropy",
    "SoftLabelKLCrossEntropy",
    "SoftTargetKLCrossEntropy",
    "soft_rows_loss",
]


def _check_log_targets(log_targets) -> torch.Tensor:
    log_targets = torch.as_tensor(log_targets, dtype=torch.float64)
    if log_targets.ndim != 2 or log_targets.shape[0] != log_targets.shape[1]:
        raise ValueError(f"log_targets must be square (K, K), got {tuple(log_targets.shape)}.")
    check_num_classes(int(log_targets.shape[0]), "SoftTargetKLCrossEntropy")
    if torch.isnan(log_targets).any() or (log_targets == math.inf).any():
        raise ValueError("log_targets must not contain NaN or +inf.")
    row_mass = torch.logsumexp(log_targets, dim=1)
    if not torch.allclose(row_mass, torch.zeros_like(row_mass), atol=1e-6):
        raise ValueError("every row of exp(log_targets) must be a distribution (sum to 1).")
    return log_targets


def soft_rows_loss(
    criterion: ClassIndexLoss,
    logits: torch.Tensor,
    target: torch.Tensor,
    offset: torch.Tensor | None,
    sample_weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """The reduced loss ``-sum_k W[y, k] log q_k - offset[y]`` of a criterion's rows.

    The one place that picks the compute path: up to
    :data:`~sk_ordinal_kl._soft_ce.SMALL_NUM_CLASSES` classes (always dense) native ops
    (:func:`~sk_ordinal_kl._soft_ce.small_soft_target_cross_entropy`), beyond them the
    fused node for dense or band rows (:func:`~sk_ordinal_kl._soft_ce.soft_target_cross_entropy`),
    reducing inside it unless only class weights apply; with sample weights it weights
    and reduces inside, unless they need a gradient (the node treats them as constants).
    Inputs are already checked.
    """
    rows, columns, reduction = criterion.target_rows, criterion.band_columns, criterion.reduction
    if criterion.num_classes <= SMALL_NUM_CLASSES:
        weight = criterion._class_weight(logits.dtype)
        return small_soft_target_cross_entropy(
            logits, target, rows, offset, weight, reduction, sample_weight
        )
    if sample_weight is not None:
        if sample_weight.requires_grad:
            per_sample = soft_target_cross_entropy(logits, target, rows, offset, columns)
            return criterion._reduce(per_sample, target, sample_weight)
        weight = criterion._sample_weight(target, sample_weight)
        return soft_target_cross_entropy(logits, target, rows, offset, columns, reduction, weight)
    if criterion.weight is None and reduction != "none":
        return soft_target_cross_entropy(logits, target, rows, offset, columns, reduction)
    per_sample = soft_target_cross_entropy(logits, target, rows, offset, columns)
    return criterion._reduce(per_sample, target)


class _SoftRows:
    """Mixin of the criteria ``-sum_k W[y, k] log q_k - c[y]``.

    They keep ``W`` as the buffer ``target_rows`` (dense, or band rows with their
    ``band_columns``) and the constant ``c`` as :meth:`_offset` (None: 0), and take the
    compute path :func:`soft_rows_loss` picks.
    """

    @property
    def target_weights(self) -> torch.Tensor:
        """The ``(K, K)`` table ``W`` (expanded from the band rows if banded)."""
        if self.band_columns is None:
            return self.target_rows
        return band_to_dense(self.target_rows, self.band_columns)

    def _set_rows(self, weights, columns, *, cut_band: bool) -> None:
        """Register ``W`` as ``target_rows`` (and ``band_columns``) in its storage layout."""
        rows, columns = pack_rows(
            as_buffer(self, "target_rows", weights), columns, cut_band=cut_band
        )
        self.register_buffer("target_rows", rows)
        self.register_buffer("band_columns", columns)

    def _offset(self) -> torch.Tensor | None:
        return None

    def _loss(
        self, logits: torch.Tensor, target: torch.Tensor, sample_weight=None
    ) -> torch.Tensor:
        return soft_rows_loss(self, logits, target, self._offset(), sample_weight)


class _KLRows(_SoftRows):
    """Mixin of the criteria ``CE + alpha KL(p || q)``: ``W = onehot + alpha p``,
    ``c = alpha H(p)`` (the buffer ``target_offset``)."""

    def _set_kl_rows(self, log_targets, columns=None, *, cut_band=True) -> None:
        weights = mix_onehot(log_targets, columns, self.alpha, 1.0)
        self._set_rows(weights, columns, cut_band=cut_band)
        set_buffer(self, "target_offset", self.alpha * target_entropy(log_targets))

    def _offset(self) -> torch.Tensor:
        return self.target_offset

    def _is_plain_cross_entropy(self) -> bool:
        return self.alpha == 0.0

    def extra_repr(self) -> str:
        return f"num_classes={self.num_classes}, alpha={self.alpha}, reduction={self.reduction!r}"


@fill_doc
class SoftTargetKLCrossEntropy(_KLRows, ClassIndexLoss):
    """``CE(q, y) + alpha * KL(p(y) || q)`` for any fixed soft-target table ``p``.

    .. math::

        L(z, y) = -\\log q_y + \\alpha \\sum_k p(y)_k \\log\\frac{p(y)_k}{q_k}
        = -\\sum_k (\\mathbb{1}[k = y] + \\alpha\\, p(y)_k) \\log q_k - \\alpha H(p(y)),

    ``q = softmax(z)``, ``0 log 0 = 0``. The right-hand form is what is computed.

    Parameters
    ----------
    log_targets : torch.Tensor of shape (K, K)
        ``log p(y)_k``: row ``y`` is the log target distribution for true class ``y``
        (rows must sum to 1 after ``exp``; ``-inf`` marks exact zeros).
    alpha : float, default=1.0
        Weight of the KL term (>= 0). ``alpha = 0`` is exactly ``F.cross_entropy``.
    %(weight)s
    %(reduction)s

    Attributes
    ----------
    target_weights : torch.Tensor of shape (K, K)
        ``onehot_y + alpha * p(y)``: the buffer ``target_rows`` when dense, expanded
        from band rows (a new ``K x K`` tensor on every access) when banded.
    target_offset : torch.Tensor of shape (K,)
        Buffer ``alpha * H(p(y))``, subtracted so the value is the documented loss.

    Examples
    --------
    >>> log_p = torch.log(torch.tensor([[0.9, 0.1], [0.1, 0.9]]))
    >>> loss = SoftTargetKLCrossEntropy(log_p, alpha=0.0)
    >>> logits, y = torch.zeros(2, 2), torch.tensor([0, 1])
    >>> bool(loss(logits, y) == F.cross_entropy(logits, y))
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **ClassIndexLoss._parameter_constraints,
        "alpha": NON_NEGATIVE,  # KL weight
    }

    def __init__(
        self, log_targets: torch.Tensor, alpha: float = 1.0, weight=None, reduction: str = "mean"
    ):
        log_targets = _check_log_targets(log_targets)
        super().__init__(int(log_targets.shape[0]), weight, reduction, alpha=alpha)
        self._set_kl_rows(log_targets)


@fill_doc
class SoftLabelKLCrossEntropy(_KLRows, KernelLoss):
    """Cross-entropy plus ``alpha`` times KL to a soft ordinal target of any kernel.

    .. math::

        L(z, y) = -\\log q_y + \\alpha\\, \\mathrm{KL}(p_{\\sigma}(y) \\,\\|\\, q),\\qquad
        q = \\mathrm{softmax}(z),

    with ``p_sigma(y)`` the row ``y`` of
    :func:`~sk_ordinal_kl.targets.soft_target_table` for ``kind`` (Gaussian
    ``exp(-d²/2σ²)``, Laplace/SORD ``exp(-|d|/σ)`` (Diaz & Marathe, CVPR 2019),
    triangular ``max(0, 1 - |d|/σ)``, binomial or Poisson (Beckham & Pal, ICML 2017)
    with ``d = k - y``). With ``t = (1 - η) onehot_y + η p``, ``η = α / (1 + α)``:
    ``L = (1 + α) CE(t, q) - α H(p)``; the gradient is ``(1 + α) q - onehot_y - α p``.
    Computed like :class:`SoftTargetKLCrossEntropy`, with band rows built directly
    from the kernel where they pay (no ``K x K`` table).

    Parameters
    ----------
    alpha : float, default=1.0
        Weight of the KL term (>= 0); ``alpha = 0`` is exactly ``F.cross_entropy``.
    %(sigma)s
    %(num_classes)s
    %(kind)s
    %(weight)s
    %(reduction)s

    Attributes
    ----------
    current_sigma : float
        Width of the table in use (changed by :meth:`set_sigma`, e.g. by
        :class:`~sk_ordinal_kl.callbacks.SigmaSchedule`).
    target_weights : torch.Tensor of shape (K, K)
        ``onehot_y + alpha * p(y)`` (see :class:`SoftTargetKLCrossEntropy`).

    Examples
    --------
    >>> criterion = SoftLabelKLCrossEntropy(alpha=1.0, sigma=1.0, num_classes=5, kind="laplace")
    >>> criterion(torch.zeros(2, 5), torch.tensor([0, 4])).shape
    torch.Size([])
    """

    _parameter_constraints: ClassVar[dict] = {
        **KernelLoss._parameter_constraints,
        "alpha": NON_NEGATIVE,  # KL weight
    }

    def __init__(
        self,
        alpha: float = 1.0,
        sigma: float = 1.0,
        num_classes: int | None = None,
        kind: str = "gaussian",
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight, reduction, alpha=alpha, kind=kind, sigma=sigma)

    def _target_scale(self) -> float:
        return self.alpha

    def _use_targets(self, soft_target: SoftTarget) -> None:
        log_rows, columns = soft_target.log_rows()
        self._set_kl_rows(log_rows, columns, cut_band=False)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", sigma={self.sigma}, kind={self.kind!r}"


@fill_doc
class GaussianKLCrossEntropy(SoftLabelKLCrossEntropy):
    """Cross-entropy plus ``alpha`` times KL to a discrete Gaussian over ordered classes.

    .. math::

        L(z, y) = -\\log q_y + \\alpha \\sum_k p_k \\log(p_k / q_k),\\qquad
        q = \\mathrm{softmax}(z),\\quad p_k \\propto \\exp(-(k - y)^2 / (2\\sigma^2)).

    Evaluated as ``(1 + alpha) * CE(t, q) - alpha * H(p)`` with soft target
    ``t = (onehot_y + alpha * p) / (1 + alpha)``, so the cost is one log-softmax and
    the gradient w.r.t. the logits is ``(1 + alpha) * q - onehot_y - alpha * p``.
    The special case ``kind="gaussian"`` of :class:`SoftLabelKLCrossEntropy`; the
    Gaussian label distribution is that of DLDL (Gao et al., IEEE TIP 2017).

    Parameters
    ----------
    alpha : float, default=1.0
        Weight of the KL term (>= 0). ``alpha = 0`` gives exactly ``F.cross_entropy``.
    sigma : float, default=1.0
        Width of the Gaussian mound in class-index units (> 0). ``sigma -> 0`` turns the
        KL term into a second cross-entropy; ``sigma -> inf`` into KL to the uniform
        distribution.
    %(num_classes)s
    %(weight)s
    %(reduction)s

    See Also
    --------
    sk_ordinal_kl.targets.gaussian_targets : the ``p_sigma`` table.

    Examples
    --------
    >>> criterion = GaussianKLCrossEntropy(alpha=1.0, sigma=1.0, num_classes=5)
    >>> logits = torch.zeros(3, 5)
    >>> loss = criterion(logits, torch.tensor([0, 2, 4]))
    >>> loss.shape
    torch.Size([])
    """

    def __init__(
        self,
        alpha: float = 1.0,
        sigma: float = 1.0,
        num_classes: int | None = None,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(
            alpha=alpha,
            sigma=sigma,
            num_classes=num_classes,
            kind="gaussian",
            weight=weight,
            reduction=reduction,
        )

    def extra_repr(self) -> str:
        return _KLRows.extra_repr(self) + f", sigma={self.sigma}"


@fill_doc
class SoftLabelCrossEntropy(_SoftRows, KernelLoss):
    """Pure soft-label cross-entropy ``CE(t, q)`` to a (mixed) ordinal soft target.

    .. math::

        L(z, y) = -\\sum_k t_k \\log q_k,\\qquad
        t = (1 - \\eta)\\,\\mathrm{onehot}_y + \\eta\\, p_{\\sigma}(y),\\quad
        q = \\mathrm{softmax}(z).

    With ``eta = 1`` this is the soft-label loss of SORD (Diaz & Marathe, CVPR 2019),
    DLDL (Gao et al., IEEE TIP 2017) and the unimodal exponential loss of Liu et al.
    (2020) / Vargas et al. (2023): it equals ``KL(p || q) + H(p)`` and is the
    ``alpha -> inf`` limit of ``(CE + alpha KL) / alpha`` up to the constant ``H(p)``.
    In general ``CE + alpha KL(p || q) = (1 + alpha) L_{eta} - alpha H(p)`` with
    ``eta = alpha / (1 + alpha)``. With ``kind="gaussian"`` it is the *same* formula as
    dlordinal's ``ExponentialLoss(p=2, tau=2 sigma^2, eta=eta)`` (soft labels
    ``softmax(-|k - y|^p / tau)``), and ``kind="laplace"`` is ``p=1, tau=sigma``.
    The value is a cross-entropy: it does not subtract ``H(t)``.

    Parameters
    ----------
    %(sigma)s
    %(num_classes)s
    %(kind)s
    eta : float, default=1.0
        Share of the soft target in ``t``, in ``[0, 1]``; ``eta = 0`` is exactly
        ``F.cross_entropy``.
    %(weight)s
    %(reduction)s

    Examples
    --------
    >>> criterion = SoftLabelCrossEntropy(sigma=1.0, num_classes=4)
    >>> criterion(torch.zeros(2, 4), torch.tensor([0, 3]))
    tensor(1.3863)
    """

    _parameter_constraints: ClassVar[dict] = {
        **KernelLoss._parameter_constraints,
        "eta": UNIT_INTERVAL,  # soft share of the target
    }

    def __init__(
        self,
        sigma: float = 1.0,
        num_classes: int | None = None,
        kind: str = "gaussian",
        eta: float = 1.0,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight, reduction, eta=eta, kind=kind, sigma=sigma)

    def _target_scale(self) -> float:
        return self.eta

    def _use_targets(self, soft_target: SoftTarget) -> None:
        log_rows, columns = soft_target.log_rows()
        weights = mix_onehot(log_rows, columns, self.eta, 1.0 - self.eta)
        self._set_rows(weights, columns, cut_band=False)

    def _is_plain_cross_entropy(self) -> bool:
        return self.eta == 0.0

    def extra_repr(self) -> str:
        return super().extra_repr() + f", sigma={self.sigma}, kind={self.kind!r}, eta={self.eta}"
