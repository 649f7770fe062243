"""The standing table: our best configuration against the best peer, per dataset."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sk_ordinal_kl.benchmark.standing import (
    geometric_mean_ratio,
    mse_ratio,
    standing_markdown,
    standing_table,
)


def _results(values: dict[tuple[str, str], list[float]]) -> pd.DataFrame:
    """Per-split rows from {(dataset, method): [mse per holdout]}."""
    rows = [
        {"dataset": dataset, "size": "all", "method": method, "holdout": h, "mse": v}
        for (dataset, method), mses in values.items()
        for h, v in enumerate(mses)
    ]
    return pd.DataFrame(rows)


OURS = {"ce_kl_rule", "clm_kl_rule"}
# Per holdout MSE; the means are written beside each line.
VALUES = {
    ("d1", "ce_kl_rule"): [0.30, 0.32, 0.28, 0.31, 0.29, 0.30, 0.33, 0.27],  # 0.3000
    ("d1", "clm_kl_rule"): [0.20, 0.21, 0.19, 0.22, 0.18, 0.20, 0.23, 0.17],  # 0.2000
    ("d1", "svorim"): [0.10, 0.11, 0.09, 0.12, 0.08, 0.10, 0.13, 0.07],  # 0.1000
    ("d1", "hgb_reg"): [0.40, 0.41, 0.39, 0.42, 0.38, 0.40, 0.43, 0.37],  # 0.4000
    ("d2", "ce_kl_rule"): [1.0, 2.0, 1.5, 1.2, 0.8, 1.1, 0.9, 1.5],  # 1.25
    ("d2", "clm_kl_rule"): [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0],  # 2.0
    ("d2", "svorim"): [3.0, 2.0, 2.5, 2.2, 3.1, 2.4, 2.9, 1.9],  # 2.5
    ("d2", "hgb_reg"): [2.6, 2.5, 2.7, 2.4, 2.6, 2.5, 2.8, 2.9],  # 2.625
}


def test_standing_picks_the_best_of_each_side_and_tests_them_paired():
    table = standing_table(_results(VALUES), OURS).set_index("dataset")
    assert table.loc["d1", "ours"] == "clm_kl_rule" and table.loc["d1", "peer"] == "svorim"
    assert table.loc["d2", "ours"] == "ce_kl_rule" and table.loc["d2", "peer"] == "svorim"
    # Independent means and ratios.
    for dataset, ours, peer in (("d1", "clm_kl_rule", "svorim"), ("d2", "ce_kl_rule", "svorim")):
        a, b = np.mean(VALUES[dataset, ours]), np.mean(VALUES[dataset, peer])
        assert table.loc[dataset, "ours_mse"] == pytest.approx(a)
        assert table.loc[dataset, "peer_mse"] == pytest.approx(b)
        assert table.loc[dataset, "ratio"] == pytest.approx(a / b)
        diff = np.subtract(VALUES[dataset, ours], VALUES[dataset, peer])
        expected_p = stats.wilcoxon(diff).pvalue
        assert table.loc[dataset, "p_value"] == pytest.approx(expected_p)
        assert table.loc[dataset, "n_pairs"] == 8
    assert table.loc["d1", "outcome"] == "loss"  # ours 2x worse on every holdout
    assert table.loc["d2", "outcome"] == "win"  # lower on 7 of 8 holdouts


def test_geometric_mean_of_the_ratios():
    table = standing_table(_results(VALUES), OURS)
    expected = math.sqrt((0.2 / 0.1) * (1.25 / 2.5))
    assert geometric_mean_ratio(table) == pytest.approx(expected)
    assert geometric_mean_ratio(pd.DataFrame({"ratio": [2.0, 8.0]})) == pytest.approx(4.0)
    assert math.isinf(geometric_mean_ratio(pd.DataFrame({"ratio": [2.0, math.inf]})))
    assert math.isnan(geometric_mean_ratio(pd.DataFrame({"ratio": []})))


def test_ratio_of_zero_means():
    assert mse_ratio(0.0, 0.0) == 1.0
    assert math.isinf(mse_ratio(0.1, 0.0))
    assert mse_ratio(0.0, 0.5) == 0.0
    assert mse_ratio(0.0, 0.0, floor=0.01) == 1.0
    assert mse_ratio(0.0, 0.03, floor=0.01) == pytest.approx(0.25)


def test_the_ratio_is_floored_at_one_error_among_the_paired_test_rows():
    values = {("d", "ce_kl_rule"): [0.0, 0.0, 0.0], ("d", "svorim"): [0.0, 0.02, 0.01]}
    results = _results(values).assign(n_test=50)  # 150 paired test rows: floor 1/150
    row = standing_table(results, {"ce_kl_rule"}).iloc[0]
    floor = 1 / 150
    assert row["ratio"] == pytest.approx(floor / (0.01 + floor))
    assert 0 < row["ratio"] < 1


def test_holdouts_are_paired_by_index_and_missing_ones_dropped():
    values = {("d", "ce_kl_rule"): [1.0, 2.0, 3.0], ("d", "svorim"): [1.0, 1.0, 1.0]}
    results = _results(values)
    # The peer failed on holdout 2: the comparison uses holdouts 0 and 1 only.
    results = results[~((results["method"] == "svorim") & (results["holdout"] == 2))]
    row = standing_table(results.iloc[::-1], {"ce_kl_rule"}).iloc[0]
    assert row["n_pairs"] == 2
    assert row["ours_mse"] == pytest.approx(1.5) and row["peer_mse"] == pytest.approx(1.0)


def test_blocks_without_both_sides_are_left_out():
    values = {("d", "ce_kl_rule"): [1.0, 2.0], ("e", "svorim"): [1.0, 1.0]}
    assert standing_table(_results(values), {"ce_kl_rule"}).empty
    assert "No block" in standing_markdown(standing_table(_results(values), {"ce_kl_rule"}))


def test_markdown_shows_every_dataset_and_the_geometric_mean():
    table = standing_table(_results(VALUES), OURS)
    text = standing_markdown(table)
    assert "| d1 | `clm_kl_rule` | 0.2 | `svorim` | 0.1 | 2.00 |" in text
    assert "| d2 | `ce_kl_rule` | 1.25 | `svorim` | 2.5 | 0.50 |" in text
    assert "**1.00**" in text  # sqrt(2.0 * 0.5)
    assert "1 wins, 0 ties, 1 losses" in text
    assert "Largest ratio: d1 (2.00)" in text
