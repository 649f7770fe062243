"""
Conformal intervals: coverage and width per loss
================================================

:class:`~sk_ordinal_kl.conformal.OrdinalConformalClassifier` turns a fitted classifier
into one that predicts an *interval* of ordered classes per sample, ``[low, high]``,
that contains the true class with probability at least ``confidence_level``. The
guarantee holds for any model; what the model changes is the **width** of the
intervals. Here plain cross-entropy (CE, ``alpha=0``), CE + KL and a
HistGradientBoostingClassifier are compared: each is fitted on part of the data, then
calibrated and evaluated on the rest, split at random into calibration and test rows
(10 times, to average out the luck of one split).
"""

# %%
# Data and models
# ---------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.benchmark import data_dir_from_env, load_holdout_or_embedded
from sk_ordinal_kl.conformal import (
    OrdinalConformalClassifier,
    coverage_score,
    mean_interval_width,
)

# ERA (9 classes) from the orreview folder named by $SK_ORDINAL_KL_DATA_DIR, if set;
# else the embedded diabetes set, K = 7.
split, classes = load_holdout_or_embedded(data_dir_from_env(), "ERA")
X_fit, X_cal, y_fit, y_cal = train_test_split(
    split.X_train, split.y_train, test_size=0.4, stratify=split.y_train, random_state=0
)
# Calibration and test rows must be exchangeable: pool them and re-split at random.
X_rest = np.concatenate([X_cal, split.X_test])
y_rest = np.concatenate([y_cal, split.y_test])
n_cal = len(y_cal)
rng = np.random.default_rng(0)
resplits = [rng.permutation(len(y_rest)) for _ in range(10)]
print(
    f"{split.name}: {len(y_fit)} fit / {n_cal} calibration / {len(y_rest) - n_cal} test "
    f"rows, K = {len(classes)}"
)


def net(alpha):
    return make_pipeline(
        StandardScaler(),
        OrdinalKLClassifier(alpha=alpha, classes=classes, max_epochs=40, random_state=0),
    )


models = {
    "CE": net(0.0),
    "CE + KL": net(2.0),
    "HGB": HistGradientBoostingClassifier(max_iter=60, max_depth=3, random_state=0),
}
for model in models.values():
    model.fit(X_fit, y_fit)

# %%
# Coverage and width against the confidence level
# -----------------------------------------------
# ``prefit=True``: the models are already fitted, so only :meth:`conformalize` runs for
# each level and split. The dashed line is the target: every curve should lie on or
# above it, up to the noise of the averages. Width is ``high - low`` in class-index
# units, 0 for a single class.
levels = np.array([0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
curves = {name: {"coverage": [], "width": []} for name in models}
for name, model in models.items():
    for level in levels:
        coverage, width = [], []
        for order in resplits:
            cal, test = order[:n_cal], order[n_cal:]
            conformal = OrdinalConformalClassifier(
                model, confidence_level=level, prefit=True, classes=classes
            ).conformalize(X_rest[cal], y_rest[cal])
            intervals = conformal.predict_interval(X_rest[test])
            coverage.append(coverage_score(y_rest[test], intervals, classes=classes))
            width.append(mean_interval_width(intervals, classes=classes))
        curves[name]["coverage"].append(np.mean(coverage))
        curves[name]["width"].append(np.mean(width))
    print(name, "coverage:", np.round(curves[name]["coverage"], 3))
    print(name, "width:   ", np.round(curves[name]["width"], 2))

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for name, curve in curves.items():
    axes[0].plot(levels, curve["coverage"], marker="o", label=name)
    axes[1].plot(levels, curve["width"], marker="o", label=name)
axes[0].plot(levels, levels, "k--", lw=1, label="target")
axes[0].set_xlabel("confidence_level")
axes[0].set_ylabel("test coverage")
axes[0].set_title("Coverage (on or above the dashed line)")
axes[1].set_xlabel("confidence_level")
axes[1].set_ylabel("mean width (class indices)")
axes[1].set_title("Mean interval width (lower is better)")
for ax in axes:
    ax.legend()
fig.suptitle(f"{split.name}: split conformal intervals (ordinal APS)")
fig.tight_layout()

# %%
# Width per true class at 90 %
# ----------------------------
# The guarantee is marginal: some classes get wider intervals than others. The middle
# classes, with neighbours on both sides, are usually the hardest; a model trained
# with the KL term spreads its probability over neighbouring classes, which shows in
# how the width is shared between the classes.
fig, ax = plt.subplots(figsize=(8, 3.8))
offsets = np.linspace(-0.25, 0.25, len(models))
cal, test = resplits[0][:n_cal], resplits[0][n_cal:]
y_test = y_rest[test]
for offset, (name, model) in zip(offsets, models.items(), strict=True):
    conformal = OrdinalConformalClassifier(
        model, confidence_level=0.9, prefit=True, classes=classes
    ).conformalize(X_rest[cal], y_rest[cal])
    intervals = conformal.predict_interval(X_rest[test])
    widths = intervals[:, 1].astype(np.int64) - intervals[:, 0].astype(np.int64)
    per_class = [
        widths[y_test == label].mean() if np.any(y_test == label) else np.nan for label in classes
    ]
    ax.bar(np.arange(len(classes)) + offset, per_class, width=0.25, label=name)
ax.set_xticks(np.arange(len(classes)), [str(label) for label in classes])
ax.set_xlabel("true class")
ax.set_ylabel("mean width (class indices)")
ax.set_title(f"{split.name}: interval width per true class (one split), level 0.9")
ax.legend()
fig.tight_layout()

# %%
# Use :func:`~sk_ordinal_kl.conformal.coverage_by_set_size` to check that coverage does
# not collapse for the narrowest intervals, and ``method="rps"`` for intervals centred
# on the predicted median instead of grown around the mode. The decision rule of the
# point prediction is tuned separately, e.g. with
# :class:`~sk_ordinal_kl.decision.TunedOrdinalDecisionCV`
# (:ref:`sphx_glr_auto_examples_plot_decision_rules.py`).

# sphinx_gallery_start_ignore
import sys  # noqa: E402

if "sphinx_gallery" not in sys.modules:  # plain script: tests/test_examples.py reads PNGs
    from _figure_files import save_figures

    save_figures()
# sphinx_gallery_end_ignore
