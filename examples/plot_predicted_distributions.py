"""
Predicted distributions: CE vs CE + KL
======================================

Plain cross-entropy (``alpha=0``) only rewards the probability of the true class; it is
indifferent to where the rest of the mass goes. The KL term to the Gaussian mound
rewards mass on *neighbouring* classes, so CE + KL predicts smoother, unimodal
distributions centred near the truth. This example fits both on the same data, draws
``predict_proba`` for a few test samples and counts how many predicted distributions
are unimodal.
"""

# %%
# Data
# ----

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.benchmark import data_dir_from_env, load_holdout_or_embedded
from sk_ordinal_kl.metrics import mse_class_index, ranked_probability_score

# ERA (9 classes) from the orreview folder named by $SK_ORDINAL_KL_DATA_DIR, if set;
# else the embedded diabetes set, K = 7.
split, classes = load_holdout_or_embedded(data_dir_from_env(), "ERA")
X_train, y_train, X_test, y_test = split.X_train, split.y_train, split.X_test, split.y_test
print(f"{split.name}: {len(y_train)} training / {len(y_test)} test rows, K = {len(classes)}")

# %%
# Two models that differ only in α
# --------------------------------


def fit(alpha, sigma=1.0):
    net = OrdinalKLClassifier(
        alpha=alpha, sigma=sigma, classes=classes, max_epochs=40, random_state=0
    )
    return make_pipeline(StandardScaler(), net).fit(X_train, y_train)


models = {"CE (α = 0)": fit(0.0), "CE + KL (α = 2, σ = 1)": fit(2.0)}
y_test_idx = np.searchsorted(classes, y_test)


def is_unimodal(proba):
    """True for each row that never rises again after it has fallen."""
    steps = np.sign(np.diff(proba, axis=1))
    fallen = np.cumsum(steps < 0, axis=1) > 0
    return ~np.any(fallen & (steps > 0), axis=1)


unimodal = {}
for name, model in models.items():
    proba = model.predict_proba(X_test)
    unimodal[name] = is_unimodal(proba).mean()
    print(
        f"{name:24s} MSE {mse_class_index(y_test, model.predict(X_test), classes=classes):.3f}"
        f"   RPS {ranked_probability_score(y_test_idx, proba):.4f}"
        f"   unimodal {unimodal[name]:.0%}"
    )

# %%
# ``predict_proba`` for six test samples
# --------------------------------------
# Each panel is one randomly drawn test sample; the dotted line marks its true class.
# Per sample the two models differ little in where the peak is; CE + KL moves a little
# mass from far classes to the neighbours of the peak, and CE's rows more often rise
# again after falling (count below).
rng = np.random.default_rng(0)
samples = rng.choice(len(y_test), size=6, replace=False)
k = np.arange(len(classes))
fig, axes = plt.subplots(2, 3, figsize=(11, 5.5), sharex=True, sharey=True)
for ax, i in zip(axes.ravel(), samples, strict=True):
    for offset, (name, model) in zip([-0.2, 0.2], models.items(), strict=True):
        ax.bar(k + offset, model.predict_proba(X_test[i : i + 1])[0], width=0.4, label=name)
    ax.axvline(y_test_idx[i], color="black", ls=":", lw=1.5, label="true class")
    ax.set_title(f"test sample {i} (true class {y_test[i]})", fontsize=10)
    ax.set_xticks(k, [str(c) for c in classes])
for ax in axes[-1]:
    ax.set_xlabel("class")
for ax in axes[:, 0]:
    ax.set_ylabel("predicted probability")
axes[0, 0].legend(fontsize=8)
fig.suptitle(f"{split.name}: predict_proba of CE vs CE + KL")
fig.tight_layout()

# %%
# How often is the predicted distribution unimodal?
# -------------------------------------------------
# A distribution over ordered classes that rises again after falling puts mass on two
# separated regions of the scale. The KL term to a unimodal mound makes that rarer.
fig, ax = plt.subplots(figsize=(6, 3))
bars = ax.barh(list(unimodal), [100 * v for v in unimodal.values()], color=["C0", "C1"])
ax.bar_label(bars, fmt="%.0f%%", padding=3)
ax.set_xlim(0, 110)
ax.invert_yaxis()
ax.set_xlabel("unimodal predicted distributions on the test set (%)")
ax.set_title(f"{split.name}: share of unimodal predict_proba rows")
fig.tight_layout()

# sphinx_gallery_start_ignore
import sys  # noqa: E402

if "sphinx_gallery" not in sys.modules:  # plain script: tests/test_examples.py reads PNGs
    from _figure_files import save_figures

    save_figures()
# sphinx_gallery_end_ignore
