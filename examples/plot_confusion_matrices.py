"""
Confusion matrices: CE, CE + KL, and the mean decision rule
===========================================================

A confusion matrix over ordered classes shows *how far* the errors are: mass near the
diagonal is a near miss, mass in the corners a gross error. Three models side by side:
plain cross-entropy with ``argmax``, CE + KL with ``argmax``, and CE + KL with the
``mean`` decision rule, which targets the squared error on the class index.
"""

# %%
# Data
# ----

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.benchmark import data_dir_from_env, load_holdout_or_embedded
from sk_ordinal_kl.metrics import mae_class_index, mse_class_index

# ERA (9 classes) from the orreview folder named by $SK_ORDINAL_KL_DATA_DIR, if set;
# else the embedded diabetes set, K = 7.
split, classes = load_holdout_or_embedded(data_dir_from_env(), "ERA")
X_train, y_train, X_test, y_test = split.X_train, split.y_train, split.X_test, split.y_test
print(f"{split.name}: {len(y_train)} training / {len(y_test)} test rows, K = {len(classes)}")

# %%
# Fit once per loss, predict with two rules
# -----------------------------------------
# ``prediction`` is read at predict time, so ``set_params(prediction=...)`` on a fitted
# model changes the rule without refitting.


base = make_pipeline(
    StandardScaler(), OrdinalKLClassifier(classes=classes, max_epochs=40, random_state=0)
)
ce = clone(base).set_params(ordinalklclassifier__alpha=0.0).fit(X_train, y_train)
kl = clone(base).set_params(ordinalklclassifier__alpha=2.0).fit(X_train, y_train)
predictions = {
    "CE, argmax": ce.predict(X_test),
    "CE + KL, argmax": kl.predict(X_test),
    "CE + KL, mean": kl.set_params(ordinalklclassifier__prediction="mean").predict(X_test),
}

# %%
# Side by side
# ------------
# Rows are normalised: each row shows where the test samples of one true class went.
# The title gives the accuracy and the mean squared / absolute error on the class index.
fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
for ax, (name, y_pred) in zip(axes, predictions.items(), strict=True):
    ConfusionMatrixDisplay.from_predictions(
        y_test,
        y_pred,
        labels=classes,
        normalize="true",
        values_format=".1f",
        cmap="Blues",
        colorbar=False,
        ax=ax,
        text_kw={"fontsize": 7},
    )
    ax.set_title(
        f"{name}\nacc {np.mean(y_pred == y_test):.3f}   "
        f"MSE {mse_class_index(y_test, y_pred, classes=classes):.2f}   "
        f"MAE {mae_class_index(y_test, y_pred, classes=classes):.2f}",
        fontsize=10,
    )
fig.suptitle(f"{split.name}: row-normalised confusion matrices (test set)")
fig.tight_layout()

# %%
# Read the three panels by how much mass lies far from the diagonal, and by the MSE in
# their titles. The ``mean`` rule predicts the expectation of ``predict_proba``: it
# rarely commits to an extreme class, trading a little accuracy on the end classes for
# fewer distant errors, which is what the squared error on the class index rewards.

# sphinx_gallery_start_ignore
import sys  # noqa: E402

if "sphinx_gallery" not in sys.modules:  # plain script: tests/test_examples.py reads PNGs
    from _figure_files import save_figures

    save_figures()
# sphinx_gallery_end_ignore
