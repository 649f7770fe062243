"""Training criteria: ``nn.Module`` s taking ``(logits[B, K], class_index[B])``.

Every criterion also takes optional per-sample weights,
``forward(logits, target, sample_weight=None)``: the effective weight of a sample is
its class weight (the ``weight`` argument) times its sample weight, and
``reduction="mean"`` is the weighted mean ``sum_i w_i l_i / sum_i w_i``.

The central one is :class:`GaussianKLCrossEntropy`,
``CE(q, y) + alpha * KL(p_sigma(y) || q)`` with ``q = softmax(logits)``. It is
evaluated through the identity (DESIGN.md §2)

    CE(q, y) + alpha * KL(p || q) = sum_k -(onehot_y + alpha * p)_k log q_k - alpha * H(p),

so a forward pass is one log-softmax, one row gather from a ``K x K`` table and one
product-sum: O(B K), no ``log(p / q)`` and no per-sample Python loop. The row
``onehot_y + alpha * p(y)`` and the constant ``alpha * H(p(y))`` are cached per
class as buffers (they follow ``.to(device)`` and ``.double()``).

The same module holds the ordinal loss family from the literature, all with the
signature ``Cls(num_classes=K, **params)`` and
``forward(logits[B, K], class_index[B], sample_weight=None)``, vectorised and
computed in log space (finite for logits of any finite size):

* :class:`SoftLabelKLCrossEntropy`: ``CE + alpha KL(p_kind || q)`` for any kernel of
  :mod:`sk_ordinal_kl.targets` (Gaussian, SORD/Laplace, triangular, binomial, Poisson);
* :class:`SoftLabelCrossEntropy`: ``CE(t, q)``, ``t = (1 - eta) onehot + eta p_kind``
  (SORD, DLDL, dlordinal's ExponentialLoss);
* :class:`DLDLv2Loss`: ``KL(p || q) + lam |E_q[k] - y|`` (Gao et al., IJCAI 2018);
* :class:`FullKLDLDLLoss`: three KL terms, no weights (Günder et al., 2022);
* :class:`MeanVarianceLoss`: ``CE + lambda_1 (E_q[k] - y)^2 / 2 + lambda_2 Var_q[k]``
  (Pan et al., CVPR 2018);
* :class:`LabelSmoothingCrossEntropy`, :class:`FocalLoss`: order-blind baselines;
* :class:`MinMaxLoss`: class-embedding loss for :class:`~sk_ordinal_kl.modules.MinMaxMLP`.

:data:`LOSSES` maps short names to these classes.
"""

from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn

from ._soft_ce import (
    SMALL_NUM_CLASSES,
    band_columns,
    band_layout,
    band_to_dense,
    max_band_half_width,
    small_soft_target_cross_entropy,
    soft_target_cross_entropy,
)
from .modules import MinMaxMLP
from .targets import (
    _check_num_classes,
    check_kind,
    check_sigma,
    log_soft_target_band,
    log_soft_target_table,
    soft_target_half_width,
    target_entropy,
    target_moments,
)

__all__ = [
    "LOSSES",
    "DLDLv2Loss",
    "FocalLoss",
    "FullKLDLDLLoss",
    "GaussianKLCrossEntropy",
    "LabelSmoothingCrossEntropy",
    "MeanVarianceLoss",
    "MinMaxLoss",
    "SoftLabelCrossEntropy",
    "SoftLabelKLCrossEntropy",
    "SoftTargetKLCrossEntropy",
    "check_alpha",
    "check_logits_and_target",
    "reduce_loss",
]

_REDUCTIONS = ("mean", "sum", "none")


def check_alpha(alpha: float) -> float:
    """Return ``alpha`` as a float, or raise if it is not a finite number >= 0.

    Parameters
    ----------
    alpha : float
        Weight of the KL term.

    Returns
    -------
    alpha : float
        The validated weight.

    Examples
    --------
    >>> check_alpha(0)
    0.0
    """
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a real number, got {type(alpha).__name__} {alpha!r}.")
    alpha = float(alpha)
    if not math.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}.")
    return alpha


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}.")
    return reduction


def _class_weight_buffer(weight, num_classes: int) -> torch.Tensor | None:
    if weight is None:
        return None
    weight = torch.as_tensor(weight, dtype=torch.float32).detach().clone()
    if weight.shape != (num_classes,):
        raise ValueError(
            f"weight must have shape ({num_classes},) (one weight per class), "
            f"got {tuple(weight.shape)}."
        )
    if not torch.isfinite(weight).all() or (weight < 0).any():
        raise ValueError("weight must contain finite, non-negative class weights.")
    return weight


def check_logits_and_target(logits: torch.Tensor, target: torch.Tensor, num_classes: int):
    """Raise a clear error if a batch does not match ``(logits[B, K], class_index[B])``.

    Parameters
    ----------
    logits : torch.Tensor of shape (B, K)
        Unnormalised scores.
    target : torch.Tensor of shape (B,)
        Integer class indices in ``0..K-1``.
    num_classes : int
        Expected ``K``.

    Examples
    --------
    >>> check_logits_and_target(torch.zeros(2, 3), torch.tensor([0, 2]), 3)
    """
    if logits.ndim != 2 or logits.shape[1] != num_classes:
        raise ValueError(
            f"logits must have shape (batch, {num_classes}), got {tuple(logits.shape)}."
        )
    if target.ndim != 1 or target.shape[0] != logits.shape[0]:
        raise ValueError(
            f"target must have shape ({logits.shape[0]},) to match logits, "
            f"got {tuple(target.shape)}."
        )
    if target.dtype.is_floating_point or target.dtype == torch.bool:
        raise TypeError(f"target must hold integer class indices, got dtype {target.dtype}.")


