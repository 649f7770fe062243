"""The torch components the estimator builds: which network, and what it is built with.

``module`` names a network (``None`` and ``"mlp"``: :class:`~sk_ordinal_kl.modules.TabularMLP`,
``"tabm"``: :class:`~sk_ordinal_kl.tabm.TabMNet`) or is one. A module or criterion *class*
gets the sizes it asks for from the data (``in_features``, ``num_classes``, the module's own
``data_kwargs`` hook) and the criterion the estimator's ``alpha`` and ``sigma``, fresh at
every fit; an *instance* is used as given. With ``head`` other than ``"softmax"`` the
network is built with ``num_classes=1`` (one score per row) and ``module_`` is the network
followed by the head (:class:`~sk_ordinal_kl.heads.NetworkWithHead`). Adam and AdamW get
torch's fused kernel when it applies. :class:`ComponentsMixin` holds the skorch hooks that
do this.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import torch
from torch.utils.data import Dataset

from .. import _compat
from ..heads import NetworkWithHead, make_head
from ..modules import StackedMLP, TabularMLP
from ..tabm import TabMNet
from ._auto import resolve_lr

__all__ = ["MODULES", "ComponentsMixin", "is_tabm", "module_kwargs_from_data"]

#: ``module`` names -> network classes for 2-D tabular ``X``.
MODULES: dict[str, type[torch.nn.Module]] = {"mlp": TabularMLP, "tabm": TabMNet}
# Networks that take 2-D X (validated as such, trained on one thread by default).
_TWO_D_MODULES = (TabularMLP, TabMNet, StackedMLP)

# Optimizers built with ``fused=True`` unless the user picks the implementation.
_FUSED_OPTIMIZERS = (torch.optim.Adam, torch.optim.AdamW)
_IMPLEMENTATION_OPTIONS = frozenset({"fused", "foreach", "capturable", "differentiable"})


def is_tabm(module) -> bool:
    """Whether the network (class or instance) is :class:`~sk_ordinal_kl.tabm.TabMNet`."""
    is_class = isinstance(module, type)
    return isinstance(module, TabMNet) or (is_class and issubclass(module, TabMNet))


def _accepted_kwargs(factory, candidates: dict) -> dict:
    """The subset of ``candidates`` that ``factory``'s signature names explicitly."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}
    return {name: value for name, value in candidates.items() if name in parameters}


def module_kwargs_from_data(module, X, targets, module_params: dict) -> dict:
    """Constructor arguments the module class derives from the training rows.

    A module class may define ``data_kwargs(X, y, **module_params) -> dict``
    (e.g. :meth:`~sk_ordinal_kl.tabm.TabMNet.data_kwargs`: which columns to embed and
    their bins). It is called inside every fresh fit, on the validated training inputs
    and their ordinal indices, with the user's ``module__*`` values; those values win
    over what it returns. A module instance is used as given.
    """
    hook = getattr(module, "data_kwargs", None)
    if isinstance(module, torch.nn.Module) or not callable(hook):
        return {}
    if isinstance(X, Mapping | Dataset) or len(getattr(X, "shape", ())) != 2:
        raise ValueError(
            f"{getattr(module, '__name__', module)} sets itself up from the training "
            f"rows and needs a 2-D array X, got {type(X).__name__}."
        )
    y_index = targets["index"] if isinstance(targets, Mapping) else targets
    return dict(hook(X, y_index, **module_params))


class ComponentsMixin:
    """skorch's component hooks for :class:`~sk_ordinal_kl.OrdinalKLClassifier`.

    Builds ``module_`` and ``criterion_`` from the estimator's parameters and what
    ``fit`` learnt of the data (``n_features_in_``, ``_encoding_``, ``_module_data_``),
    and the optimizer's arguments.
    """

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
        if self.head != "softmax":
            candidates["num_classes"] = 1  # one score per row; the head makes K classes
        elif hasattr(self, "_encoding_"):
            candidates["num_classes"] = self._encoding_.n_classes
        candidates.update(getattr(self, "_module_data_", {}))
        return self._data_kwargs(module, candidates, "module")

    def _criterion_data_kwargs(self) -> dict:
        candidates = {"alpha": self.alpha, "sigma": self.sigma}
        if hasattr(self, "_encoding_"):
            candidates["num_classes"] = self._encoding_.n_classes
        return self._data_kwargs(self.criterion, candidates, "criterion")

    def initialize_module(self):
        """Build ``module_`` (the default MLP when ``module=None``) sized from the data,
        followed by the output head unless ``head="softmax"``.

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
        self.module_ = self._with_head(self.initialized_instance(module, kwargs))
        return self

    def _with_head(self, network: torch.nn.Module) -> torch.nn.Module:
        """``network`` followed by the head that ``head`` names (as it is for softmax).

        A network with ensemble members declares their number as ``n_members``
        (:class:`~sk_ordinal_kl.modules.StackedMLP`, :class:`~sk_ordinal_kl.tabm.TabMNet`):
        the head then holds one set of parameters per member.
        """
        if self.head == "softmax":
            return network
        if not hasattr(self, "_encoding_"):
            raise ValueError(
                f"head={self.head!r} needs the number of classes to build its parameters: "
                "fit the estimator, or pass classes=... before initialize()."
            )
        head = make_head(
            self.head,
            self._encoding_.n_classes,
            link=self.link,
            n_members=getattr(network, "n_members", None),
        )
        return NetworkWithHead(network, head)

    def _auto_lr(self) -> float:
        """``lr="auto"`` for this network and the batch size in use."""
        tabm = is_tabm(self._module_class())
        return resolve_lr("auto", tabm=tabm, batch_size=self._batch_size())

    def get_params_for_optimizer(self, prefix, named_parameters):
        """Positional and keyword arguments of the optimizer ``prefix`` (skorch's).

        Resolves ``lr="auto"`` (see :mod:`sk_ordinal_kl.classifier._auto`) and adds
        ``fused=True`` for ``torch.optim.Adam`` / ``AdamW`` when no
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
        if kwargs.get("lr") == "auto":  # skorch's default: the estimator's lr
            kwargs["lr"] = self._auto_lr()
        if prefix == "optimizer":
            self.lr_ = kwargs.get("lr")
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
