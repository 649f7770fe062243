"""The estimator: :class:`OrdinalKLClassifier`, a thin skorch subclass.

Data path::

    fit:      X, y -> validate -> classes_ (ordinal order) -> y as class indices
                   -> skorch loop -> module logits -> criterion(logits, index)
    predict:  X -> validate -> module logits -> softmax (predict_proba)
                -> decision rule (argmax | median | mean) -> classes_[index]
"""

from __future__ import annotations

import contextlib
import inspect
import numbers
import warnings
from collections.abc import Iterator
from types import MappingProxyType

import numpy as np
import pandas as pd
import torch
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNetClassifier
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit

from .batching import ArrayBatchLoader
from .decision import check_prediction_rule, predict_index
from .losses import GaussianKLCrossEntropy, check_alpha
from .metrics import labels_to_indices
from .modules import TabularMLP
from .targets import check_sigma

__all__ = ["ClassOrderWarning", "OrdinalKLClassifier"]


class ClassOrderWarning(UserWarning):
    """String labels were put in sorted order because no ordinal order was given.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ClassOrderWarning)  # order is fine here
    ...     pass
    """


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits, dim=-1)


def _accepted_kwargs(factory, candidates: dict) -> dict:
    """The subset of ``candidates`` that ``factory``'s signature names explicitly."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}
    return {name: value for name, value in candidates.items() if name in parameters}


def _ordered_categories(y) -> np.ndarray | None:
    """Categories of an *ordered* pandas Categorical (or Series of one), else None."""
    dtype = getattr(y, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        return np.asarray(dtype.categories)
    return None


def _is_true(flag) -> bool:
    # Parameters may hold anything between set_params and fit; only a real bool counts.
    return isinstance(flag, bool | np.bool_) and bool(flag)


def _has_strings(labels: np.ndarray) -> bool:
    return labels.dtype.kind in "US" or any(isinstance(v, str) for v in labels.ravel())


def _check_classes(classes) -> np.ndarray:
    classes = np.asarray(classes)
    if classes.ndim != 1:
        raise ValueError(
            f"classes must be 1-D (labels in ordinal order), got shape {classes.shape}."
        )
    if len(classes) < 2:
        raise ValueError(f"classes must name at least 2 classes, got {classes.tolist()}.")
    if len(pd.unique(classes)) != len(classes):
        raise ValueError(f"classes must not contain duplicates, got {classes.tolist()}.")
    return classes


class OrdinalKLClassifier(NeuralNetClassifier):
    """Neural ordinal classifier trained with cross-entropy + ``alpha`` · KL to a Gaussian.

    The criterion is ``CE(q, y) + alpha * KL(p_sigma(y) || q)`` with ``q`` the softmax
    of the module's logits and ``p_sigma(y)_k ∝ exp(-(k - y)^2 / (2 sigma^2))`` a
    discrete Gaussian over the class *indices* centred on the true class (see
    :class:`~sk_ordinal_kl.losses.GaussianKLCrossEntropy`). It is a thin subclass of
    :class:`skorch.NeuralNetClassifier`: every skorch parameter works, including
    ``module__*``, ``criterion__*``, ``optimizer__*`` and ``callbacks__*`` routing.

    Parameters
    ----------
    module : torch.nn.Module class or instance, default=None
        The network; it must map a float32 batch ``(B, n_features)`` to logits
        ``(B, K)``. ``None`` uses :class:`~sk_ordinal_kl.modules.TabularMLP`. When
        ``module`` is a class whose constructor takes ``in_features`` and/or
        ``num_classes``, those are filled in from the data unless given as
        ``module__in_features`` / ``module__num_classes``.
    alpha : float, default=1.0
        Weight of the KL term (>= 0); ``alpha=0`` is plain cross-entropy.
    sigma : float, default=1.0
        Width of the Gaussian target in class-index units (> 0).
    classes : array-like of shape (K,), default=None
        All class labels *in ordinal order*. If None, the order is taken from an
        ordered pandas Categorical ``y`` (its categories), else from the sorted unique
        values of ``y``; string labels without a given order raise a
        :class:`ClassOrderWarning` naming the order used. Distances are measured on the
        index in this order: for integer labels with gaps (ages 1..116 without 95) pass
        the full range to keep index distance equal to value distance.
    prediction : {"argmax", "median", "mean"}, default="argmax"
        Decision rule of :meth:`predict`: mode (accuracy), median (absolute error) or
        rounded mean (squared error) of ``predict_proba`` over class indices.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the early-stopping split
        inside :meth:`fit`, without touching torch's global random state.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified) and stop when
        the validation loss has not improved for ``n_iter_no_change`` epochs, restoring
        the best weights. Off by default, so no data is held out silently.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True``.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    criterion : torch criterion class or instance, default=GaussianKLCrossEntropy
        Any ``nn.Module`` taking ``(logits, class_index)``. If it is a class whose
        constructor takes ``alpha``, ``sigma`` and/or ``num_classes``, the estimator's
        values are passed (fresh at every fit, so ``set_params`` is always honoured).
        Any class in :data:`sk_ordinal_kl.losses.LOSSES` works; those without an
        ``alpha`` parameter ignore the estimator's ``alpha``, and ``MinMaxLoss`` needs
        ``module=MinMaxMLP``. Tune the loss itself in a grid, e.g.
        ``{"criterion": [GaussianKLCrossEntropy, DLDLv2Loss], ...}``.
    optimizer : torch optimizer class, default=torch.optim.AdamW
        Optimizer; its options go through ``optimizer__*``.
    lr : float, default=1e-3
        Learning rate.
    max_epochs : int, default=100
        Number of epochs.
    batch_size : int, default=64
        Mini-batch size.
    iterator_train, iterator_valid : class, default=ArrayBatchLoader
        Batch iterators. :class:`~sk_ordinal_kl.batching.ArrayBatchLoader` slices whole
        tensors per batch (several times faster than a per-row ``DataLoader`` on
        tabular data) and falls back to a ``DataLoader`` for other datasets. Training
        batches are shuffled unless ``iterator_train__shuffle=False``.
    train_split : callable or None, default=None
        skorch's internal validation split; None trains on all data (unless
        ``early_stopping``).
    callbacks : list or None, default=None
        Extra skorch callbacks.
    verbose : int, default=0
        skorch's per-epoch log when > 0.
    **kwargs
        Any other :class:`skorch.NeuralNet` parameter (``device``, ``iterator_train__*``,
        ``module__hidden_units``, ``module__dropout``, ``criterion__weight``, ...).

    Attributes
    ----------
    classes_ : ndarray of shape (K,)
        Class labels in ordinal order; column order of :meth:`predict_proba`.
    n_features_in_ : int
        Number of features seen in :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features,)
        Column names, when ``X`` was a DataFrame with string column names.
    module_, criterion_, optimizer_, history_ : skorch's fitted components.

    See Also
    --------
    sk_ordinal_kl.losses.GaussianKLCrossEntropy : the criterion.
    sk_ordinal_kl.metrics.neg_mse_class_index_scorer : the matching scorer.

    Examples
    --------
    >>> from sk_ordinal_kl import OrdinalKLClassifier
    >>> from sk_ordinal_kl.datasets import make_ordinal_classification
    >>> X, y = make_ordinal_classification(n_samples=200, n_classes=4, random_state=0)
    >>> clf = OrdinalKLClassifier(alpha=1.0, sigma=1.0, max_epochs=5, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).sum(axis=1).round(6)
    array([1., 1., 1.])
    """

    def __init__(
        self,
        module=None,
        *,
        alpha: float = 1.0,
        sigma: float = 1.0,
        classes=None,
        prediction: str = "argmax",
        random_state=None,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        criterion=GaussianKLCrossEntropy,
        optimizer=torch.optim.AdamW,
        lr: float = 1e-3,
        max_epochs: int = 100,
        batch_size: int = 64,
        iterator_train=ArrayBatchLoader,
        iterator_valid=ArrayBatchLoader,
        train_split=None,
        callbacks=None,
        verbose: int = 0,
        **kwargs,
    ):
        super().__init__(
            None,  # torch components are stored below, see the note there
            criterion=None,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            iterator_train=iterator_train,
            iterator_valid=iterator_valid,
            train_split=train_split,
            classes=classes,
            callbacks=callbacks,
            verbose=verbose,
            **kwargs,
        )
        self.alpha = alpha
        self.sigma = sigma
        self.prediction = prediction
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        # skorch sets these fitted-state attributes in __init__; scikit-learn's
        # convention is that __init__ stores parameters only, so fall back to the
        # class-level defaults below until initialize() sets them. With those defaults
        # skorch's __setattr__ no longer sees a "first init" and would reject module or
        # criterion *instances*, so store those two parameters directly.
        for name in ("history_", "initialized_", "virtual_params_"):
            vars(self).pop(name, None)
        vars(self).update(module=module, criterion=criterion)

    history_ = None
    initialized_ = False
    virtual_params_ = MappingProxyType({})  # read-only: initialize() sets a fresh dict

    def _get_param_names(self):
        # skorch lists every attribute without a trailing "_" (its private
        # bookkeeping such as _params_to_validate too); only public ones are parameters.
        return [name for name in super()._get_param_names() if not name.startswith("_")]

    def set_params(self, **params):
        """Set parameters; a plain ``callbacks`` value on an unfitted net is checked in fit.

        Parameters
        ----------
        **params : dict
            Estimator parameters, including skorch's ``prefix__name`` routing.

        Returns
        -------
        self : OrdinalKLClassifier
            The estimator.
        """
        if not self.initialized_ and "callbacks" in params:
            # skorch builds callbacks eagerly here; scikit-learn validates in fit.
            self.callbacks = params.pop("callbacks")
        return super().set_params(**params)

    # ------------------------------------------------------------------ labels
    @property
    def classes_(self) -> np.ndarray:
        """Class labels in ordinal order (set by :meth:`fit`)."""
        check_is_fitted(self)
        return self.classes_inferred_

    def __sklearn_is_fitted__(self) -> bool:
        return bool(self.initialized_) and hasattr(self, "classes_inferred_")

    def _resolve_classes(self, y_raw, y: np.ndarray, classes) -> np.ndarray:
        """Ordinal order of the labels: ``classes`` > ordered Categorical > sorted values."""
        if classes is not None:
            return _check_classes(classes)
        categories = _ordered_categories(y_raw)
        if categories is not None:
            return _check_classes(categories)
        observed = np.unique(y)
        if _has_strings(observed):
            warnings.warn(
                f"y holds string labels and no order was given; using sorted order "
                f"{observed.tolist()} as the ordinal order. Pass classes=[...] in ordinal "
                "order or an ordered pandas Categorical to set it.",
                ClassOrderWarning,
                stacklevel=4,
            )
        return observed

    def check_data(self, X, y):
        """No-op: ``fit`` has validated ``X`` and encoded ``y`` already.

        Parameters
        ----------
        X, y : array-like
            Ignored.
        """
        # X and y were validated and y encoded by _validate_training_data; skorch's own
        # check would overwrite classes_inferred_ with the encoded indices.
        pass

    # ---------------------------------------------------------- validation
    def _check_params(self) -> None:
        check_alpha(self.alpha)
        check_sigma(self.sigma)
        check_prediction_rule(self.prediction)
        try:
            check_random_state(self.random_state)
        except ValueError:
            raise ValueError(
                "random_state must be None, an int or a numpy RandomState, "
                f"got {self.random_state!r}."
            ) from None
        if not (
            self.callbacks is None
            or self.callbacks == "disable"
            or isinstance(self.callbacks, list | tuple)
        ):
            raise TypeError(
                f"callbacks must be None, 'disable' or a list, got {self.callbacks!r}."
            )
        if not isinstance(self.early_stopping, bool | np.bool_):
            raise TypeError(f"early_stopping must be a bool, got {self.early_stopping!r}.")
        if self.early_stopping:
            if not 0.0 < self.validation_fraction < 1.0:
                raise ValueError(
                    f"validation_fraction must be in (0, 1), got {self.validation_fraction!r}."
                )
            if (
                isinstance(self.n_iter_no_change, bool)
                or not isinstance(self.n_iter_no_change, numbers.Integral)
                or self.n_iter_no_change < 1
            ):
                raise ValueError(f"n_iter_no_change must be >= 1, got {self.n_iter_no_change!r}.")

    def _validate_X(self, X, *, reset: bool) -> np.ndarray:
        return validate_data(self, X, reset=reset, dtype=np.float32, ensure_all_finite=True)

    def _validate_training_data(self, X, y, *, reset: bool, classes=None):
        """Validate X, y; on reset fix ``classes_``; return float32 X and int64 indices."""
        self._check_params()
        y_raw = y
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            dtype=np.float32,
            ensure_all_finite=True,
            multi_output=False,
        )
        check_classification_targets(y)
        if reset:
            self.classes_inferred_ = self._resolve_classes(
                y_raw, y, self.classes if self.classes is not None else classes
            )
        y_index = labels_to_indices(y, self.classes_inferred_)
        return X, y_index

    # ------------------------------------------------------------ training
    @contextlib.contextmanager
    def _seeded(self) -> Iterator[None]:
        """Seed torch for one fit without changing the caller's global RNG state."""
        if self.random_state is None:
            self.random_seed_ = None
            yield
            return
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        self.random_seed_ = seed
        devices = [torch.cuda.current_device()] if torch.cuda.is_available() else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            yield

    def fit(self, X, y, **fit_params):
        """Fit the network on ``X`` and labels ``y`` (re-initialised unless ``warm_start``).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features; converted to float32.
        y : array-like of shape (n_samples,)
            Class labels (ints, strings, or a pandas ordered Categorical).
        **fit_params : dict
            Passed on to the module's ``forward``.

        Returns
        -------
        self : OrdinalKLClassifier
            The fitted estimator.
        """
        reset = not (self.warm_start and self.initialized_)
        X, y_index = self._validate_training_data(X, y, reset=reset)
        if len(np.unique(y_index)) < 2:
            raise ValueError(
                f"y contains only 1 class ({self.classes_inferred_[y_index[0]]!r}); "
                "an ordinal classifier needs at least 2 classes to learn from."
            )
        with self._seeded():
            if reset:
                self.initialize()
            else:
                self._refresh_criterion()
            super().partial_fit(X, y_index, _routing_method="fit", **fit_params)
        return self

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs without re-initialising the network.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features.
        y : array-like of shape (n_samples,)
            Class labels, all in ``classes_`` after the first call.
        classes : array-like of shape (K,), default=None
            All labels in ordinal order; used on the first call when the ``classes``
            parameter is None (as in scikit-learn's ``partial_fit``).
        **fit_params : dict
            Passed on to the module's ``forward``.

        Returns
        -------
        self : OrdinalKLClassifier
            The updated estimator.
        """
        reset = not self.initialized_
        X, y_index = self._validate_training_data(X, y, reset=reset, classes=classes)
        with self._seeded() if reset else contextlib.nullcontext():
            if reset:
                self.initialize()
            else:
                self._refresh_criterion()
            super().partial_fit(X, y_index, **fit_params)
        return self

    def _data_kwargs(self, factory, candidates: dict, prefix: str) -> dict:
        """Data-derived constructor arguments the user did not set via ``prefix__``."""
        if isinstance(factory, torch.nn.Module):
            return {}  # an instance is used as given
        user = self.get_params_for(prefix)
        return {k: v for k, v in _accepted_kwargs(factory, candidates).items() if k not in user}

    def _module_data_kwargs(self, module) -> dict:
        candidates = {}
        if hasattr(self, "n_features_in_"):
            candidates["in_features"] = self.n_features_in_
        if hasattr(self, "classes_inferred_"):
            candidates["num_classes"] = len(self.classes_inferred_)
        return self._data_kwargs(module, candidates, "module")

    def _criterion_data_kwargs(self) -> dict:
        candidates = {"alpha": self.alpha, "sigma": self.sigma}
        if hasattr(self, "classes_inferred_"):
            candidates["num_classes"] = len(self.classes_inferred_)
        return self._data_kwargs(self.criterion, candidates, "criterion")

    def initialize_module(self):
        """Build ``module_`` (the default MLP when ``module=None``) sized from the data.

        Returns
        -------
        self : OrdinalKLClassifier
            The estimator, with ``module_`` set.
        """
        module = TabularMLP if self.module is None else self.module
        kwargs = {**self._module_data_kwargs(module), **self.get_params_for("module")}
        self.module_ = self.initialized_instance(module, kwargs)
        return self

    def initialize_criterion(self):
        """Build ``criterion_`` with the current ``alpha``, ``sigma`` and ``K``.

        Returns
        -------
        self : OrdinalKLClassifier
            The estimator, with ``criterion_`` set.
        """
        kwargs = {**self._criterion_data_kwargs(), **self.get_params_for("criterion")}
        self.criterion_ = self.initialized_instance(self.criterion, kwargs)
        return self

    def _refresh_criterion(self) -> None:
        """Rebuild the criterion if ``set_params`` changed alpha/sigma since it was built."""
        current = self._criterion_data_kwargs()
        if any(getattr(self.criterion_, k, v) != v for k, v in current.items()):
            self._initialize_criterion(reason="")

    def _set_training(self, training=True):
        """Put the module(s) and criteria in training or evaluation mode.

        skorch calls this before every batch. ``nn.Module.train`` re-assigns the flag of
        every submodule each time (about 7 % of a small tabular fit), so a module whose
        submodules are all in the requested mode already is left alone; the flags end up
        as skorch sets them. (A module overriding ``train()`` with side effects sees it
        called on a change of mode only.)
        """
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and any(
                m.training != training for m in module.modules()
            ):
                module.train(training)

    @property
    def _default_callbacks(self):
        # skorch's valid_acc would score predict() (labels) against encoded indices.
        callbacks = [(n, cb) for n, cb in super()._default_callbacks if n != "valid_acc"]
        if _is_true(self.early_stopping):
            stopper = EarlyStopping(
                monitor="valid_loss", patience=self.n_iter_no_change, load_best=True
            )
            callbacks.insert(-1, ("early_stopping", stopper))
        return callbacks

    def get_iterator(self, dataset, training=False):
        """Batch iterator; training batches are shuffled unless told otherwise.

        Parameters
        ----------
        dataset : torch Dataset
            The (training or validation) dataset.
        training : bool, default=False
            Whether to build ``iterator_train`` (shuffled by default) or
            ``iterator_valid``.

        Returns
        -------
        iterator : iterable of (X_batch, y_batch)
            The batch iterator.
        """
        if not training:
            return super().get_iterator(dataset, training=False)
        kwargs = {
            "shuffle": True,
            "batch_size": self.batch_size,
            **self.get_params_for("iterator_train"),
        }
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        return self.iterator_train(dataset, **kwargs)

    def get_split_datasets(self, X, y=None, **fit_params):
        """Training and validation datasets; a stratified split only if asked for.

        Parameters
        ----------
        X, y : array-like
            Validated features and encoded class indices.
        **fit_params : dict
            Passed to ``train_split``.

        Returns
        -------
        dataset_train, dataset_valid : torch Dataset, torch Dataset or None
            ``dataset_valid`` is None unless ``train_split`` or ``early_stopping`` is set.
        """
        split = self.train_split
        if split is None and _is_true(self.early_stopping):
            split = ValidSplit(
                self.validation_fraction,
                stratified=True,
                random_state=getattr(self, "random_seed_", None),
            )
        dataset = self.get_dataset(X, y)
        if not split:
            return dataset, None
        return split(dataset, y, **fit_params)

    # ---------------------------------------------------------- prediction
    def _get_predict_nonlinearity(self):
        if isinstance(self.predict_nonlinearity, str) and self.predict_nonlinearity == "auto":
            return _softmax  # the module outputs logits whatever the criterion
        return super()._get_predict_nonlinearity()

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` (ordinal) order.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features.

        Returns
        -------
        proba : ndarray of shape (n_samples, K), float64
            Softmax of the module's logits; rows sum to 1.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        proba = np.asarray(super().predict_proba(X), dtype=np.float64)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        """Predicted labels under the ``prediction`` decision rule.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        index = predict_index(self.predict_proba(X), check_prediction_rule(self.prediction))
        return self.classes_[index]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.non_deterministic = self.random_state is None
        return tags
