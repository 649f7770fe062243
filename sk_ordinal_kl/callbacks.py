"""skorch callbacks for the ordinal criteria.

:class:`SigmaSchedule` anneals the width of a soft-target criterion during training
(a curriculum from wide, smooth targets to nearly one-hot ones) without touching the
estimator's ``sigma`` parameter, so ``clone`` and ``GridSearchCV`` stay clean.
"""

from __future__ import annotations

from numbers import Real
from typing import ClassVar

from skorch.callbacks import Callback

from ._compat import Interval, validate_parameter_constraints

__all__ = ["SigmaSchedule"]


class SigmaSchedule(Callback):
    """Multiply the criterion's ``sigma`` by ``factor`` after every epoch, floored.

    Epoch ``t`` (1-based) trains with

    .. math::

        \\sigma_t = \\max(\\sigma_{min}, \\sigma_1 \\cdot \\mathrm{factor}^{t-1})
        \\quad\\text{if } \\sigma_1 \\ge \\sigma_{min},\\qquad
        \\sigma_t = \\sigma_1 \\text{ otherwise},

    where ``sigma_1`` is the width the criterion was built with (the estimator's
    ``sigma``): the schedule never *raises* ``sigma``. Each step calls the criterion's
    ``set_sigma``, which rebuilds its target buffers (on their device and dtype);
    the estimator's ``sigma`` and the criterion's ``sigma`` attribute stay as they
    were, the width in use is ``net.criterion_.current_sigma``. A fresh ``fit``
    rebuilds the criterion and so restarts the schedule; ``partial_fit`` and a
    ``warm_start`` fit continue it. The width of every epoch is recorded in
    ``net.history[:, "sigma"]``.

    Works with every criterion that has ``set_sigma`` (the soft-target criteria of
    :mod:`sk_ordinal_kl.losses`: ``GaussianKLCrossEntropy``,
    ``SoftLabelKLCrossEntropy``, ``SoftLabelCrossEntropy``, ``DLDLv2Loss``,
    ``FullKLDLDLLoss``).

    Parameters
    ----------
    factor : float, default=0.95
        Multiplier per epoch, in ``(0, 1]``; tune it with
        ``callbacks__<name>__factor`` (``<name>`` is ``SigmaSchedule`` unless the
        callback was given as a ``(name, callback)`` tuple).
    min_sigma : float, default=0.1
        Floor of the schedule (> 0).

    Examples
    --------
    >>> from sk_ordinal_kl import OrdinalKLClassifier
    >>> from sk_ordinal_kl.datasets import make_ordinal_classification
    >>> X, y = make_ordinal_classification(n_samples=100, n_classes=4, random_state=0)
    >>> clf = OrdinalKLClassifier(
    ...     sigma=2.0, max_epochs=3, callbacks=[SigmaSchedule(factor=0.5)], random_state=0
    ... ).fit(X, y)
    >>> clf.history[:, "sigma"], clf.criterion_.current_sigma, clf.sigma
    ([2.0, 1.0, 0.5], 0.25, 2.0)
    """

    _parameter_constraints: ClassVar[dict] = {
        "factor": [Interval(Real, 0, 1, closed="right")],
        "min_sigma": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, factor: float = 0.95, min_sigma: float = 0.1):
        self.factor = factor
        self.min_sigma = min_sigma

    def initialize(self):
        """Validate the parameters (skorch calls this when the net is initialised).

        Returns
        -------
        self : SigmaSchedule
            The callback.
        """
        self._check_params()
        return self

    def _check_params(self) -> tuple[float, float]:
        validate_parameter_constraints(
            self._parameter_constraints,
            {"factor": self.factor, "min_sigma": self.min_sigma},
            caller_name=type(self).__name__,
        )
        return float(self.factor), float(self.min_sigma)

    @staticmethod
    def _criterion(net):
        criterion = getattr(net, "criterion_", None)
        if not callable(getattr(criterion, "set_sigma", None)):
            raise TypeError(
                "SigmaSchedule needs a criterion with a set_sigma method (a soft-target "
                f"criterion of sk_ordinal_kl.losses); got {type(criterion).__name__}."
            )
        return criterion

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        """Record the width used in this epoch in the history.

        Parameters
        ----------
        net : OrdinalKLClassifier
            The net being trained.
        dataset_train, dataset_valid : torch Dataset or None
            Unused.
        **kwargs : dict
            Unused.
        """
        net.history.record("sigma", float(self._criterion(net).current_sigma))

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        """Shrink the criterion's width for the next epoch.

        Parameters
        ----------
        net : OrdinalKLClassifier
            The net being trained.
        dataset_train, dataset_valid : torch Dataset or None
            Unused.
        **kwargs : dict
            Unused.
        """
        factor, min_sigma = self._check_params()
        criterion = self._criterion(net)
        current = float(criterion.current_sigma)
        following = max(min(min_sigma, current), current * factor)
        if following != current:
            criterion.set_sigma(following)
