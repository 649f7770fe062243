"""The estimator: :class:`OrdinalKLClassifier`, a thin skorch subclass.

Data path::

    fit:      X, y -> check parameters, X (_inputs) and labels (labels)
                   -> y as ordinal class indices (+ per-sample weights, _weights)
                   -> skorch loop -> module logits -> criterion(logits, index, weight)
    predict:  X -> check X -> module logits -> softmax over ordinal indices
                -> decision rule (argmax | median | mean) -> ordinal_classes_[index]
    predict_proba: the same softmax, columns reordered to the sorted classes_
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator, Mapping
from numbers import Integral, Real
from types import MappingProxyType
from typing import ClassVar

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.metrics import accuracy_score
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, check_is_fitted
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import Callback, EarlyStopping
from skorch.dataset import Dataset as SkorchDataset
from skorch.dataset import ValidSplit, get_len, unpack_data
from skorch.utils import to_tensor
from torch.utils.data import Dataset

from . import _compat
from ._compat import Interval, Options, StrOptions, validate_parameter_constraints
from ._inputs import validate_X
from ._weights import training_weights
from .batching import ArrayBatchLoader
from .datasets import validation_strata
from .decision import PREDICTION_RULES, predict_index
from .labels import (
    ClassOrderWarning,
    OrdinalEncoding,
    check_labels,
    format_labels,
    resolve_ordinal_classes,
)
from .losses import GaussianKLCrossEntropy
from .modules import StackedMLP, TabularMLP
from .tabm import TabMNet

__all__ = ["ClassOrderWarning", "OrdinalKLClassifier"]


def _accepted_kwargs(factory, candidates: dict) -> dict:
    """The subset of ``candidates`` that ``factory``'s signature names explicitly."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}
    return {name: value for name, value in candidates.items() if name in parameters}


# Optimizers built with ``fused=True`` unless the user picks the implementation.
_FUSED_OPTIMIZERS = (torch.optim.Adam, torch.optim.AdamW)
_IMPLEMENTATION_OPTIONS = frozenset({"fused", "foreach", "capturable", "differentiable"})


# What skorch runs for every training batch. When neither a subclass nor a callback
# changes any of it, an epoch runs as a plain loop (see ``run_single_epoch``).
_PER_BATCH_METHODS = (
    "train_step",
    "train_step_single",
    "get_train_step_accumulator",
    "infer",
    "get_loss",
    "_zero_grad_optimizer",
    "_step_optimizer",
    "_set_training",
    "notify",
    "on_batch_begin",
    "on_batch_end",
    "on_grad_computed",
)
_CALLBACK_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_grad_computed")


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits, dim=-1)


#: ``module`` names -> network classes for 2-D tabular ``X``.
MODULES: dict[str, type[torch.nn.Module]] = {"mlp": TabularMLP, "tabm": TabMNet}
# Networks that take 2-D X (validated as such, trained on one thread by default).
_TWO_D_MODULES = (TabularMLP, TabMNet, StackedMLP)


def _takes_sample_weight(criterion: torch.nn.Module) -> bool:
    try:
        return "sample_weight" in inspect.signature(criterion.forward).parameters
    except (TypeError, ValueError):
        return False


def _seed_for_call(seed: int, call: int) -> int:
    """Seed of the ``call``-th training call (0: fit or first partial_fit) of one model."""
    if call == 0:
        return seed
    return int(np.random.SeedSequence([seed, call]).generate_state(1)[0] & 0x7FFFFFFF)


class _LabelledDataset(Dataset):
    """A user's ``(x, label)`` Dataset with each label replaced by its encoded target."""

    def __init__(self, dataset: Dataset, targets):
        self.dataset = dataset
        self.targets = targets

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, i):
        x = self.dataset[i][0]
        if isinstance(self.targets, Mapping):
            return x, {key: value[i] for key, value in self.targets.items()}
        return x, self.targets[i]


def _labels_of_dataset(dataset: Dataset) -> np.ndarray:
    """The label of every ``(x, label)`` item of a torch Dataset (one pass over it)."""
    labels = []
    for i in range(len(dataset)):
        item = dataset[i]
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise TypeError(
                "A torch Dataset passed with y=None must yield (x, label) pairs; item 0 is "
                f"a {type(item).__name__}. Pass the labels as y with a "
                "skorch.helper.SliceDataset of the inputs instead."
            )
        label = item[1]
        labels.append(label.item() if isinstance(label, torch.Tensor | np.generic) else label)
    return np.asarray(labels) if labels else np.empty(0)


