"""The benchmarked methods: one registry, each entry says how to build and how to tune.

Every method is ``preprocessor -> estimator`` (a :class:`~sklearn.pipeline.Pipeline`
with steps ``"prep"`` and ``"clf"``), where the preprocessor is the one a user would
write for mixed tabular data
(:func:`~sk_ordinal_kl.preprocessing.make_tabular_preprocessor`), fitted on the
training part only. Labels are class indices ``0..K-1`` (see
:mod:`sk_ordinal_kl.benchmark.data`).

A method is tuned when its :class:`MethodSpec` has a ``grid``: the runner's inner
stratified K-fold search (same folds, same scorer — MSE on the class index — for every
method) picks the grid point, and with ``tune_rule`` the decision rule too, read off the
same fits' ``predict_proba``. Methods that name the same ``search`` share one search
(``ce_kl`` and ``ce_kl_rule`` differ only in what they may choose from it).
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import torch
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from ..callbacks import SigmaSchedule
from ..classifier import OrdinalKLClassifier
from ..losses import LOSSES, AllThresholdLoss
from ..preprocessing import make_tabular_preprocessor
from .peers import (
    CornLoss,
    CornMLPClassifier,
    FitTimeLimit,
    IndexRegressor,
    MLPRegressorNet,
    ObservedClassIndex,
    corn_probabilities,
)
from .protocol import Protocol

__all__ = [
    "ALL_METHODS",
    "LOSS_METHODS",
    "METHODS",
    "PEER_METHODS",
    "MethodSpec",
    "available_methods",
    "mlp_method",
]

Builder = Callable[[Protocol, list, int], BaseEstimator]
GridOf = Callable[[Protocol], dict[str, Sequence]]


@dataclass(frozen=True)
class MethodSpec:
    """One benchmarked method.

    Parameters
    ----------
    build : callable
        ``build(protocol, classes, seed) -> Pipeline`` with steps ``"prep"`` and ``"clf"``.
        Must be picklable (a module-level function or a ``functools.partial`` of one).
    description : str
        Human-readable configuration; part of the cache key.
    requires : tuple of str
        Importable modules the method needs; it is skipped when one is missing.
    grid : callable or None
        ``grid(protocol) -> {clf parameter: values}`` searched by the inner CV; None:
        fitted as built.
    score_rules : bool
        The inner search scores every rule of ``protocol.rules`` from each fit's
        ``predict_proba`` (the estimator must have a ``prediction`` parameter).
    tune_rule : bool
        Choose the decision rule in the search too (needs ``score_rules``); otherwise a
        rule-scoring search is read at ``"argmax"``.
    search : str or None
        Name of the inner search; methods naming the same search share its fits (they
        must share ``build``, ``grid`` and ``score_rules``). Default: the method's name.
    finalize : callable or None
        ``finalize(estimator, protocol, seed) -> estimator`` applied after tuning (e.g.
        wrapping the classifier in a decision tuner).
    ours : bool
        A configuration of this package (its estimator with one of its own losses);
        every other method is a *peer* (another package's method, or a plain baseline).
        The standing table sets the best of ours against the best peer.
    time_limited : bool
        Its fits may hit the protocol's ``solver_time_limit`` (the estimator is wrapped
        in :class:`~sk_ordinal_kl.benchmark.peers.FitTimeLimit`): the inner search then
        skips a grid point on its remaining folds once one fold's fit ran out of time.
    batched : bool
        The grid is ``{"alpha", "sigma"}`` of an :class:`~sk_ordinal_kl.OrdinalKLClassifier`
        and the inner search trains it as one batched network per fold
        (:class:`~sk_ordinal_kl.OrdinalKLClassifierCV`) instead of one fit per candidate.

    Examples
    --------
    >>> from sk_ordinal_kl.losses import FocalLoss
    >>> spec = MethodSpec(partial(mlp_method, criterion=FocalLoss), "MLP + focal")
    >>> spec.grid is None
    True
    """

    build: Builder
    description: str
    requires: tuple[str, ...] = ()
    grid: GridOf | None = None
    score_rules: bool = False
    tune_rule: bool = False
    search: str | None = None
    finalize: Callable[[BaseEstimator, Protocol, int], BaseEstimator] | None = None
    batched: bool = False
    ours: bool = False
    time_limited: bool = False

    def selectable_rules(self, protocol: Protocol) -> tuple[str, ...]:
        """Rules the tuned method may end with (``"predict"``: the estimator's own)."""
        if self.tune_rule:
            return tuple(protocol.rules)
        return ("argmax",) if self.score_rules else ("predict",)


def _pipeline(estimator: BaseEstimator) -> Pipeline:
    return Pipeline([("prep", make_tabular_preprocessor()), ("clf", estimator)])


def _mlp_kwargs(protocol: Protocol, classes: list, seed: int) -> dict[str, Any]:
    return {
        "classes": classes,
        "max_epochs": protocol.max_epochs,
        "batch_size": protocol.batch_size,
        "lr": protocol.lr,
        "module__hidden_units": protocol.hidden_units,
        # the methods name their rule: argmax unless tuned or given
        "prediction": "argmax",
        "random_state": seed,
    }


def mlp_method(
    protocol: Protocol,
    classes: list,
    seed: int,
    *,
    estimator: type[OrdinalKLClassifier] = OrdinalKLClassifier,
    **params: Any,
) -> Pipeline:
    """Preprocessor + the shared MLP estimator with the protocol's training settings.

    Parameters
    ----------
    protocol : Protocol
        Shared training settings.
    classes : list
        All labels in ordinal order.
    seed : int
        ``random_state`` of the estimator.
    estimator : class, default=OrdinalKLClassifier
        Estimator class (e.g. a subclass with another output layer).
    **params
        Further estimator parameters (``alpha``, ``criterion``, ``criterion__*``, ...);
        they win over the protocol's (``lr``, ``module__hidden_units``, ...).

    Returns
    -------
    pipeline : Pipeline
        ``preprocessor -> estimator`` (step names ``"prep"``, ``"clf"``).

    Examples
    --------
    >>> pipe = mlp_method(Protocol(max_epochs=5), classes=[0, 1, 2], seed=0, alpha=0.5)
    >>> pipe.named_steps["clf"].alpha
    0.5
    """
    return _pipeline(estimator(**{**_mlp_kwargs(protocol, classes, seed), **params}))


def _schedule_method(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    schedule = SigmaSchedule(factor=protocol.schedule_factor)
    return mlp_method(protocol, classes, seed, callbacks=[schedule])


def tabm_method(protocol: Protocol, classes: list, seed: int, **params: Any) -> Pipeline:
    """Preprocessor + ``OrdinalKLClassifier(module="tabm")`` at its default training budget.

    The estimator's defaults for TabM: early stopping on 10% of the training rows
    (patience 10, best epoch restored), at most ``protocol.tabm_max_epochs`` epochs.

    Examples
    --------
    >>> tabm_method(Protocol(), classes=[0, 1, 2], seed=0).named_steps["clf"].module
    'tabm'
    """
    settings = {
        "module": "tabm",
        "classes": classes,
        "max_epochs": protocol.tabm_max_epochs,
        "prediction": "argmax",  # as for the MLP methods: argmax unless tuned or given
        "random_state": seed,
    }
    return _pipeline(OrdinalKLClassifier(**{**settings, **params}))


def _corn_method(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    return mlp_method(
        protocol,
        classes,
        seed,
        estimator=CornMLPClassifier,
        criterion=CornLoss,
        predict_nonlinearity=corn_probabilities,
        prediction="median",
    )


def _dlordinal_triangular(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    from dlordinal.losses import TriangularLoss

    return mlp_method(
        protocol,
        classes,
        seed,
        criterion=TriangularLoss,
        criterion__base_loss=torch.nn.CrossEntropyLoss(),
        criterion__alpha2=0.05,
        criterion__eta=1.0,
    )


def _mlp_regression(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    net = MLPRegressorNet(
        max_epochs=protocol.max_epochs,
        batch_size=protocol.batch_size,
        lr=protocol.lr,
        module__hidden_units=protocol.hidden_units,
        random_state=seed,
    )
    return _pipeline(IndexRegressor(net, classes=classes))


def _boosting_regression(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    return _pipeline(
        IndexRegressor(HistGradientBoostingRegressor(random_state=seed), classes=classes)
    )


def _logistic_regression(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    return _pipeline(LogisticRegression(max_iter=2000))


def _hist_gradient_boosting(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    return _pipeline(HistGradientBoostingClassifier(random_state=seed))


def _mord_logistic_at(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    import mord

    return _pipeline(ObservedClassIndex(mord.LogisticAT(alpha=1.0)))


def _kernel_svor(protocol: Protocol, classes: list, seed: int, **params: Any) -> Pipeline:
    from skordinal.classifiers import SVOR

    return _pipeline(FitTimeLimit(SVOR(kernel="rbf", **params), protocol.solver_time_limit))


def _kernel_redsvm(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    from skordinal.classifiers import REDSVM

    return _pipeline(FitTimeLimit(REDSVM(kernel="rbf"), protocol.solver_time_limit))


def _proportional_odds(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    from skordinal.classifiers import POM

    return _pipeline(POM())


#: Cap on ogboost's boosting iterations; its early stopping ends most fits well before.
_OGBOOST_MAX_ITER = 500


def _ordinal_boosting(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    from ogboost import GradientBoostingOrdinal

    # Early stopping on a 10% holdout of the training part (ogboost's own), unstratified:
    # its stratified split fails on classes with one row. ogboost wants labels 0..m-1.
    boosting = GradientBoostingOrdinal(
        n_estimators=_OGBOOST_MAX_ITER,
        n_iter_no_change=10,
        validation_stratify=False,
        random_state=seed,
    )
    return _pipeline(ObservedClassIndex(boosting))


def _tuned_decision(estimator: Pipeline, protocol: Protocol, seed: int) -> Pipeline:
    """Wrap the classifier step in a decision tuned by out-of-fold predictions."""
    from ..decision import TunedOrdinalDecisionCV

    folds = StratifiedKFold(protocol.inner_cv, shuffle=True, random_state=seed)
    tuned = TunedOrdinalDecisionCV(estimator.named_steps["clf"], cv=folds)
    return Pipeline([("prep", estimator.named_steps["prep"]), ("clf", tuned)])


def _kl_grid(protocol: Protocol) -> dict[str, Sequence]:
    return {"alpha": protocol.alphas, "sigma": protocol.sigmas}


def _clm_grid(protocol: Protocol) -> dict[str, Sequence]:
    return {"alpha": protocol.clm_alphas, "sigma": (1.0,)}


#: A linear latent score on the cumulative head, trained with the all-threshold loss: the
#: classic threshold model (mord's LogisticAT, with weight decay for its penalty), which
#: fitted pyrim10 best of the probes (``benchmarks/accuracy/small_data_probe.py``).
_LINEAR_AT = {
    "head": "cumulative",
    "module__hidden_units": (),
    "criterion": AllThresholdLoss,
    "lr": 1e-2,
}

#: The cumulative-link head on the protocol's MLP.
_CLM = {"head": "cumulative"}
#: One block of 64 bilinear units (a quadratic latent score) and the cumulative head,
#: trained to fit closely: no dropout or weight decay, learning rate 3e-3 (the settings
#: of ``benchmarks/accuracy/small_data_probe.py`` that fitted toy and balance-scale).
_BILINEAR_CLM = {
    "head": "cumulative",
    "module__block": "bilinear",
    "module__hidden_units": (64,),
    "module__dropout": 0.0,
    "optimizer__weight_decay": 0.0,
    "lr": 3e-3,
}


def _ce_grid(protocol: Protocol) -> dict[str, Sequence]:
    return {"alpha": (0.0,)}


def _peer_grid(name: str) -> GridOf:
    return partial(_grid_of, name)


def _grid_of(name: str, protocol: Protocol) -> dict[str, Sequence]:
    return protocol.peer_grids[name]


def _defaults(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    """The estimator exactly as it ships: every default, nothing tuned."""
    return _pipeline(OrdinalKLClassifier(classes=classes, random_state=seed))


#: The method registry: name -> MethodSpec. Order is the order of tables and plots.
METHODS: dict[str, MethodSpec] = {
    "defaults": MethodSpec(
        _defaults,
        "OrdinalKLClassifier() with every default (nothing tuned): what a user who fits "
        "the defaults gets",
        ours=True,
    ),
    "ce": MethodSpec(partial(mlp_method, alpha=0.0), "MLP + CE (alpha=0), argmax", ours=True),
    "ce_rule": MethodSpec(
        mlp_method,
        "MLP + CE (alpha=0), decision rule tuned",
        grid=_ce_grid,
        score_rules=True,
        tune_rule=True,
        ours=True,
    ),
    "ce_kl": MethodSpec(
        mlp_method,
        "MLP + CE+KL, alpha x sigma tuned (one batched network per fold), argmax",
        grid=_kl_grid,
        score_rules=True,
        batched=True,
        ours=True,
    ),
    "ce_kl_rule": MethodSpec(
        mlp_method,
        "MLP + CE+KL, alpha x sigma x decision rule tuned (one batched network per fold)",
        grid=_kl_grid,
        score_rules=True,
        tune_rule=True,
        search="ce_kl",
        batched=True,
        ours=True,
    ),
    "clm_rule": MethodSpec(
        partial(mlp_method, **_CLM),
        "MLP + cumulative-link head (logit), CE + alpha KL, alpha x decision rule tuned "
        "(one batched network per fold)",
        grid=_clm_grid,
        score_rules=True,
        tune_rule=True,
        batched=True,
        ours=True,
    ),
    "bilinear_clm_rule": MethodSpec(
        partial(mlp_method, **_BILINEAR_CLM),
        "64 bilinear units + cumulative-link head, no dropout or weight decay, lr 3e-3, "
        "CE + alpha KL, alpha x decision rule tuned (one batched network per fold)",
        grid=_clm_grid,
        score_rules=True,
        tune_rule=True,
        batched=True,
        ours=True,
    ),
    "linear_at_rule": MethodSpec(
        partial(mlp_method, **_LINEAR_AT),
        "linear score + cumulative-link head, all-threshold loss, lr 1e-2, weight decay x "
        "decision rule tuned",
        grid=_peer_grid("linear_at"),
        score_rules=True,
        tune_rule=True,
        ours=True,
    ),
    "ce_kl_schedule": MethodSpec(
        _schedule_method,
        "MLP + CE+KL, sigma x 0.95 per epoch from sigma_0 (SigmaSchedule), tuned, argmax",
        grid=_peer_grid("ce_kl_schedule"),
        ours=True,
    ),
    "tabm_rule": MethodSpec(
        tabm_method,
        "TabM (k=4) + piecewise-linear embeddings + CE (alpha=0), early stopping, "
        "decision rule tuned",
        ("tabm", "rtdl_num_embeddings"),
        grid=_ce_grid,
        score_rules=True,
        tune_rule=True,
        ours=True,
    ),
    "tabm_kl_rule": MethodSpec(
        tabm_method,
        "TabM (k=4) + piecewise-linear embeddings + CE+KL, early stopping, "
        "alpha x decision rule tuned",
        ("tabm", "rtdl_num_embeddings"),
        grid=_peer_grid("tabm_kl"),
        score_rules=True,
        tune_rule=True,
        ours=True,
    ),
    "hgb_reg": MethodSpec(
        _boosting_regression,
        "HistGradientBoostingRegressor on the class index, rounded and clipped; tuned",
        grid=_peer_grid("hgb_reg"),
    ),
    "mlp_reg": MethodSpec(
        _mlp_regression, "the same MLP regressing the class index (MSE), rounded and clipped"
    ),
    "hgb": MethodSpec(
        _hist_gradient_boosting, "HistGradientBoostingClassifier, tuned", grid=_peer_grid("hgb")
    ),
    "logreg": MethodSpec(
        _logistic_regression,
        "LogisticRegression(max_iter=2000), C tuned",
        grid=_peer_grid("logreg"),
    ),
    "mord_at": MethodSpec(
        _mord_logistic_at, "mord.LogisticAT, alpha tuned", ("mord",), grid=_peer_grid("mord_at")
    ),
    "svorim": MethodSpec(
        partial(_kernel_svor, constraints="implicit"),
        "skordinal SVOR, implicit constraints (SVORIM), RBF kernel, C x gamma tuned, "
        "solver time limit",
        ("skordinal",),
        grid=_peer_grid("svorim"),
        time_limited=True,
    ),
    "svorex": MethodSpec(
        partial(_kernel_svor, constraints="explicit"),
        "skordinal SVOR, explicit constraints (SVOREX), RBF kernel, C x gamma tuned, "
        "solver time limit",
        ("skordinal",),
        grid=_peer_grid("svorex"),
        time_limited=True,
    ),
    "redsvm": MethodSpec(
        _kernel_redsvm,
        "skordinal REDSVM (reduction to binary SVM), RBF kernel, C x gamma tuned, "
        "solver time limit",
        ("skordinal",),
        grid=_peer_grid("redsvm"),
        time_limited=True,
    ),
    "ogboost": MethodSpec(
        _ordinal_boosting,
        "ogboost GradientBoostingOrdinal (probit link), early stopping (patience 10, at most "
        f"{_OGBOOST_MAX_ITER} trees), "
        "learning rate x depth tuned",
        ("ogboost",),
        grid=_peer_grid("ogboost"),
    ),
    "corn": MethodSpec(
        _corn_method,
        "MLP (K-1 outputs) + coral_pytorch corn_loss, rank decoding, lr tuned",
        ("coral_pytorch",),
        grid=_peer_grid("corn"),
    ),
    "dlordinal_tri": MethodSpec(
        _dlordinal_triangular,
        "MLP + dlordinal TriangularLoss(eta=1.0), alpha2 tuned, argmax",
        ("dlordinal",),
        grid=_peer_grid("dlordinal_tri"),
    ),
}

#: Opt-in peers: ``pom`` (skordinal's proportional odds model, unregularised) is the
#: reference of the ORCA protocol check (``benchmarks/accuracy/orca_reference.py``).
#: The demonstration run's methods (embedded sets, no ``--methods``): one per family —
#: the estimator's defaults, CE and CE+KL with a tuned rule, a cumulative-link head, the
#: all-threshold linear model, TabM, MLP regression, CORN, boosting regression, ordinal
#: boosting, a kernel ordinal SVM, mord and logistic regression.
DEMO_METHODS: tuple[str, ...] = (
    "defaults",
    "ce_rule",
    "ce_kl_rule",
    "clm_rule",
    "linear_at_rule",
    "tabm_kl_rule",
    "mlp_reg",
    "corn",
    "hgb_reg",
    "ogboost",
    "svorim",
    "mord_at",
    "logreg",
)
PEER_METHODS: dict[str, MethodSpec] = {
    "pom": MethodSpec(
        _proportional_odds,
        "skordinal POM (proportional odds, logit link, unregularised)",
        ("skordinal",),
    ),
}

#: Opt-in methods: the decision tuned on out-of-fold probabilities
#: (:class:`~sk_ordinal_kl.decision.TunedOrdinalDecisionCV`) instead of a rule.
DECISION_METHODS: dict[str, MethodSpec] = {
    "ce_tuned_decision": MethodSpec(
        partial(mlp_method, alpha=0.0),
        "MLP + CE (alpha=0), TunedOrdinalDecisionCV (rules and cut points)",
        finalize=_tuned_decision,
        ours=True,
    ),
    "ce_kl_tuned_decision": MethodSpec(
        mlp_method,
        "MLP + CE+KL, alpha x sigma tuned (argmax), then TunedOrdinalDecisionCV",
        grid=_kl_grid,
        score_rules=True,
        search="ce_kl",
        finalize=_tuned_decision,
        batched=True,
        ours=True,
    ),
}


def _loss_module(criterion: type) -> dict[str, Any]:
    """The module a criterion needs, if not the default MLP (e.g. Min-Max's cosine head)."""
    module = getattr(criterion, "default_module", None)
    return {} if module is None else {"module": module}


# The loss family of sk_ordinal_kl.losses as opt-in methods (same MLP, each loss at its
# default parameters, untuned): ``--methods ce ce_kl loss_dldl_v2 loss_focal ...``.
LOSS_METHODS: dict[str, MethodSpec] = {
    f"loss_{name}": MethodSpec(
        partial(
            mlp_method,
            criterion=criterion,
            **_loss_module(criterion),
        ),
        f"MLP + {criterion.__name__} (defaults, alpha=1, sigma=1), argmax",
        ours=True,
    )
    for name, criterion in LOSSES.items()
}
ALL_METHODS: dict[str, MethodSpec] = {
    **METHODS,
    **PEER_METHODS,
    **DECISION_METHODS,
    **LOSS_METHODS,
}

_INSTALL_HINTS = {
    "mord": "pip install mord",
    "coral_pytorch": "pip install coral-pytorch",
    "dlordinal": "pip install --no-deps dlordinal deprecated",
    "skordinal": "pip install skordinal",
    "ogboost": "pip install ogboost",
}


def _missing_requirement(spec: MethodSpec) -> str | None:
    """Why ``spec`` cannot run here (first module that fails to import), or None."""
    for module in spec.requires:
        try:
            with warnings.catch_warnings():
                # A peer's import-time deprecation notice (ogboost builds a tree with a
                # criterion name scikit-learn deprecates) says nothing about this run.
                warnings.simplefilter("ignore", FutureWarning)
                importlib.import_module(module)
        except ImportError as exc:
            hint = _INSTALL_HINTS.get(module, f"pip install {module}")
            return f"{module} not importable ({exc.__class__.__name__}); install: {hint}"
    return None


def available_methods(
    methods: dict[str, MethodSpec],
) -> tuple[dict[str, MethodSpec], dict[str, str]]:
    """Split ``methods`` into those that can run and those skipped (with the reason).

    Parameters
    ----------
    methods : dict
        name -> MethodSpec.

    Returns
    -------
    runnable : dict
        name -> MethodSpec of the methods whose requirements import.
    skipped : dict
        name -> reason.
    """
    runnable, skipped = {}, {}
    for name, spec in methods.items():
        reason = _missing_requirement(spec)
        if reason is None:
            runnable[name] = spec
        else:
            skipped[name] = reason
    return runnable, skipped
