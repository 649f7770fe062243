"""
Tuning α and σ with GridSearchCV
================================

``alpha`` and ``sigma`` are ordinary constructor parameters, so
:class:`~sklearn.model_selection.GridSearchCV` tunes them. Scored with
:data:`~sk_ordinal_kl.metrics.neg_mse_class_index_scorer` (minus the mean squared error
on the class index), the search picks the soft-target shape that minimises ordinal
errors. The heatmap shows the cross-validated MSE of every (α, σ) pair; the row α = 0
is plain cross-entropy, where σ has no effect (fitted once, drawn across the row).
"""

# %%
# Data
# ----
# ERA (1000 ratings in 9 ordered classes) when the orreview folder is next to the
# repository, otherwise the embedded diabetes data in 7 classes.

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.benchmark import data_dir_from_env, load_holdout_or_embedded
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer

# ERA (9 classes) from the orreview folder named by $SK_ORDINAL_KL_DATA_DIR, if set;
# else the embedded diabetes set, K = 7.
split, classes = load_holdout_or_embedded(data_dir_from_env(), "ERA")
X_train, y_train, X_test, y_test = split.X_train, split.y_train, split.X_test, split.y_test
print(f"{split.name}: {len(y_train)} training / {len(y_test)} test rows, K = {len(classes)}")

# %%
# The search
# ----------
# α = 0 is plain cross-entropy, which does not depend on σ: a list of two grids fits it
# once, then 3 values of α × 3 values of σ — 10 candidates × 3 folds = 30 short fits.
# ``classes`` fixes the ordinal label set, so every fold knows all classes even if one
# is rare.


pipe = make_pipeline(
    StandardScaler(),
    OrdinalKLClassifier(classes=classes, max_epochs=20, batch_size=64, random_state=0),
)
sigmas = [0.5, 1.0, 2.0]
param_grid = [
    {"ordinalklclassifier__alpha": [0.0]},  # CE: sigma is not used
    {"ordinalklclassifier__alpha": [0.5, 1.0, 2.0], "ordinalklclassifier__sigma": sigmas},
]
search = GridSearchCV(
    pipe,
    param_grid,
    scoring=neg_mse_class_index_scorer,
    cv=StratifiedKFold(3, shuffle=True, random_state=0),
)
search.fit(X_train, y_train)
print("best parameters:", search.best_params_)
print(f"best CV MSE (class index): {-search.best_score_:.3f}")
print(f"test MSE of the refitted best model: {-search.score(X_test, y_test):.3f}")

# %%
# Heatmap of the cross-validated score
# ------------------------------------
# The α = 0 candidate has no σ; it fills its whole row.
results = pd.DataFrame(search.cv_results_)
results["alpha"] = results["param_ordinalklclassifier__alpha"].astype(float)
results["sigma"] = results["param_ordinalklclassifier__sigma"]
ce = results["alpha"] == 0
results = pd.concat(
    [results[~ce]] + [results[ce].assign(sigma=s) for s in sigmas], ignore_index=True
)
results["sigma"] = results["sigma"].astype(float)
table = results.pivot_table(index="alpha", columns="sigma", values="mean_test_score")
mse = -table.to_numpy()

fig, ax = plt.subplots(figsize=(5.5, 4.5))
image = ax.imshow(mse, cmap="viridis_r", origin="lower")
ax.set_xticks(range(mse.shape[1]), [f"{s:g}" for s in table.columns])
ax.set_yticks(range(mse.shape[0]), [f"{a:g}" for a in table.index])
ax.set_xlabel("σ (sigma)")
ax.set_ylabel("α (alpha)")
best = np.unravel_index(np.argmin(mse), mse.shape)
middle = (mse.min() + mse.max()) / 2
for (i, j), value in np.ndenumerate(mse):
    ax.text(
        j,
        i,
        f"{value:.3f}",
        ha="center",
        va="center",
        color="black" if value < middle else "white",
        fontweight="bold" if (i, j) == best else "normal",
    )
ax.add_patch(plt.Rectangle((best[1] - 0.5, best[0] - 0.5), 1, 1, fill=False, ec="red", lw=2))
ax.set_title(f"{split.name}: 3-fold CV MSE on the class index\n(lower is better, best boxed)")
fig.colorbar(image, ax=ax, label="CV MSE (class index)")
fig.tight_layout()

# %%
# The decision rule can join the same grid: add
# ``"ordinalklclassifier__prediction": ["argmax", "median", "mean"]`` to
# ``param_grid`` (see :ref:`sphx_glr_auto_examples_plot_decision_rules.py`).

# sphinx_gallery_start_ignore
import sys  # noqa: E402

if "sphinx_gallery" not in sys.modules:  # plain script: tests/test_examples.py reads PNGs
    from _figure_files import save_figures

    save_figures()
# sphinx_gallery_end_ignore
