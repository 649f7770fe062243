"""Tests of the benchmark package (runner, data, methods, cache, report, CLI)."""

from __future__ import annotations

import json
import os
import stat
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import load_script, write_orreview

from sk_ordinal_kl import benchmark
from sk_ordinal_kl.benchmark import cache, runner
from sk_ordinal_kl.benchmark.cache import read_cached, write_atomic
from sk_ordinal_kl.benchmark.peers import IndexRegressor, corn_probabilities

FAST = ["--quick", "--max-epochs", "3", "--no-progress", "--n-jobs", "1"]
CHEAP_METHODS = ["ce", "ce_rule", "ce_kl", "ce_kl_rule", "logreg"]


def _write_csv_dataset(root, name: str = "grades", n: int = 240, seed: int = 0) -> list[str]:
    """A mixed-type CSV set: string labels (one declared, never seen), NaN, a string column."""
    rng = np.random.default_rng(seed)
    classes = ["poor", "fair", "good", "great", "never"]
    z = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "score": np.where(rng.random(n) < 0.1, np.nan, z + 0.3 * rng.normal(size=n)),
            "city": rng.choice(
                ["north", "south", "east", "tiny"], size=n, p=[0.4, 0.3, 0.28, 0.02]
            ),
            "age": rng.integers(18, 80, size=n),
            "grade": np.asarray(classes)[np.digitize(z, [-0.8, 0.0, 0.8])],
        }
    )
    folder = root / name
    folder.mkdir(parents=True)
    frame.to_csv(folder / f"{name}.csv", index=False)
    meta = {"target": "grade", "classes": classes, "n_rows": n, "n_features": 3}
    (folder / f"{name}.json").write_text(json.dumps(meta))
    return classes


@pytest.fixture
def mixed_root(tmp_path):
    """A folder the benchmark has never seen: one orreview set and one CSV set."""
    root = tmp_path / "mixed"
    write_orreview(root, "alpha", 2, seed=0)
    _write_csv_dataset(root)
    return root


# --------------------------------------------------------------------------- #
# CLI, sources
# --------------------------------------------------------------------------- #
def test_cli_arguments_parse():
    args = benchmark.build_parser().parse_args(
        [
            *("--data-dir", "d", "e", "--datasets", "ERA", "tae", "--holdouts", "4", "--quick"),
            *("--methods", "ce", "ce_kl", "--n-jobs", "2", "--out", "o", "--alphas", "1", "3"),
            *("--train-sizes", "300", "all", "--max-train", "500", "--csv-holdouts", "5"),
        ]
    )
    assert [str(p) for p in args.data_dir] == ["d", "e"]
    assert args.datasets == ["ERA", "tae"] and args.train_sizes == ["300", "all"]
    assert args.holdouts == 4 and args.n_jobs == 2 and args.methods == ["ce", "ce_kl"]
    assert args.csv_holdouts == 5
    protocol = benchmark.protocol_from_args(args)
    assert protocol.alphas == (1.0, 3.0)  # explicit flag overrides the quick grid
    assert protocol.max_epochs == benchmark.QUICK_PROTOCOL.max_epochs
    assert protocol.max_train == 500
    for bad in (["--methods", "no_such_method"], ["--train-sizes", "1"], ["--holdouts", "0"]):
        with pytest.raises(SystemExit):
            benchmark.build_parser().parse_args(bad)


def test_default_sources_are_embedded():
    args = benchmark.build_parser().parse_args([])
    sources = benchmark.sources_from_args(args)
    assert [s.name for s in sources] == list(benchmark.EMBEDDED_DATASETS)
    assert all(s.kind == "embedded" and len(s.holdouts) == 3 for s in sources)
    full = benchmark.sources_from_args(benchmark.build_parser().parse_args(["--full"]))
    assert all(len(s.holdouts) == 10 for s in full)
    split = sources[0].load(3)
    assert split.holdout == 3 and split.X_train.shape[1] == 10
    assert len(split.y_test) == pytest.approx(0.25 * 442, abs=1)


