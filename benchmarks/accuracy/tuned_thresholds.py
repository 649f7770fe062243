"""Do the tuned decision's cut points pay off on unseen data?

For every holdout, one :class:`~sk_ordinal_kl.decision.TunedOrdinalDecisionCV` (5 folds,
MSE on the class index) wraps a fast model (standardised logistic regression, or a small
:class:`~sk_ordinal_kl.OrdinalKLClassifier` with ``--model kl``). Its test predictions are
then scored under four selections, per dataset (mean test MSE on the class index):

* **tuned** — the decision it picks: cut points (``"thresholds"``) only when their
  cross-fitted, out-of-sample score beats the fixed rules;
* **in-sample** — the selection before cross-fitting: the cut points scored on the
  out-of-fold predictions they were fitted on (``cv_results_["train_score"]``), which
  never lose to ``"mean"`` there and so are nearly always picked;
* **rules only** — the same wrapper restricted to ``argmax``, ``median``, ``mean``;
* **hindsight** — the one fixed rule with the best mean test MSE on the dataset.

All four come from the same fitted wrapper (the same folds and refit), so they differ in
the selection only. ``tuned/hindsight`` is the ratio of the tuned MSE to hindsight's;
``picked`` counts the holdouts whose selection was ``"thresholds"``. The last row is the
geometric mean of the ratios over the datasets.

    python benchmarks/accuracy/tuned_thresholds.py --data-dir DIR \\
        [--datasets ERA ESL ...] [--holdouts 30] [--model logreg|kl]

``--data-dir`` defaults to ``$SK_ORDINAL_KL_DATA_DIR``; without either the embedded sets
are used.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl._markdown import markdown_table
from sk_ordinal_kl.benchmark.data import data_dir_from_env, data_dir_sources, embedded_sources
from sk_ordinal_kl.decision import (
    PREDICTION_RULES,
    TunedOrdinalDecisionCV,
    predict_index,
    predict_index_thresholds,
)
from sk_ordinal_kl.metrics import mse_class_index

DEFAULT_DATASETS = ("ERA", "ESL", "winequality-red", "car", "toy", "tae", "pyrim10")
SELECTIONS = ("tuned", "in-sample", "rules only")


def _model(kind: str):
    if kind == "kl":
        net = OrdinalKLClassifier(max_epochs=15, random_state=0, verbose=0)
        return make_pipeline(StandardScaler(), net)
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


def _first_best(decisions, scores) -> str:
    """The decision with the greatest score, the first listed among equal ones."""
    return str(decisions[int(np.argmax(scores))])


def _holdout_row(split, kind: str) -> dict:
    """Test MSE of each decision and the three selections on one holdout."""
    tuned = TunedOrdinalDecisionCV(_model(kind), cv=5, classes=split.classes)
    with warnings.catch_warnings():  # classes rarer than 5 rows in small sets
        warnings.simplefilter("ignore", UserWarning)
        tuned.fit(split.X_train, split.y_train)
    proba = tuned.predict_proba_ordinal(split.X_test)
    index = {rule: predict_index(proba, rule) for rule in PREDICTION_RULES}
    index["thresholds"] = predict_index_thresholds(proba, tuned.thresholds_)
    test = {name: mse_class_index(split.y_test, pred) for name, pred in index.items()}
    results = tuned.cv_results_
    is_rule = np.isin(results["decision"], PREDICTION_RULES)
    selections = {
        "tuned": tuned.best_decision_,
        "in-sample": _first_best(results["decision"], results["train_score"]),
        "rules only": _first_best(results["decision"][is_rule], results["score"][is_rule]),
    }
    return {"test": test, "selected": selections}


def _dataset_summary(source, kind: str) -> dict:
    rows = [_holdout_row(source.load(h), kind) for h in source.holdouts]
    mean = {d: np.mean([r["test"][d] for r in rows]) for d in rows[0]["test"]}
    hindsight = min(PREDICTION_RULES, key=lambda rule: mean[rule])
    selected = {
        name: np.mean([r["test"][r["selected"][name]] for r in rows]) for name in SELECTIONS
    }
    return {
        "name": source.name,
        "holdouts": len(rows),
        "mse": selected,
        "hindsight": (hindsight, mean[hindsight]),
        "ratio": {name: selected[name] / mean[hindsight] for name in SELECTIONS},
        "picked": {
            name: sum(r["selected"][name] == "thresholds" for r in rows)
            for name in ("tuned", "in-sample")
        },
    }


def _table_row(summary: dict) -> list:
    n, (rule, mse) = summary["holdouts"], summary["hindsight"]
    return [
        summary["name"],
        n,
        *(f"{summary['mse'][name]:.4f}" for name in SELECTIONS),
        f"{mse:.4f} ({rule})",
        *(f"{summary['ratio'][name]:.3f}" for name in SELECTIONS),
        *(f"{summary['picked'][name]}/{n}" for name in ("tuned", "in-sample")),
    ]


def _geometric_mean_row(summaries: list[dict]) -> list:
    ratios = [
        np.exp(np.mean([np.log(s["ratio"][name]) for s in summaries])) for name in SELECTIONS
    ]
    blank = [""] * len(SELECTIONS)
    return ["geometric mean", "", *blank, "", *(f"{r:.3f}" for r in ratios), "", ""]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=data_dir_from_env())
    parser.add_argument("--datasets", nargs="+", default=None)
    parser.add_argument("--holdouts", type=int, default=30)
    parser.add_argument("--model", choices=("logreg", "kl"), default="logreg")
    args = parser.parse_args(argv)
    if args.holdouts < 1:
        parser.error("--holdouts must be at least 1")
    if args.data_dir is None:
        sources = embedded_sources(args.holdouts, args.datasets)
    else:
        names = args.datasets or DEFAULT_DATASETS
        sources = data_dir_sources(args.data_dir, names, max_holdouts=args.holdouts)
    start = time.perf_counter()
    header = [
        "dataset",
        "holdouts",
        *SELECTIONS,
        "hindsight rule",
        *(f"{name}/hindsight" for name in SELECTIONS),
        "picked (tuned)",
        "picked (in-sample)",
    ]
    summaries = [_dataset_summary(source, args.model) for source in sources]
    table = [*map(_table_row, summaries), _geometric_mean_row(summaries)]
    print(f"Test MSE on the class index, model {args.model}, mean over holdouts")
    print(markdown_table(header, table))
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