def reduce_loss(per_sample: torch.Tensor, weight, reduction: str) -> torch.Tensor:
    """Reduce per-sample losses like ``F.cross_entropy`` does with class weights.

    Parameters
    ----------
    per_sample : torch.Tensor of shape (B,)
        Unweighted per-sample losses.
    weight : torch.Tensor of shape (B,) or None
        Effective weight of each sample: the class weight of its true class, times
        its sample weight if there is one. None: every sample weighs 1.
    reduction : {"mean", "sum", "none"}
        ``"none"``: ``w_i l_i``; ``"sum"``: ``sum_i w_i l_i``; ``"mean"``: the weighted
        sum divided by the sum of the weights, NaN when that sum is 0 (as the mean of
        an empty batch is NaN).

    Returns
    -------
    loss : torch.Tensor
        Scalar, or shape (B,) for ``"none"``.

    Examples
    --------
    >>> reduce_loss(torch.tensor([1.0, 3.0]), None, "mean")
    tensor(2.)
    """
    if weight is not None:
        per_sample = per_sample * weight
    if reduction == "none":
        return per_sample
    if reduction == "sum":
        return per_sample.sum()
    if weight is None:
        return per_sample.mean()
    return per_sample.sum() / weight.sum()


def _reduce_weighted(weighted: torch.Tensor, weight: torch.Tensor, reduction: str):
    """Reduce already weighted losses ``w_i l_i`` given the effective weights ``w_i``."""
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    return weighted.sum() / weight.sum()


def _check_sample_weight(sample_weight, logits: torch.Tensor) -> torch.Tensor:
    """``sample_weight`` as a ``(B,)`` tensor in the dtype and on the device of ``logits``.

    Raises if the shape is not ``(B,)``, the dtype is neither floating nor integer, or
    (for a tensor on the CPU, where the check needs no device sync) a weight is
    negative or NaN. On an accelerator that check would wait for the device every
    batch, so it is left out there: validate the weights once before training.
    """
    if not isinstance(sample_weight, torch.Tensor):
        sample_weight = torch.as_tensor(sample_weight)
    if sample_weight.dtype == torch.bool or sample_weight.dtype.is_complex:
        raise TypeError(f"sample_weight must hold real weights, got dtype {sample_weight.dtype}.")
    batch_size = logits.shape[0]
    if sample_weight.shape != (batch_size,):
        raise ValueError(
            f"sample_weight must have shape ({batch_size},) (one weight per sample), "
            f"got {tuple(sample_weight.shape)}."
        )
    if sample_weight.device.type == "cpu" and not bool((sample_weight >= 0).all()):
        raise ValueError("sample_weight must contain non-negative weights (no NaN).")
    return sample_weight.to(device=logits.device, dtype=logits.dtype)


