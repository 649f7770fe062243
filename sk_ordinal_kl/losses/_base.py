"""Class-index plumbing shared by every criterion: ``K``, class and sample weights,
reduction, input checks and scikit-learn style parameter validation."""

from __future__ import annotations

from numbers import Real
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from .._compat import StrOptions, validate_parameter_constraints
from ._targets._checks import KERNEL_CONSTRAINTS, NumberInterval

__all__ = ["check_alpha", "check_logits_and_target", "members_as_rows", "reduce_loss"]

_REDUCTIONS = ("mean", "sum", "none")

NON_NEGATIVE = [NumberInterval(Real, 0, None, closed="left")]
POSITIVE = [NumberInterval(Real, 0, None, closed="neither")]
UNIT_INTERVAL = [NumberInterval(Real, 0, 1, closed="both")]


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

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        A ``ValueError`` and ``TypeError`` whose message names ``alpha``.

    Examples
    --------
    >>> check_alpha(0)
    0.0
    """
    validate_parameter_constraints({"alpha": NON_NEGATIVE}, {"alpha": alpha}, "check_alpha")
    return float(alpha)


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


def members_as_rows(logits: torch.Tensor, target: torch.Tensor, sample_weight=None):
    """Ensemble logits ``[B, k, K]`` as ``B * k`` rows, each with its sample's target.

    An ensemble (TabM's members, or the candidates of a parameter grid) trains every
    member on its own loss. With the rows of member ``m`` of sample ``i`` at
    ``i * k + m``, the weighted mean over all rows is the mean over members of each
    member's weighted mean (every member sees the same weights), and a sum over rows is
    ``k`` times the mean over members of the sums. 2-D logits pass through unchanged.

    Parameters
    ----------
    logits : torch.Tensor of shape (B, K) or (B, k, K)
        Scores of one model or of ``k`` members.
    target : torch.Tensor of shape (B,)
        Class indices.
    sample_weight : torch.Tensor of shape (B,) or None
        Per-sample weights.

    Returns
    -------
    logits, target, sample_weight : torch.Tensor
        ``(B * k, K)``, ``(B * k,)`` and ``(B * k,)`` or None.
    members : int or None
        ``k``, or None for 2-D logits.

    Examples
    --------
    >>> rows, target, _, k = members_as_rows(torch.zeros(2, 3, 4), torch.tensor([0, 3]))
    >>> rows.shape, target.tolist(), k
    (torch.Size([6, 4]), [0, 0, 0, 3, 3, 3], 3)
    """
    if logits.ndim != 3:
        return logits, target, sample_weight, None
    batch, members = logits.shape[:2]
    if target.ndim != 1 or target.shape[0] != batch:
        raise ValueError(
            f"target must have shape ({batch},) to match member logits of shape "
            f"{tuple(logits.shape)}, got {tuple(target.shape)}."
        )
    if sample_weight is not None:
        sample_weight = torch.as_tensor(sample_weight)
        if sample_weight.shape != (batch,):
            raise ValueError(
                f"sample_weight must have shape ({batch},) (one weight per sample), "
                f"got {tuple(sample_weight.shape)}."
            )
        sample_weight = sample_weight.repeat_interleave(members)
    return (
        logits.reshape(batch * members, -1),
        target.repeat_interleave(members),
        (sample_weight),
        members,
    )


def members_loss(loss: torch.Tensor, members: int | None, reduction: str) -> torch.Tensor:
    """Undo :func:`members_as_rows` on a reduced loss: the mean over members.

    ``"mean"`` is already the mean over members; ``"sum"`` is divided by ``k``;
    ``"none"`` comes back as ``(B, k)``, one loss per sample and member.
    """
    if members is None or reduction == "mean":
        return loss
    if reduction == "sum":
        return loss / members
    return loss.reshape(-1, members)


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


def check_sample_weight(sample_weight, logits: torch.Tensor) -> torch.Tensor:
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


def as_buffer(module: nn.Module, name: str, value: torch.Tensor) -> torch.Tensor:
    """``value`` as the float buffer ``name`` would hold it: on the device and in the
    dtype the buffer already has (float32 for a new one), contiguous."""
    old = dict(module.named_buffers(recurse=False)).get(name)
    value = value.float() if old is None else value.to(device=old.device, dtype=old.dtype)
    return value.contiguous()


def set_buffer(module: nn.Module, name: str, value: torch.Tensor) -> None:
    """(Re-)register a float buffer, following the device and dtype it already has."""
    module.register_buffer(name, as_buffer(module, name, value))


class ClassIndexLoss(nn.Module):
    """Plumbing shared by the criteria: ``K``, class weights, reduction.

    Subclasses pass their own numeric parameters as keywords to ``__init__``, which
    validates them (scikit-learn style) against the subclass's
    ``_parameter_constraints`` (``{**Base._parameter_constraints, name: [...]}``: each
    criterion declares its own parameters) and stores them as floats
    (:meth:`_store_params`); they compute either ``_per_sample`` (reduced here) or the
    reduced ``_loss`` directly. Criteria built from a kernel soft target derive from
    :class:`~sk_ordinal_kl.losses._kernel.KernelLoss`.
    """

    _parameter_constraints: ClassVar[dict] = {
        "num_classes": KERNEL_CONSTRAINTS["num_classes"],
        "reduction": [StrOptions(set(_REDUCTIONS))],
    }

    def __init__(self, num_classes, weight=None, reduction: str = "mean", **params):
        super().__init__()
        validate_parameter_constraints(
            self._parameter_constraints,
            {"num_classes": num_classes, "reduction": reduction, **params},
            caller_name=type(self).__name__,
        )
        self.num_classes = int(num_classes)
        self.reduction = reduction
        self.register_buffer("weight", _class_weight_buffer(weight, self.num_classes))
        self._store_params(**params)

    def _store_params(self, **params) -> None:
        """Keep the criterion's own (validated) numeric parameters, as floats."""
        for name, value in params.items():
            setattr(self, name, float(value))

    def forward(
        self, logits: torch.Tensor, target: torch.Tensor, sample_weight=None
    ) -> torch.Tensor:
        """Loss of a batch.

        Parameters
        ----------
        logits : torch.Tensor of shape (B, K) or (B, k, K)
            Unnormalised class scores; ``(B, k, K)`` holds ``k`` ensemble members,
            each trained on its own loss: the result is the mean over members
            (``reduction="none"`` gives ``(B, k)``).
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
        logits, target, sample_weight, members = members_as_rows(logits, target, sample_weight)
        check_logits_and_target(logits, target, self.num_classes)
        target = target.long()  # nll_loss wants int64; a no-op for the usual indices
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, logits)
        if self._is_plain_cross_entropy():
            loss = self._plain_cross_entropy(logits, target, sample_weight)
        else:
            loss = self._loss(logits, target, sample_weight)
        return members_loss(loss, members, self.reduction)

    def _plain_cross_entropy(self, logits, target, sample_weight) -> torch.Tensor:
        """Exactly (label-smoothed) hard-label CE: its fused kernel is the fastest path."""
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
