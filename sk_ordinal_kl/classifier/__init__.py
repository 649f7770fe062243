"""The estimator: :class:`OrdinalKLClassifier`, a thin skorch subclass.

Data path (the private module doing each step in brackets)::

    fit:      X, y -> check parameters, X (_inputs) and labels (labels, _training_data)
                   -> y as ordinal class indices (+ per-sample weights, _weights)
                   -> network and criterion built from the data (_components)
                   -> skorch loop (a plain loop where nothing hooks a batch: _plain_epoch)
                   -> module logits (or, with head != "softmax", one score per row
                      -> head -> log-probabilities: heads) -> criterion(logits, index, weight)
    predict:  X -> check X -> module logits -> softmax over ordinal indices, members
                averaged (_prediction) -> decision rule (argmax | median | mean)
                -> ordinal_classes_[index]
    predict_proba: the same softmax, columns reordered to the sorted classes_

Training and prediction run seeded (_seeding) and on a chosen number of torch threads
(_threads). The docstring documents the parameters skorch's way where they are skorch's
own (_skorch_docs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Integral, Real
from types import MappingProxyType
from typing import ClassVar

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNetClassifier
from skorch.callbacks import EarlyStopping, PrintLog
from skorch.dataset import Dataset as SkorchDataset
from skorch.dataset import ValidSplit
from skorch.utils import to_tensor

from .. import _compat
from .._compat import Interval, Options, StrOptions, validate_parameter_constraints
from ..batching import ArrayBatchLoader
from ..datasets import validation_strata
from ..decision import PREDICTION_RULES
from ..heads import HEADS, LINKS
from ..labels import (
    ClassOrderWarning,
    OrdinalEncoding,
    check_label_type,
    check_labels,
    format_labels,
    resolve_ordinal_classes,
)
from ..losses import GaussianKLCrossEntropy
from ._auto import auto_epochs, resolve_batch_size
from ._components import MODULES, ComponentsMixin, is_tabm, module_kwargs_from_data
from ._inputs import validate_X
from ._plain_epoch import is_plain_training_step, run_plain_epoch, set_training_where_needed
from ._prediction import PredictionMixin
from ._seeding import seeded
from ._skorch_docs import with_skorch_parameters
from ._threads import torch_threads
from ._training_data import (
    TooLittleDataWarning,
    as_training_input,
    check_classes_kept,
    check_criterion_takes_weights,
    check_rows,
    encode_training_labels,
    read_labels,
    reject_labels_beside_dataset,
    warn_if_few_rows_per_class,
    warn_if_split_misses_classes,
)
from ._weights import training_weights

__all__ = ["ClassOrderWarning", "OrdinalKLClassifier", "TooLittleDataWarning"]


class _PrintLogWhenVerbose(PrintLog):
    """skorch's epoch table, built only when it is printed: with ``verbose=0`` its
    formatting would cost more than a training epoch of a few hundred rows."""

    def on_epoch_end(self, net, **kwargs):
        if net.verbose:
            super().on_epoch_end(net, **kwargs)


class OrdinalKLClassifier(ComponentsMixin, PredictionMixin, NeuralNetClassifier):
    """Neural ordinal classifier trained with cross-entropy + ``alpha`` · KL to a Gaussian.

    The criterion is ``CE(q, y) + alpha * KL(p_sigma(y) || q)`` with ``q`` the softmax
    of the module's logits and ``p_sigma(y)_k ∝ exp(-(k - y)^2 / (2 sigma^2))`` a
    discrete Gaussian over the ordinal class *indices* centred on the true class (see
    :class:`~sk_ordinal_kl.losses.GaussianKLCrossEntropy`). It is a thin subclass of
    :class:`skorch.NeuralNetClassifier`: every skorch parameter works, including
    ``module__*``, ``criterion__*``, ``optimizer__*`` and ``callbacks__*`` routing.
    The parameters it passes on unchanged are documented below in skorch's words.

    Labels have two orders. ``ordinal_classes_`` holds them in ordinal order: the loss,
    the decision rules and the ordinal metrics measure distances on the index in it.
    ``classes_`` holds the same labels sorted, as scikit-learn assumes of every
    classifier, and ``predict_proba`` columns follow it, so that ROC AUC, log-loss,
    Brier score, calibration and soft voting are right whatever the ordinal order.
    :meth:`predict_proba_ordinal` gives the columns in ordinal order. For integer labels
    in their natural order both orders are the same.

    Parameters
    ----------
    module : {"mlp", "tabm"}, torch.nn.Module class or instance, default=None
        The network, mapping a batch of ``X`` to logits ``(B, K)`` over the classes in
        ordinal order, or to ensemble member logits ``(B, k, K)`` (each member trained on
        its own loss, their probabilities averaged). ``None`` or ``"mlp"`` uses
        :class:`~sk_ordinal_kl.modules.TabularMLP`; ``"tabm"`` uses
        :class:`~sk_ordinal_kl.tabm.TabMNet` (TabM ensembling over piecewise-linear
        numeric embeddings, set up from the training rows inside ``fit``: see its
        ``data_kwargs`` hook, which any module class may define). Both take 2-D ``X``;
        a module of your own may take N-D arrays or tensors (images
        ``(N, C, H, W)``, sequences) or several inputs (``X`` a dict of arrays, one per
        ``forward`` argument). When ``module`` is a class whose constructor takes
        ``in_features`` and/or ``num_classes``, those are filled in from 2-D data unless
        given as ``module__in_features`` / ``module__num_classes``. With ``head``
        other than ``"softmax"`` the module outputs one score per row instead (see
        ``head``).
    head : {"softmax", "cumulative", "binomial"}, default="softmax"
        How the module's output becomes class probabilities.
        ``"softmax"``: the module outputs ``K`` logits per row. ``"cumulative"``: the
        module outputs one score ``s`` per row (``(B,)`` or ``(B, 1)``; ``(B, k, 1)``
        for ensemble members) and a :class:`~sk_ordinal_kl.heads.CumulativeLinkHead`
        with ``K - 1`` learned ordered thresholds gives ``P(y <= j) = F(theta_j - s)``
        (ordinal regression's cumulative-link model). ``"binomial"``: one score per row
        and a :class:`~sk_ordinal_kl.heads.BinomialHead` gives the unimodal
        ``Binomial(K - 1, sigmoid(s))`` probabilities with a learned temperature. The
        built-in networks, and a module class taking ``num_classes``, are then built
        with ``num_classes=1``; a module whose output has more than one score per row
        raises a ``ValueError`` at the first batch. A module with ensemble members
        declares their number as an ``n_members`` attribute (as
        :class:`~sk_ordinal_kl.modules.StackedMLP` and
        :class:`~sk_ordinal_kl.tabm.TabMNet` do) and each member gets its own head
        parameters. The head outputs log-probabilities, which every criterion, the
        decision rules and ``predict_proba`` take as they take logits.
    link : {"logit", "probit", "cloglog"}, default="logit"
        ``F`` of the cumulative head: the logistic CDF (proportional odds), the standard
        normal CDF (ordered probit) or ``1 - exp(-exp(z))`` (complementary log-log,
        proportional hazards). Used only with ``head="cumulative"``.
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
        the full range to keep index distance equal to value distance. Float labels that
        are not whole numbers (``0.5, 1.5, ...``) are classes only when an order lists
        them (this parameter or an ordered Categorical); without one scikit-learn reads
        them as a regression target and ``fit`` raises, saying so.
    prediction : {"argmax", "median", "mean"}, default="median"
        Decision rule of :meth:`predict`: mode (accuracy), median (absolute error) or
        rounded mean (squared error) of the probabilities over ordinal indices. The
        median is the default because it gave the lowest error on the class index (MSE
        and MAE) across the benchmark's datasets; ``"argmax"`` is the rule for accuracy,
        and the only one whose predictions are the argmax of :meth:`predict_proba`.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn: a dict maps labels to
        weights (others weigh 1); ``"balanced"`` weighs each class by
        ``n_samples / (n_present_classes * count)``. Multiplied with ``sample_weight``.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the early-stopping split
        inside :meth:`fit` and every :meth:`partial_fit` call (the same sequence of calls
        gives the same model), without touching torch's global random state.
    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the training data (stratified; classes too
        rare to stratify join their ordinal neighbours) and stop when the validation
        loss has not improved for ``n_iter_no_change`` epochs, restoring the best
        weights. ``"auto"``: on for ``module="tabm"`` (its training budget is early
        stopping capped at ``max_epochs``), off otherwise, so no data is held out
        silently from the MLP. When the rows are too few for a split with every class
        in both parts (fewer validation rows than classes, or a class whose only rows
        are held out), the fit goes on and warns with a :class:`TooLittleDataWarning`
        naming the classes missing from each part; any fit on fewer than two rows per
        class warns with it too. ``warnings.simplefilter("error", TooLittleDataWarning)``
        turns such fits into errors.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True``.
    max_epochs : int or "auto", default="auto"
        Epochs of a :meth:`fit` (and of each :meth:`partial_fit` call). ``"auto"``
        aims at 2,000 optimizer steps within 100 to 500 epochs: a few hundred rows get
        enough steps to settle, a large table its 100 epochs; with ``early_stopping``
        it is the cap. The resolved number is ``max_epochs_``.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    criterion : torch criterion class or instance, default=GaussianKLCrossEntropy
        Any ``nn.Module`` taking ``(logits, class_index)``. If it is a class whose
        constructor takes ``alpha``, ``sigma`` and/or ``num_classes``, the estimator's
        values are passed (fresh at every fit, so ``set_params`` is always honoured).
        Any class in :data:`sk_ordinal_kl.losses.LOSSES` works; those without an
        ``alpha`` parameter ignore the estimator's ``alpha``, and ``MinMaxLoss`` needs
        ``module=MinMaxMLP``. Tune the loss itself in a grid, e.g.
        ``{"criterion": [GaussianKLCrossEntropy, DLDLv2Loss], ...}``. Training with
        sample or class weights needs a criterion whose ``forward`` takes
        ``sample_weight`` (all of ``LOSSES`` do).
    optimizer : torch optimizer class, default=torch.optim.AdamW
        Optimizer; its options go through ``optimizer__*``. ``torch.optim.Adam`` and
        ``AdamW`` are built with ``fused=True`` (one kernel per step for all
        parameters, several times faster for small networks) when every parameter is
        a floating-point tensor on a device with fused kernels; ``optimizer__fused``,
        ``optimizer__foreach``, ``optimizer__capturable`` or
        ``optimizer__differentiable`` keep torch's choice as given.
    lr : float or "auto", default="auto"
        Learning rate of the optimizer (``optimizer__lr`` wins). ``"auto"``: ``1e-3``,
        and for ``module="tabm"`` ``3e-3 * (batch_size_ / 64) ** 0.25`` (``3e-3`` on
        batches of 64, ``5e-3`` on 512). The value used is ``lr_``.
    batch_size : int or "auto", default="auto"
        Rows per training batch, and per batch when predicting; ``-1`` takes all rows
        at once. ``"auto"``: 64 for the MLP and any network but TabM; for
        ``module="tabm"``, 64 below 3,000 rows passed to ``fit``, then doubling with the
        rows (128 from 3,000, 256 from 6,000, 512 from 12,000, 1,024 from 24,000), which
        keeps an epoch at some 25 to 50 steps: a TabM step costs a fixed few
        milliseconds on top of its arithmetic, so small batches on many rows spend
        most of the time on that. Resolved at every fresh ``fit`` (and the first
        ``partial_fit``) from its rows; the value used is ``batch_size_``.
    iterator_train, iterator_valid : class, default=ArrayBatchLoader
        Batch iterators. :class:`~sk_ordinal_kl.batching.ArrayBatchLoader` slices whole
        tensors per batch (several times faster than a per-row ``DataLoader`` on
        tabular data) and falls back to a ``DataLoader`` for other datasets. Training
        batches are shuffled unless ``iterator_train__shuffle=False``.
    train_split : callable or None, default=None
        skorch's internal validation split; None trains on all data (unless
        ``early_stopping``).
    predict_nonlinearity : callable, "auto" or None, default="auto"
        Applied to the module's output in :meth:`predict_proba`; ``"auto"`` is the
        softmax over classes, whatever the criterion.
    num_threads : int, "auto" or None, default="auto"
        torch intra-op threads while fitting and predicting (the previous setting is
        restored afterwards). ``"auto"`` uses one thread for the built-in tabular
        networks (``"mlp"``, ``"tabm"``) on the CPU, whose small matrix products run
        slower, and far slower on a busy machine, when split over threads; other
        modules keep torch's setting, as does None.
    **kwargs
        Any other :class:`skorch.NeuralNet` parameter routed by prefix
        (``iterator_train__*``, ``module__hidden_units``, ``module__dropout``,
        ``criterion__*``, ``optimizer__*``, ``callbacks__*``, ...).

    Attributes
    ----------
    classes_ : ndarray of shape (K,)
        Class labels, sorted; column order of :meth:`predict_proba`. Its dtype is that
        of the labels, with one rule for strings: they are held as an object array
        (Python ``str``) whether they came as a list, a NumPy unicode array, an object
        array or pandas categories. :meth:`predict` returns labels of this dtype
        (numbers keep theirs: ``classes=[0.5, 1.5]`` predicts float64).
    ordinal_classes_ : ndarray of shape (K,)
        Class labels in ordinal order; index ``k`` of the loss, the decision rules,
        :meth:`predict_proba_ordinal` and the ordinal metrics is
        ``ordinal_classes_[k]``.
    n_features_in_ : int
        Number of features (``X.shape[1]``) seen in :meth:`fit`, for array inputs.
    feature_names_in_ : ndarray of shape (n_features,)
        Column names, when ``X`` was a DataFrame with string column names.
    random_seed_ : int or None
        Seed drawn from ``random_state`` for the first training call.
    lr_ : float
        The learning rate the optimizer was built with (``lr`` with ``"auto"``
        resolved, or ``optimizer__lr``).
    batch_size_ : int
        The training batch size (``batch_size`` with ``"auto"`` resolved).
    max_epochs_ : int
        Epochs of the last training call (``max_epochs`` with ``"auto"`` resolved).
    module_, criterion_, optimizer_, history_ : skorch's fitted components.

    See Also
    --------
    sk_ordinal_kl.losses.GaussianKLCrossEntropy : the criterion.
    sk_ordinal_kl.heads.CumulativeLinkHead : the ``head="cumulative"`` output head.
    sk_ordinal_kl.metrics.neg_mse_class_index_scorer : the matching scorer.

    Notes
    -----
    To save and restore a model the skorch way, save its parameters with
    ``save_params(f_params=...)``; build a new estimator with the same parameters and
    ``classes=ordinal_classes_`` (and ``module__in_features`` for the default MLP),
    call ``initialize()`` and then ``load_params(f_params=...)``. skorch's
    ``Checkpoint`` and ``LoadInitState`` callbacks resume training the same way.
    ``pickle`` and ``joblib`` work too.

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
    >>> clf
    OrdinalKLClassifier(max_epochs=5, random_state=0)
    """

    _parameter_constraints: ClassVar[dict] = {
        "module": [None, StrOptions(set(MODULES)), callable],
        "head": [StrOptions(set(HEADS))],
        "link": [StrOptions(set(LINKS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "sigma": [Interval(Real, 0, None, closed="neither")],
        "classes": [None, "array-like"],
        "prediction": [StrOptions(set(PREDICTION_RULES))],
        "class_weight": [None, dict, StrOptions({"balanced"})],
        "random_state": ["random_state"],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "criterion": [callable],
        "optimizer": [callable],
        "lr": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            Options(Integral, {-1}),
            StrOptions({"auto"}),
        ],
        "iterator_train": [callable],
        "iterator_valid": [callable],
        "dataset": [callable],
        "train_split": [None, callable],
        "callbacks": [None, list, tuple, StrOptions({"disable"})],
        "predict_nonlinearity": [None, callable, StrOptions({"auto"})],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "device": [None, str, torch.device],
        "compile": ["boolean"],
        "use_caching": ["boolean", StrOptions({"auto"})],
        "torch_load_kwargs": [None, dict],
        "num_threads": [None, Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    }

    def __init__(
        self,
        module=None,
        *,
        head: str = "softmax",
        link: str = "logit",
        alpha: float = 1.0,
        sigma: float = 1.0,
        classes=None,
        prediction: str = "median",
        class_weight: dict | str | None = None,
        random_state=None,
        early_stopping: bool | str = "auto",
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        criterion=GaussianKLCrossEntropy,
        optimizer=torch.optim.AdamW,
        lr: float | str = "auto",
        max_epochs: int | str = "auto",
        batch_size: int | str = "auto",
        iterator_train=ArrayBatchLoader,
        iterator_valid=ArrayBatchLoader,
        dataset=SkorchDataset,
        train_split=None,
        callbacks=None,
        predict_nonlinearity="auto",
        warm_start: bool = False,
        verbose: int = 0,
        device="cpu",
        compile: bool = False,
        use_caching="auto",
        torch_load_kwargs=None,
        num_threads="auto",
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
            dataset=dataset,
            train_split=train_split,
            classes=classes,
            callbacks=callbacks,
            predict_nonlinearity=predict_nonlinearity,
            warm_start=warm_start,
            verbose=verbose,
            device=device,
            compile=compile,
            use_caching=use_caching,
            torch_load_kwargs=torch_load_kwargs,
            **kwargs,
        )
        self.head = head
        self.link = link
        self.alpha = alpha
        self.sigma = sigma
        self.prediction = prediction
        self.class_weight = class_weight
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.num_threads = num_threads
        # Fitted state that skorch sets in __init__ falls back to the class-level
        # defaults below until initialize(). Without skorch's "first init" state its
        # __setattr__ would reject module or criterion *instances*: store those directly.
        for name in _compat.SKORCH_STATE_SET_IN_INIT:
            vars(self).pop(name, None)
        vars(self).update(module=module, criterion=criterion)

    history_ = None
    initialized_ = False
    virtual_params_ = MappingProxyType({})  # read-only: initialize() sets a fresh dict

    def _get_param_names(self):
        # scikit-learn's get_params reads this hook; skorch's lists its private
        # bookkeeping too (see _compat): only public attributes are parameters.
        return _compat.public_param_names(self)

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        # scikit-learn's repr (changed parameters only; also in Pipelines and the HTML
        # repr) rather than skorch's listing of the module.
        return BaseEstimator.__repr__(self, N_CHAR_MAX=N_CHAR_MAX)

    def set_params(self, **params):
        """Set parameters; a plain ``callbacks`` value on an unfitted net is checked in fit.

        On an initialised net, a new ``head`` or ``link`` rebuilds ``module_`` (network
        and head, fresh weights) at once, as skorch does for ``module``.

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
        if self.initialized_ and {"head", "link"} & set(params) and "module" not in params:
            # The head is part of module_: rebuild it (with fresh weights) as skorch
            # does on set_params(module=...).
            params["module"] = self.module
        if self.initialized_ and params.get("lr") == "auto":
            # skorch hands lr straight to the built optimizer: give it the value.
            params["lr"] = self._auto_lr()
            super().set_params(**params)
            self.lr = "auto"
            return self
        return super().set_params(**params)

    # ------------------------------------------------------------------ labels
    @property
    def classes_(self) -> np.ndarray:
        """Class labels, sorted: the column order of :meth:`predict_proba`."""
        check_is_fitted(self)
        return self._encoding_.classes

    @property
    def ordinal_classes_(self) -> np.ndarray:
        """Class labels in ordinal order: the order of every ordinal computation."""
        check_is_fitted(self)
        return self._encoding_.ordinal_classes

    def __sklearn_is_fitted__(self) -> bool:
        return bool(self.initialized_) and hasattr(self, "_encoding_")

    def check_data(self, X, y):
        """No-op: ``fit`` has validated ``X`` and encoded ``y`` already.

        Parameters
        ----------
        X, y : array-like
            Ignored.
        """
        # skorch's own check would infer classes from the encoded indices.

    def initialize(self):
        """Build module, criterion, optimizer and callbacks (skorch's ``initialize``).

        With the ``classes`` parameter set, the labels are known before any data is
        seen, so an initialised net can predict, e.g. after ``load_params``.

        Returns
        -------
        self : OrdinalKLClassifier
            The initialised estimator.
        """
        if not hasattr(self, "_encoding_") and self.classes is not None:
            self._check_params()
            self._encoding_ = OrdinalEncoding(self.classes)
        return super().initialize()

    # ---------------------------------------------------------- validation
    def _check_params(self) -> None:
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )

    def _early_stopping(self) -> bool:
        """``early_stopping`` resolved: ``"auto"`` is on for TabM, off otherwise."""
        if isinstance(self.early_stopping, str):  # "auto"; anything else fails validation
            return self.early_stopping == "auto" and is_tabm(self._module_class())
        return self.early_stopping is True

    def _validate_X(self, X, *, reset: bool):
        return validate_X(self, X, reset=reset, two_d=self._two_d_module())

    def _validate_training_data(self, X, y, sample_weight, *, reset: bool, classes=None):
        """Check parameters, X and labels; on reset fix the classes. Return what skorch
        trains on: X and the ordinal indices, with per-sample weights when there are
        any."""
        self._check_params()
        reject_labels_beside_dataset(X, y)
        y_raw = read_labels(X, y, type(self).__name__)
        labels = check_labels(y_raw)
        X = self._validate_X(X, reset=reset)
        check_rows(X, labels)
        if reset:
            given = self.classes if self.classes is not None else classes
            check_label_type(labels, y_raw, given)
            self._encoding_ = OrdinalEncoding(resolve_ordinal_classes(y_raw, given, stacklevel=4))
        else:
            check_classes_kept(self.classes, self._encoding_)
        y_index = encode_training_labels(self._encoding_, labels)
        weights = training_weights(sample_weight, self.class_weight, y_index, self._encoding_)
        if weights is None:
            return X, y_index, y_index
        return X, y_index, {"index": y_index, "sample_weight": weights}

    # ------------------------------------------------------------ training
    def _torch_threads(self):
        return torch_threads(self.num_threads, self.device, two_d_module=self._two_d_module())

    def _train(self, X, targets, *, reset: bool, entry_point: str, fit_params):
        if reset or self.batch_size != "auto" or not hasattr(self, "batch_size_"):
            index = targets["index"] if isinstance(targets, Mapping) else targets
            self.batch_size_ = resolve_batch_size(
                self.batch_size, tabm=is_tabm(self._module_class()), n_rows=len(index)
            )
        with seeded(self, reset), self._torch_threads():
            if reset:
                self._module_data_ = module_kwargs_from_data(
                    self._module_class(), X, targets, self.get_params_for("module")
                )
                self.initialize()
            else:
                self._refresh_criterion()
            check_criterion_takes_weights(self.criterion_, targets)
            self.max_epochs_ = self._epochs(targets)
            X = as_training_input(X, targets)
            super().partial_fit(
                X,
                targets,
                epochs=self.max_epochs_,
                **_compat.fit_loop_kwargs(entry_point),
                **fit_params,
            )
        return self

    def _epochs(self, targets) -> int:
        """``max_epochs`` resolved: ``"auto"`` from the rows that train (see _auto)."""
        if self.max_epochs != "auto":
            return int(self.max_epochs)
        rows = len(targets["index"] if isinstance(targets, Mapping) else targets)
        if self._early_stopping():
            rows = rows - math.ceil(rows * self.validation_fraction)
        return auto_epochs(max(rows, 1), self._batch_size())

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """One training or validation epoch (skorch's), recording each batch's loss.

        A training epoch whose per-batch steps nobody customises (no subclass overrides
        of the step methods, no callback with a batch hook, one ``torch.optim``
        optimizer that needs no closure) runs as a plain loop: ``zero_grad``, forward,
        loss, backward, ``step``. The history gets the same per-batch ``train_loss``
        and ``train_batch_size`` entries, written at the end of the epoch. Anything
        else takes skorch's loop.

        Parameters
        ----------
        iterator : iterable or None
            Batches; None skips the epoch.
        training : bool
            Training (with optimizer steps) or validation.
        prefix : str
            History prefix, ``"train"`` or ``"valid"``.
        step_fn : callable
            skorch's step for one batch.
        **fit_params : dict
            Passed on to the module's ``forward``.
        """
        if iterator is None or not (training and self._plain_training_step(step_fn)):
            return super().run_single_epoch(iterator, training, prefix, step_fn, **fit_params)
        run_plain_epoch(self, iterator, prefix, **fit_params)

    def _plain_training_step(self, step_fn) -> bool:
        """Whether a training step is skorch's default one, with no batch hooks."""
        return is_plain_training_step(self, step_fn, OrdinalKLClassifier)

    def fit(self, X, y=None, sample_weight=None, **fit_params):
        """Fit the network on ``X`` and labels ``y`` (re-initialised unless ``warm_start``).

        Parameters
        ----------
        X : array-like, Tensor, dict of arrays or Dataset
            Inputs: a 2-D array or DataFrame for the default MLP; N-D arrays or tensors,
            a dict of arrays (one per ``forward`` argument), a torch Dataset of
            ``(x, label)`` pairs or a skorch ``SliceDataset`` for a module that takes
            them.
        y : array-like of shape (n_samples,) or None
            Class labels (ints, strings, booleans, floats listed in ``classes``, or a
            pandas ordered Categorical); None when ``X`` is a Dataset that yields them.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the loss (weighted mean), multiplied
            with ``class_weight``.
        **fit_params : dict
            Passed on to the module's ``forward``.

        Returns
        -------
        self : OrdinalKLClassifier
            The fitted estimator.
        """
        reset = not (self.warm_start and self.initialized_)
        X, y_index, targets = self._validate_training_data(X, y, sample_weight, reset=reset)
        if len(np.unique(y_index)) < 2:
            raise ValueError(
                f"y contains only 1 class ({format_labels(self._encoding_.decode(y_index[:1]))}"
                "); an ordinal classifier needs at least 2 classes to learn from."
            )
        warn_if_few_rows_per_class(y_index)
        return self._train(X, targets, reset=reset, entry_point="fit", fit_params=fit_params)

    def partial_fit(self, X, y=None, classes=None, sample_weight=None, **fit_params):
        """Train for ``max_epochs`` more epochs without re-initialising the network.

        Parameters
        ----------
        X : array-like, Tensor, dict of arrays or Dataset
            Inputs, as in :meth:`fit`.
        y : array-like of shape (n_samples,) or None
            Class labels, all in ``classes_`` after the first call.
        classes : array-like of shape (K,), default=None
            All labels in ordinal order; used on the first call when the ``classes``
            parameter is None (as in scikit-learn's ``partial_fit``).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the loss.
        **fit_params : dict
            Passed on to the module's ``forward``.

        Returns
        -------
        self : OrdinalKLClassifier
            The updated estimator.
        """
        reset = not self.initialized_
        X, _, targets = self._validate_training_data(
            X, y, sample_weight, reset=reset, classes=classes
        )
        return self._train(
            X, targets, reset=reset, entry_point="partial_fit", fit_params=fit_params
        )

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Criterion value of a batch; ``y_true`` holds indices (and weights, if any).

        Parameters
        ----------
        y_pred : torch.Tensor
            Module output.
        y_true : torch.Tensor or dict
            Ordinal class indices, or ``{"index": ..., "sample_weight": ...}``.
        X : object, default=None
            The batch's inputs (unused).
        training : bool, default=False
            Whether this is a training step (unused).

        Returns
        -------
        loss : torch.Tensor
            Scalar loss.
        """
        if isinstance(y_true, Mapping):
            index = to_tensor(y_true["index"], device=self.device)
            weight = to_tensor(y_true["sample_weight"], device=self.device)
            return self.criterion_(y_pred, index, sample_weight=weight)
        return super().get_loss(y_pred, y_true, X=X, training=training)

    def _set_training(self, training=True):
        """Put the module(s) and criteria in training or evaluation mode.

        skorch calls this hook before every batch; only modules whose mode differs are
        switched (see :func:`~sk_ordinal_kl.classifier._plain_epoch.set_training_where_needed`).
        """
        set_training_where_needed(self, training)

    @property
    def _default_callbacks(self):
        # skorch's classifier adds valid_acc, which would score predict() (labels)
        # against encoded indices: start from the plain NeuralNet defaults.
        callbacks = [
            (name, _PrintLogWhenVerbose() if isinstance(callback, PrintLog) else callback)
            for name, callback in _compat.skorch_default_callbacks(self)
        ]
        if self._early_stopping():
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
        if training:
            iterator = self.iterator_train
            kwargs = {"shuffle": True, **self.get_params_for("iterator_train")}
        else:
            iterator = self.iterator_valid
            kwargs = self.get_params_for("iterator_valid")
        kwargs.setdefault("batch_size", self._batch_size())
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        return iterator(dataset, **kwargs)

    def _batch_size(self) -> int:
        """The batch size in use: ``batch_size_`` once a training call resolved it."""
        if self.batch_size != "auto":
            return self.batch_size
        return getattr(self, "batch_size_", resolve_batch_size("auto", tabm=False, n_rows=0))

    def get_split_datasets(self, X, y=None, **fit_params):
        """Training and validation datasets; a stratified split only if asked for.

        Parameters
        ----------
        X, y : array-like
            Validated inputs and encoded targets.
        **fit_params : dict
            Passed to ``train_split``.

        Returns
        -------
        dataset_train, dataset_valid : torch Dataset, torch Dataset or None
            ``dataset_valid`` is None unless ``train_split`` or ``early_stopping`` is set.
        """
        split = self.train_split
        y_index = y["index"] if isinstance(y, Mapping) else y
        dataset = self.get_dataset(X, y)
        if split is None and self._early_stopping():
            split = ValidSplit(
                self.validation_fraction,
                stratified=True,
                random_state=getattr(self, "random_seed_", None),
            )
            # Classes too rare to stratify (one sample) join their ordinal neighbours,
            # for the split only.
            y_index = np.asarray(y_index)
            strata = validation_strata(y_index, self.validation_fraction)
            dataset_train, dataset_valid = split(dataset, strata, **fit_params)
            warn_if_split_misses_classes(
                y_index,
                np.asarray(dataset_train.indices),
                np.asarray(dataset_valid.indices),
                self._encoding_,
                self.validation_fraction,
                # Shown at the call of fit or partial_fit: this method is called from
                # skorch's fit_loop, called from its partial_fit, called from _train.
                stacklevel=6,
            )
            return dataset_train, dataset_valid
        if not split:
            return dataset, None
        # Stratify on the class indices, also when the targets carry weights.
        return split(dataset, y_index, **fit_params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True  # densified batch by batch (ArrayBatchLoader)
        tags.non_deterministic = self.random_state is None
        return tags


OrdinalKLClassifier.__doc__ = with_skorch_parameters(OrdinalKLClassifier)
