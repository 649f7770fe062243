"""
Cross-validation with the class-index MSE scorer
================================================

scikit-learn passes *labels* to scorers, but an ordinal error is a distance between
class *indices*. :data:`~sk_ordinal_kl.metrics.neg_mse_class_index_scorer` reads the
ordinal order from the fitted estimator's ``ordinal_classes_`` (through a Pipeline too), maps
labels to indices and returns minus the mean squared error, so that greater is better,
as :func:`~sklearn.model_selection.cross_val_score` expects. Here it compares three
models on the same folds. The labels are strings, so the ordinal order is given with
``classes``.
"""

# %%
# Data with string labels
# -----------------------
# :func:`~sk_ordinal_kl.datasets.make_ordinal_classification` draws a latent score and
# cuts it into equal-frequency classes. We name the 6 classes; without ``classes=``, the
# estimator would sort the strings alphabetically and warn with a ``ClassOrderWarning``.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.datasets import make_ordinal_classification
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer

names = np.array(["none", "very low", "low", "medium", "high", "very high"])
X, y_index = make_ordinal_classification(
    n_samples=600, n_features=8, n_informative=4, n_classes=6, noise=0.5, random_state=0
)
y = names[y_index]
print(y[:6])

# %%
# Three models, five folds
# ------------------------
cv = StratifiedKFold(5, shuffle=True, random_state=0)
models = {
    "CE, argmax": dict(alpha=0.0, prediction="argmax"),
    "CE + KL, argmax": dict(alpha=1.0, sigma=1.0, prediction="argmax"),
    "CE + KL, mean": dict(alpha=1.0, sigma=1.0, prediction="mean"),
}
mse = {}
for name, params in models.items():
    clf = make_pipeline(
        StandardScaler(),
        OrdinalKLClassifier(classes=names, max_epochs=30, random_state=0, **params),
    )
    mse[name] = -cross_val_score(clf, X, y, scoring=neg_mse_class_index_scorer, cv=cv)
    print(f"{name:16s} MSE per fold {np.round(mse[name], 3)}  mean {mse[name].mean():.3f}")

# %%
# Per-fold MSE
# ------------
# Each grey line joins the scores of one fold (the folds are the same for all models);
# the black bar is the mean over folds.
fig, ax = plt.subplots(figsize=(7, 4))
positions = np.arange(len(mse))
values = np.array(list(mse.values()))  # (models, folds)
ax.plot(positions, values, color="0.7", marker="o", lw=1, zorder=1)
for i in range(len(mse)):
    ax.hlines(values[i].mean(), i - 0.2, i + 0.2, color="black", lw=3, zorder=2)
    ax.text(i + 0.23, values[i].mean(), f"{values[i].mean():.3f}", va="center")
ax.set_xticks(positions, list(mse))
ax.set_xlim(-0.5, len(mse) - 0.3)
ax.set_ylabel("MSE on the class index (lower is better)")
ax.set_title("5-fold cross_val_score with neg_mse_class_index_scorer")
fig.tight_layout()

# sphinx_gallery_start_ignore
import sys  # noqa: E402

if "sphinx_gallery" not in sys.modules:  # plain script: tests/test_examples.py reads PNGs
    from _figure_files import save_figures

    save_figures()
# sphinx_gallery_end_ignore