def _check_real(name: str, value, *, low: float = 0.0, high: float = math.inf) -> float:
    """``value`` as a float in ``[low, high]``, finite, or a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}.")
    value = float(value)
    if not math.isfinite(value) or not low <= value <= high:
        bounds = f">= {low}" if high == math.inf else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be a finite number {bounds}, got {value!r}.")
    return value


def _require_num_classes(num_classes, owner: str) -> int:
    if num_classes is None:
        raise TypeError(f"{owner} needs num_classes (the number K of classes).")
    return _check_num_classes(num_classes)


def _check_log_targets(log_targets) -> torch.Tensor:
    log_targets = torch.as_tensor(log_targets, dtype=torch.float64)
    if log_targets.ndim != 2 or log_targets.shape[0] != log_targets.shape[1]:
        raise ValueError(f"log_targets must be square (K, K), got {tuple(log_targets.shape)}.")
    _check_num_classes(int(log_targets.shape[0]))
    if torch.isnan(log_targets).any() or (log_targets == math.inf).any():
        raise ValueError("log_targets must not contain NaN or +inf.")
    row_mass = torch.logsumexp(log_targets, dim=1)
    if not torch.allclose(row_mass, torch.zeros_like(row_mass), atol=1e-6):
        raise ValueError("every row of exp(log_targets) must be a distribution (sum to 1).")
    return log_targets


def _set_buffer(module: nn.Module, name: str, value: torch.Tensor) -> None:
    """(Re-)register a float buffer, following the device and dtype it already has."""
    old = module._buffers.get(name)
    value = value.float() if old is None else value.to(device=old.device, dtype=old.dtype)
    module.register_buffer(name, value.contiguous())


def _flush_subnormals(weights: torch.Tensor) -> torch.Tensor:
    """``weights`` with subnormal entries set to 0.

    Far Gaussian tails underflow to subnormal floats (K = 117, sigma = 1: 206 entries in
    float32); every product with one takes a slow microcode path on x86 CPUs, which made
    the training step measurably slower. Zeroing them changes a loss by < 1e-37.
    """
    return weights.masked_fill(weights.abs() < torch.finfo(weights.dtype).tiny, 0.0)


class _ClassIndexLoss(nn.Module):
    """Plumbing shared by the criteria: ``K``, class weights, reduction."""

    def __init__(self, num_classes, weight=None, reduction: str = "mean"):
        super().__init__()
        self.num_classes = _require_num_classes(num_classes, type(self).__name__)
        self.reduction = _check_reduction(reduction)
        self.register_buffer("weight", _class_weight_buffer(weight, self.num_classes))

    def forward(
        self, logits: torch.Tensor, target: torch.Tensor, sample_weight=None
    ) -> torch.Tensor:
        """Loss of a batch.

        Parameters
        ----------
        logits : torch.Tensor of shape (B, K)
            Unnormalised class scores.
        target : torch.Tensor of shape (B,)
            True class indices in ``0..K-1``.
        sample_weight : torch.Tensor of shape (B,), default=None
            Non-negative per-sample weights (any real dtype; cast to that of ``logits``).
            A sample's effective weight ``w_i`` is its class weight (``weight``, 1 if
            None) times its sample weight: ``reduction="none"`` returns ``w_i l_i``,
            ``"sum"`` ``sum_i w_i l_i`` and ``"mean"`` ``sum_i w_i l_i / sum_i w_i``,
            which is NaN when ``sum_i w_i = 0``, as the mean of an empty batch is. None
            is the unweighted loss (the same computation as without the argument).
            Negative or NaN weights raise ``ValueError`` for tensors on the CPU (the
            check is skipped on accelerators, where it would wait for the device).

        Returns
        -------
        loss : torch.Tensor
            Scalar (or per-sample losses for ``reduction="none"``).
        """
        check_logits_and_target(logits, target, self.num_classes)
        target = target.long()  # nll_loss wants int64; a no-op for the usual indices
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, logits)
        if self._is_plain_cross_entropy():
            # Exactly (label-smoothed) hard-label CE: its fused kernel is the fastest path.
            if sample_weight is None:
                return F.cross_entropy(
                    logits,
                    target,
                    weight=self._class_weight(logits.dtype),
                    reduction=self.reduction,
                    label_smoothing=self._label_smoothing(),
                )
            # Per sample as torch weights it (with label smoothing, the class weights
            # also weight the smoothing term), then times the sample weights.
            per_sample = F.cross_entropy(
                logits,
                target,
                weight=self._class_weight(logits.dtype),
                reduction="none",
                label_smoothing=self._label_smoothing(),
            )
            weight = self._sample_weight(target, sample_weight)
            return _reduce_weighted(per_sample * sample_weight, weight, self.reduction)
        return self._loss(logits, target, sample_weight)

    def _loss(
        self, logits: torch.Tensor, target: torch.Tensor, sample_weight=None
    ) -> torch.Tensor:
        """The reduced loss; inputs already checked. Criteria with a fused path override it."""
        return self._reduce(self._per_sample(logits, target), target, sample_weight)

    def _is_plain_cross_entropy(self) -> bool:
        """Whether the parameters reduce this loss to exactly hard-label cross-entropy."""
        return False

    def _label_smoothing(self) -> float:
        """``label_smoothing`` of the plain cross-entropy path (0 except for smoothing)."""
        return 0.0

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Unreduced loss of every sample, shape ``(B,)``; inputs already checked."""
        raise NotImplementedError

    def _reduce(
        self, per_sample: torch.Tensor, target: torch.Tensor, sample_weight=None
    ) -> torch.Tensor:
        if sample_weight is None:
            weight = None if self.weight is None else self.weight[target].to(per_sample.dtype)
        else:
            weight = self._sample_weight(target, sample_weight.to(per_sample.dtype))
        return reduce_loss(per_sample, weight, self.reduction)

    def _sample_weight(self, target: torch.Tensor, sample_weight: torch.Tensor) -> torch.Tensor:
        """Effective weight of every sample: class weight of its target x sample weight."""
        if self.weight is None:
            return sample_weight
        return self.weight[target].to(sample_weight.dtype) * sample_weight

    def _class_weight(self, dtype: torch.dtype):
        return None if self.weight is None else self.weight.to(dtype)

    def _class_values(self, like: torch.Tensor) -> torch.Tensor:
        return torch.arange(self.num_classes, dtype=like.dtype, device=like.device)

    def extra_repr(self) -> str:
        return f"num_classes={self.num_classes}, reduction={self.reduction!r}"


class _SoftRowsLoss(_ClassIndexLoss):
    """Criteria of the form ``-sum_k W[y, k] log q_k - c[y]``.

    Up to ``SMALL_NUM_CLASSES`` classes they run as native ops, beyond as the fused
    node of :mod:`sk_ordinal_kl._soft_ce`.

    ``W`` is stored as ``target_rows``: dense ``(K, K)``, or the band ``|k - y| <= h``
    as ``(K, 2h + 1)`` with their ``band_columns`` when every weight outside it is
    0 in float32 and the band is at most K/8 wide. The band is built directly from the
    kernel (no ``K x K`` table at any point) or cut from a dense table.
    """

    def _set_soft_rows(self, weights: torch.Tensor, columns=None, *, cut_band=True) -> None:
        """Register the rows ``W``: band rows with their ``columns``, or dense rows (of
        which a band is cut when it pays, unless the kernel already ruled a band out)."""
        _set_buffer(self, "target_rows", weights)
        self.target_rows = _flush_subnormals(self.target_rows)
        if columns is None and cut_band:
            layout = band_layout(self.target_rows)
            if layout is not None:
                self.target_rows, columns = layout
        if columns is not None:
            columns = columns.to(self.target_rows.device)
        self.register_buffer("band_columns", columns)

    @property
    def target_weights(self) -> torch.Tensor:
        """The ``(K, K)`` table ``W`` (expanded from the band rows if banded)."""
        if self.band_columns is None:
            return self.target_rows
        return band_to_dense(self.target_rows, self.band_columns)

    def _soft_cross_entropy(self, logits, target, offset, reduction="none") -> torch.Tensor:
        """``-sum_k W[y, k] log q_k - offset[y]`` (fused), maybe reduced."""
        return soft_target_cross_entropy(
            logits, target, self.target_rows, offset, self.band_columns, reduction
        )

    def _soft_table_loss(self, logits, target, offset, sample_weight=None) -> torch.Tensor:
        """The reduced loss: native ops for a small dense table, else the fused node
        (reducing inside it unless only class weights apply; with sample weights it
        weights and reduces inside, unless they need a gradient)."""
        if self.num_classes <= SMALL_NUM_CLASSES:  # never banded (max_band_half_width)
            weight = self._class_weight(logits.dtype)
            if sample_weight is None:
                return small_soft_target_cross_entropy(
                    logits, target, self.target_rows, offset, weight, self.reduction
                )
            return small_soft_target_cross_entropy(
                logits, target, self.target_rows, offset, weight, self.reduction, sample_weight
            )
        if sample_weight is not None:
            if sample_weight.requires_grad:  # the node treats weights as constants
                per_sample = self._soft_cross_entropy(logits, target, offset)
                return self._reduce(per_sample, target, sample_weight)
            return soft_target_cross_entropy(
                logits,
                target,
                self.target_rows,
                offset,
                self.band_columns,
                self.reduction,
                self._sample_weight(target, sample_weight),
            )
        if self.weight is None and self.reduction != "none":
            return self._soft_cross_entropy(logits, target, offset, self.reduction)
        return self._reduce(self._soft_cross_entropy(logits, target, offset), target)

    def _log_kernel_targets(self, kind: str, sigma: float, scale: float):
        """Log table of a kernel, as band rows where :meth:`_set_soft_rows` would use them.

        ``scale`` multiplies ``p`` in ``W``: log-probabilities below
        ``log(tiny / max(scale, 1))`` (tiny: float32's smallest normal) give weights that
        are stored as 0, and their mass is negligible in the normalisation and ``H(p)``.
        """
        log_floor = math.log(torch.finfo(torch.float32).tiny / max(scale, 1.0))
        half_width = soft_target_half_width(
            kind, self.num_classes, sigma, log_floor, max_band_half_width(self.num_classes)
        )
        if half_width is None:
            return log_soft_target_table(kind, self.num_classes, sigma), None
        band = log_soft_target_band(kind, self.num_classes, sigma, half_width)
        return band, band_columns(self.num_classes, half_width)


