"""The few private skorch, torch and scikit-learn details the package relies on, in one place.

Each entry names what it depends on and why the public API does not suffice. Every one
has a test in ``tests/test_compat.py`` that fails when an upgrade changes the detail, so
that an upgrade breaks here and nowhere else.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable

import torch

# scikit-learn's parameter validation: the machinery all its estimators use for
# ``_parameter_constraints``, in a module scikit-learn keeps private.
from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from skorch import NeuralNet

__all__ = [
    "SKORCH_STATE_SET_IN_INIT",
    "HasMethods",
    "Interval",
    "LabelEncodedFit",
    "Options",
    "StrOptions",
    "fit_loop_kwargs",
    "fused_optimizer_supports",
    "label_encoded_fit",
    "log_softmax_backward",
    "reinitialize_criterion",
    "safe_indexing",
    "scorer_response_method",
    "skorch_default_callbacks",
    "validate_parameter_constraints",
]

# skorch's ``NeuralNet.__init__`` sets these fitted-state attributes on the instance.
# scikit-learn's convention is that ``__init__`` stores parameters only (and clone /
# ``check_no_attributes_set_in_init`` check it), so the estimator removes them again and
# falls back to class-level defaults until ``initialize()`` sets them.
SKORCH_STATE_SET_IN_INIT = ("history_", "initialized_", "virtual_params_")


def fit_loop_kwargs(entry_point: str) -> dict:
    """Keyword arguments telling skorch's ``partial_fit`` which public method called it.

    skorch >= 1.4 resolves metadata routing for ``fit`` or ``partial_fit`` from a private
    ``_routing_method`` keyword; older versions pass any unknown keyword on to the
    module's ``forward``, so the keyword must only be given where it is understood.

    Parameters
    ----------
    entry_point : {"fit", "partial_fit"}
        The public method the user called.

    Returns
    -------
    kwargs : dict
        ``{"_routing_method": entry_point}`` on skorch >= 1.4, else ``{}``.
    """
    if "_routing_method" in inspect.signature(NeuralNet.fit_loop).parameters:
        return {"_routing_method": entry_point}
    return {}


def fused_optimizer_supports(params) -> bool:
    """Whether torch's fused Adam/AdamW kernels take every one of ``params``.

    ``Adam(fused=True)`` checks its parameters only at the first ``step`` (floating
    point, on a device type with fused kernels) and raises there; the list of device
    types is in torch's private ``_get_fused_kernels_supported_devices``. Without it
    (another torch version), this answers False and the optimizer keeps torch's default.

    Parameters
    ----------
    params : iterable of torch.Tensor
        The parameters to optimise.

    Returns
    -------
    supported : bool
        True when there is at least one parameter and all pass torch's check.
    """
    try:
        from torch.utils._foreach_utils import _get_fused_kernels_supported_devices
    except ImportError:
        return False
    devices = set(_get_fused_kernels_supported_devices())
    params = list(params)
    return bool(params) and all(
        p.device.type in devices and torch.is_floating_point(p) for p in params
    )


def reinitialize_criterion(net: NeuralNet) -> None:
    """Rebuild ``net.criterion_`` as skorch's ``set_params`` would.

    The public ``initialize_criterion`` builds the criterion but skips the device move
    and ``torch.compile`` wrapping that skorch's private ``_initialize_criterion`` adds.

    Parameters
    ----------
    net : skorch NeuralNet
        An initialised net.
    """
    net._initialize_criterion(reason="")


def skorch_default_callbacks(net: NeuralNet) -> list:
    """skorch's default ``(name, callback)`` list (epoch timer, loss scoring, printer).

    skorch exposes the defaults only through the private ``_default_callbacks``
    property, which subclasses override to change them.

    Parameters
    ----------
    net : skorch NeuralNet
        Any net.

    Returns
    -------
    callbacks : list of (str, Callback)
        The defaults of :class:`skorch.NeuralNet` (without the classifier's
        ``valid_acc``, which would score predicted labels against encoded indices).
    """
    return list(NeuralNet._default_callbacks.fget(net))


class LabelEncodedFit:
    """A fit inside scikit-learn's ``cross_val_predict`` on label-encoded ``y``.

    Attributes
    ----------
    encoded_labels : ndarray or None
        The labels the codes stand for (the ``LabelEncoder``'s ``classes_``), when the
        ``cross_val_predict`` call runs in this process; None in a joblib worker.
    """

    def __init__(self, encoded_labels):
        self.encoded_labels = encoded_labels


# ``cross_val_predict`` replaces y by LabelEncoder codes 0..K-1 of the sorted labels for
# these methods, then fits each fold in ``_fit_and_predict(..., method)``.
_LABEL_ENCODING_METHODS = frozenset({"decision_function", "predict_proba", "predict_log_proba"})
_VALIDATION_MODULE = "sklearn.model_selection._validation"


def label_encoded_fit() -> LabelEncodedFit | None:
    """Whether the running fit is one of ``cross_val_predict``'s on label-encoded ``y``.

    scikit-learn gives the estimator nothing but the codes ``0..K-1``, so the only way to
    know is the call stack: a frame of its private ``_fit_and_predict`` (in a joblib
    worker too, where that function is what runs) with a method that encodes ``y``; the
    ``cross_val_predict`` frame above it, when in this process, holds the encoder (its
    local ``le``) and so the labels the codes stand for.

    Returns
    -------
    fit : LabelEncodedFit or None
        None outside such a fit.
    """
    frame = sys._getframe(1)
    found = None
    while frame is not None:
        if frame.f_globals.get("__name__") == _VALIDATION_MODULE:
            name = frame.f_code.co_name
            if name == "_fit_and_predict" and found is None:
                if frame.f_locals.get("method") not in _LABEL_ENCODING_METHODS:
                    return None
                found = LabelEncodedFit(None)
            elif name == "cross_val_predict" and found is not None:
                encoder = frame.f_locals.get("le")
                found.encoded_labels = getattr(encoder, "classes_", None)
                return found
        frame = frame.f_back
    return found


def _find_log_softmax_backward() -> Callable:
    # The derivative of log_softmax as one fused kernel. Public autograd would need the
    # graph of log_softmax, which a custom autograd.Function has not kept.
    return torch._log_softmax_backward_data


log_softmax_backward = _find_log_softmax_backward()


# --------------------------------------------------------------------------- #
# The estimator (classifier area): skorch's component bookkeeping and hooks
# --------------------------------------------------------------------------- #
__all__ += ["SKORCH_PER_BATCH_METHODS", "public_param_names", "registered_names"]

# skorch's methods that one training batch runs through. An epoch in which none of
# them is customised runs as a plain loop (``sk_ordinal_kl.classifier._plain_epoch``); three are
# private skorch methods, so the names live here, where a test checks them.
SKORCH_PER_BATCH_METHODS = (
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


_REGISTRIES = ("modules", "criteria", "optimizers")


def registered_names(net: NeuralNet, kind: str) -> list[str]:
    """Names of the modules, criteria or optimizers ``net`` registered.

    skorch records each torch component it initialises (also the extra modules and
    optimizers a subclass sets up) in the private lists ``_modules``, ``_criteria`` and
    ``_optimizers``, which its private ``_set_training`` hook and optimizer steps walk;
    there is no public accessor.

    Parameters
    ----------
    net : skorch NeuralNet
        An initialised net.
    kind : {"modules", "criteria", "optimizers"}
        Which list.

    Returns
    -------
    names : list of str
        Without the trailing underscore: ``getattr(net, name + "_")`` is the component.
    """
    if kind not in _REGISTRIES:
        raise ValueError(f"kind must be one of {_REGISTRIES}, got {kind!r}.")
    return list(getattr(net, "_" + kind))


def public_param_names(net: NeuralNet) -> list[str]:
    """skorch's parameter names of ``net`` without its private bookkeeping.

    skorch overrides scikit-learn's private ``_get_param_names`` (which ``get_params``,
    and so ``clone``, reads) to list every attribute without a trailing ``_``; that
    includes its own ``_params_to_validate``, which is no parameter.

    Parameters
    ----------
    net : skorch NeuralNet
        The net whose ``get_params`` is asked for, initialised or not.

    Returns
    -------
    names : list of str
        The names scikit-learn should treat as parameters.
    """
    return [name for name in NeuralNet._get_param_names(net) if not name.startswith("_")]


# --------------------------------------------------------------------------- #
# Meta-estimators (tuned decision, conformal sets)
# --------------------------------------------------------------------------- #
# The constraint "an object with these methods" of scikit-learn's parameter validation
# (the private module above), as its own meta-estimators declare their ``estimator``.
from sklearn.utils._param_validation import HasMethods  # noqa: E402


def safe_indexing(data, rows):
    """Rows ``rows`` of ``data`` (array, DataFrame, list, sparse matrix), as scikit-learn's
    cross-validation takes them.

    scikit-learn's ``_safe_indexing`` is private, and its public ``safe_indexing`` was
    removed; every splitter-driven meta-estimator needs exactly what it does.

    Parameters
    ----------
    data : array-like, DataFrame, Series, list or sparse matrix
        What to index along its first axis.
    rows : ndarray of int
        Row positions.

    Returns
    -------
    subset : same kind as ``data``
    """
    from sklearn.utils import _safe_indexing

    return _safe_indexing(data, rows)


def scorer_response_method(scorer):
    """The prediction method(s) a scorer reads: a str, a tuple of str, or None if unknown.

    A scorer built by ``make_scorer`` / ``get_scorer`` keeps it in the private attribute
    ``_response_method``; the package's own scorers expose a public ``response_method``.

    Parameters
    ----------
    scorer : callable
        A scorer with the ``scorer(estimator, X, y)`` API.

    Returns
    -------
    response_method : str, tuple of str or None
    """
    return getattr(scorer, "response_method", getattr(scorer, "_response_method", None))
