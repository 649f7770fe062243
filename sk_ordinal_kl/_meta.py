"""What the meta-estimators (tuned decision, conformal sets) share with scikit-learn's:
a clear error for a missing ``y`` and the input attributes of the estimator they wrap."""

from __future__ import annotations

from typing import Any


def require_y(meta: Any, y: Any) -> None:
    """Raise scikit-learn's message for a missing target (its checks look for it)."""
    if y is None:
        raise ValueError(
            f"{type(meta).__name__} requires y to be passed, but the target y is None."
        )


def copy_input_attributes(meta: Any, fitted: Any) -> None:
    """Give ``meta`` the ``n_features_in_`` / ``feature_names_in_`` of the fitted estimator
    it wraps (and drop stale ones from an earlier fit), as scikit-learn's wrappers do."""
    for name in ("n_features_in_", "feature_names_in_"):
        vars(meta).pop(name, None)
        if hasattr(fitted, name):
            setattr(meta, name, getattr(fitted, name))
