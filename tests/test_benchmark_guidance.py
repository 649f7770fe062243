"""The backbone table of the guidance: every cell computed by hand here."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from conftest import load_script

from sk_ordinal_kl.benchmark.guidance import backbone_table


def _rows(dataset, size, n_train, per_method):
    return [
        {"dataset": dataset, "size": size, "method": m, "holdout": h, "n_train": n_train, "mse": v}
        for m, values in per_method.items()
        for h, v in enumerate(values)
    ]


def test_backbone_table_quotes_means_changes_and_tests():
    results = pd.DataFrame(
        _rows("a", "all", 100, {"tabm_kl_rule": [1.0, 3.0], "ce_kl_rule": [2.0, 2.0]})
        + _rows("a", "all", 100, {"hgb_reg": [4.0, 4.0], "other": [0.1, 0.1]})
        + _rows("b", "all", 50, {"ce_kl_rule": [1.0], "hgb_reg": [1.0]})  # no TabM: no row
    )
    tests = pd.DataFrame(
        [
            {
                "dataset": "a",
                "size": "all",
                "method": "tabm_kl_rule",
                "opponent": "hgb_reg",
                "mse_method": 2.0,
                "mse_opponent": 4.0,
                "p_value": 0.0123,
                "outcome": "win",
            },
            {
                "dataset": "a",
                "size": "all",
                "method": "ce_kl_rule",
                "opponent": "tabm_kl_rule",
                "mse_method": 2.0,
                "mse_opponent": 2.0,
                "p_value": 0.5,
                "outcome": "tie",
            },
        ]
    )
    table = backbone_table(results, tests).splitlines()
    assert len(table) == 3  # header, rule, dataset a
    cells = [c.strip() for c in table[2].strip("|").split("|")]
    # tabm mean (1+3)/2, ce_kl 2, hgb 4; vs ce_kl no test row; vs hgb (2-4)/4 = -50%.
    assert cells == ["a", "100", "2", "2", "2", "4", "—", "-50.0% (p=0.012, W)"]


def test_compare_runs_pairs_holdouts_and_counts_same_parameters():
    compare_runs = load_script("benchmarks/tools/compare_runs.py").compare_runs

    def run(values, params):
        return pd.DataFrame(
            {
                "dataset": "a",
                "size": "2000",
                "method": "m",
                "holdout": range(len(values)),
                "mse": values,
                "params": params,
            }
        )

    before = run([1.0, 2.0, 3.0, 4.0], ["x", "y", "x", "y"])
    # Listed in another order: pairing must go by holdout, not by row.
    after = run([1.5, 2.5, 3.5, 4.5], ["x", "x", "x", "y"]).iloc[::-1]
    cells = [c.strip() for c in compare_runs(before, after, "m").splitlines()[2].split("|")[1:-1]]
    # Means 2.5 -> 3.0 (+20%); every pair moved up by 0.5: an exact Wilcoxon p of 0.125.
    assert cells == ["a", "2000", "4", "2.5", "3", "+20.00%", "0.12 (tie)", "75%"]


def test_rules_table_means_each_rule_over_holdouts_and_counts_the_best():
    from sk_ordinal_kl.benchmark.guidance import rules_table

    def row(dataset, holdout, mse, mae):
        rules = ("argmax", "median", "mean")
        return {
            "dataset": dataset,
            "method": "defaults",
            "holdout": holdout,
            "mse_by_rule": json.dumps(dict(zip(rules, mse, strict=True))),
            "mae_by_rule": json.dumps(dict(zip(rules, mae, strict=True))),
        }

    results = pd.DataFrame(
        [
            row("a", 0, (1.0, 0.8, 0.6), (0.5, 0.4, 0.45)),
            row("a", 1, (3.0, 1.2, 1.0), (0.7, 0.6, 0.65)),
            row("b", 0, (0.2, 0.4, 0.3), (0.2, 0.3, 0.25)),
            row("b", 1, (0.2, 0.4, 0.3), (0.2, 0.3, 0.25)),
            {**row("b", 0, (9, 9, 9), (9, 9, 9)), "method": "other"},  # not read
        ]
    )
    text = rules_table(results)
    # a: MSE means 2.0 / 1.0 / 0.8 (mean best), MAE 0.6 / 0.5 / 0.55 (median best).
    assert "| a | 2 | 1 | **0.8** | 0.6 | **0.5** | 0.55 |" in text
    assert "| b | **0.2** | 0.4 | 0.3 | **0.2** | 0.3 | 0.25 |" in text
    assert "MSE: best on `argmax` 1, `median` 0, `mean` 1 of 2 datasets" in text
    # Geometric mean against argmax of the MSE: mean sqrt(0.8 / 2.0 * 0.3 / 0.2).
    expected = np.sqrt(0.8 / 2.0 * 0.3 / 0.2)
    assert f"`mean` {expected:.3f}" in text
    assert rules_table(results, method="absent") == ""
    # With the test rows known, both sides are floored at one error among them: b has
    # 2 x 5 test rows, floor 0.1, so its mean/argmax ratio is 0.4 / 0.3, not 0.3 / 0.2.
    counted = results.assign(n_test=np.where(results["dataset"] == "a", 1000, 5))
    floored = np.sqrt((0.8 + 1 / 2000) / (2.0 + 1 / 2000) * (0.3 + 0.1) / (0.2 + 0.1))
    assert f"`mean` {floored:.3f}" in rules_table(counted)
