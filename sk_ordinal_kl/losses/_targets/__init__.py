"""Soft targets of the kernel criteria: kernels (one module each), tables and their checks.

The public home of these names is :mod:`sk_ordinal_kl.targets`, which re-exports them
and documents every kernel's formula.
"""

from ._checks import check_kind, check_sigma
from ._kinds import SOFT_TARGET_KINDS
from ._stats import target_entropy, target_moments
from ._tables import (
    gaussian_targets,
    index_distance,
    log_gaussian_targets,
    log_soft_target_band,
    log_soft_target_table,
    soft_target_half_width,
    soft_target_table,
)

__all__ = [
    "SOFT_TARGET_KINDS",
    "check_kind",
    "check_sigma",
    "gaussian_targets",
    "index_distance",
    "log_gaussian_targets",
    "log_soft_target_band",
    "log_soft_target_table",
    "soft_target_half_width",
    "soft_target_table",
    "target_entropy",
    "target_moments",
]
