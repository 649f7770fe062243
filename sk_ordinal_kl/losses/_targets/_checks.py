"""Checks of the kernel parameters ``kind``, ``num_classes`` and ``sigma``, scikit-learn style."""

from __future__ import annotations

from numbers import Integral, Real

from ..._compat import Interval, StrOptions, validate_parameter_constraints
from ._kinds import SOFT_TARGET_KINDS

__all__ = ["KERNEL_CONSTRAINTS", "NumberInterval", "check_kind", "check_sigma"]


class NumberInterval(Interval):
    """scikit-learn's ``Interval`` constraint, but booleans are not numbers here."""

    def is_satisfied_by(self, val):
        return not isinstance(val, bool) and super().is_satisfied_by(val)


# scikit-learn style constraints of the kernel parameters (``validate_parameter_constraints``).
KERNEL_CONSTRAINTS = {
    "kind": [StrOptions(set(SOFT_TARGET_KINDS))],
    "num_classes": [NumberInterval(Integral, 2, None, closed="left")],
    "sigma": [NumberInterval(Real, 0, None, closed="neither")],
}


def check_kernel(caller: str, kind: str, num_classes: int, sigma: float):
    """``(kind, num_classes, sigma)`` validated and converted, or an error naming the one
    that is not valid."""
    params = {"kind": kind, "num_classes": num_classes, "sigma": sigma}
    validate_parameter_constraints(KERNEL_CONSTRAINTS, params, caller_name=caller)
    return kind, int(num_classes), float(sigma)


def check_num_classes(num_classes: int, caller: str = "index_distance") -> int:
    params = {"num_classes": num_classes}
    validate_parameter_constraints(KERNEL_CONSTRAINTS, params, caller_name=caller)
    return int(num_classes)


def check_sigma(sigma: float) -> float:
    """Return ``sigma`` as a float, or raise if it is not a finite positive number.

    Parameters
    ----------
    sigma : float
        Width of a soft-target kernel, in class-index units.

    Returns
    -------
    sigma : float
        The validated width.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        A ``ValueError`` and ``TypeError`` whose message names ``sigma``.

    Examples
    --------
    >>> check_sigma(2)
    2.0
    """
    validate_parameter_constraints(KERNEL_CONSTRAINTS, {"sigma": sigma}, caller_name="check_sigma")
    return float(sigma)


def check_kind(kind: str) -> str:
    """Return ``kind`` if it names a soft-target kernel, else raise ``ValueError``.

    Parameters
    ----------
    kind : str
        One of :data:`~sk_ordinal_kl.targets.SOFT_TARGET_KINDS`.

    Returns
    -------
    kind : str
        The validated name.

    Examples
    --------
    >>> check_kind("laplace")
    'laplace'
    """
    validate_parameter_constraints(KERNEL_CONSTRAINTS, {"kind": kind}, caller_name="check_kind")
    return kind