def test_the_demonstration_keeps_one_method_of_every_family_at_40_epochs():
    parse = benchmark.build_parser().parse_args
    assert benchmark.protocol_from_args(parse([])) == benchmark.DEMO_PROTOCOL
    assert (benchmark.DEMO_PROTOCOL.max_epochs, benchmark.DEMO_PROTOCOL.inner_cv) == (40, 2)
    for argv in (["--full"], ["--data-dir", "x"], ["--csv", "t.csv", "--target", "y"]):
        assert benchmark.protocol_from_args(parse(argv)) == benchmark.Protocol()
    assert set(benchmark.DEMO_METHODS) <= set(benchmark.METHODS)
    families = {  # one or more methods of each family a practitioner would compare
        "our defaults": {"defaults"},
        "CE": {"ce_rule"},
        "CE+KL": {"ce_kl_rule"},
        "ordinal heads": {"clm_rule", "linear_at_rule"},
        "TabM": {"tabm_kl_rule"},
        "regression": {"mlp_reg", "hgb_reg"},
        "deep ordinal peer": {"corn"},
        "ordinal boosting": {"ogboost"},
        "kernel ordinal SVM": {"svorim"},
        "linear ordinal": {"mord_at", "logreg"},
    }
    for family, names in families.items():
        assert names <= set(benchmark.DEMO_METHODS), family


def test_csv_source_keeps_declared_classes_and_raw_columns(mixed_root):
    sources = benchmark.data_dir_sources(mixed_root)
    assert [(s.name, s.kind) for s in sources] == [("alpha", "orreview"), ("grades", "csv")]
    assert sources[1].holdouts == tuple(range(10))
    split = sources[1].load(0)
    assert split.n_classes == 5  # "never" keeps its place on the index
    assert set(split.y_train) <= {0, 1, 2, 3}
    assert not pd.api.types.is_numeric_dtype(split.X_train["city"])
    assert split.X_train["score"].isna().any()
    again = sources[1].load(0)
    pd.testing.assert_frame_equal(split.X_test, again.X_test)  # seeded holdouts
    other = sources[1].load(1)
    assert not split.X_test.equals(other.X_test)


def test_subsample_is_stratified_and_seeded(mixed_root):
    split = benchmark.data_dir_sources(mixed_root, ["grades"])[0].load(0)
    small = split.subsample(60, random_state=3)
    assert len(small.y_train) == 60 and small.X_test is split.X_test
    share = np.bincount(small.y_train, minlength=5) / 60
    full = np.bincount(split.y_train, minlength=5) / len(split.y_train)
    assert np.abs(share - full).max() < 0.05
    np.testing.assert_array_equal(small.y_train, split.subsample(60, 3).y_train)


