"""Fit time beside quality: known answers for the table and the files the command writes."""

import pandas as pd
import pytest
from conftest import load_script

fit_time = load_script("benchmarks/tools/fit_time.py")
fit_time_table, main = fit_time.fit_time_table, fit_time.main


def results():
    return pd.DataFrame(
        {
            "dataset": ["d"] * 6 + ["e"] * 2,
            "size": [2000] * 8,
            "method": ["tabm", "tabm", "tabm", "hgb_reg", "hgb_reg", "hgb_reg", "tabm", "hgb_reg"],
            "mse": [1.0, 2.0, 3.0, 4.0, 4.0, 4.0, 9.0, 3.0],
            "fit_seconds": [5.0, 1.0, 9.0, 0.5, 0.1, 0.3, 2.0, 4.0],
        }
    )


def test_ratio_to_the_reference_and_median_time_per_block():
    table = fit_time_table(results()).set_index(["dataset", "method"])
    assert table.loc[("d", "tabm"), "mse"] == pytest.approx(2.0)
    assert table.loc[("d", "tabm"), "mse_ratio"] == pytest.approx(0.5)  # 2 / 4, same block
    assert table.loc[("d", "tabm"), "fit_seconds"] == pytest.approx(5.0)  # median, not mean
    assert table.loc[("e", "tabm"), "mse_ratio"] == pytest.approx(3.0)  # 9 / 3, its own block
    assert table.loc[("d", "hgb_reg"), "mse_ratio"] == pytest.approx(1.0)


def test_missing_reference_raises():
    with pytest.raises(ValueError, match="reference method 'mlp'"):
        fit_time_table(results(), reference="mlp")


def test_command_writes_the_table_and_the_figure(tmp_path):
    results().to_csv(tmp_path / "results.csv", index=False)
    assert main([str(tmp_path)]) == 0
    text = (tmp_path / "fit_time.md").read_text()
    assert "| d (train=2000) | tabm | 2 | 0.500 | 5.00 |" in text
    assert (tmp_path / "fit_time.png").stat().st_size > 0