def _add_to_diagonal(rows: torch.Tensor, banded: bool, value: float) -> None:
    """``W[y, y] += value`` in place, for dense rows or band rows (middle column)."""
    diagonal = rows[:, rows.shape[1] // 2] if banded else rows.diagonal()
    diagonal.add_(value)


class _KernelTargets:
    """Mixin: soft targets from a kernel ``kind`` of width ``sigma``, rebuilt by ``set_sigma``.

    ``sigma`` stays the constructor value (the estimator compares it with its own
    ``sigma``); ``current_sigma`` is the width of the table in use.
    """

    def _init_kernel(self, kind: str, sigma: float) -> None:
        self.kind = check_kind(kind)
        self.sigma = check_sigma(sigma)
        self.set_sigma(self.sigma)

    def set_sigma(self, sigma: float):
        """Rebuild the target buffers for a new width (or temperature) ``sigma``.

        Parameters
        ----------
        sigma : float
            New width (> 0). The ``sigma`` attribute (the constructor value) is left
            as it is; ``current_sigma`` records the new one.

        Returns
        -------
        self : nn.Module
            The criterion, with buffers on their previous device and dtype.
        """
        sigma = check_sigma(sigma)
        self._build_kernel_targets(sigma)
        self.current_sigma = sigma
        return self

    def _build_kernel_targets(self, sigma: float) -> None:
        self._build_targets(log_soft_target_table(self.kind, self.num_classes, sigma))


class SoftTargetKLCrossEntropy(_SoftRowsLoss):
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
    weight : array-like of shape (K,), default=None
        Optional class weights, applied per sample by its true class and normalised as
        in ``F.cross_entropy``.
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

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

    def __init__(
        self, log_targets: torch.Tensor, alpha: float = 1.0, weight=None, reduction: str = "mean"
    ):
        log_targets = _check_log_targets(log_targets)
        super().__init__(int(log_targets.shape[0]), weight=weight, reduction=reduction)
        self.alpha = check_alpha(alpha)
        self._build_targets(log_targets)

    def _build_targets(self, log_targets: torch.Tensor, columns=None, cut_band=True) -> None:
        weights = log_targets.exp().mul_(self.alpha)
        _add_to_diagonal(weights, columns is not None, 1.0)  # onehot + alpha p, no identity
        self._set_soft_rows(weights, columns, cut_band=cut_band)
        _set_buffer(self, "target_offset", self.alpha * target_entropy(log_targets))

    def _is_plain_cross_entropy(self) -> bool:
        return self.alpha == 0.0

    def _loss(
        self, logits: torch.Tensor, target: torch.Tensor, sample_weight=None
    ) -> torch.Tensor:
        return self._soft_table_loss(logits, target, self.target_offset, sample_weight)

    def extra_repr(self) -> str:
        return f"num_classes={self.num_classes}, alpha={self.alpha}, reduction={self.reduction!r}"


class SoftLabelKLCrossEntropy(_KernelTargets, SoftTargetKLCrossEntropy):
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

    Parameters
    ----------
    alpha : float, default=1.0
        Weight of the KL term (>= 0); ``alpha = 0`` is exactly ``F.cross_entropy``.
    sigma : float, default=1.0
        Kernel width (temperature for binomial/Poisson), > 0.
    num_classes : int
        Number of ordered classes ``K``; filled in by
        :class:`~sk_ordinal_kl.OrdinalKLClassifier`.
    kind : {"gaussian", "laplace", "triangular", "binomial", "poisson"}, default="gaussian"
        Soft-target kernel; set it through ``criterion__kind``.
    weight : array-like of shape (K,), default=None
        Optional class weights (as in ``F.cross_entropy``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    Attributes
    ----------
    current_sigma : float
        Width of the table in use (changed by :meth:`set_sigma`, e.g. by
        :class:`~sk_ordinal_kl.callbacks.SigmaSchedule`).

    Examples
    --------
    >>> criterion = SoftLabelKLCrossEntropy(alpha=1.0, sigma=1.0, num_classes=5, kind="laplace")
    >>> criterion(torch.zeros(2, 5), torch.tensor([0, 4])).shape
    torch.Size([])
    """

    def __init__(
        self,
        alpha: float = 1.0,
        sigma: float = 1.0,
        num_classes: int | None = None,
        kind: str = "gaussian",
        weight=None,
        reduction: str = "mean",
    ):
        # Not SoftTargetKLCrossEntropy.__init__: that one takes a dense K x K table, and
        # a kernel is built as band rows where it can be.
        _ClassIndexLoss.__init__(self, num_classes, weight=weight, reduction=reduction)
        self.alpha = check_alpha(alpha)
        self._init_kernel(kind, sigma)

    def _build_kernel_targets(self, sigma: float) -> None:
        log_targets, columns = self._log_kernel_targets(self.kind, sigma, self.alpha)
        self._build_targets(log_targets, columns, cut_band=False)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", sigma={self.sigma}, kind={self.kind!r}"


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
    num_classes : int
        Number of ordered classes ``K``. :class:`~sk_ordinal_kl.OrdinalKLClassifier`
        fills it in from the data.
    weight : array-like of shape (K,), default=None
        Optional class weights (as in ``F.cross_entropy``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

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
        return SoftTargetKLCrossEntropy.extra_repr(self) + f", sigma={self.sigma}"


class SoftLabelCrossEntropy(_KernelTargets, _SoftRowsLoss):
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
    sigma : float, default=1.0
        Kernel width (temperature for binomial/Poisson), > 0.
    num_classes : int
        Number of ordered classes ``K``.
    kind : {"gaussian", "laplace", "triangular", "binomial", "poisson"}, default="gaussian"
        Soft-target kernel.
    eta : float, default=1.0
        Share of the soft target in ``t``, in ``[0, 1]``; ``eta = 0`` is exactly
        ``F.cross_entropy``.
    weight : array-like of shape (K,), default=None
        Optional class weights (weighted mean as in ``F.cross_entropy``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    Examples
    --------
    >>> criterion = SoftLabelCrossEntropy(sigma=1.0, num_classes=4)
    >>> criterion(torch.zeros(2, 4), torch.tensor([0, 3]))
    tensor(1.3863)
    """

    def __init__(
        self,
        sigma: float = 1.0,
        num_classes: int | None = None,
        kind: str = "gaussian",
        eta: float = 1.0,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight=weight, reduction=reduction)
        self.eta = _check_real("eta", eta, high=1.0)
        self._init_kernel(kind, sigma)

    def _build_kernel_targets(self, sigma: float) -> None:
        log_targets, columns = self._log_kernel_targets(self.kind, sigma, self.eta)
        weights = log_targets.exp().mul_(self.eta)
        _add_to_diagonal(weights, columns is not None, 1.0 - self.eta)
        self._set_soft_rows(weights, columns, cut_band=False)

    def _is_plain_cross_entropy(self) -> bool:
        return self.eta == 0.0

    def _loss(
        self, logits: torch.Tensor, target: torch.Tensor, sample_weight=None
    ) -> torch.Tensor:
        return self._soft_table_loss(logits, target, None, sample_weight)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", sigma={self.sigma}, kind={self.kind!r}, eta={self.eta}"


class _KLToTargets(_KernelTargets, _ClassIndexLoss):
    """Base of the DLDL losses: buffers ``p(y)``, ``H(p(y))`` and the moments of ``p(y)``."""

    def _build_targets(self, log_targets: torch.Tensor) -> None:
        mean, variance = target_moments(log_targets)
        _set_buffer(self, "targets", log_targets.exp())
        _set_buffer(self, "target_entropy", target_entropy(log_targets))
        _set_buffer(self, "target_mean", mean)
        _set_buffer(self, "target_variance", variance)

    def _kl(self, log_q: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Per-sample ``KL(p(y) || q) = -sum_k p_k log q_k - H(p)`` (no log of p)."""
        p = self.targets[target].to(log_q.dtype)
        return -(p * log_q).sum(dim=1) - self.target_entropy[target].to(log_q.dtype)


class DLDLv2Loss(_KLToTargets):
    """DLDL-v2: KL to a label distribution plus the L1 error of the expectation.

    .. math::

        L(z, y) = \\mathrm{KL}(p_{\\sigma}(y) \\,\\|\\, q)
        + \\lambda \\Big|\\sum_k k\\, q_k - y\\Big|,\\qquad q = \\mathrm{softmax}(z),

    from Gao, Zhou, Wu & Geng, "Age Estimation Using Expectation of Label Distribution
    Learning", IJCAI 2018 (there ``lambda = 1``). Labels are class *indices*
    ``0..K-1``, so the expectation is taken over indices. The KL is computed as
    ``-sum_k p_k log q_k - H(p)`` from a log-softmax.

    Parameters
    ----------
    sigma : float, default=1.0
        Width of the label distribution (> 0).
    lam : float, default=1.0
        Weight ``lambda`` of the expectation term (>= 0).
    num_classes : int
        Number of ordered classes ``K``.
    kind : str, default="gaussian"
        Kernel of ``p_sigma`` (see :data:`~sk_ordinal_kl.targets.SOFT_TARGET_KINDS`).
    weight : array-like of shape (K,), default=None
        Optional class weights (weighted mean as in ``F.cross_entropy``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    Examples
    --------
    >>> criterion = DLDLv2Loss(sigma=1.0, lam=1.0, num_classes=3)
    >>> criterion(torch.zeros(1, 3), torch.tensor([1])).item() > 0
    True
    """

    def __init__(
        self,
        sigma: float = 1.0,
        lam: float = 1.0,
        num_classes: int | None = None,
        kind: str = "gaussian",
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight=weight, reduction=reduction)
        self.lam = _check_real("lam", lam)
        self._init_kernel(kind, sigma)

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_q = F.log_softmax(logits, dim=1)
        expectation = log_q.exp() @ self._class_values(log_q)
        per_sample = self._kl(log_q, target) + self.lam * (expectation - target).abs()
        return per_sample

    def extra_repr(self) -> str:
        return super().extra_repr() + f", sigma={self.sigma}, lam={self.lam}, kind={self.kind!r}"


class FullKLDLDLLoss(_KLToTargets):
    """Hyperparameter-free "full KL" DLDL loss: three KL divergences, equally weighted.

    .. math::

        L(z, y) = \\mathrm{KL}(p \\,\\|\\, q)
        + \\mathrm{KL}\\big(\\mathcal N(\\mu_p, v_p) \\,\\|\\, \\mathcal N(\\mu_q, v_q)\\big)
        + \\tfrac12\\big[\\mathrm{KL}(q \\,\\|\\, S_{+}q) + \\mathrm{KL}(q \\,\\|\\, S_{-}q)\\big]

    after Günder, Piatkowski & Bauckhage, "Full Kullback-Leibler-Divergence Loss for
    Hyperparameter-free Label Distribution Learning" (arXiv:2209.02055, 2022), with
    ``p = p_sigma(y)`` and ``q = softmax(z)``. Choices the paper leaves open:

    * **Moments.** ``mu`` and ``v`` are the mean and variance of ``p`` and ``q`` over
      the class indices ``0..K-1`` (so ``p``'s moments are those of the truncated
      discrete kernel, not ``(y, sigma^2)``), and ``eps`` is added to *both*
      variances: ``v = s^2 + eps``. The middle term is the exact Gaussian KL
      ``½ log(v_q / v_p) + (v_p + (mu_p - mu_q)^2) / (2 v_q) - ½ >= 0``; ``eps`` keeps
      it finite for one-hot ``p`` (``sigma -> 0``) or one-hot ``q``.
    * **Smoothness.** ``S_{±}`` shift ``q`` by one class; each KL runs over the
      ``K - 1`` overlapping positions only (no wrap-around, no padding) and the shifted
      vectors are *not* renormalised. Their sum telescopes to
      ``½ sum_{k=0}^{K-2} (q_k - q_{k+1}) (log q_k - log q_{k+1}) >= 0``, which is what
      is computed (log-probability differences from a log-softmax, never ``log q``
      of an underflowed probability). It equals the paper's symmetric
      ``½[KL(q || q_s) + KL(q_s || q)]``.

    Parameters
    ----------
    sigma : float, default=1.0
        Width of the label distribution ``p`` (> 0).
    num_classes : int
        Number of ordered classes ``K``.
    eps : float, default=1e-3
        Added to both variances (class-index units squared, > 0).
    kind : str, default="gaussian"
        Kernel of ``p_sigma`` (see :data:`~sk_ordinal_kl.targets.SOFT_TARGET_KINDS`).
    weight : array-like of shape (K,), default=None
        Optional class weights (weighted mean as in ``F.cross_entropy``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    Examples
    --------
    >>> criterion = FullKLDLDLLoss(sigma=1.0, num_classes=4)
    >>> float(criterion(torch.zeros(1, 4), torch.tensor([1]))) > 0
    True
    """

    def __init__(
        self,
        sigma: float = 1.0,
        num_classes: int | None = None,
        eps: float = 1e-3,
        kind: str = "gaussian",
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight=weight, reduction=reduction)
        self.eps = _check_real("eps", eps)
        if self.eps == 0.0:
            raise ValueError("eps must be > 0 (it keeps the variances away from 0).")
        self._init_kernel(kind, sigma)

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_q = F.log_softmax(logits, dim=1)
        q = log_q.exp()
        k = self._class_values(log_q)
        mean_q = q @ k
        var_q = (q * (k - mean_q.unsqueeze(1)).square()).sum(dim=1) + self.eps
        mean_p = self.target_mean[target].to(log_q.dtype)
        var_p = self.target_variance[target].to(log_q.dtype) + self.eps
        gaussian_kl = 0.5 * (
            torch.log(var_q / var_p) + (var_p + (mean_p - mean_q).square()) / var_q - 1.0
        )
        smoothness = 0.5 * (torch.diff(q, dim=1) * torch.diff(log_q, dim=1)).sum(dim=1)
        per_sample = self._kl(log_q, target) + gaussian_kl + smoothness
        return per_sample

    def extra_repr(self) -> str:
        return super().extra_repr() + f", sigma={self.sigma}, eps={self.eps}, kind={self.kind!r}"


class LabelSmoothingCrossEntropy(_ClassIndexLoss):
    """Cross-entropy with uniform label smoothing, a baseline that ignores class order.

    .. math::

        L(z, y) = -(1 - \\epsilon) \\log q_y - \\frac{\\epsilon}{K} \\sum_k \\log q_k,
        \\qquad q = \\mathrm{softmax}(z)

    (Szegedy et al., "Rethinking the Inception Architecture", CVPR 2016). Computed by
    ``F.cross_entropy(..., label_smoothing=epsilon)``, including its handling of class
    weights.

    Parameters
    ----------
    epsilon : float, default=0.1
        Smoothing mass in ``[0, 1]``; 0 is plain cross-entropy.
    num_classes : int
        Number of classes ``K``.
    weight : array-like of shape (K,), default=None
        Optional class weights, exactly as ``F.cross_entropy`` applies them.
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    Examples
    --------
    >>> criterion = LabelSmoothingCrossEntropy(epsilon=0.1, num_classes=3)
    >>> criterion(torch.zeros(2, 3), torch.tensor([0, 2]))
    tensor(1.0986)
    """

    def __init__(
        self,
        epsilon: float = 0.1,
        num_classes: int | None = None,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight=weight, reduction=reduction)
        self.epsilon = _check_real("epsilon", epsilon, high=1.0)

    def _is_plain_cross_entropy(self) -> bool:
        return True

    def _label_smoothing(self) -> float:
        return self.epsilon

    def extra_repr(self) -> str:
        return super().extra_repr() + f", epsilon={self.epsilon}"


class FocalLoss(_ClassIndexLoss):
    """Focal loss, a baseline that ignores class order.

    .. math::

        L(z, y) = -(1 - q_y)^{\\gamma} \\log q_y,\\qquad q = \\mathrm{softmax}(z)

    (Lin, Goyal, Girshick, He & Dollár, "Focal Loss for Dense Object Detection",
    ICCV 2017). ``log q_y`` comes from a log-softmax and ``1 - q_y`` from
    ``-expm1(log q_y)`` (exact for ``q_y`` near 1); the factor's base is floored at the
    smallest normal float so ``gamma < 1`` keeps a finite gradient. Class weights play
    the role of the paper's ``alpha_t`` and are normalised as in ``F.cross_entropy``.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter (>= 0); ``gamma = 0`` is exactly ``F.cross_entropy``.
    num_classes : int
        Number of classes ``K``.
    weight : array-like of shape (K,), default=None
        Optional class weights ``alpha_t``.
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    Examples
    --------
    >>> criterion = FocalLoss(gamma=2.0, num_classes=2)
    >>> criterion(torch.zeros(1, 2), torch.tensor([0]))
    tensor(0.1733)
    """

    def __init__(
        self,
        gamma: float = 2.0,
        num_classes: int | None = None,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight=weight, reduction=reduction)
        self.gamma = _check_real("gamma", gamma)

    def _is_plain_cross_entropy(self) -> bool:
        return self.gamma == 0.0

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_q_y = F.log_softmax(logits, dim=1).gather(1, target.unsqueeze(1)).squeeze(1)
        miss = (-torch.expm1(log_q_y)).clamp_min(torch.finfo(log_q_y.dtype).tiny)
        per_sample = -miss.pow(self.gamma) * log_q_y
        return per_sample

    def extra_repr(self) -> str:
        return super().extra_repr() + f", gamma={self.gamma}"


class MeanVarianceLoss(_ClassIndexLoss):
    """Mean-variance loss: cross-entropy plus penalties on the predicted mean and spread.

    .. math::

        L(z, y) = -\\log q_y + \\frac{\\lambda_1}{2} (m - y)^2
        + \\lambda_2 \\sum_k q_k (k - m)^2,\\qquad m = \\sum_k k\\, q_k,

    ``q = softmax(z)``, from Pan, Han, Shan & Chen, "Mean-Variance Loss for Deep Age
    Estimation from a Face", CVPR 2018 (defaults ``lambda_1 = 0.2``,
    ``lambda_2 = 0.05`` as there). Mean and variance are over class indices.

    Parameters
    ----------
    lambda_mean : float, default=0.2
        Weight ``lambda_1`` of the mean loss (>= 0).
    lambda_var : float, default=0.05
        Weight ``lambda_2`` of the variance loss (>= 0).
    num_classes : int
        Number of ordered classes ``K``.
    weight : array-like of shape (K,), default=None
        Optional class weights (weighted mean as in ``F.cross_entropy``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    Examples
    --------
    >>> criterion = MeanVarianceLoss(num_classes=3)
    >>> criterion(torch.zeros(1, 3), torch.tensor([1]))
    tensor(1.1319)
    """

    def __init__(
        self,
        lambda_mean: float = 0.2,
        lambda_var: float = 0.05,
        num_classes: int | None = None,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight=weight, reduction=reduction)
        self.lambda_mean = _check_real("lambda_mean", lambda_mean)
        self.lambda_var = _check_real("lambda_var", lambda_var)

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_q = F.log_softmax(logits, dim=1)
        q = log_q.exp()
        k = self._class_values(log_q)
        mean = q @ k
        variance = (q * (k - mean.unsqueeze(1)).square()).sum(dim=1)
        cross_entropy = -log_q.gather(1, target.unsqueeze(1)).squeeze(1)
        per_sample = (
            cross_entropy
            + 0.5 * self.lambda_mean * (mean - target).square()
            + self.lambda_var * variance
        )
        return per_sample

    def extra_repr(self) -> str:
        return (
            super().extra_repr()
            + f", lambda_mean={self.lambda_mean}, lambda_var={self.lambda_var}"
        )


class MinMaxLoss(_ClassIndexLoss):
    """Min-max class-embedding loss: pull samples to their class, push classes apart.

    For a module such as :class:`~sk_ordinal_kl.modules.MinMaxMLP` that returns
    ``(logits, features, class_embeddings)`` with ``logits = s · cos(f(x), e_c)``:

    .. math::

        L = w_{pull} \\big(1 - \\cos(f(x), e_y)\\big)^2
        + \\frac{w_{push}}{K - 1} \\sum_{c \\ne y} \\big(\\cos(e_y, e_c) + 1\\big)^2
        + w_{ce}\\, \\mathrm{CE}(\\mathrm{softmax}(s \\cos(f(x), e)), y).

    The first term minimises the angle between a sample's embedding and its class
    embedding; the second maximises the angles between class embeddings (0 when they
    are antipodal). ``predict_proba`` of the estimator is the softmax of the scaled
    cosines (the first output), the normalised-softmax head of NormFace (Wang, Xiang,
    Cheng & Yuille, ACM MM 2017). ``ce_weight = 0`` (default) is the pure min-max loss
    in the form the project's issue 5 specifies; no published reference for exactly
    this pull/push pair was checked, and it does not use the class order.
    Cosines use ``F.normalize`` (norm floored at ``1e-12``), so any feature scale is
    finite.

    Parameters
    ----------
    num_classes : int
        Number of classes ``K`` (rows of ``class_embeddings``).
    pull_weight : float, default=1.0
        Weight of the pull term (>= 0).
    push_weight : float, default=1.0
        Weight of the push term (>= 0).
    ce_weight : float, default=0.0
        Weight of an added cross-entropy on the logits (>= 0).
    weight : array-like of shape (K,), default=None
        Optional class weights (weighted mean as in ``F.cross_entropy``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    Examples
    --------
    >>> from sk_ordinal_kl.modules import MinMaxMLP
    >>> net = MinMaxMLP(in_features=4, num_classes=3)
    >>> loss = MinMaxLoss(num_classes=3)(net(torch.zeros(2, 4)), torch.tensor([0, 2]))
    >>> loss.shape
    torch.Size([])
    """

    def __init__(
        self,
        num_classes: int | None = None,
        pull_weight: float = 1.0,
        push_weight: float = 1.0,
        ce_weight: float = 0.0,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight=weight, reduction=reduction)
        self.pull_weight = _check_real("pull_weight", pull_weight)
        self.push_weight = _check_real("push_weight", push_weight)
        self.ce_weight = _check_real("ce_weight", ce_weight)

    def forward(self, y_pred, target: torch.Tensor, sample_weight=None) -> torch.Tensor:
        """Loss of a batch.

        Parameters
        ----------
        y_pred : tuple (logits, features, class_embeddings)
            ``logits`` (B, K), sample embeddings ``features`` (B, D) and
            ``class_embeddings`` (K, D), as :class:`~sk_ordinal_kl.modules.MinMaxMLP`
            returns them.
        target : torch.Tensor of shape (B,)
            True class indices in ``0..K-1``.
        sample_weight : torch.Tensor of shape (B,), default=None
            Non-negative per-sample weights (any real dtype; cast to that of the loss).
            A sample's effective weight ``w_i`` is its class weight (``weight``, 1 if
            None) times its sample weight: ``reduction="none"`` returns ``w_i l_i``,
            ``"sum"`` ``sum_i w_i l_i`` and ``"mean"`` ``sum_i w_i l_i / sum_i w_i``,
            which is NaN when ``sum_i w_i = 0``, as the mean of an empty batch is. None
            is the unweighted loss. Negative or NaN weights raise ``ValueError`` for
            tensors on the CPU (the check is skipped on accelerators).

        Returns
        -------
        loss : torch.Tensor
            Scalar (or per-sample losses for ``reduction="none"``).
        """
        if not isinstance(y_pred, tuple | list) or len(y_pred) != 3:
            raise TypeError(
                "MinMaxLoss needs the module output (logits, features, class_embeddings), "
                "e.g. from sk_ordinal_kl.modules.MinMaxMLP; got "
                f"{type(y_pred).__name__}."
            )
        logits, features, class_embeddings = y_pred
        check_logits_and_target(logits, target, self.num_classes)
        if features.ndim != 2 or features.shape[0] != logits.shape[0]:
            raise ValueError(
                f"features must have shape ({logits.shape[0]}, D), got {tuple(features.shape)}."
            )
        if class_embeddings.shape != (self.num_classes, features.shape[1]):
            raise ValueError(
                f"class_embeddings must have shape ({self.num_classes}, {features.shape[1]}), "
                f"got {tuple(class_embeddings.shape)}."
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, logits)
        f = F.normalize(features, dim=1, eps=1e-12)
        e = F.normalize(class_embeddings, dim=1, eps=1e-12)
        pull = (1.0 - (f * e[target]).sum(dim=1)).square()
        between = (e @ e.T + 1.0).square()
        off_diagonal = 1.0 - torch.eye(self.num_classes, dtype=between.dtype, device=e.device)
        push = (between * off_diagonal).sum(dim=1) / (self.num_classes - 1)
        per_sample = self.pull_weight * pull + self.push_weight * push[target]
        if self.ce_weight > 0:
            per_sample = per_sample + self.ce_weight * F.cross_entropy(
                logits, target, reduction="none"
            ).to(per_sample.dtype)
        return self._reduce(per_sample, target, sample_weight)

    def extra_repr(self) -> str:
        return (
            super().extra_repr() + f", pull_weight={self.pull_weight}, "
            f"push_weight={self.push_weight}, ce_weight={self.ce_weight}"
        )


MinMaxLoss.default_module = MinMaxMLP

#: Name -> criterion class, for benchmark runners and grids. Every class is built as
#: ``Cls(num_classes=K, **params)``; ``"min_max"`` needs ``module=MinMaxLoss.default_module``.
LOSSES: dict[str, type[nn.Module]] = {
    "gaussian_kl": GaussianKLCrossEntropy,
    "soft_label_kl": SoftLabelKLCrossEntropy,
    "soft_label_ce": SoftLabelCrossEntropy,
    "dldl_v2": DLDLv2Loss,
    "full_kl_dldl": FullKLDLDLLoss,
    "label_smoothing": LabelSmoothingCrossEntropy,
    "focal": FocalLoss,
    "mean_variance": MeanVarianceLoss,
    "min_max": MinMaxLoss,
}