# --------------------------------------------------------------------------- #
# End to end
# --------------------------------------------------------------------------- #
def test_runner_outputs_and_resume(orreview_root, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    argv = ["--data-dir", str(orreview_root), "--out", str(out), *FAST]
    assert benchmark.main([*argv, "--methods", *CHEAP_METHODS]) == 0
    printed = capsys.readouterr().out
    assert "±" in printed

    results = pd.read_csv(out / "results.csv")
    assert len(results) == 2 * 2 * len(CHEAP_METHODS)  # 2 datasets x 2 quick holdouts
    summary = pd.read_csv(out / "summary.csv")
    for metric in ("mse", "mae", "qwk", "one_off", "accuracy"):
        assert {f"{metric}_ci_low", f"{metric}_ci_high", f"{metric}_ci_half"} <= set(summary)
    assert (summary["mse_ci_low"] <= summary["mse_mean"]).all()
    tests = pd.read_csv(out / "pairwise_tests.csv")
    assert set(tests["method"]) == {"ce_kl", "ce_kl_rule"}
    assert tests["p_value"].between(0.0, 1.0).all()
    wtl = pd.read_csv(out / "win_tie_loss.csv")
    assert (wtl[["wins", "ties", "losses"]].sum(axis=1) == wtl["n_datasets"]).all()
    search = pd.read_csv(out / "inner_search.csv")
    assert set(search["rule"]) >= {"argmax", "median", "mean", "predict"}
    for name in ("ci_mse.png", "summary.md", "run_info.json", "critical_difference.png"):
        assert (out / name).is_file()
    assert list(out.glob("heatmap_*.png"))
    assert not list(out.glob(".staging-*"))
    info = json.loads((out / "run_info.json").read_text())
    assert 0 < info["cpu_seconds"] < 2 * info["seconds"] + 5  # at most 2 workers busy

    # A second run (as after a kill) recomputes nothing: every fit would raise.
    def no_fit(*args, **kwargs):
        raise AssertionError("a cached unit was recomputed")

    monkeypatch.setattr(runner, "_evaluate", no_fit)
    monkeypatch.setattr(runner, "_inner_search", no_fit)
    sources = benchmark.data_dir_sources(orreview_root, max_holdouts=2)
    methods = {m: benchmark.METHODS[m] for m in CHEAP_METHODS}
    protocol = benchmark.protocol_from_args(benchmark.build_parser().parse_args(FAST))
    run = benchmark.run_benchmark(sources, methods, protocol, out / "cache", progress=False)
    assert run.computed == 0
    assert run.cached == len(run.results) == 2 * 2 * len(CHEAP_METHODS)
    assert len(run.search) == len(search)  # searches are read back from the cache too


def test_quick_run_on_a_mixed_folder(mixed_root, tmp_path, capsys):
    """The acceptance command: a folder never seen, orreview + CSV, five methods."""
    out = tmp_path / "out"
    methods = ["ce_rule", "ce_kl_rule", "hgb_reg", "mlp_reg", "hgb"]
    argv = ["--quick", "--data-dir", str(mixed_root), "--out", str(out), "--methods", *methods]
    assert benchmark.main([*argv, "--max-epochs", "3", "--no-progress", "--n-jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "±" in printed
    report = (out / "summary.md").read_text()
    assert "## Friedman" in report and "Nemenyi" in report
    for method in methods:
        assert f"`{method}`" in report
    assert (out / "critical_difference.png").stat().st_size > 1000
    results = pd.read_csv(out / "results.csv")
    assert set(results["dataset"]) == {"alpha", "grades"}
    assert results.groupby(["dataset", "method"]).size().eq(2).all()
    assert (results.loc[results["dataset"] == "grades", "n_classes"] == 5).all()
    friedman = pd.read_csv(out / "friedman.csv")
    assert set(friedman["method"]) == set(methods)
    assert friedman["mean_rank"].sum() == pytest.approx(len(methods) * (len(methods) + 1) / 2)


def test_a_rerun_into_the_same_folder_leaves_no_stale_outputs(mixed_root, tmp_path):
    out = tmp_path / "out"
    argv = ["--data-dir", str(mixed_root), "--out", str(out), *FAST, "--holdouts", "2"]
    assert benchmark.main([*argv, "--methods", "ce", "ce_rule", "logreg"]) == 0
    assert (out / "critical_difference.png").is_file() and (out / "friedman.csv").is_file()
    (out / "notes.txt").write_text("mine")  # not an output: never touched
    assert benchmark.main([*argv, "--methods", "logreg", "--datasets", "alpha"]) == 0
    info = json.loads((out / "run_info.json").read_text())
    left = {p.name for p in out.iterdir() if p.is_file()}
    assert left == {*info["outputs"], "run_info.json", "notes.txt"}
    assert not (out / "critical_difference.png").exists()
    assert not (out / "friedman.csv").exists()
    assert set(pd.read_csv(out / "results.csv")["method"]) == {"logreg"}


def test_train_sizes_on_a_csv_dataset(mixed_root, tmp_path):
    out = tmp_path / "out"
    argv = ["--data-dir", str(mixed_root), "--datasets", "grades", "--out", str(out), *FAST]
    assert (
        benchmark.main(
            [*argv, "--methods", "ce_rule", "hgb_reg", "--train-sizes", "40", "120", "500"]
        )
        == 0
    )
    results = pd.read_csv(out / "results.csv", dtype={"size": str})
    n_train = results.groupby("size")["n_train"].unique().to_dict()
    assert n_train == {"120": [120], "40": [40], "500": [180]}  # 180: the whole part
    summary = pd.read_csv(out / "summary.csv", dtype={"size": str})
    assert set(summary["size"]) == {"40", "120", "500"}
    report = (out / "summary.md").read_text()
    assert "grades (train=40)" in report and "grades (train=120)" in report
    assert "above the training part" in report and "grades 500 → 180 rows" in report
    assert "grades 120 →" not in report
    assert (out / "learning_curves.png").is_file()
    # one Friedman test per size, never pooled (one dataset here: too few to run)
    assert "### 40 training rows" in report and "### 120 training rows" in report
    assert not (out / "friedman.csv").exists()


def test_max_train_caps_the_training_part(mixed_root, tmp_path):
    sources = benchmark.data_dir_sources(mixed_root, ["grades"], max_holdouts=1)
    protocol = benchmark.Protocol(max_epochs=2, max_train=50)
    run = benchmark.run_benchmark(
        sources, {"logreg": benchmark.METHODS["logreg"]}, protocol, tmp_path / "c", progress=False
    )
    assert run.results["n_train"].tolist() == [50]


@pytest.mark.parametrize(
    ("case", "content", "problem"),
    [
        ("missing target", None, "not in the header"),
        ("unknown label", "score,city,age,grade\n1,a,2,superb\n", "not declared"),
        ("empty file", "", "empty"),
        ("duplicate classes", "dup", "duplicate classes"),
        ("one declared class", "one", "at least two labels"),
        ("one observed class", "single", "two observed"),
    ],
)
def test_bad_csv_fails_before_writing_anything(
    mixed_root, tmp_path, capsys, case, content, problem
):
    folder = mixed_root / "grades"
    if content is None:
        frame = pd.read_csv(folder / "grades.csv").drop(columns="grade")
        frame.to_csv(folder / "grades.csv", index=False)
    elif content in ("dup", "one"):
        meta = json.loads((folder / "grades.json").read_text())
        meta["classes"] = (
            ["poor", "fair", "fair", "good", "great"] if content == "dup" else ["poor"]
        )
        (folder / "grades.json").write_text(json.dumps(meta))
    elif content == "single":
        frame = pd.read_csv(folder / "grades.csv").assign(grade="fair")
        frame.to_csv(folder / "grades.csv", index=False)
    else:
        (folder / "grades.csv").write_text(content)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exc:
        benchmark.main(["--data-dir", str(mixed_root), "--out", str(out), *FAST])
    assert exc.value.code == 2
    message = capsys.readouterr().err
    assert "grades" in message and problem in message
    assert not out.exists()


def test_the_same_dataset_name_in_two_folders_is_refused(mixed_root, tmp_path, capsys):
    other = tmp_path / "other"
    _write_csv_dataset(other, name="grades", seed=1)
    out = tmp_path / "out"
    argv = ["--data-dir", str(mixed_root), str(other), "--out", str(out), *FAST]
    with pytest.raises(SystemExit) as exc:
        benchmark.main(argv)
    assert exc.value.code == 2
    assert "'grades' occurs twice" in capsys.readouterr().err
    assert not out.exists()


def test_changed_protocol_or_version_is_not_read_from_cache(orreview_root, tmp_path, monkeypatch):
    sources = benchmark.data_dir_sources(orreview_root, ["alpha"], max_holdouts=1)
    methods = {"logreg": benchmark.METHODS["logreg"]}
    quick = benchmark.QUICK_PROTOCOL
    cache_dir = tmp_path / "cache"

    def run(protocol=quick):
        return benchmark.run_benchmark(sources, methods, protocol, cache_dir, progress=False)

    first, again = run(), run()
    assert (first.computed, again.computed, again.cached) == (2, 0, 1)  # search + fit
    from dataclasses import replace

    assert run(replace(quick, seed=1)).computed == 2
    grid = {**quick.peer_grids, "logreg": {"C": (0.5,)}}
    assert run(replace(quick, peer_grids=grid)).computed == 2
    monkeypatch.setattr("sk_ordinal_kl.__version__", "99.0")
    cache.software_versions.cache_clear()
    try:
        assert run().computed == 2  # a new package version never reuses a result
    finally:
        monkeypatch.undo()
        cache.software_versions.cache_clear()


def test_changed_data_is_not_read_from_cache(mixed_root, tmp_path):
    sources = benchmark.data_dir_sources(mixed_root, ["grades"], max_holdouts=1)
    methods = {"logreg": benchmark.METHODS["logreg"]}
    protocol = benchmark.QUICK_PROTOCOL

    def run():
        return benchmark.run_benchmark(sources, methods, protocol, tmp_path / "c", progress=False)

    assert run().computed == 2 and run().computed == 0
    csv = mixed_root / "grades" / "grades.csv"
    csv.write_text(csv.read_text().replace("north", "NORTH"))
    assert run().computed == 2


def test_missing_peer_is_reported_as_skipped(orreview_root, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "mord", None)  # makes `import mord` raise ImportError
    out = tmp_path / "out"
    argv = ["--data-dir", str(orreview_root), "--out", str(out), "--holdouts", "1", *FAST]
    assert benchmark.main([*argv, "--methods", "logreg", "mord_at"]) == 0
    printed = capsys.readouterr().out
    assert "skipped peer mord_at" in printed
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped["method"].tolist() == ["mord_at"]
    assert "pip install mord" in skipped["reason"].iloc[0]
    assert set(pd.read_csv(out / "results.csv")["method"]) == {"logreg"}


def test_quick_on_shared_datasets(shared_datasets, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["--data-dir", str(shared_datasets), "--datasets", "ERA", "tae", "--out", str(out)]
    assert benchmark.main([*argv, "--quick", "--no-progress", "--n-jobs", "2"]) == 0
    results = pd.read_csv(out / "results.csv")
    assert set(results["dataset"]) == {"ERA", "tae"}
    # The optional peers (mord, coral-pytorch, dlordinal) run where they import; the
    # others are reported as skipped, with how to install them, and nothing else is.
    runnable, unavailable = benchmark.available_methods(benchmark.METHODS)
    assert set(runnable) | set(unavailable) == set(benchmark.METHODS)
    assert set(results["method"]) == set(runnable)
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped["method"].tolist() == list(unavailable)
    assert skipped["reason"].str.contains("not importable.*install: pip install").all()
    printed = capsys.readouterr().out
    assert all(f"skipped peer {name}" in printed for name in unavailable)
    assert results.groupby(["dataset", "method"]).size().eq(2).all()
    assert results["mse"].ge(0).all() and results["accuracy"].between(0, 1).all()
    assert (out / "heatmap_ERA.png").is_file()


# --------------------------------------------------------------------------- #
# Selection: the inner search's argmin
# --------------------------------------------------------------------------- #
def test_select_best_is_the_argmin_and_breaks_ties_by_grid_order():
    rows = [
        {"params": {"alpha": 0.5}, "rule": "argmax", "cv_mse": 2.0},
        {"params": {"alpha": 0.5}, "rule": "mean", "cv_mse": 0.5},
        {"params": {"alpha": 1.0}, "rule": "argmax", "cv_mse": 1.0},
        {"params": {"alpha": 2.0}, "rule": "argmax", "cv_mse": 1.0},
        {"params": {"alpha": 2.0}, "rule": "mean", "cv_mse": 3.0},
    ]
    assert runner.select_best(rows, ["argmax"])["params"] == {"alpha": 1.0}
    assert runner.select_best(rows, ["argmax", "mean"]) is rows[1]
    with pytest.raises(ValueError, match="no inner-search result"):
        runner.select_best(rows, ["median"])


def test_every_tuned_method_refits_the_inner_search_argmin(orreview_root, tmp_path):
    """End to end: the chosen parameters are the best inner-CV row (never the worst)."""
    sources = benchmark.data_dir_sources(orreview_root, ["alpha"], max_holdouts=2)
    protocol = benchmark.Protocol(max_epochs=3, alphas=(0.0, 3.0), sigmas=(0.3, 3.0), inner_cv=2)
    names = ["ce_rule", "ce_kl", "ce_kl_rule", "logreg"]
    methods = {m: benchmark.METHODS[m] for m in names}
    run = benchmark.run_benchmark(sources, methods, protocol, tmp_path / "c", progress=False)
    for row in run.results.itertuples():
        spec = methods[row.method]
        search = run.search[
            (run.search["search"] == (spec.search or row.method))
            & (run.search["holdout"] == row.holdout)
            & run.search["rule"].isin(spec.selectable_rules(protocol))
        ]
        chosen = json.loads(row.params)
        rule = chosen.pop("prediction", "predict")
        picked = search[(search["rule"] == rule) & (search["params"] == json.dumps(chosen))]
        assert len(picked) == 1
        assert picked["cv_mse"].iloc[0] == search["cv_mse"].min()
        assert search["cv_mse"].nunique() > 1  # the grid is not degenerate


# --------------------------------------------------------------------------- #
# Peers and glue
# --------------------------------------------------------------------------- #
def test_index_regressor_rounds_and_clips_to_the_index_range():
    from sklearn.dummy import DummyRegressor

    X = np.zeros((6, 1))
    classes = ["a", "b", "c"]
    low = IndexRegressor(DummyRegressor(strategy="constant", constant=-7.0), classes=classes)
    high = IndexRegressor(DummyRegressor(strategy="constant", constant=9.0), classes=classes)
    mid = IndexRegressor(DummyRegressor(strategy="constant", constant=1.4), classes=classes)
    y = ["a", "b", "c", "a", "b", "c"]
    assert low.fit(X, y).predict(X[:1]).tolist() == ["a"]
    assert high.fit(X, y).predict(X[:1]).tolist() == ["c"]
    assert mid.fit(X, y).predict(X[:1]).tolist() == ["b"]
    mean = IndexRegressor(DummyRegressor(), classes=["c", "b", "a"]).fit(X, ["a"] * 5 + ["c"])
    assert mean.regressor_.constant_.ravel()[0] == pytest.approx((5 * 2 + 0) / 6)  # ordinal index


def test_mlp_regression_method_learns_the_index():
    from sk_ordinal_kl.datasets import make_ordinal_classification

    X, y = make_ordinal_classification(n_samples=300, n_classes=4, random_state=0)
    frame = pd.DataFrame(X)
    frame.columns = [f"x{j}" for j in range(X.shape[1])]
    protocol = benchmark.Protocol(max_epochs=15)
    model = benchmark.METHODS["mlp_reg"].build(protocol, [0, 1, 2, 3], 0).fit(frame, y)
    pred = model.predict(frame)
    assert set(pred) <= {0, 1, 2, 3}
    assert np.mean((pred - y) ** 2) < np.mean((y - y.mean()) ** 2)


def test_wilcoxon_all_zero_differences():
    from sk_ordinal_kl.benchmark.statistics import wilcoxon_p

    assert wilcoxon_p([0.0, 0.0, 0.0]) == (1.0, "all differences zero")
    p, note = wilcoxon_p([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    assert note == "" and p == pytest.approx(2 / 2**6)  # exact two-sided, all positive


def test_corn_probabilities_are_distributions():
    proba = corn_probabilities(torch.randn(7, 4))
    assert proba.shape == (7, 5)
    assert torch.allclose(proba.sum(dim=1), torch.ones(7))
    assert (proba >= 0).all()


def test_atomic_cache_roundtrip(tmp_path):
    path = tmp_path / "a" / "b.json"
    write_atomic(path, {"x": 1})
    assert read_cached(path) == {"x": 1}
    assert read_cached(tmp_path / "missing.json") is None
    assert [p.name for p in path.parent.iterdir()] == ["b.json"]  # no temporary left over


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_atomic_writes_get_the_mode_of_any_new_file(tmp_path, umask_022):
    write_atomic(tmp_path / "a.json", {"x": 1})
    (tmp_path / "b.txt").write_text("plain")
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.txt").stat().st_mode) == 0o644
    os.umask(0o027)  # the umask decides, as for open()
    write_atomic(tmp_path / "c.json", {"x": 1})
    assert stat.S_IMODE((tmp_path / "c.json").stat().st_mode) == 0o640


def test_run_info_is_written_with_the_mode_of_the_other_outputs(
    orreview_root, tmp_path, umask_022
):
    sources = benchmark.data_dir_sources(orreview_root, ["alpha"], max_holdouts=1)
    methods = {"logreg": benchmark.METHODS["logreg"]}
    run = benchmark.run_benchmark(
        sources, methods, benchmark.QUICK_PROTOCOL, tmp_path / "c", progress=False
    )
    files = benchmark.write_outputs(run, tmp_path / "out")
    assert "run_info.json" in files and "summary.md" in files
    modes = {name: oct(stat.S_IMODE(path.stat().st_mode)) for name, path in files.items()}
    assert modes == dict.fromkeys(files, oct(0o644))
    cached = list((tmp_path / "c").rglob("*.json"))
    assert cached and {oct(stat.S_IMODE(p.stat().st_mode)) for p in cached} == {oct(0o644)}


def test_every_loss_of_the_family_is_an_opt_in_method():
    from sk_ordinal_kl.benchmark import ALL_METHODS, LOSS_METHODS, METHODS, Protocol
    from sk_ordinal_kl.losses import LOSSES, MinMaxLoss
    from sk_ordinal_kl.modules import MinMaxMLP

    assert set(LOSS_METHODS) == {f"loss_{name}" for name in LOSSES}
    assert not set(LOSS_METHODS) & set(METHODS)  # the default run stays as documented
    assert set(ALL_METHODS) >= set(METHODS) | set(LOSS_METHODS)
    for name, criterion in LOSSES.items():
        clf = LOSS_METHODS[f"loss_{name}"].build(Protocol(), [0, 1, 2], 0).named_steps["clf"]
        assert clf.criterion is criterion
    min_max = LOSS_METHODS["loss_min_max"].build(Protocol(), [0, 1, 2], 0).named_steps["clf"]
    assert min_max.module is MinMaxMLP and min_max.criterion is MinMaxLoss


def test_corn_method_predicts_distributions_over_all_classes():
    from sk_ordinal_kl.datasets import make_ordinal_classification

    X, y = make_ordinal_classification(n_samples=120, n_classes=4, random_state=0)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    build = benchmark.METHODS["corn"].build
    model = build(benchmark.Protocol(max_epochs=3), classes=[0, 1, 2, 3], seed=0).fit(frame, y)
    proba = model.predict_proba(frame)
    assert proba.shape == (120, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


def test_peer_grids_are_no_larger_than_the_ce_kl_rule_grid():
    # ce_kl_rule scores alpha x sigma x rule candidates; no peer searches more
    protocol = benchmark.Protocol()
    kl_points = len(protocol.alphas) * len(protocol.sigmas) * len(protocol.rules)
    for name, spec in benchmark.METHODS.items():
        if spec.grid is not None:
            points = int(np.prod([len(v) for v in spec.grid(protocol).values()]))
            assert points <= kl_points, name


def test_code_digest_ignores_docstrings_but_not_code():
    import ast

    def dump(text):
        return ast.dump(cache._without_docstrings(ast.parse(text)))

    plain = "def f(x):\n    return x + 1\n"
    documented = 'def f(x):\n    """Add one."""\n    # a comment\n    return x + 1\n'
    assert dump(plain) == dump(documented)
    assert dump(plain) != dump(plain.replace("+ 1", "+ 2"))
    assert len(cache.code_digest()) == 16


class _Boom:
    """A classifier whose fit raises (a method that breaks on some data)."""

    def get_params(self, deep=True):
        return {}

    def fit(self, X, y):
        raise RuntimeError("boom on purpose")


def _boom_method(protocol, classes, seed):
    return _Boom()


def test_a_failing_method_is_reported_and_the_others_still_run(orreview_root, tmp_path):
    sources = benchmark.data_dir_sources(orreview_root, ["alpha"], max_holdouts=1)
    methods = {
        "boom": benchmark.MethodSpec(_boom_method, "raises"),
        "logreg": benchmark.METHODS["logreg"],
    }
    run = benchmark.run_benchmark(
        sources, methods, benchmark.QUICK_PROTOCOL, tmp_path / "c", progress=False
    )
    assert set(run.results["method"]) == {"logreg"}
    assert [(f["method"], f["error"]) for f in run.failures] == [
        ("boom", "RuntimeError: boom on purpose")
    ]
    benchmark.write_outputs(run, tmp_path / "out")
    report = (tmp_path / "out" / "summary.md").read_text()
    assert "1 unit(s) failed" in report
    assert "- `boom`: a custom method — **failed on every unit**" in report
    assert (
        "- `logreg`:" in report
        and "`logreg`: " + benchmark.METHODS["logreg"].description in report
    )


def test_observed_class_index_fits_contiguous_labels_and_maps_back():
    from sklearn.linear_model import LogisticRegression

    from sk_ordinal_kl.benchmark.peers import ObservedClassIndex

    X = np.linspace(-3, 3, 60).reshape(-1, 1)
    y = np.repeat([0, 2, 5], 20)  # a gap at 1, 3 and 4
    model = ObservedClassIndex(LogisticRegression()).fit(X, y)
    assert model.estimator_.classes_.tolist() == [0, 1, 2]
    assert model.predict([[-3.0], [0.0], [3.0]]).tolist() == [0, 2, 5]


@pytest.mark.parametrize(
    "case",
    [
        "no data folder",
        "data folder is a file",
        "out is a file",
        "out under a file",
        "rerender no run",
        "rerender no folder",
    ],
)
def test_cli_input_errors_exit_2_with_one_line(tmp_path, capsys, case):
    stray = tmp_path / "file.txt"
    stray.write_text("x")
    argv = {
        "no data folder": ["--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")],
        "data folder is a file": ["--data-dir", str(stray), "--out", str(tmp_path / "o")],
        "out is a file": ["--out", str(stray)],
        "out under a file": ["--out", str(stray / "sub")],
        "rerender no run": ["--rerender", str(tmp_path)],
        "rerender no folder": ["--rerender", str(tmp_path / "nowhere")],
    }[case]
    with pytest.raises(SystemExit) as exc:
        benchmark.main([*argv, *FAST])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "usage:" not in err
    expected = {
        "no data folder": "data folder not found",
        "data folder is a file": "is a file, not a folder",
        "out is a file": "is a file, not a folder",
        "out under a file": "file.txt is a file, not a folder",
        "rerender no run": "not a finished benchmark run",
        "rerender no folder": "folder not found",
    }[case]
    assert expected in err
    assert not (tmp_path / "o").exists()


def test_rerender_rewrites_the_report_from_the_csvs(orreview_root, tmp_path, monkeypatch):
    out = tmp_path / "out"
    argv = ["--data-dir", str(orreview_root), "--out", str(out), *FAST]
    assert benchmark.main([*argv, "--methods", "ce", "ce_kl", "logreg"]) == 0
    before = (out / "summary.md").read_text()
    assert "no difference can reach p < 0.05" in before  # 2 holdouts: not testable
    (out / "summary.md").unlink()
    (out / "critical_difference.png").unlink()
    # The environment that computed the results stays recorded through a re-render.
    info = json.loads((out / "run_info.json").read_text())
    computed_by = {**info["software"], "sk-ordinal-kl-code": "computed-elsewhere"}
    # A method described otherwise when it ran keeps that description.
    described = {**info["methods"], "ce_kl": "CE+KL as it was configured then"}
    (out / "run_info.json").write_text(
        json.dumps({**info, "software": computed_by, "methods": described})
    )
    before = before.replace(info["methods"]["ce_kl"], described["ce_kl"])

    def no_fit(*args, **kwargs):
        raise AssertionError("re-rendering must not fit")

    monkeypatch.setattr(runner, "_evaluate", no_fit)
    monkeypatch.setattr(runner, "_inner_search", no_fit)
    assert benchmark.main(["--rerender", str(out)]) == 0
    assert (out / "summary.md").read_text() == before
    info = json.loads((out / "run_info.json").read_text())
    assert info["software"] == computed_by and "rendered_by_commit" in info
    assert info["methods"] == described
    assert info["sources"]["alpha"] == {
        "kind": "orreview",
        "root": str(orreview_root),
        "split_seed": 0,
    }
    assert (out / "critical_difference.png").is_file()


def test_guidance_tables_quote_the_run(mixed_root, tmp_path):
    from sk_ordinal_kl.benchmark import guidance

    root = tmp_path / "results"
    argv = ["--data-dir", str(mixed_root), *FAST, "--holdouts", "2"]
    methods = ["ce", "ce_rule", "ce_kl", "ce_kl_rule", "hgb_reg"]
    assert benchmark.main([*argv, "--methods", *methods, "--out", str(root / "main")]) == 0
    assert guidance.main([str(root)]) == 0
    text = (root / "guidance.md").read_text()
    results = pd.read_csv(root / "main" / "results.csv")
    for dataset in ("alpha", "grades"):
        mean = results[(results["dataset"] == dataset) & (results["method"] == "ce_kl_rule")]
        section = text.split("### CE vs CE+KL")[1]
        row = next(line for line in section.splitlines() if line.startswith(f"| {dataset} |"))
        assert f"{mean['mse'].mean():.3f}" in row
    assert "Conformal sets at 90%" in text and "### By training size" not in text


def test_tuned_thresholds_study_reports_every_selection(orreview_root, capsys):
    tuned_thresholds = load_script("benchmarks/accuracy/tuned_thresholds.py")
    tuned_thresholds.main(["--data-dir", str(orreview_root), "--datasets", "alpha"])
    lines = capsys.readouterr().out.splitlines()
    line = next(line for line in lines if line.startswith("| alpha |"))
    row = [cell.strip() for cell in line.strip("|").split("|")]
    assert row[0] == "alpha" and row[1] == "3"  # every holdout of the set
    mse = [float(value) for value in row[2:5]]  # tuned, in-sample, rules only
    hindsight = float(row[5].split(" (")[0])
    assert row[5].split(" (")[1].rstrip(")") in ("argmax", "median", "mean")
    ratios = [float(value) for value in row[6:9]]
    np.testing.assert_allclose(ratios, np.array(mse) / hindsight, atol=1e-3)
    assert all(v.endswith("/3") and 0 <= int(v.split("/")[0]) <= 3 for v in row[9:11])
    assert any(line.startswith("| geometric mean |") for line in lines)


def _identity_mlp(protocol, classes, seed):
    """A pipeline whose preprocessor learns nothing, so per-fold and once agree."""
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from sk_ordinal_kl import OrdinalKLClassifier

    clf = OrdinalKLClassifier(
        classes=classes,
        max_epochs=3,
        batch_size=16,
        module__hidden_units=(8,),
        module__dropout=0.0,
        random_state=seed,
    )
    return Pipeline([("prep", FunctionTransformer()), ("clf", clf)])


def test_batched_inner_search_gives_the_grid_search_rows():
    from sk_ordinal_kl.benchmark.data import Split
    from sk_ordinal_kl.benchmark.methods import MethodSpec, _kl_grid
    from sk_ordinal_kl.benchmark.protocol import Protocol

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(90, 4)).astype(np.float32), columns=list("abcd"))
    y = np.clip(np.round(X["a"].to_numpy() + X["b"].to_numpy() + 1.5), 0, 3).astype(np.int64)
    split = Split(X, y, X, y, 4, "demo", 0)
    protocol = Protocol(alphas=(0.5, 2.0), sigmas=(0.5, 1.5), inner_cv=3)
    common = {"description": "demo", "grid": _kl_grid, "score_rules": True, "tune_rule": True}
    separate = runner._inner_search(MethodSpec(_identity_mlp, **common), split, protocol, 0)
    batched = runner._inner_search(
        MethodSpec(_identity_mlp, **common, batched=True), split, protocol, 0
    )
    assert [(r["params"], r["rule"]) for r in batched] == [
        (r["params"], r["rule"]) for r in separate
    ]
    np.testing.assert_allclose(
        [r["cv_mse"] for r in batched], [r["cv_mse"] for r in separate], rtol=1e-5
    )
