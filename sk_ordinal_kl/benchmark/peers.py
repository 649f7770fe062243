"""Peer estimators of the benchmark that need a little glue.

* :class:`CornLoss` / :class:`CornMLPClassifier` — CORN (Shi, Cao & Raschka, 2023)
  through the same skorch loop and MLP as :class:`~sk_ordinal_kl.OrdinalKLClassifier`.
  The module outputs ``K - 1`` conditional logits; ``coral_pytorch.losses.corn_loss``
  trains them and :func:`corn_probabilities` turns them into ``K`` class probabilities,
  so every decision rule (and ``predict_proba``) works. CORN's own label decoding
  (count of ``P(y > k) > 0.5``) is the ``"median"`` rule of those probabilities.
* :class:`IndexRegressor` — any regressor trained on the ordinal class index, its
  predictions rounded and clipped to ``0..K-1``: what a practitioner tries first
  (gradient boosting or an MLP regressing the grade). :class:`MLPRegressorNet` is the
  benchmark's MLP as a skorch regressor (MSE on the index) for it.
* :class:`ObservedClassIndex` — for estimators that insist on labels ``0..m-1`` (mord's
  threshold models): the classes seen in training are re-indexed contiguously, and
  predictions mapped back to the original labels.
* :func:`rule_mse_scorer` — MSE on class indices after a given decision rule, read off
  ``predict_proba``: one inner-CV fit scores all rules at once.
* :class:`FitTimeLimit` — a solver time limit: the wrapped estimator is fitted in a
  child process that is stopped after ``seconds`` (the kernel SVMs' solvers run in C and
  cannot be interrupted otherwise); :class:`SolverTimeLimitError` says so.

``coral_pytorch`` is imported lazily, so this module imports without it.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNetRegressor
from torch import nn

from ..batching import ArrayBatchLoader
from ..classifier import OrdinalKLClassifier
from ..classifier._auto import auto_epochs
from ..decision import check_prediction_rule, predict_index
from ..labels import labels_to_indices
from ..metrics import ClassIndexScorer, mse_class_index
from ..modules import TabularMLP

__all__ = [
    "CornLoss",
    "CornMLPClassifier",
    "FitTimeLimit",
    "IndexRegressor",
    "MLPRegressorNet",
    "ObservedClassIndex",
    "SolverTimeLimitError",
    "corn_probabilities",
    "rule_mse_scorer",
]


class CornLoss(nn.Module):
    """CORN loss of ``coral_pytorch`` as a criterion taking ``(logits, class_index)``.

    Parameters
    ----------
    num_classes : int
        Number of ordered classes ``K``; the logits have ``K - 1`` columns.
    """

    def __init__(self, num_classes: int):
        super().__init__()
        self.num_classes = int(num_classes)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean CORN loss of a batch.

        Parameters
        ----------
        logits : torch.Tensor of shape (B, K - 1)
            Conditional logits ``logit P(y > k | y > k - 1)``.
        target : torch.Tensor of shape (B,)
            Class indices in ``0..K-1``.

        Returns
        -------
        loss : torch.Tensor
            Scalar loss.
        """
        from coral_pytorch.losses import corn_loss

        return corn_loss(logits, target.long(), self.num_classes)


def corn_probabilities(logits: torch.Tensor) -> torch.Tensor:
    """Class probabilities ``(B, K)`` from CORN's ``(B, K - 1)`` conditional logits.

    Parameters
    ----------
    logits : torch.Tensor of shape (B, K - 1)
        Conditional logits.

    Returns
    -------
    proba : torch.Tensor of shape (B, K)
        ``P(y = k) = P(y > k - 1) - P(y > k)`` with ``P(y > -1) = 1``, ``P(y > K-1) = 0``.
    """
    exceed = torch.cumprod(torch.sigmoid(logits), dim=1)
    ones = torch.ones_like(exceed[:, :1])
    zeros = torch.zeros_like(exceed[:, :1])
    upper = torch.cat([ones, exceed], dim=1)
    lower = torch.cat([exceed, zeros], dim=1)
    return (upper - lower).clamp_min(0.0)


class CornMLPClassifier(OrdinalKLClassifier):
    """:class:`~sk_ordinal_kl.OrdinalKLClassifier` trained with the CORN loss.

    Same parameters as the parent; ``criterion`` should be :class:`CornLoss`,
    ``predict_nonlinearity`` :func:`corn_probabilities`, and ``prediction="median"``
    reproduces CORN's rank decoding. The module gets ``num_classes = K - 1`` outputs;
    ``alpha`` and ``sigma`` are unused.
    """

    def _module_data_kwargs(self, module) -> dict:
        kwargs = super()._module_data_kwargs(module)
        if "num_classes" in kwargs:
            kwargs["num_classes"] -= 1
        return kwargs


