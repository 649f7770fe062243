"""
Quickstart: an ordinal classifier in a Pipeline
===============================================

:class:`~sk_ordinal_kl.OrdinalKLClassifier` is a scikit-learn classifier: put it in a
:class:`~sklearn.pipeline.Pipeline`, fit it on a DataFrame, and read predictions in the
original labels. Here the target is an *ordered* pandas Categorical, so the class order
comes from its categories.
"""

# %%
# Data: diabetes progression in 5 ordered classes
# -----------------------------------------------
# :func:`~sk_ordinal_kl.datasets.load_diabetes_ordinal` ships with the package (no
# download). With ``as_frame=True``, ``y`` is an ordered Categorical with categories
# ``0 < 1 < 2 < 3 < 4``.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.datasets import load_diabetes_ordinal
from sk_ordinal_kl.metrics import mae_class_index, neg_mse_class_index_scorer

X, y = load_diabetes_ordinal(n_classes=5, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
print(y.dtype)

# %%
# Fit a scaler + classifier pipeline
# ----------------------------------
# ``alpha`` weights the KL term, ``sigma`` is the width of the Gaussian mound (in
# class-index units) and ``prediction`` picks the decision rule. ``random_state``
# makes the fit reproducible.
clf = make_pipeline(
    StandardScaler(),
    OrdinalKLClassifier(alpha=1.0, sigma=1.0, prediction="mean", max_epochs=60, random_state=0),
)
clf.fit(X_train, y_train)

print("ordinal_classes_ (ordinal order):", clf[-1].ordinal_classes_)
print("classes_ (sorted, predict_proba's columns):", clf.classes_)
print("predictions:", clf.predict(X_test.iloc[:8]))
print("truth:      ", np.asarray(y_test.iloc[:8]))
print(f"accuracy        {clf.score(X_test, y_test):.3f}")
order = clf[-1].ordinal_classes_
print(f"MAE class index {mae_class_index(y_test, clf.predict(X_test), classes=order):.3f}")
print(f"MSE class index {-neg_mse_class_index_scorer(clf, X_test, y_test):.3f}")

# %%
# The predicted distributions
# ---------------------------
# ``predict_proba`` has one column per class, in ordinal order. Left: every test
# patient, sorted by true class (white line) and then by predicted mean class. Right:
# the average predicted distribution of the patients of each true class. The mass
# follows the diagonal: the model's uncertainty lies on *neighbouring* classes.
proba = clf.predict_proba(X_test)
y_idx = np.asarray(y_test).astype(int)
expected = proba @ np.arange(proba.shape[1])
order = np.lexsort((expected, y_idx))
mean_proba = np.array([proba[y_idx == c].mean(axis=0) for c in range(proba.shape[1])])

fig, (ax_all, ax_mean) = plt.subplots(
    1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [2.2, 1]}
)
ax_all.imshow(
    proba[order].T,
    aspect="auto",
    origin="lower",
    cmap="viridis",
    interpolation="nearest",
    vmin=0,
    vmax=1,
)
ax_all.plot(np.arange(len(order)), y_idx[order], color="white", lw=2, label="true class")
ax_all.set_xlabel("test patients, sorted by true class, then by predicted mean")
ax_all.set_ylabel("class index k")
ax_all.set_title("predict_proba per test patient")
ax_all.legend(loc="upper left")
image = ax_mean.imshow(mean_proba.T, origin="lower", cmap="viridis", vmin=0, vmax=1)
for (i, j), value in np.ndenumerate(mean_proba):
    ax_mean.text(
        i,
        j,
        f"{value:.2f}",
        ha="center",
        va="center",
        color="white" if value < 0.5 else "black",
        fontsize=8,
    )
ax_mean.set_xlabel("true class")
ax_mean.set_ylabel("class index k")
ax_mean.set_title("mean predict_proba\nper true class")
fig.colorbar(image, ax=ax_mean, label="probability")
fig.tight_layout()

# sphinx_gallery_start_ignore
import sys  # noqa: E402

if "sphinx_gallery" not in sys.modules:  # plain script: tests/test_examples.py reads PNGs
    from _figure_files import save_figures

    save_figures()
# sphinx_gallery_end_ignore
