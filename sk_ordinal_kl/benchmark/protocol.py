"""The benchmark's protocol: training settings shared by every method, and the search grids.

Every neural method trains the same :class:`~sk_ordinal_kl.modules.TabularMLP` with the
same epochs, batch size and learning rate; every tuned method is tuned by the same inner
stratified K-fold search on the training part of a holdout, scored by MSE on the class
index. The grids of the peers are no larger than CE+KL's (α × σ, 9 points), so no method
wins by being tuned harder.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["DEMO_PROTOCOL", "PEER_GRIDS", "QUICK_PROTOCOL", "Protocol"]


def _peer_grids() -> dict[str, dict[str, tuple]]:
    """Search grids of the tuned peers (estimator parameter -> values).

    Boosting regression gets learning rate x leaf count; the boosting *classifier* builds
    K trees per iteration, K times the cost, so it tunes the leaf count at the default
    learning rate (its grid is the one that costs the most compute per point).
    """
    leaves = (7, 31)
    # C and gamma by decades, the values ORCA's 7 x 7 grid (10^-3..10^3 each) chose on
    # the small reference sets; gamma=1000 is a near-identity kernel (nearest-neighbour-
    # like), which wins on tae. C comes first: the search visits it in ascending order.
    svm = {
        "estimator__C": (1.0, 10.0, 100.0, 1000.0),
        "estimator__gamma": (0.01, 0.1, 1.0, 1000.0),
    }
    return {
        "hgb": {"max_leaf_nodes": leaves},
        "hgb_reg": {"regressor__learning_rate": (0.05, 0.1), "regressor__max_leaf_nodes": leaves},
        "logreg": {"C": (0.01, 0.1, 1.0, 10.0)},
        "mord_at": {"estimator__alpha": (0.1, 1.0, 10.0)},
        # Kernel ordinal SVMs: C x gamma of the RBF kernel (features are standardised).
        "svorim": svm,
        "svorex": svm,
        "redsvm": svm,
        "ogboost": {
            "estimator__learning_rate": (0.05, 0.1, 0.2),
            "estimator__base_learner__max_depth": (2, 3, 5),
        },
        "corn": {"lr": (1e-3, 3e-3)},
        "dlordinal_tri": {"criterion__alpha2": (0.02, 0.1)},
        "ce_kl_schedule": {"alpha": (0.5, 1.0, 2.0), "sigma": (2.0,)},
        # The linear all-threshold model's penalty, as mord_at's alpha (3 points).
        "linear_at": {"optimizer__weight_decay": (0.01, 0.1, 1.0)},
        # TabM fits cost ~20x an MLP fit: alpha only, at the sigma of the probe (1).
        "tabm_kl": {"alpha": (0.5, 1.0), "sigma": (1.0,)},
    }


#: Default grids of the tuned peers; the protocol table of ``docs/benchmark.md`` lists them.
PEER_GRIDS: dict[str, dict[str, tuple]] = _peer_grids()


@dataclass(frozen=True)
class Protocol:
    """Training and tuning protocol shared by all methods.

    Parameters
    ----------
    max_epochs : int or "auto"
        Epochs of every neural fit (inner CV and refit alike); ``"auto"`` is the
        estimator's default budget (2,000 steps within 100 to 500 epochs; see
        :func:`~sk_ordinal_kl.classifier._auto.auto_epochs`).
    batch_size : int
        Mini-batch size of every neural fit.
    hidden_units : tuple of int
        Hidden layers of the shared :class:`~sk_ordinal_kl.modules.TabularMLP`.
    lr : float
        AdamW learning rate.
    alphas, sigmas : tuple of float
        Inner-search grid of the CE+KL methods.
    clm_alphas : tuple of float
        Inner-search grid of the cumulative-head methods (``sigma=1``): plain CE
        (``alpha=0``) is a candidate, as it fitted the noise-free sets best.
    rules : tuple of str
        Decision rules scored from the same inner fits by the ``*_rule`` methods.
    schedule_factor : float
        ``ce_kl_schedule``'s σ multiplier per epoch.
    tabm_max_epochs : int
        Cap on the epochs of the TabM methods, which stop early (the estimator's
        default budget for ``module="tabm"``).
    solver_time_limit : float
        Seconds one fit of a time-limited peer (the kernel SVMs) may take; a grid point
        whose fit takes longer on a fold cannot be chosen, and a refit that takes longer
        fails the unit (see :class:`~sk_ordinal_kl.benchmark.peers.FitTimeLimit`).
    search_time_budget : float
        Seconds the inner search of a time-limited peer may spend on one holdout; it
        visits the grid in order (the SVMs' ``C`` ascending) and leaves the grid points
        it has not reached when the budget is spent unfitted, so they cannot be chosen.
    inner_cv : int
        Folds of the inner stratified K-fold.
    max_train : int or None
        Cap on the training rows of a holdout (stratified, seeded subsample); None: all.
    conformal_methods : tuple of str
        Methods whose split-conformal prediction sets are measured on every holdout:
        the tuned method refitted on 75% of the training part, conformalized on the
        other 25% (ordinal APS), coverage and width measured on the test part.
    conformal_level : float
        Confidence level of those sets.
    peer_grids : dict
        Method name -> grid of its estimator's parameters (see :data:`PEER_GRIDS`).
    seed : int
        Base seed; holdout ``k`` uses ``seed + k`` for weights, shuffling and folds.

    Examples
    --------
    >>> Protocol(max_epochs=5, alphas=(1.0,), sigmas=(1.0,)).inner_cv
    3
    """

    max_epochs: int | str = "auto"
    batch_size: int = 64
    hidden_units: tuple[int, ...] = (64, 64)
    lr: float = 1e-3
    alphas: tuple[float, ...] = (0.5, 1.0, 2.0)
    sigmas: tuple[float, ...] = (0.5, 1.0, 2.0)
    clm_alphas: tuple[float, ...] = (0.0, 0.5, 1.0)
    rules: tuple[str, ...] = ("argmax", "median", "mean")
    schedule_factor: float = 0.95
    tabm_max_epochs: int = 100
    # About what the tuned neural methods spend per holdout on the larger sets: the
    # SVMs get the same order of compute, not an open-ended search.
    solver_time_limit: float = 30.0
    search_time_budget: float = 60.0
    inner_cv: int = 3
    max_train: int | None = None
    conformal_methods: tuple[str, ...] = ("ce", "ce_kl", "hgb")
    conformal_level: float = 0.9
    peer_grids: dict[str, dict[str, tuple]] = field(default_factory=_peer_grids)
    seed: int = 0

    def training(self) -> dict[str, Any]:
        """Fields that determine a single fit (part of every cache key)."""
        keys = (
            "max_epochs",
            "batch_size",
            "hidden_units",
            "lr",
            "seed",
            "max_train",
            "schedule_factor",
            "tabm_max_epochs",
            "solver_time_limit",
            "search_time_budget",
        )
        return {k: v for k, v in asdict(self).items() if k in keys}

    def __hash__(self) -> int:  # the dict field would make the dataclass unhashable
        return hash(repr(self))


#: Protocol of ``--quick``: few epochs, small grids (holdouts are capped at 2 by the CLI).
QUICK_PROTOCOL = Protocol(
    max_epochs=10,
    tabm_max_epochs=10,
    alphas=(0.5, 2.0),
    sigmas=(1.0,),
    clm_alphas=(0.0, 1.0),
    inner_cv=2,
    # the first value of every parameter: one grid point per peer
    peer_grids={
        name: {key: values[:1] for key, values in grid.items()}
        for name, grid in PEER_GRIDS.items()
    },
)


#: Protocol of the demonstration run on the embedded sets (``python -m
#: sk_ordinal_kl.benchmark`` without data): the standard grids at 40 epochs per neural fit
#: instead of ``"auto"`` (2,000 steps) and a 2-fold inner search, so that every method
#: family runs on both sets in under three minutes on two cores. The evidence in the
#: docs comes from the standard protocol on the reference data.
DEMO_PROTOCOL = Protocol(max_epochs=40, inner_cv=2)
