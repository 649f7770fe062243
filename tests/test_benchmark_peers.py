"""The kernel ordinal SVMs and ordinal boosting as peers, the solver time limit, and the
benchmark on a user's own CSV file."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from sk_ordinal_kl import benchmark
from sk_ordinal_kl.benchmark import runner
from sk_ordinal_kl.benchmark.data import csv_file_source
from sk_ordinal_kl.benchmark.methods import METHODS, MethodSpec, _pipeline
from sk_ordinal_kl.benchmark.peers import FitTimeLimit, SolverTimeLimitError
from sk_ordinal_kl.benchmark.protocol import QUICK_PROTOCOL
from sk_ordinal_kl.datasets import load_ordinal_csv

NEW_PEERS = ["svorim", "svorex", "redsvm", "ogboost"]


class _Sleepy(ClassifierMixin, BaseEstimator):
    """Sleeps ``seconds`` in fit (``fail`` raises instead), then predicts the first class."""

    def __init__(self, seconds: float = 0.0, fail: bool = False):
        self.seconds = seconds
        self.fail = fail

    def fit(self, X, y):
        if self.fail:
            raise ArithmeticError("the solver diverged")
        time.sleep(self.seconds)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _data(n: int = 60):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    return X, np.digitize(X[:, 0], [-0.5, 0.5])


# --------------------------------------------------------------------------- #
# FitTimeLimit
# --------------------------------------------------------------------------- #
def test_fit_time_limit_returns_the_same_model_as_a_plain_fit():
    X, y = _data()
    limited = FitTimeLimit(LogisticRegression(), seconds=60).fit(X, y)
    plain = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(limited.classes_, plain.classes_)
    np.testing.assert_allclose(limited.estimator_.coef_, plain.coef_)
    np.testing.assert_array_equal(limited.predict(X), plain.predict(X))


def test_fit_time_limit_stops_a_slow_fit_and_names_the_limit():
    X, y = _data()
    start = time.perf_counter()
    with pytest.raises(SolverTimeLimitError, match=r"_Sleepy did not finish .* 0\.5 s"):
        FitTimeLimit(_Sleepy(seconds=30), seconds=0.5).fit(X, y)
    assert time.perf_counter() - start < 10  # the child was stopped, not waited for


def test_fit_time_limit_passes_on_the_fit_error():
    X, y = _data()
    with pytest.raises(ArithmeticError, match="the solver diverged"):
        FitTimeLimit(_Sleepy(fail=True), seconds=30).fit(X, y)


# --------------------------------------------------------------------------- #
# The time-limited inner search
# --------------------------------------------------------------------------- #
def _sleepy_method(protocol, classes, seed):
    return _pipeline(FitTimeLimit(_Sleepy(), protocol.solver_time_limit))


def _split():
    source = benchmark.embedded_sources(1, ["diabetes5"])[0]
    return source.load(0)


def test_time_limited_search_skips_the_other_folds_and_passes_the_point_over(monkeypatch):
    spec = MethodSpec(
        _sleepy_method,
        "sleeps",
        grid=lambda p: {"estimator__seconds": (0, 5)},
        time_limited=True,
    )
    protocol = QUICK_PROTOCOL.__class__(inner_cv=3, solver_time_limit=1.0)
    fits = []
    original = FitTimeLimit.fit

    def counted(self, X, y):
        fits.append(self.estimator.seconds)
        return original(self, X, y)

    monkeypatch.setattr(FitTimeLimit, "fit", counted)
    rows = runner._inner_search(spec, _split(), protocol, seed=0)
    assert [row["params"] for row in rows] == [
        {"estimator__seconds": 0},
        {"estimator__seconds": 5},
    ]
    assert fits == [0, 0, 0, 5]  # the slow point was fitted on its first fold only
    assert np.isfinite(rows[0]["cv_mse"]) and np.isnan(rows[1]["cv_mse"])
    assert runner.select_best(rows, ["predict"])["params"] == {"estimator__seconds": 0}


def test_time_limited_search_stops_at_its_budget(monkeypatch):
    spec = MethodSpec(
        _sleepy_method,
        "sleeps",
        grid=lambda p: {"estimator__seconds": (0.6, 0, 0)},
        time_limited=True,
    )
    # The first point's 2 folds take 1.2 s of the 1 s budget: the others are not reached.
    protocol = QUICK_PROTOCOL.__class__(inner_cv=2, solver_time_limit=30, search_time_budget=1)
    rows = runner._inner_search(spec, _split(), protocol, seed=0)
    assert np.isfinite(rows[0]["cv_mse"])
    assert np.isnan(rows[1]["cv_mse"]) and np.isnan(rows[2]["cv_mse"])
    assert runner.select_best(rows, ["predict"]) is rows[0]


def _slow_method(protocol, classes, seed):
    return _pipeline(FitTimeLimit(_Sleepy(seconds=30), 0.5))


def test_a_unit_out_of_time_is_reported_but_does_not_fail_the_run(orreview_root, tmp_path):
    from sk_ordinal_kl.benchmark.cli import exit_status

    sources = benchmark.data_dir_sources(orreview_root, ["alpha"], max_holdouts=1)
    methods = {
        "slow": MethodSpec(_slow_method, "sleeps past its limit"),
        "broken": MethodSpec(lambda p, c, s: _pipeline(_Sleepy(fail=True)), "raises"),
    }
    run = benchmark.run_benchmark(sources, methods, QUICK_PROTOCOL, tmp_path / "c", progress=False)
    flags = {f["method"]: f["time_limit"] for f in run.failures}
    assert flags == {"slow": True, "broken": False}
    assert exit_status([f for f in run.failures if f["method"] == "slow"]) == 0
    assert exit_status(run.failures) == 1
    benchmark.write_outputs(run, tmp_path / "out")
    assert "SolverTimeLimitError" in (tmp_path / "out" / "summary.md").read_text()


def test_time_limited_search_scores_as_grid_search_cv():
    spec = METHODS["logreg"]
    protocol = QUICK_PROTOCOL
    split = _split()
    expected = runner._inner_search(spec, split, protocol, seed=3)
    limited = MethodSpec(spec.build, spec.description, grid=spec.grid, time_limited=True)
    got = runner._inner_search(limited, split, protocol, seed=3)
    assert [row["params"] for row in got] == [row["params"] for row in expected]
    np.testing.assert_allclose(
        [row["cv_mse"] for row in got], [row["cv_mse"] for row in expected], rtol=1e-12
    )


def test_select_best_raises_when_every_point_ran_out_of_time():
    rows = [{"params": {"C": c}, "rule": "predict", "cv_mse": float("nan")} for c in (1, 10)]
    with pytest.raises(SolverTimeLimitError, match="every grid point"):
        runner.select_best(rows, ["predict"])


def test_a_refit_past_the_limit_is_a_reported_failure(tmp_path, monkeypatch):
    spec = MethodSpec(
        _sleepy_method, "sleeps", grid=lambda p: {"estimator__seconds": (0,)}, time_limited=True
    )
    monkeypatch.setitem(benchmark.methods.ALL_METHODS, "sleepy", spec)
    monkeypatch.setattr(
        _Sleepy, "fit", lambda self, X, y: (time.sleep(5 if len(y) > 300 else 0), self)[1]
    )
    monkeypatch.setattr(_Sleepy, "classes_", np.arange(5), raising=False)
    protocol = QUICK_PROTOCOL.__class__(inner_cv=2, solver_time_limit=1.0)
    run = runner.run_benchmark(
        benchmark.embedded_sources(1, ["diabetes5"]),
        {"sleepy": spec},
        protocol,
        tmp_path / "cache",
        progress=False,
    )
    assert run.results.empty
    assert "SolverTimeLimitError" in run.failures[0]["error"]


# --------------------------------------------------------------------------- #
# The new peers in a quick run, and their report
# --------------------------------------------------------------------------- #
def test_new_peers_are_registered_as_peers_with_grids():
    for name in NEW_PEERS:
        spec = METHODS[name]
        assert not spec.ours and spec.grid is not None
        assert set(spec.grid(benchmark.Protocol())) <= set(
            spec.build(benchmark.Protocol(), [0, 1, 2], 0).named_steps["clf"].get_params()
        )
    assert all(METHODS[name].time_limited for name in ("svorim", "svorex", "redsvm"))


def test_quick_run_of_the_new_peers_with_the_standing_table(orreview_root, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["--data-dir", str(orreview_root), "--datasets", "alpha", "--out", str(out)]
    assert (
        benchmark.main([*argv, "--quick", "--no-progress", "--methods", "ce_rule", *NEW_PEERS])
        == 0
    )
    results = pd.read_csv(out / "results.csv")
    assert set(results["method"]) == {"ce_rule", *NEW_PEERS}
    assert results.groupby(["dataset", "method"]).size().eq(2).all()
    assert results["mse"].between(0, 4).all()
    standing = pd.read_csv(out / "standing.csv")
    assert set(standing["ours"]) == {"ce_rule"} and set(standing["peer"]) <= set(NEW_PEERS)
    means = results.groupby(["dataset", "method"])["mse"].mean()
    for row in standing.itertuples():
        best_peer = means[row.dataset][NEW_PEERS].idxmin()
        assert row.peer == best_peer
        # both floored at one off-by-one error among the paired test rows
        rows = results[results["dataset"] == row.dataset].groupby("holdout")["n_test"].first()
        floor = 1 / rows.sum()
        ours, peer = means[row.dataset, "ce_rule"], means[row.dataset, best_peer]
        expected = (ours + floor) / (peer + floor)
        assert row.ratio == pytest.approx(expected, rel=1e-5)  # the CSV keeps 6 digits
    info = json.loads((out / "run_info.json").read_text())
    assert info["ours"] == ["ce_rule"]
    assert "## Standing" in (out / "summary.md").read_text()


# --------------------------------------------------------------------------- #
# --csv: the benchmark on a user's own table
# --------------------------------------------------------------------------- #
ORDER = ["poor", "fair", "good", "great"]


def _user_table(path, n: int = 160):
    rng = np.random.default_rng(1)
    z = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": z + 0.3 * rng.normal(size=n),
            "town": rng.choice(["a", "b"], size=n),
            "grade": np.asarray(ORDER, dtype=object)[np.digitize(z, [-0.7, 0.0, 0.7])],
        }
    )
    frame.to_csv(path, index=False)
    return frame


def test_csv_run_uses_the_given_order(tmp_path):
    frame = _user_table(tmp_path / "grades.csv")
    out = tmp_path / "out"
    argv = ["--csv", str(tmp_path / "grades.csv"), "--target", "grade", "--order", *ORDER]
    argv += ["--out", str(out), "--quick", "--no-progress", "--methods", "ce_rule", "logreg"]
    assert benchmark.main(argv) == 0
    results = pd.read_csv(out / "results.csv")
    assert set(results["dataset"]) == {"grades"} and results["holdout"].nunique() == 2
    assert (results["n_classes"] == 4).all()
    # Each holdout's test labels, as indices of the given order, are those scored.
    split = csv_file_source(tmp_path / "grades.csv", "grade", ORDER).load(1)
    expected = frame["grade"].map({label: i for i, label in enumerate(ORDER)})
    assert sorted(split.y_test) == sorted(expected.iloc[_test_rows(split, frame)])
    info = json.loads((out / "run_info.json").read_text())
    assert info["sources"]["grades"]["classes"] == ORDER
    assert info["sources"]["grades"]["target"] == "grade"


def _test_rows(split, frame) -> list[int]:
    """Rows of ``frame`` whose feature x is in the split's test part."""
    return [int(i) for i in np.flatnonzero(frame["x"].isin(split.X_test["x"]))]


