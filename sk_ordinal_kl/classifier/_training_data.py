"""What a training call is given, checked before any training: labels, rows, weights.

``fit`` and ``partial_fit`` read the labels (from ``y``, or from the ``(x, label)`` items
of a torch Dataset), check them and the number of rows, and turn them into what skorch
trains on: the ordinal class indices, or ``{"index": ..., "sample_weight": ...}`` when
there are weights (which the criterion must then take). A user's Dataset gets its labels
swapped for those targets.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import numpy as np
import torch
from sklearn.utils.validation import check_consistent_length
from torch.utils.data import Dataset

from ..labels import OrdinalEncoding, format_labels
from ..labels._warnings import warn_once

__all__ = [
    "LabelledDataset",
    "TooLittleDataWarning",
    "as_training_input",
    "check_classes_kept",
    "check_criterion_takes_weights",
    "check_rows",
    "encode_training_labels",
    "read_labels",
    "reject_labels_beside_dataset",
    "warn_if_few_rows_per_class",
    "warn_if_split_misses_classes",
]


class TooLittleDataWarning(UserWarning):
    """A fit had too little data: fewer than two rows per class, or an early-stopping
    split whose training or validation part lacks a class.

    The fit goes on (the warning names what is missing); its model may have learnt
    little, e.g. one class predicted for every row.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", TooLittleDataWarning)  # refuse such fits
    """


def warn_if_few_rows_per_class(y_index: np.ndarray) -> None:
    """:class:`TooLittleDataWarning` when a fit has fewer than two rows per class (of the
    classes present in ``y``)."""
    n_classes = np.unique(y_index).size
    if len(y_index) >= 2 * n_classes:
        return
    warn_once(
        f"Too little data to learn from: {len(y_index)} rows for {n_classes} classes, "
        "fewer than 2 per class. The model can at best reproduce these rows (with "
        "early stopping it trains on fewer still). Fit on more rows per class.",
        TooLittleDataWarning,
        stacklevel=3,
    )


def warn_if_split_misses_classes(
    y_index: np.ndarray,
    train_rows: np.ndarray,
    valid_rows: np.ndarray,
    encoding: OrdinalEncoding,
    validation_fraction: float,
    *,
    stacklevel: int = 1,
) -> None:
    """:class:`TooLittleDataWarning` when the early-stopping split leaves a class of
    ``y`` out of its training part (the network never sees it), or has fewer validation
    rows than classes (the stopping criterion ignores some). A rare class missing from
    a large enough validation part alone is not warned about. ``stacklevel`` counts from
    the caller."""
    present = np.unique(y_index)
    lacks_train = np.setdiff1d(present, y_index[train_rows])
    lacks_valid = np.setdiff1d(present, y_index[valid_rows])
    if not (lacks_train.size or len(valid_rows) < present.size):
        return
    parts = []
    if lacks_train.size:
        parts.append(
            f"the training part has no row of {format_labels(encoding.decode(lacks_train))}, "
            "which the network then never learns"
        )
    if lacks_valid.size:
        parts.append(
            f"the validation part has no row of {format_labels(encoding.decode(lacks_valid))}"
            ", which the stopping criterion ignores"
        )
    warn_once(
        f"Too little data to hold out a validation split with every class: early stopping "
        f"holds out {len(valid_rows)} of {len(y_index)} rows (validation_fraction="
        f"{validation_fraction}) for {present.size} classes, and {'; '.join(parts)}. Fit "
        "on more rows, raise validation_fraction, or set early_stopping=False and a "
        "fixed max_epochs.",
        TooLittleDataWarning,
        stacklevel=stacklevel + 1,
    )


class LabelledDataset(Dataset):
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


def reject_labels_beside_dataset(X, y) -> None:
    """A torch Dataset brings its own labels: ``y`` must be None then."""
    if isinstance(X, Dataset) and y is not None:
        raise ValueError(
            "Pass y=None with a torch Dataset X: labels are read from its (x, label) "
            "items. To pass labels separately, wrap the inputs in "
            "skorch.helper.SliceDataset."
        )


def read_labels(X, y, owner: str):
    """``y``, or the labels of a Dataset ``X`` when ``y`` is None."""
    if y is not None:
        return y
    if isinstance(X, Dataset):
        return _labels_of_dataset(X)
    raise ValueError(
        f"{owner} requires y to be passed, but the target y is None; pass "
        "class labels, or a torch Dataset of (x, label) pairs as X."
    )


def check_rows(X, labels: np.ndarray) -> None:
    """As many validated rows as labels (the first input's, for a dict), and at least one."""
    check_consistent_length(next(iter(X.values())) if isinstance(X, Mapping) else X, labels)
    if len(labels) == 0:
        raise ValueError("Found array with 0 sample(s); at least one sample is required.")


def check_classes_kept(classes, encoding: OrdinalEncoding) -> None:
    """A warm-start fit or ``partial_fit`` keeps the fitted classes."""
    if classes is not None and not np.array_equal(
        np.asarray(classes, dtype=object), encoding.ordinal_classes.astype(object)
    ):
        raise ValueError(
            f"classes={format_labels(classes)} differs from the fitted "
            f"{format_labels(encoding.ordinal_classes)}; a warm-start fit or "
            "partial_fit keeps the classes. Fit anew (warm_start=False) to change them."
        )


def encode_training_labels(encoding: OrdinalEncoding, labels: np.ndarray) -> np.ndarray:
    """Ordinal indices of the labels; unknown labels that look like the codes of a
    label-encoding meta-estimator get an error saying how to keep the order."""
    try:
        return encoding.encode(labels)
    except ValueError as error:
        classes = encoding.ordinal_classes
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


def _takes_sample_weight(criterion: torch.nn.Module) -> bool:
    try:
        return "sample_weight" in inspect.signature(criterion.forward).parameters
    except (TypeError, ValueError):
        return False


def check_criterion_takes_weights(criterion: torch.nn.Module, targets) -> None:
    """Weighted targets need a criterion whose ``forward`` takes ``sample_weight``."""
    if isinstance(targets, Mapping) and not _takes_sample_weight(criterion):
        raise ValueError(
            f"sample_weight or class_weight was given, but the criterion "
            f"{type(criterion).__name__} does not take sample_weight; use one of "
            "sk_ordinal_kl.losses.LOSSES."
        )


def as_training_input(X, targets):
    """What skorch trains on: ``X`` itself, or a user's Dataset with our targets."""
    if isinstance(X, Dataset):  # a user's (x, label) dataset: swap in our targets
        return LabelledDataset(X, targets)
    return X
