"""Prediction: probabilities over ordinal indices, for one model or an ensemble, and labels.

A module returns logits ``(B, K)``, or member logits ``(B, k, K)`` (TabM, the stacked
candidates of the one-pass search). ``predict_nonlinearity="auto"`` is the softmax over
classes whatever the criterion; an ensemble's probabilities are the mean of its members'.
Rows are renormalised in float64, so they sum to 1 to the last bit that float64 allows.
:class:`PredictionMixin` gives the estimator its prediction methods: the probabilities in
ordinal order, reordered to the sorted ``classes_`` for scikit-learn, per member, and the
labels of the decision rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
from sklearn.metrics import accuracy_score
from sklearn.utils.validation import check_is_fitted

from .._compat import validate_parameter_constraints
from ..decision import predict_index
from ..labels import check_labels
from ._training_data import read_labels

__all__ = ["PredictionMixin", "ordinal_probabilities"]


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits, dim=-1)


def ordinal_probabilities(
    outputs: Iterable, nonlinearity, *, members: bool, module_name: str
) -> np.ndarray:
    """Probabilities over ordinal indices of a sequence of batch outputs.

    Parameters
    ----------
    outputs : iterable of torch.Tensor or tuple
        The module's output per batch (skorch's ``forward_iter``); of a tuple, the first
        element is the logits.
    nonlinearity : callable, "auto" or None
        The estimator's ``predict_nonlinearity``; ``"auto"`` is the softmax.
    members : bool
        One row per ensemble member (``(n, k, K)``) instead of their mean.
    module_name : str
        Named in the error when ``members`` is asked of a module without members.

    Returns
    -------
    proba : ndarray of shape (n_samples, K) or (n_samples, k, K), float64
        Rows sum to 1.
    """
    if isinstance(nonlinearity, str):  # "auto": the module outputs logits, always
        nonlinearity = _softmax
    chunks = []
    for output in outputs:
        output = output[0] if isinstance(output, tuple) else output
        if nonlinearity is not None:
            output = nonlinearity(output)
        if output.ndim == 3 and not members:  # members (B, k, K): their mean
            output = output.mean(dim=1)
        chunks.append(output.detach().cpu().numpy())
    proba = np.asarray(np.concatenate(chunks, 0), dtype=np.float64)
    if members and proba.ndim != 3:
        raise ValueError(
            f"The module returns logits of shape (batch, K), not ensemble members "
            f"(batch, k, K): use predict_proba_ordinal. Module: {module_name}."
        )
    return proba / proba.sum(axis=-1, keepdims=True)


class PredictionMixin:
    """The prediction methods of :class:`~sk_ordinal_kl.OrdinalKLClassifier`.

    They read the fitted ``_encoding_`` (labels and their two orders), the module
    through skorch's ``forward_iter`` and the ``prediction`` rule.
    """

    def _ordinal_proba(self, X, *, members: bool = False) -> np.ndarray:
        """Probabilities over ordinal indices (float64, rows summing to 1); with
        ``members``, one row per ensemble member instead of their mean."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        with self._torch_threads():
            return ordinal_probabilities(
                self.forward_iter(X, training=False),
                self.predict_nonlinearity,
                members=members,
                module_name=type(self.module_).__name__,
            )

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` (sorted) order.

        Parameters
        ----------
        X : array-like, Tensor, dict of arrays or Dataset
            Inputs, as in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, K), float64
            Softmax of the module's logits; rows sum to 1. Column ``j`` is the
            probability of ``classes_[j]``, as every scikit-learn tool expects; use
            :meth:`predict_proba_ordinal` for columns in ordinal order.
        """
        proba = self._ordinal_proba(X)  # checks that the model is fitted first
        return self._encoding_.to_sorted_columns(proba)

    def predict_proba_ordinal(self, X) -> np.ndarray:
        """Class probabilities, columns in ``ordinal_classes_`` order.

        Parameters
        ----------
        X : array-like, Tensor, dict of arrays or Dataset
            Inputs, as in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, K), float64
            Column ``k`` is the probability of ``ordinal_classes_[k]``: the input of
            the decision rules and of ordinal metrics such as the ranked probability
            score.
        """
        return self._ordinal_proba(X)

    def predict_proba_members(self, X) -> np.ndarray:
        """Each ensemble member's class probabilities, columns in ordinal order.

        For a module returning member logits ``(B, k, K)`` (``module="tabm"``, or the
        stacked candidates of :class:`~sk_ordinal_kl.OrdinalKLClassifierCV`);
        :meth:`predict_proba_ordinal` is their mean over members.

        Parameters
        ----------
        X : array-like, Tensor, dict of arrays or Dataset
            Inputs, as in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, k, K), float64
            ``proba[i, m, j]``: member ``m``'s probability of ``ordinal_classes_[j]``.
        """
        return self._ordinal_proba(X, members=True)

    def predict(self, X) -> np.ndarray:
        """Predicted labels under the ``prediction`` decision rule.

        Parameters
        ----------
        X : array-like, Tensor, dict of arrays or Dataset
            Inputs, as in :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``, with its dtype (object for string labels).
        """
        check_is_fitted(self)
        validate_parameter_constraints(
            {"prediction": self._parameter_constraints["prediction"]},
            {"prediction": self.prediction},
            caller_name=type(self).__name__,
        )
        index = predict_index(self._ordinal_proba(X), self.prediction)
        return self._encoding_.decode(index)

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        X : array-like, Tensor, dict of arrays or Dataset
            Inputs, as in :meth:`fit`.
        y : array-like of shape (n_samples,)
            True labels; a label not among ``classes_`` raises a ValueError naming it.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean (weighted) accuracy.
        """
        check_is_fitted(self)
        labels = check_labels(read_labels(X, y, type(self).__name__))
        truth = self._encoding_.encode(labels)  # raises on labels the model does not know
        # On the ordinal indices: the same accuracy, also for float labels (which
        # scikit-learn's accuracy_score takes for a regression target).
        guess = self._encoding_.encode(self.predict(X))
        return float(accuracy_score(truth, guess, sample_weight=sample_weight))
