"""Known-answer tests of the benchmark's statistics: every number is computed by hand here.

A swapped win/loss, holdouts paired by row order instead of by index, a wrong t quantile
or a Friedman ranking in the wrong direction each turn one of these tests red.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sk_ordinal_kl.benchmark.statistics import (
    ci_table,
    critical_difference,
    friedman_test,
    mean_ranks,
    paired_tests,
    t_interval,
    win_tie_loss,
)


def _results(per_method: dict[str, list[float]], dataset="d", size="all", order=None):
    """Per-split rows; ``order`` permutes the rows of each method (pairing must not care)."""
    rows = []
    for method, values in per_method.items():
        index = order.get(method, range(len(values))) if order else range(len(values))
        for h in index:
            rows.append(
                {
                    "dataset": dataset,
                    "size": size,
                    "method": method,
                    "holdout": h,
                    "n_train": 100,
                    "mse": values[h],
                }
            )
    return pd.DataFrame(rows)


def test_t_interval_matches_the_textbook_formula():
    mean, half = t_interval([1.0, 2.0, 3.0])
    assert mean == 2.0 and half == pytest.approx(4.302653 / np.sqrt(3), rel=1e-6)  # t_{.975,2}
    values = [2.1, 2.5, 1.9, 2.8, 2.2, 2.6, 2.4, 2.0, 2.3, 2.2]
    mean, half = t_interval(values)
    sd = math.sqrt(sum((v - 2.3) ** 2 for v in values) / 9)
    assert mean == pytest.approx(2.3) and half == pytest.approx(2.262157 * sd / math.sqrt(10))
    assert np.isnan(t_interval([1.0])[1])


def test_ci_table_bounds_are_mean_plus_minus_half_width():
    summary = ci_table(_results({"a": [1.0, 2.0, 3.0]}), metrics=["mse"])
    row = summary.iloc[0]
    half = 4.302653 / np.sqrt(3)
    assert row["mse_mean"] == 2.0 and row["n_holdouts"] == 3
    assert row["mse_ci_low"] == pytest.approx(2.0 - half)
    assert row["mse_ci_high"] == pytest.approx(2.0 + half)


def test_win_tie_loss_rule():
    h = 8
    better = [1.0 + 0.1 * i for i in range(h)]
    worse = [v + 0.5 for v in better]
    noisy = [v + (0.5 if i % 2 else -0.5) for i, v in enumerate(better)]
    results = _results(
        {"ref": better, "worse": worse, "better": [v - 1 for v in better], "noisy": noisy}
    )
    tests = paired_tests(results, ["ref"]).set_index("opponent")
    assert tests.loc["worse", "outcome"] == "win"  # lower MSE, p = 2/2^8 < 0.05
    assert tests.loc["worse", "p_value"] == pytest.approx(2 / 2**h)
    assert tests.loc["better", "outcome"] == "loss"
    assert tests.loc["noisy", "outcome"] == "tie" and tests.loc["noisy", "p_value"] > 0.05
    wtl = win_tie_loss(paired_tests(results, ["ref"])).set_index("opponent")
    assert wtl.loc["worse", ["wins", "ties", "losses"]].tolist() == [1, 0, 0]
    assert wtl.loc["better", ["wins", "ties", "losses"]].tolist() == [0, 0, 1]


def test_holdouts_are_paired_by_index_not_by_row_order():
    h = 10
    ref = [float(i) for i in range(h)]  # varies a lot between holdouts
    other = [v + 0.1 for v in ref]  # ... but is always 0.1 worse on the same holdout
    shuffled = {"other": list(np.random.default_rng(0).permutation(h))}
    tests = paired_tests(_results({"ref": ref, "other": other}, order=shuffled), ["ref"])
    row = tests.iloc[0]
    assert row["n_pairs"] == h and row["outcome"] == "win"
    assert row["p_value"] == pytest.approx(2 / 2**h)


def test_holdouts_are_paired_by_index_not_by_sorted_value():
    """The opponent is the reference rolled by half the holdouts and 0.1 worse: paired
    by holdout it wins 5 and loses 5 by about 5 (a tie); paired by sorted value it would
    be 0.1 worse on every holdout (a win for the reference)."""
    h = 10
    ref = np.arange(h, dtype=float)
    opponent = np.roll(ref, h // 2) + 0.1
    row = paired_tests(_results({"ref": list(ref), "opp": list(opponent)}), ["ref"]).iloc[0]
    assert sorted(np.round(ref - opponent, 9)) == [-5.1] * 5 + [4.9] * 5
    # |d| = 4.9 five times (mid-rank 3, all positive), 5.1 five times (mid-rank 8, all
    # negative): W+ = 15. Exactly, under random signs W+ = 3a + 8b with a, b positives
    # among each five; W+ <= 15 for b = 0 (any a: 32 cases) or b = 1, a <= 2 (5 * 16).
    p_exact = 2 * (32 + 5 * (1 + 5 + 10)) / 2**h
    assert row["p_value"] == pytest.approx(p_exact)  # 0.21875
    assert row["outcome"] == "tie"
    # Paired by sorted value every difference would be -0.1: p = 2 / 2^10, a win.


def test_blocks_are_dataset_and_size():
    # same dataset, two sizes with opposite results: two blocks, never pooled
    a = _results({"ref": [1.0, 1.1, 1.2, 1.3, 1.4, 1.5], "x": [2.0] * 6}, size="100")
    b = _results({"ref": [3.0, 3.1, 3.2, 3.3, 3.4, 3.5], "x": [1.0] * 6}, size="all")
    tests = paired_tests(pd.concat([a, b]), ["ref"]).set_index("size")
    assert tests["outcome"].to_dict() == {"100": "win", "all": "loss"}
    assert tests["n_pairs"].tolist() == [6, 6]


def test_mean_ranks_rank_lowest_mse_first_with_average_ties():
    table = pd.DataFrame({"a": [1.0, 5.0, 2.0], "b": [2.0, 1.0, 2.0], "c": [3.0, 2.0, 1.0]})
    ranks = mean_ranks(table)
    assert ranks.to_numpy().tolist() == [[1, 2, 3], [3, 1, 2], [2.5, 2.5, 1]]


def test_friedman_on_a_hand_computed_example():
    # 4 datasets, 3 methods, the same order everywhere: mean ranks 1, 2, 3.
    # chi2_F = 12 N / (k (k + 1)) * (sum R_j^2 - k (k + 1)^2 / 4) = 4 * (14 - 12) = 8,
    # and with k - 1 = 2 degrees of freedom p = exp(-8 / 2).
    frames = [
        _results({"good": [0.1 * d], "mid": [0.1 * d + 1], "bad": [0.1 * d + 2]}, dataset=f"d{d}")
        for d in range(4)
    ]
    result = friedman_test(pd.concat(frames))
    assert result.ranks.to_dict() == {"good": 1.0, "mid": 2.0, "bad": 3.0}
    assert result.statistic == pytest.approx(8.0)
    assert result.p_value == pytest.approx(math.exp(-4.0))
    assert result.n_blocks == 4
    assert result.nemenyi.loc["good", "bad"] < result.nemenyi.loc["good", "mid"]


def test_friedman_ranks_use_the_mean_over_holdouts_and_drop_incomplete_methods():
    frames = [
        _results({"a": [1.0, 3.0], "b": [2.5, 2.5], "c": [9.0, 9.0]}, dataset=f"d{d}")
        for d in range(3)
    ]
    partial = _results({"z": [0.0, 0.0]}, dataset="d0")
    result = friedman_test(pd.concat([*frames, partial]))
    assert result.ranks.to_dict() == {"a": 1.0, "b": 2.0, "c": 3.0}  # mean 2.0 < 2.5 < 9
    assert result.dropped == ["z"]
    assert friedman_test(frames[0]) is None  # one block: no test


def test_nemenyi_critical_difference_of_demsar_2006():
    # Demsar (2006), section 3.2.4: k = 4 classifiers, N = 14 data sets, q_0.05 = 2.569.
    assert critical_difference(4, 14) == pytest.approx(
        2.569 * math.sqrt(4 * 5 / (6 * 14)), rel=1e-3
    )
    # q_0.05 for k = 2..5 from Demsar's Table 5(a).
    for k, q in [(2, 1.960), (3, 2.343), (5, 2.728)]:
        expected = q * math.sqrt(k * (k + 1) / 60.0)
        assert critical_difference(k, 10) == pytest.approx(expected, rel=1e-3)