class _RuleMSE:
    """``mse_class_index(true_idx, predict_index(proba, rule))`` (picklable)."""

    def __init__(self, rule: str):
        self.rule = check_prediction_rule(rule)
        self.__name__ = f"mse_class_index_{self.rule}"

    def __call__(self, true_idx: np.ndarray, proba: np.ndarray) -> float:
        return mse_class_index(true_idx, predict_index(proba, self.rule))


def rule_mse_scorer(rule: str) -> ClassIndexScorer:
    """Negated MSE on class indices after decision rule ``rule``, from ``predict_proba``.

    With ``rule`` equal to the estimator's ``prediction`` it gives the same value as
    :data:`~sk_ordinal_kl.metrics.neg_mse_class_index_scorer`.

    Parameters
    ----------
    rule : {"argmax", "median", "mean"}
        Decision rule applied to the predicted probabilities.

    Returns
    -------
    scorer : ClassIndexScorer
        ``scorer(estimator, X, y) -> -MSE``.
    """
    return ClassIndexScorer(
        _RuleMSE(rule), greater_is_better=False, response_method="predict_proba"
    )


class IndexRegressor(ClassifierMixin, BaseEstimator):
    """Classify ordered labels by regressing their class index, rounded and clipped.

    Parameters
    ----------
    regressor : regressor
        Any scikit-learn regressor; cloned and fitted on the class index ``0..K-1``.
    classes : array-like of shape (K,), optional
        All labels in ordinal order; the sorted labels of ``y`` by default.

    Attributes
    ----------
    regressor_ : regressor
        The fitted clone.
    classes_, ordinal_classes_ : ndarray
        Labels (sorted, and in ordinal order).

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> IndexRegressor(LinearRegression()).fit(X, [0, 0, 1, 1, 2, 2, 3, 3]).predict([[9.0]])
    array([3])
    """

    def __init__(self, regressor: BaseEstimator, classes: Any = None):
        self.regressor = regressor
        self.classes = classes

    def fit(self, X, y, **fit_params) -> IndexRegressor:
        """Fit the regressor on the class index of ``y``."""
        y = np.asarray(y)
        order = np.unique(y) if self.classes is None else np.asarray(self.classes)
        index = labels_to_indices(y, order, name="y")
        self.regressor_ = clone(self.regressor).fit(X, index.astype(np.float64), **fit_params)
        self.ordinal_classes_ = order
        self.classes_ = np.sort(order)
        return self

    def predict(self, X) -> np.ndarray:
        """Labels of the rounded, clipped predicted class index."""
        check_is_fitted(self, "regressor_")
        raw = np.asarray(self.regressor_.predict(X), dtype=np.float64).ravel()
        index = np.clip(np.rint(raw), 0, len(self.ordinal_classes_) - 1).astype(np.int64)
        return self.ordinal_classes_[index]


class MLPRegressorNet(NeuralNetRegressor):
    """The benchmark's :class:`~sk_ordinal_kl.modules.TabularMLP` with one output, MSE loss.

    Takes 2-D float features and a 1-D target; ``random_state`` seeds the weights and the
    batch order, and the input width is read from the data at ``fit``.

    Parameters
    ----------
    module : torch module class, default=TabularMLP
        Network; ``module__*`` sets its options (``in_features`` is filled in).
    random_state : int or None, default=None
        Seed of ``torch.manual_seed`` before every ``fit``.
    **kwargs
        skorch ``NeuralNetRegressor`` parameters (``max_epochs``, ``lr``, ...);
        ``max_epochs="auto"`` resolves as the estimator's does.
    """

    def __init__(self, module=TabularMLP, *args, random_state: int | None = None, **kwargs):
        kwargs.setdefault("module__num_classes", 1)
        kwargs.setdefault("optimizer", torch.optim.AdamW)
        kwargs.setdefault("train_split", None)
        kwargs.setdefault("verbose", 0)
        # Batches sliced from whole tensors, as the estimator's: skorch's per-row
        # DataLoader would make this peer pay several times the estimator's cost per epoch.
        kwargs.setdefault("iterator_train", ArrayBatchLoader)
        kwargs.setdefault("iterator_valid", ArrayBatchLoader)
        kwargs.setdefault("iterator_train__shuffle", True)
        super().__init__(module, *args, **kwargs)
        self.random_state = random_state

    def fit(self, X, y, **fit_params) -> MLPRegressorNet:
        """Fit on float32 features and the target as a column."""
        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y, dtype=np.float32).reshape(-1, 1)
        self.set_params(module__in_features=X.shape[1])
        if self.random_state is not None:
            torch.manual_seed(self.random_state)
        if self.max_epochs == "auto":
            fit_params.setdefault("epochs", auto_epochs(len(X), self.batch_size))
        return super().fit(X, y, **fit_params)

    def predict(self, X) -> np.ndarray:
        """Predicted target, 1-D."""
        return super().predict(np.asarray(X, dtype=np.float32)).ravel()


