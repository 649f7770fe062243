"""Probability consumers on string and reversed-integer labels vs sorted integer labels.

Trains the same seeded model on one 3-class problem labelled three ways (0 < 1 < 2;
"low" < "medium" < "high"; 3 < 2 < 1) and prints what scikit-learn's probability tools
and the ordinal scorers compute for each. Every row must read the same across the three
columns; a column that differs is a consumer fed the wrong column order.

Run: ``python benchmarks/accuracy/label_order.py``
"""

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import get_scorer
from sklearn.model_selection import train_test_split

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl import metrics as ordinal_metrics
from sk_ordinal_kl._markdown import markdown_table

ORDERS = {"0<1<2": [0, 1, 2], "low<medium<high": ["low", "medium", "high"], "3<2<1": [3, 2, 1]}
SCORERS = [
    "roc_auc_ovr",
    "roc_auc_ovo",
    "neg_log_loss",
    "neg_brier_score",
    "accuracy",
    "balanced_accuracy",
    "neg_mse_class_index_scorer",
    "qwk_scorer",
    "neg_rps_scorer",
]


def _data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(450, 4))
    score = X @ np.array([1.2, -0.8, 0.5, 0.0]) + 0.6 * rng.normal(size=450)
    y = np.digitize(score, np.quantile(score, [0.33, 0.66]))
    return train_test_split(X, y, test_size=0.4, random_state=0, stratify=y)


def _scorer(name):
    return getattr(ordinal_metrics, name, None) or get_scorer(name)


def main() -> None:
    X_train, X_test, y_train, y_test = _data()
    rows = {name: [] for name in [*SCORERS, "calibrated(temperature) accuracy"]}
    for order in ORDERS.values():
        labels = np.asarray(order, dtype=object if isinstance(order[0], str) else None)
        params = {"classes": order, "max_epochs": 20, "random_state": 0}
        model = OrdinalKLClassifier(**params).fit(X_train, labels[y_train])
        for name in SCORERS:
            try:
                rows[name].append(f"{_scorer(name)(model, X_test, labels[y_test]):.4f}")
            except Exception as error:  # report, do not hide, a consumer that fails
                rows[name].append(f"error: {type(error).__name__}")
        try:
            calibrated = CalibratedClassifierCV(
                OrdinalKLClassifier(**params), method="temperature", cv=3
            ).fit(X_train, labels[y_train])
            value = f"{calibrated.score(X_test, labels[y_test]):.4f}"
        except Exception as error:
            value = f"error: {str(error)[:40]}"
        rows["calibrated(temperature) accuracy"].append(value)
    print(
        markdown_table(["consumer", *ORDERS], [[name, *values] for name, values in rows.items()])
    )


if __name__ == "__main__":
    main()