def test_csv_order_changes_the_class_index(tmp_path):
    frame = _user_table(tmp_path / "grades.csv")
    given = load_ordinal_csv(tmp_path / "grades.csv", "grade", ORDER)
    reverse = load_ordinal_csv(tmp_path / "grades.csv", "grade", ORDER[::-1])
    np.testing.assert_array_equal(given.y_index, [ORDER.index(g) for g in frame["grade"]])
    np.testing.assert_array_equal(reverse.y_index, 3 - given.y_index)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "text labels"),  # no order for text labels
        (["--order", "poor", "fair", "good"], "not declared in the given classes"),
        (["--order", "poor", "fair", "poor", "great"], "duplicate classes"),
    ],
)
def test_csv_errors_name_the_problem(tmp_path, capsys, extra, message):
    _user_table(tmp_path / "grades.csv")
    argv = ["--csv", str(tmp_path / "grades.csv"), "--target", "grade", *extra]
    with pytest.raises(SystemExit) as stop:
        benchmark.main([*argv, "--out", str(tmp_path / "out"), "--quick"])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--csv", "t.csv"], "--csv needs --target"),
        (["--target", "grade"], "describe the table given with --csv"),
        (["--csv", "t.csv", "--target", "g", "--data-dir", "d"], "either --csv or --data-dir"),
    ],
)
def test_csv_flags_are_checked(tmp_path, capsys, argv, message):
    with pytest.raises(SystemExit):
        benchmark.main([*argv, "--out", str(tmp_path / "out")])
    assert message in capsys.readouterr().err