class ObservedClassIndex(ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` on the rank of each label among the labels seen in training.

    A class that never occurs in the training part has no threshold to learn; estimators
    such as mord's ``LogisticAT`` reject such gaps outright. This wrapper fits on
    ``0..m-1`` (the seen labels in sorted order) and maps predictions back.

    Parameters
    ----------
    estimator : classifier
        Cloned and fitted on the contiguous index.

    Attributes
    ----------
    estimator_ : classifier
        The fitted clone.
    classes_ : ndarray
        The labels seen in training, sorted.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.arange(6.0).reshape(-1, 1)
    >>> ObservedClassIndex(LogisticRegression()).fit(X, [0, 0, 2, 2, 5, 5]).classes_
    array([0, 2, 5])
    """

    def __init__(self, estimator: BaseEstimator):
        self.estimator = estimator

    def fit(self, X, y, **fit_params) -> ObservedClassIndex:
        """Fit on the contiguous index of the seen labels."""
        self.classes_, index = np.unique(np.asarray(y), return_inverse=True)
        self.estimator_ = clone(self.estimator).fit(X, index, **fit_params)
        return self

    def predict(self, X) -> np.ndarray:
        """Original labels of the predicted index."""
        check_is_fitted(self, "estimator_")
        return self.classes_[np.asarray(self.estimator_.predict(X), dtype=np.int64)]


class SolverTimeLimitError(RuntimeError):
    """A fit did not finish within its solver time limit (see :class:`FitTimeLimit`)."""


def _fit_and_send(estimator: BaseEstimator, X, y, connection) -> None:
    """Child process: fit, then send ``("ok", fitted)`` or ``("error", exception)``."""
    try:
        connection.send(("ok", estimator.fit(X, y)))
    except Exception as exc:  # handed to the parent, which raises it
        connection.send(("error", exc))
    finally:
        connection.close()


class FitTimeLimit(ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` under a time limit; raise :class:`SolverTimeLimitError` past it.

    The fit runs in a forked child process, stopped when ``seconds`` pass, and the fitted
    estimator comes back pickled; predictions run here. Where the platform cannot fork,
    the fit runs in this process without a limit.

    Parameters
    ----------
    estimator : classifier
        Cloned and fitted.
    seconds : float, default=60.0
        Wall-clock limit of one fit.

    Attributes
    ----------
    estimator_ : classifier
        The fitted clone.
    classes_ : ndarray
        Its classes.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> FitTimeLimit(LogisticRegression(), 30).fit(X, [0, 0, 0, 0, 1, 1, 1, 1]).predict([[7.0]])
    array([1])
    """

    def __init__(self, estimator: BaseEstimator, seconds: float = 60.0):
        self.estimator = estimator
        self.seconds = seconds

    def fit(self, X, y) -> FitTimeLimit:
        """Fit a clone of ``estimator`` within ``seconds``."""
        estimator = clone(self.estimator)
        if "fork" not in multiprocessing.get_all_start_methods():
            self.estimator_ = estimator.fit(X, y)
        else:
            self.estimator_ = self._fit_in_child(estimator, X, y)
        self.classes_ = self.estimator_.classes_
        return self

    def _fit_in_child(self, estimator: BaseEstimator, X, y) -> BaseEstimator:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_fit_and_send, args=(estimator, X, y, sender))
        child.start()
        sender.close()
        try:
            if not receiver.poll(self.seconds):
                raise SolverTimeLimitError(
                    f"{type(estimator).__name__} did not finish fitting {len(y)} rows "
                    f"within the solver time limit of {self.seconds:g} s."
                )
            status, payload = receiver.recv()
        finally:
            child.kill()
            child.join()
            receiver.close()
        if status == "error":
            raise payload
        return payload

    def predict(self, X) -> np.ndarray:
        """Labels predicted by the fitted estimator."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)
