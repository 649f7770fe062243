"""Criteria whose targets come from a kernel soft target: ``kind``, ``sigma``, ``set_sigma``."""

from __future__ import annotations

from typing import ClassVar

from ._base import ClassIndexLoss
from ._layout import SoftTarget
from ._targets._checks import KERNEL_CONSTRAINTS, check_sigma

__all__ = ["KernelLoss"]


class KernelLoss(ClassIndexLoss):
    """A criterion built from a kernel ``p_sigma(y)`` of :mod:`sk_ordinal_kl.targets`.

    Subclasses pass ``kind`` and ``sigma`` to ``__init__`` with their own parameters and
    build their buffers in ``_use_targets`` from the
    :class:`~sk_ordinal_kl.losses._layout.SoftTarget` that :meth:`_soft_target`
    describes. :meth:`set_sigma`, which :class:`~sk_ordinal_kl.callbacks.SigmaSchedule`
    looks for, rebuilds them for a new width.
    """

    _parameter_constraints: ClassVar[dict] = {
        **ClassIndexLoss._parameter_constraints,
        "kind": KERNEL_CONSTRAINTS["kind"],
        "sigma": KERNEL_CONSTRAINTS["sigma"],
    }

    def _store_params(self, *, kind: str, sigma: float, **params) -> None:
        super()._store_params(**params)  # first: the targets may depend on them
        self.kind = kind
        self.sigma = float(sigma)
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
        self._use_targets(self._soft_target(sigma))
        self.current_sigma = sigma
        return self

    def _soft_target(self, sigma: float) -> SoftTarget:
        """The soft target of this criterion's kernel at width ``sigma``."""
        return SoftTarget(self.kind, self.num_classes, sigma, self._target_scale())

    def _target_scale(self) -> float:
        """Factor on ``p`` in the stored weights (sets what is stored as 0)."""
        return 1.0

    def _use_targets(self, soft_target: SoftTarget) -> None:
        """(Re-)register the buffers built from ``soft_target``."""
        raise NotImplementedError
