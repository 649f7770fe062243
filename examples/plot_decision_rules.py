"""
Decision rules: argmax, median, mean
====================================

``predict_proba`` gives a distribution ``q`` over ordered classes; the ``prediction``
parameter picks the point prediction read from it:

* ``"argmax"`` — the mode, best for **accuracy**;
* ``"median"`` — the smallest ``k`` with ``q_0 + … + q_k ≥ 1/2``, minimises the expected
  **absolute error** on the class index;
* ``"mean"`` — ``Σ_k k q_k`` rounded, minimises (nearly) the expected **squared error**.

The rule can matter as much as the loss, and it costs nothing: it is applied at
predict time, so one fitted model serves all three.
"""

# %%
# One distribution, three answers
# -------------------------------
# :func:`~sk_ordinal_kl.decision.predict_index` applies a rule to probability rows.
# For a bimodal ``q`` the three rules disagree.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.datasets import load_diabetes_ordinal
from sk_ordinal_kl.decision import PREDICTION_RULES, predict_index
from sk_ordinal_kl.metrics import mae_class_index, mse_class_index

q = np.array([[0.35, 0.05, 0.0, 0.05, 0.25, 0.3, 0.0]])
chosen = {rule: int(predict_index(q, rule)[0]) for rule in PREDICTION_RULES}
print(chosen)

fig, ax = plt.subplots(figsize=(7, 3.2))
ax.bar(np.arange(q.shape[1]), q[0], color="0.75")
for (rule, index), color in zip(chosen.items(), ["C0", "C1", "C2"], strict=True):
    ax.axvline(index, color=color, lw=2, label=f"{rule} → class {index}")
ax.set_ylim(0, 0.62)
ax.set_xlabel("class index k")
ax.set_ylabel("q_k")
ax.set_title("A bimodal predicted distribution and the class each rule picks")
ax.legend(loc="upper center")
fig.tight_layout()

# %%
# On real data: every loss × rule
# -------------------------------
# Two fits (CE and CE + KL) on the diabetes data in 7 ordered classes, each scored
# with the three rules on a held-out test set.
X, y = load_diabetes_ordinal(n_classes=7)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
scores = {}
for alpha in [0.0, 2.0]:
    model = make_pipeline(
        StandardScaler(), OrdinalKLClassifier(alpha=alpha, max_epochs=60, random_state=0)
    ).fit(X_train, y_train)
    loss = "CE" if alpha == 0 else "CE + KL"
    for rule in PREDICTION_RULES:
        y_pred = model.set_params(ordinalklclassifier__prediction=rule).predict(X_test)
        scores[f"{loss}\n{rule}"] = {
            "accuracy": float(np.mean(y_pred == y_test)),
            "MAE (index)": mae_class_index(y_test, y_pred),
            "MSE (index)": mse_class_index(y_test, y_pred),
        }
for name, row in scores.items():
    print(name.replace("\n", ", ").ljust(18), {k: round(v, 3) for k, v in row.items()})

# %%
# Each panel is one metric; the best bar is outlined. ``argmax`` is the rule for
# accuracy; the ordinal rules ``median`` and ``mean`` cut the errors on the class
# index. (Their optimality holds for the model's own ``q``; with an imperfect ``q`` the
# ``mean`` rule often wins on the absolute error too.) Tune the rule with α and σ in one
# grid: :ref:`sphx_glr_auto_examples_plot_grid_search.py`.
metrics = ["accuracy", "MAE (index)", "MSE (index)"]
colors = ["C0", "C1", "C2"] * 2
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for ax, metric in zip(axes, metrics, strict=True):
    values = [row[metric] for row in scores.values()]
    bars = ax.bar(range(len(values)), values, color=colors, alpha=0.85)
    best = int(np.argmax(values) if metric == "accuracy" else np.argmin(values))
    bars[best].set_edgecolor("black")
    bars[best].set_linewidth(2.5)
    ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(range(len(values)), list(scores), fontsize=8)
    better = "higher" if metric == "accuracy" else "lower"
    ax.set_title(f"{metric} ({better} is better)")
    ax.margins(y=0.15)
fig.suptitle("diabetes, 7 classes: test scores per loss and decision rule")
fig.tight_layout()

# sphinx_gallery_start_ignore
import sys  # noqa: E402

if "sphinx_gallery" not in sys.modules:  # plain script: tests/test_examples.py reads PNGs
    from _figure_files import save_figures

    save_figures()
# sphinx_gallery_end_ignore