class OrdinalKLClassifier(NeuralNetClassifier):
    """Neural ordinal classifier trained with cross-entropy + ``alpha`` · KL to a Gaussian.

    The criterion is ``CE(q, y) + alpha * KL(p_sigma(y) || q)`` with ``q`` the softmax
    of the module's logits and ``p_sigma(y)_k ∝ exp(-(k - y)^2 / (2 sigma^2))`` a
    discrete Gaussian over the ordinal class *indices* centred on the true class (see
    :class:`~sk_ordinal_kl.losses.GaussianKLCrossEntropy`). It is a thin subclass of
    :class:`skorch.NeuralNetClassifier`: every skorch parameter works, including
    ``module__*``, ``criterion__*``, ``optimizer__*`` and ``callbacks__*`` routing.

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
        given as ``module__in_features`` / ``module__num_classes``.
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
        rounded mean (squared error) of the probabilities over ordinal indices.
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
        silently from the MLP.
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
    lr : float, default=1e-3
        Learning rate.
    max_epochs : int, default=100
        Number of epochs of each :meth:`fit` or :meth:`partial_fit` call.
    batch_size : int, default=64
        Mini-batch size; -1 uses the whole training set as one batch.
    iterator_train, iterator_valid : class, default=ArrayBatchLoader
        Batch iterators. :class:`~sk_ordinal_kl.batching.ArrayBatchLoader` slices whole
        tensors per batch (several times faster than a per-row ``DataLoader`` on
        tabular data) and falls back to a ``DataLoader`` for other datasets. Training
        batches are shuffled unless ``iterator_train__shuffle=False``.
    dataset : class, default=skorch.dataset.Dataset
        skorch's dataset wrapper of array inputs.
    train_split : callable or None, default=None
        skorch's internal validation split; None trains on all data (unless
        ``early_stopping``).
    callbacks : list, "disable" or None, default=None
        Extra skorch callbacks.
    predict_nonlinearity : callable, "auto" or None, default="auto"
        Applied to the module's output in :meth:`predict_proba`; ``"auto"`` is the
        softmax over classes, whatever the criterion.
    warm_start : bool, default=False
        Continue training the current module in :meth:`fit` instead of re-initialising.
    verbose : int, default=0
        skorch's per-epoch log when > 0.
    device : str, torch.device or None, default="cpu"
        Where the module and the batches live (e.g. ``"cuda"``).
    compile : bool, default=False
        Wrap the module and the criterion with ``torch.compile`` (``compile__*``
        options).
    use_caching : bool or "auto", default="auto"
        skorch's caching of the module's output for scoring callbacks.
    torch_load_kwargs : dict or None, default=None
        Keyword arguments of ``torch.load`` in :meth:`load_params`.
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
        Class labels, sorted; column order of :meth:`predict_proba`.
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
    module_, criterion_, optimizer_, history_ : skorch's fitted components.

    See Also
    --------
    sk_ordinal_kl.losses.GaussianKLCrossEntropy : the criterion.
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
        "lr": [Interval(Real, 0, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), Options(Integral, {-1})],
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
        alpha: float = 1.0,
        sigma: float = 1.0,
        classes=None,
        prediction: str = "argmax",
        class_weight: dict | str | None = None,
        random_state=None,
        early_stopping: bool | str = "auto",
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        criterion=GaussianKLCrossEntropy,
        optimizer=torch.optim.AdamW,
        lr: float = 1e-3,
        max_epochs: int = 100,
        batch_size: int = 64,
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
        # skorch lists every attribute without a trailing "_" (its private
        # bookkeeping such as _params_to_validate too); only public ones are parameters.
        return [name for name in super()._get_param_names() if not name.startswith("_")]

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        # scikit-learn's repr (changed parameters only; also in Pipelines and the HTML
        # repr) rather than skorch's listing of the module.
        return BaseEstimator.__repr__(self, N_CHAR_MAX=N_CHAR_MAX)

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

    def _module_class(self):
        """The network class or instance that ``module`` names (None: the MLP)."""
        if self.module is None:
            return TabularMLP
        if isinstance(self.module, str):
            return MODULES.get(self.module, self.module)  # an unknown name fails validation
        return self.module

    def _two_d_module(self) -> bool:
        module = self._module_class()
        return isinstance(module, type) and issubclass(module, _TWO_D_MODULES)

    def _early_stopping(self) -> bool:
        """``early_stopping`` resolved: ``"auto"`` is on for TabM, off otherwise."""
        if isinstance(self.early_stopping, str):  # "auto"; anything else fails validation
            module = self._module_class()
            is_tabm = isinstance(module, TabMNet) or (
                isinstance(module, type) and issubclass(module, TabMNet)
            )
            return self.early_stopping == "auto" and is_tabm
        return self.early_stopping is True

    def _validate_X(self, X, *, reset: bool):
        return validate_X(self, X, reset=reset, two_d=self._two_d_module())

    def _read_labels(self, X, y):
        if y is not None:
            return y
        if isinstance(X, Dataset):
            return _labels_of_dataset(X)
        raise ValueError(
            f"{type(self).__name__} requires y to be passed, but the target y is None; pass "
            "class labels, or a torch Dataset of (x, label) pairs as X."
        )

    def _validate_training_data(self, X, y, sample_weight, *, reset: bool, classes=None):
        """Check parameters, X and labels; on reset fix the classes. Return what skorch
        trains on: X and the ordinal indices, with per-sample weights when there are
        any."""
        self._check_params()
        if isinstance(X, Dataset) and y is not None:
            raise ValueError(
                "Pass y=None with a torch Dataset X: labels are read from its (x, label) "
                "items. To pass labels separately, wrap the inputs in "
                "skorch.helper.SliceDataset."
            )
        y_raw = self._read_labels(X, y)
        labels = check_labels(y_raw)
        X = self._validate_X(X, reset=reset)
        check_consistent_length(next(iter(X.values())) if isinstance(X, Mapping) else X, labels)
        if len(labels) == 0:
            raise ValueError("Found array with 0 sample(s); at least one sample is required.")
        check_classification_targets(labels)
        if reset:
            given = self.classes if self.classes is not None else classes
            self._encoding_ = OrdinalEncoding(resolve_ordinal_classes(y_raw, given, stacklevel=4))
        elif self.classes is not None and not np.array_equal(
            np.asarray(self.classes, dtype=object), self._encoding_.ordinal_classes.astype(object)
        ):
            raise ValueError(
                f"classes={format_labels(self.classes)} differs from the fitted "
                f"{format_labels(self._encoding_.ordinal_classes)}; a warm-start fit or "
                "partial_fit keeps the classes. Fit anew (warm_start=False) to change them."
            )
        y_index = self._encode_training_labels(labels)
        weights = training_weights(sample_weight, self.class_weight, y_index, self._encoding_)
        if weights is None:
            return X, y_index, y_index
        return X, y_index, {"index": y_index, "sample_weight": weights}

    def _encode_training_labels(self, labels: np.ndarray) -> np.ndarray:
        try:
            return self._encoding_.encode(labels)
        except ValueError as error:
            classes = self._encoding_.ordinal_classes
            codes = labels.dtype.kind in "iu" and np.isin(labels, range(len(classes))).all()
            if codes:
                raise ValueError(
                    f"{error} y looks like the codes 0..K-1 of sorted labels: "
                    "VotingClassifier, StackingClassifier, cross_val_predict(method="
                    "'predict_proba') and CalibratedClassifierCV(method='temperature') "
                    "label-encode y before fitting their estimators. Pass "
                    "classes=sk_ordinal_kl.labels.sorted_codes(classes) to the estimator "
                    "inside them."
                ) from None
            raise

    def _check_criterion_takes_weights(self, targets) -> None:
        if isinstance(targets, Mapping) and not _takes_sample_weight(self.criterion_):
            raise ValueError(
                f"sample_weight or class_weight was given, but the criterion "
                f"{type(self.criterion_).__name__} does not take sample_weight; use one of "
                "sk_ordinal_kl.losses.LOSSES."
            )

    # ------------------------------------------------------------ training
    @contextlib.contextmanager
    def _seeded(self, reset: bool) -> Iterator[None]:
        """Seed torch for one training call without changing the caller's global RNG."""
        if reset or not hasattr(self, "random_seed_"):
            self.random_seed_ = (
                None
                if self.random_state is None
                else int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
            )
            self._training_calls_ = 0
        if self.random_seed_ is None:
            yield
            return
        seed = _seed_for_call(self.random_seed_, self._training_calls_)
        self._training_calls_ += 1
        devices = [torch.cuda.current_device()] if torch.cuda.is_available() else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            yield

    @contextlib.contextmanager
    def _torch_threads(self) -> Iterator[None]:
        threads = self.num_threads
        if threads == "auto":
            on_cpu = self.device is None or torch.device(self.device).type == "cpu"
            threads = 1 if self._two_d_module() and on_cpu else None
        previous = torch.get_num_threads()
        if threads is None or threads == previous:
            yield
            return
        torch.set_num_threads(threads)
        try:
            yield
        finally:
            torch.set_num_threads(previous)

    def _train(self, X, targets, *, reset: bool, entry_point: str, fit_params):
        with self._seeded(reset), self._torch_threads():
            if reset:
                self._module_data_ = self._module_kwargs_from_data(X, targets)
                self.initialize()
            else:
                self._refresh_criterion()
            self._check_criterion_takes_weights(targets)
            X = self._as_training_input(X, targets)
            super().partial_fit(X, targets, **_compat.fit_loop_kwargs(entry_point), **fit_params)
        return self

    def _module_kwargs_from_data(self, X, targets) -> dict:
        """Constructor arguments the module class derives from the training rows.

        A module class may define ``data_kwargs(X, y, **module_params) -> dict``
        (e.g. :meth:`~sk_ordinal_kl.tabm.TabMNet.data_kwargs`: which columns to embed
        and their bins). It is called here, inside every fresh fit, on the validated
        training inputs and their ordinal indices, with the user's ``module__*``
        values; those values win over what it returns. A module instance is used
        as given.
        """
        module = self._module_class()
        hook = getattr(module, "data_kwargs", None)
        if isinstance(module, torch.nn.Module) or not callable(hook):
            return {}
        if isinstance(X, Mapping | Dataset) or len(getattr(X, "shape", ())) != 2:
            raise ValueError(
                f"{getattr(module, '__name__', module)} sets itself up from the training "
                f"rows and needs a 2-D array X, got {type(X).__name__}."
            )
        y_index = targets["index"] if isinstance(targets, Mapping) else targets
        return dict(hook(X, y_index, **self.get_params_for("module")))

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
        self._set_training(True)
        optimizer = self.optimizer_
        losses, sizes = [], []
        for batch in iterator:
            Xi, yi = unpack_data(batch)
            optimizer.zero_grad(set_to_none=True)
            loss = self.get_loss(self.infer(Xi, **fit_params), yi, X=Xi, training=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
            sizes.append(get_len(batch[0]) if isinstance(batch, tuple | list) else get_len(batch))
        values = torch.stack(losses).tolist() if losses else []
        history = self.history
        for value, size in zip(values, sizes, strict=True):
            history.new_batch()
            history.record_batch(prefix + "_loss", value)
            history.record_batch(prefix + "_batch_size", size)
        history.record(prefix + "_batch_count", len(sizes))

    def _plain_training_step(self, step_fn) -> bool:
        """Whether a training step is skorch's default one, with no batch hooks."""
        cls = type(self)
        if getattr(step_fn, "__func__", None) is not NeuralNet.train_step or any(
            getattr(cls, name) is not getattr(OrdinalKLClassifier, name)
            for name in _PER_BATCH_METHODS
        ):
            return False
        for _, callback in self.callbacks_:
            if any(
                getattr(type(callback), hook, None) is not getattr(Callback, hook)
                for hook in _CALLBACK_BATCH_HOOKS
            ):
                return False
        if list(self._optimizers) != ["optimizer"]:
            return False
        optimizer = type(self.optimizer_)
        return optimizer.__module__.startswith("torch.optim.") and not issubclass(
            optimizer, torch.optim.LBFGS
        )

    def _as_training_input(self, X, targets):
        if isinstance(X, Dataset):  # a user's (x, label) dataset: swap in our targets
            return _LabelledDataset(X, targets)
        return X

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
            Class labels (ints, strings, booleans, or a pandas ordered Categorical);
            None when ``X`` is a Dataset that yields them.
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
        if hasattr(self, "_encoding_"):
            candidates["num_classes"] = self._encoding_.n_classes
        candidates.update(getattr(self, "_module_data_", {}))
        return self._data_kwargs(module, candidates, "module")

    def _criterion_data_kwargs(self) -> dict:
        candidates = {"alpha": self.alpha, "sigma": self.sigma}
        if hasattr(self, "_encoding_"):
            candidates["num_classes"] = self._encoding_.n_classes
        return self._data_kwargs(self.criterion, candidates, "criterion")

    def initialize_module(self):
        """Build ``module_`` (the default MLP when ``module=None``) sized from the data.

        Returns
        -------
        self : OrdinalKLClassifier
            The estimator, with ``module_`` set.
        """
        module = self._module_class()
        kwargs = {**self._module_data_kwargs(module), **self.get_params_for("module")}
        if module in MODULES.values() and "in_features" not in kwargs:
            raise ValueError(
                f"The module {module.__name__} sizes itself from a 2-D array X; with a "
                "Dataset or before fit, pass module__in_features=... or a module of your own."
            )
        self.module_ = self.initialized_instance(module, kwargs)
        return self

    def get_params_for_optimizer(self, prefix, named_parameters):
        """Positional and keyword arguments of the optimizer ``prefix`` (skorch's).

        Adds ``fused=True`` for ``torch.optim.Adam`` / ``AdamW`` when no
        implementation option is given and torch's fused kernel takes every parameter.

        Parameters
        ----------
        prefix : str
            The optimizer's name, usually ``"optimizer"``.
        named_parameters : iterable of (str, torch.nn.Parameter)
            The parameters to optimise.

        Returns
        -------
        args : tuple
            The parameter groups.
        kwargs : dict
            The optimizer's options.
        """
        named_parameters = list(named_parameters)
        args, kwargs = super().get_params_for_optimizer(prefix, named_parameters)
        chosen = set(kwargs).union(*(group.keys() for group in args[0]))
        if (
            prefix == "optimizer"
            and self.optimizer in _FUSED_OPTIMIZERS
            and not chosen & _IMPLEMENTATION_OPTIONS
            and _compat.fused_optimizer_supports(p for _, p in named_parameters)
        ):
            kwargs["fused"] = True
        return args, kwargs

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
            _compat.reinitialize_criterion(self)

    def _set_training(self, training=True):
        """Put the module(s) and criteria in training or evaluation mode.

        skorch calls this before every batch. ``nn.Module.train`` re-assigns the flag of
        every submodule each time (a noticeable share of a small tabular fit), so a
        module whose submodules are all in the requested mode already is left alone;
        the flags end up as skorch sets them. (A module overriding ``train()`` with side
        effects sees it called on a change of mode only.)
        """
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and any(
                m.training != training for m in module.modules()
            ):
                module.train(training)

    @property
    def _default_callbacks(self):
        # skorch's classifier adds valid_acc, which would score predict() (labels)
        # against encoded indices: start from the plain NeuralNet defaults.
        callbacks = _compat.skorch_default_callbacks(self)
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
        if split is None and self._early_stopping():
            split = ValidSplit(
                self.validation_fraction,
                stratified=True,
                random_state=getattr(self, "random_seed_", None),
            )
            # Classes too rare to stratify (one sample) join their ordinal neighbours,
            # for the split only.
            y_index = validation_strata(np.asarray(y_index), self.validation_fraction)
        dataset = self.get_dataset(X, y)
        if not split:
            return dataset, None
        # Stratify on the class indices, also when the targets carry weights.
        return split(dataset, y_index, **fit_params)

    # ---------------------------------------------------------- prediction
    def _ordinal_proba(self, X, *, members: bool = False) -> np.ndarray:
        """Probabilities over ordinal indices (float64, rows summing to 1); with
        ``members``, one row per ensemble member instead of their mean."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        nonlinearity = self.predict_nonlinearity
        if isinstance(nonlinearity, str):  # "auto": the module outputs logits, always
            nonlinearity = _softmax
        chunks = []
        with self._torch_threads():
            for output in self.forward_iter(X, training=False):
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
                f"(batch, k, K): use predict_proba_ordinal. Module: {type(self.module_).__name__}."
            )
        return proba / proba.sum(axis=-1, keepdims=True)

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
            Labels from ``classes_``.
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
        labels = check_labels(self._read_labels(X, y))
        self._encoding_.encode(labels)  # raises on labels the model does not know
        return float(accuracy_score(labels, self.predict(X), sample_weight=sample_weight))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True  # densified batch by batch (ArrayBatchLoader)
        tags.non_deterministic = self.random_state is None
        return tags