def test_numeric_labels_default_to_ascending(tmp_path):
    path = tmp_path / "scores.csv"
    pd.DataFrame({"x": [0.1, 0.5, 0.2, 0.9, 0.3], "stars": [3, 1, 10, 3, 1]}).to_csv(
        path, index=False
    )
    data = load_ordinal_csv(path, "stars")
    assert data.classes == [1, 3, 10]
    np.testing.assert_array_equal(data.y_index, [1, 0, 2, 1, 0])
    assert data.name == "scores" and list(data.X.columns) == ["x"]


def test_load_ordinal_csv_keeps_declared_but_unseen_classes(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"x": [1, 2, 3], "y": ["lo", "hi", "lo"]}).to_csv(path, index=False)
    data = load_ordinal_csv(path, "y", ["lo", "mid", "hi"])
    np.testing.assert_array_equal(data.y_index, [0, 2, 0])
    assert data.n_classes == 3
    with pytest.raises(ValueError, match="target column 'z'"):
        load_ordinal_csv(path, "z", ["lo", "hi"])
    with pytest.raises(FileNotFoundError, match=r"missing\.csv"):
        load_ordinal_csv(tmp_path / "missing.csv", "y")


# --------------------------------------------------------------------------- #
# Every fixed rule scored from the same fitted model
# --------------------------------------------------------------------------- #
def test_scores_by_rule_agree_with_each_methods_own_prediction(orreview_root, tmp_path):
    out = tmp_path / "out"
    argv = ["--data-dir", str(orreview_root), "--datasets", "alpha", "--out", str(out)]
    methods = ["ce", "ce_rule", "logreg", "hgb", "mord_at"]
    assert benchmark.main([*argv, "--quick", "--no-progress", "--methods", *methods]) == 0
    results = pd.read_csv(out / "results.csv")
    for row in results.itertuples():
        if row.method == "mord_at":  # no predict_proba: nothing to score per rule
            assert pd.isna(row.mse_by_rule) and pd.isna(row.mae_by_rule)
            continue
        rule = json.loads(row.params).get("prediction", "argmax")
        by_mse, by_mae = json.loads(row.mse_by_rule), json.loads(row.mae_by_rule)
        assert set(by_mse) == {"argmax", "median", "mean"}
        assert by_mse[rule] == pytest.approx(row.mse) and by_mae[rule] == pytest.approx(row.mae)
        assert all(by_mae[r] <= by_mse[r] + 1e-12 for r in by_mse)  # |e| <= e^2 for integers


