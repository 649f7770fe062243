"""What the meta-estimators (tuned decision, conformal sets) share.

:class:`OrdinalMetaClassifier` is their base, as scikit-learn's ``BaseThresholdClassifier``
is for ``TunedThresholdClassifierCV``: the wrapped ``estimator`` and the ordinal order
(``classes``) as parameters, the checks of the labels against that order, the ordered
probabilities, the tags taken from the wrapped estimator, and metadata routing of the fit
parameters. The functions below serve :class:`~sk_ordinal_kl.search.OrdinalKLClassifierCV`
too: a clear error for a missing ``y``, the labels the wrapped estimator is fitted on, and
its input attributes. :class:`HeldOutPredictions` lets a scikit-learn scorer score
predictions made beforehand (the search's candidates and rules, the tuned decisions), as
scikit-learn's ``_IdentityClassifier`` does for its threshold tuning.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin
from sklearn.metrics import accuracy_score
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ._compat import HasMethods, validate_parameter_constraints
from .labels import (
    OrdinalEncoding,
    _as_1d_object,
    _ordered_categories,
    _proba_in_order,
    check_label_type,
    check_labels,
    format_labels,
    wrapped_ordinal_classes,
)


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


def labels_for_inner_fit(labels: np.ndarray, y: Any, classes: Any = None) -> Any:
    """The labels to fit the wrapped estimator on, carrying the ordinal order if known.

    With an order (the meta-estimator's ``classes``, else the categories of an ordered
    Categorical ``y``) they become a pandas Series of an ordered Categorical in that
    order: an :class:`~sk_ordinal_kl.OrdinalKLClassifier` inside, bare or as a
    Pipeline's last step, reads its order from it, and a scikit-learn classifier sees
    the labels. Passing ``labels`` as a plain array would lose the order, and the inner
    estimator would train on the sorted labels. Without an order ``labels`` is returned.

    Parameters
    ----------
    labels : ndarray of shape (n_samples,)
        The checked labels (``check_labels(y)``), all in the order.
    y : array-like of shape (n_samples,)
        The labels as the user passed them (an ordered Categorical gives the order).
    classes : array-like of shape (K,), default=None
        The meta-estimator's ``classes`` (labels in ordinal order); has precedence.

    Returns
    -------
    labels : pandas Series of an ordered Categorical, or the ndarray as given
    """
    order = OrdinalEncoding(classes).ordinal_classes if classes is not None else None
    if order is None:
        order = _ordered_categories(y)
    if order is None:
        return labels
    ordered = pd.Categorical(labels, categories=order, ordered=True)
    missing = ordered.codes < 0
    if missing.any():  # callers check this first; a NaN label must never reach a fit
        raise ValueError(
            f"y contains labels {format_labels(pd.unique(labels[missing]))} that are not in "
            f"the ordinal order {format_labels(order)}."
        )
    return pd.Series(ordered)


class HeldOutPredictions(ClassifierMixin, BaseEstimator):
    """A fitted classifier in shape only, returning predictions made beforehand.

    Any scorer with the ``scorer(estimator, X, y)`` API can then score a decision on
    held-out (out-of-fold) probabilities without refitting. ``X`` is not read: the rows
    a scorer passes must be the rows of ``proba``, and only their number is checked.

    Parameters
    ----------
    encoding : OrdinalEncoding
        The labels in ordinal and in sorted order.
    proba : ndarray of shape (n_samples, K)
        Held-out probabilities, columns in ordinal order.
    index : ndarray of shape (n_samples,)
        The decided ordinal index of each row (what ``predict`` decodes).
    """

    def __init__(self, encoding: OrdinalEncoding, proba: np.ndarray, index: np.ndarray):
        self.encoding = encoding
        self.proba = proba
        self.index = index

    def __sklearn_is_fitted__(self) -> bool:
        return True

    @property
    def classes_(self) -> np.ndarray:
        return self.encoding.classes

    @property
    def ordinal_classes_(self) -> np.ndarray:
        return self.encoding.ordinal_classes

    def _check_rows(self, X) -> None:
        if (X.shape[0] if hasattr(X, "shape") else len(X)) != len(self.proba):
            raise ValueError("a scorer passed other rows than those of the held-out predictions")

    def predict(self, X) -> np.ndarray:
        self._check_rows(X)
        return self.encoding.decode(self.index)

    def predict_proba(self, X) -> np.ndarray:
        self._check_rows(X)
        return self.encoding.to_sorted_columns(self.proba)

    def predict_proba_ordinal(self, X) -> np.ndarray:
        self._check_rows(X)
        return self.proba


def routing_enabled() -> bool:
    """Whether scikit-learn's metadata routing is on (``set_config``)."""
    return bool(get_config()["enable_metadata_routing"])


def _estimator_has(method: str):
    """``available_if`` check: the fitted ``estimator_`` has ``method`` (before fit, the
    ``estimator`` parameter)."""

    def check(meta) -> bool:
        return hasattr(getattr(meta, "estimator_", meta.estimator), method)

    return check


class OrdinalMetaClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Base of the classifiers that wrap a probabilistic classifier and read its
    ``predict_proba`` in ordinal order.

    Subclasses pass ``estimator`` and ``classes`` to this ``__init__``, call
    :meth:`_check_constraints` and :meth:`_check_labels_in_classes` before any fit,
    :meth:`_inner_fit_params` for what reaches ``estimator.fit``, and
    :meth:`_set_order` once the fitted estimator is known. ``_fitted_attribute`` names
    the attribute whose presence means "ready to predict".
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "classes": [None, "array-like"],
    }
    _fitted_attribute: ClassVar[str] = "estimator_"

    def __init__(self, estimator, *, classes=None):
        self.estimator = estimator
        self.classes = classes

    # ------------------------------------------------------------------ checks
    def _check_constraints(self) -> None:
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )

    def _check_labels_known(self, labels: np.ndarray, ordinal: np.ndarray, name: str) -> None:
        """Raise, naming them, for labels outside ``ordinal``."""
        unknown = np.setdiff1d(np.unique(_as_1d_object(labels, name)), _as_1d_object(ordinal, ""))
        if unknown.size:
            source = "classes" if self.classes is not None else "the fitted estimator's classes"
            raise ValueError(
                f"{name} contains labels {format_labels(unknown)} that are not in {source} "
                f"{format_labels(ordinal)}."
            )

    def _check_label_type(self, labels: np.ndarray, y: Any) -> None:
        """Float labels need an order, as in the estimator: ``classes``, an ordered
        Categorical ``y``, or a ``classes`` parameter of the wrapped estimator (bare, a
        Pipeline's step or inside another wrapper). A regression target raises here,
        before any split or fit, with the estimator's message."""
        given = self.classes
        if given is None and hasattr(self.estimator, "get_params"):
            params = self.estimator.get_params(deep=True)
            given = next(
                (
                    value
                    for key, value in params.items()
                    if (key == "classes" or key.endswith("__classes")) and value is not None
                ),
                None,
            )
        check_label_type(labels, y, given)

    def _check_labels_in_classes(self, labels: np.ndarray) -> None:
        """With ``classes`` set, bad classes or labels outside them raise before any fit."""
        if self.classes is not None:
            self._check_labels_known(labels, OrdinalEncoding(self.classes).ordinal_classes, "y")

    def _set_order(self, estimator, labels: np.ndarray | None, y, name: str = "y") -> None:
        """``ordinal_classes_`` / ``classes_`` from ``classes``, else the fitted
        ``estimator``, else an ordered Categorical ``y``; ``labels`` must lie in it."""
        ordinal = wrapped_ordinal_classes(estimator, self.classes, y)
        if labels is not None:
            self._check_labels_known(labels, ordinal, name)
        self._encoding_ = OrdinalEncoding(ordinal)
        self.ordinal_classes_ = self._encoding_.ordinal_classes  # the dtype of classes_
        self.classes_ = self._encoding_.classes

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        X : array-like
            Input samples.
        y : array-like of shape (n_samples,)
            True labels; a label outside ``classes_`` raises a ``ValueError`` (accuracy
            would count it as one more error).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        score : float
        """
        check_is_fitted(self, self._fitted_attribute)
        labels = check_labels(y)
        self._check_labels_known(labels, self.ordinal_classes_, "y")
        # On the ordinal indices: the same accuracy, also for float labels (which
        # scikit-learn's accuracy_score takes for a regression target).
        truth = self._encoding_.encode(labels)
        guess = self._encoding_.encode(np.asarray(self.predict(X)), name="the predictions")
        return float(accuracy_score(truth, guess, sample_weight=sample_weight))

    # ---------------------------------------------------------------- routing
    def get_metadata_routing(self) -> MetadataRouter:
        """Metadata routing: ``fit``'s parameters go to ``estimator.fit``.

        Used when ``sklearn.set_config(enable_metadata_routing=True)``; the wrapped
        estimator must request them (``estimator.set_fit_request(sample_weight=True)``).

        Returns
        -------
        routing : MetadataRouter
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        )

    def _route_fit_params(self, fit_params: dict) -> Any:
        """``process_routing`` of ``fit_params`` under metadata routing, else None (the
        caller then passes ``fit_params`` on as scikit-learn did before routing)."""
        return process_routing(self, "fit", **fit_params) if routing_enabled() else None

    def _inner_fit_params(self, fit_params: dict) -> dict:
        """What reaches ``estimator.fit``: the routed parameters, or all of them when
        routing is off."""
        routed = self._route_fit_params(fit_params)
        return fit_params if routed is None else dict(routed["estimator"]["fit"])

    # ---------------------------------------------------------------- predict
    def _ordinal_proba(self, X) -> np.ndarray:
        check_is_fitted(self, self._fitted_attribute)
        return _proba_in_order(self.estimator_, X, self.ordinal_classes_)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba_ordinal(self, X) -> np.ndarray:
        """Class probabilities of ``estimator_``, columns in ordinal order.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, K)
            Column ``k`` is the probability of ``ordinal_classes_[k]``.
        """
        return self._ordinal_proba(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of ``estimator_``, columns in ``classes_`` (sorted) order.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, K)
            The estimator's ``predict_proba`` (a class it never saw gets a zero column).
        """
        proba = self._ordinal_proba(X)  # raises NotFittedError before fit
        return self._encoding_.to_sorted_columns(proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.non_deterministic = inner.non_deterministic
        return tags