class _FixedProba(ClassifierMixin, BaseEstimator):
    """Predicts the given probabilities over the given (possibly gappy) classes."""

    def __init__(self, classes, proba):
        self.classes_ = np.asarray(classes)
        self.proba = np.asarray(proba)

    def predict_proba(self, X):
        return self.proba


def test_scores_by_rule_put_each_column_at_its_class_index():
    split = benchmark.Split(
        pd.DataFrame({"x": [0.0, 1.0]}),
        np.array([0, 2]),
        pd.DataFrame({"x": [0.0, 1.0]}),
        np.array([0, 3]),
        4,
        "gappy",
        0,
    )
    # Classes 1 and 3 were never seen: the two columns are classes 0 and 2.
    model = _FixedProba([0, 2], [[0.6, 0.4], [0.3, 0.7]])
    scores = runner._scores_by_rule(model, split, QUICK_PROTOCOL)
    mse, mae = json.loads(scores["mse_by_rule"]), json.loads(scores["mae_by_rule"])
    # argmax -> [0, 2]; median -> [0, 2]; mean -> [round(0.8), round(1.4)] = [1, 1].
    assert mse == pytest.approx({"argmax": 0.5, "median": 0.5, "mean": 2.5})
    assert mae == pytest.approx({"argmax": 0.5, "median": 0.5, "mean": 1.5})
