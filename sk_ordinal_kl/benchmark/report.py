"""The benchmark's outputs: CSV tables, the Markdown report and the figures.

:func:`write_outputs` writes everything into one folder: ``results.csv`` (one row per
dataset, size, method and holdout), ``summary.csv`` (means and 95% CIs),
``pairwise_tests.csv`` and ``win_tie_loss.csv`` (paired Wilcoxon against the reference
methods), ``standing.csv`` (our best configuration against the best peer, per dataset),
``friedman.csv`` and ``nemenyi.csv``, ``inner_search.csv``, ``skipped.csv``,
``run_info.json``, the figures and ``summary.md``. Files are first written to a hidden
temporary folder and then moved into place, so a failure leaves no half-written set.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from .._markdown import markdown_table
from .cache import software_versions, write_atomic
from .methods import ALL_METHODS
from .protocol import Protocol
from .runner import ALL_SIZES, BenchmarkRun
from .standing import standing_markdown, standing_table
from .statistics import (
    METRICS,
    SIGNIFICANCE_LEVEL,
    FriedmanResult,
    ci_table,
    friedman_by_size,
    hindsight_tests,
    paired_tests,
    t_interval,
    win_tie_loss,
)

__all__ = [
    "REFERENCES",
    "conformal_markdown",
    "friedman_markdown",
    "hindsight_markdown",
    "load_run",
    "ours_methods",
    "report_markdown",
    "summary_markdown",
    "tests_markdown",
    "write_outputs",
]

HINDSIGHT_NOTE = (
    "`TunedOrdinalDecisionCV` chooses its decision (argmax, median, mean or K-1 cut points "
    "on the expected index) from out-of-fold probabilities of the training part. It is "
    "compared with the fixed rule that has the lowest mean MSE on the *test* parts, "
    "applied to the same refitted model: a choice made with hindsight. W = lower MSE and "
    "p < 0.05 (paired Wilcoxon over holdouts), L = higher and p < 0.05, T otherwise."
)

CONFORMAL_NOTE = (
    'Split conformal, ordinal APS (`OrdinalConformalClassifier(method="aps")`): the tuned '
    "method refitted on 75% of each training part, conformalized on the other 25%, "
    "coverage of the true class and width (high - low class index) on the test part. "
    "The guarantee is coverage >= level on average over calibration draws."
)

#: Fewest paired holdouts with which a two-sided Wilcoxon test can reach p < 0.05
#: (the exact test's smallest p-value is 2 / 2^n: 0.0625 for 5 pairs, 0.031 for 6).
MIN_DECIDABLE_PAIRS = 6

#: Methods every other method is tested against (paired Wilcoxon, W/T/L).
REFERENCES = ("ce_kl", "ce_kl_rule", "tabm_kl_rule")


def _fmt(mean: float, half: float, digits: int = 3) -> str:
    if not np.isfinite(mean):
        return "—"
    if not np.isfinite(half):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {half:.{digits}f}"


def _setting(dataset: str, size: str) -> str:
    return dataset if size == ALL_SIZES else f"{dataset} (train={size})"


def summary_markdown(summary: pd.DataFrame) -> str:
    """Markdown table: dataset, method, holdouts, ``mean ± 95% CI half-width`` per metric
    and the median refit time in seconds (``fit s``, one thread, when recorded).

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`~sk_ordinal_kl.benchmark.statistics.ci_table`.

    Returns
    -------
    table : str
    """
    timed = "fit_seconds" in summary
    header = ["dataset", "method", "n", "train rows", *(label for label, _ in METRICS.values())]
    header += ["fit s"] if timed else []
    rows = []
    for _, row in summary.iterrows():
        cells = [_fmt(row[f"{m}_mean"], row[f"{m}_ci_half"]) for m in METRICS]
        cells += [_seconds(row["fit_seconds"])] if timed else []
        setting = _setting(row["dataset"], row["size"])
        rows.append([setting, row["method"], row["n_holdouts"], f"{row['n_train']:.0f}", *cells])
    return markdown_table(header, rows)


def _seconds(value: float) -> str:
    """A median fit time: two significant digits (0.012, 0.35, 4.2, 37)."""
    return "—" if not np.isfinite(value) else f"{value:.2g}" if value < 10 else f"{value:.0f}"


def tests_markdown(tests: pd.DataFrame, wtl: pd.DataFrame) -> str:
    """Markdown: per reference method, Wilcoxon p-values per block and the W/T/L line.

    Parameters
    ----------
    tests : DataFrame
        Output of :func:`~sk_ordinal_kl.benchmark.statistics.paired_tests`.
    wtl : DataFrame
        Output of :func:`~sk_ordinal_kl.benchmark.statistics.win_tie_loss`.

    Returns
    -------
    text : str
    """
    if tests.empty:
        return "_No paired tests (the reference methods did not run)._"
    letter = {"win": "W", "tie": "T", "loss": "L"}
    parts = []
    for ref, data in tests.groupby("method", sort=False):
        opponents = list(pd.unique(data["opponent"]))
        rows = []
        for (dataset, size), group in data.groupby(["dataset", "size"], sort=False):
            by_opp = group.set_index("opponent")
            cells = []
            for opp in opponents:
                if opp not in by_opp.index:
                    cells.append("—")
                    continue
                r = by_opp.loc[opp]
                mark = "*" if r["note"] else ""
                cells.append(f"{letter[r['outcome']]} p={r['p_value']:.3g}{mark}")
            rows.append([_setting(dataset, size), *cells])
        counts = wtl[wtl["method"] == ref].set_index("opponent")
        rows.append(
            ["**W/T/L**"]
            + [
                f"**{counts.loc[o, 'wins']}/{counts.loc[o, 'ties']}/{counts.loc[o, 'losses']}**"
                for o in opponents
            ]
        )
        header = ["dataset", *(f"{ref} vs {o}" for o in opponents)]
        parts.append(
            f"**{ref}** against each method (MSE-index, paired Wilcoxon):\n\n"
            + markdown_table(header, rows)
        )
    notes = tests[tests["note"] != ""]
    if not notes.empty:
        listed = "; ".join(
            f"{_setting(r.dataset, r.size)} {r.method} vs {r.opponent}: {r.note}"
            for r in notes.itertuples()
        )
        parts.append(f"\\* p-value set by convention, not by a test — {listed}.")
    fewest = int(tests["n_pairs"].min())
    if fewest < MIN_DECIDABLE_PAIRS:
        parts.append(
            f"With {fewest} paired holdouts the smallest two-sided Wilcoxon p-value is "
            f"2/2^{fewest} = {2 / 2**fewest:.3g}: below {MIN_DECIDABLE_PAIRS} pairs no "
            "difference can reach p < 0.05, so T there means *not testable*, not *equal*."
        )
    return "\n\n".join(parts)


def _suffixed(stem: str, size: str, ext: str) -> str:
    """File name of a per-size output (no suffix for the whole training part)."""
    return f"{stem}{ext}" if size == ALL_SIZES else f"{stem}_train{size}{ext}"


def friedman_markdown(friedman: FriedmanResult | None, size: str = ALL_SIZES) -> str:
    """Markdown of the Friedman test: mean ranks, p-value, Nemenyi CD and groups.

    Parameters
    ----------
    friedman : FriedmanResult or None
        Output of :func:`~sk_ordinal_kl.benchmark.statistics.friedman_test`.
    size : str, default="all"
        Training size the test is about (names its files).

    Returns
    -------
    text : str
    """
    if friedman is None:
        return "_Not computed: the test needs at least 3 methods with results on 2 datasets._"
    best = friedman.ranks.index[0]
    same = [m for m in friedman.ranks.index if friedman.nemenyi.loc[best, m] >= SIGNIFICANCE_LEVEL]
    rows = [
        [i + 1, method, f"{rank:.2f}", f"{friedman.nemenyi.loc[best, method]:.3g}"]
        for i, (method, rank) in enumerate(friedman.ranks.items())
    ]
    verdict = (
        "the methods' mean ranks differ"
        if friedman.p_value < SIGNIFICANCE_LEVEL
        else "no evidence that the methods' mean ranks differ"
    )
    lines = [
        f"Friedman test over {friedman.n_blocks} datasets and "
        f"{len(friedman.ranks)} methods: chi² = {friedman.statistic:.2f}, "
        f"p = {friedman.p_value:.3g} — {verdict} at the 5% level.",
        f"Nemenyi critical difference of mean ranks: CD = {friedman.critical_difference:.2f}. "
        f"Methods the Nemenyi test does not separate from the best-ranked `{best}` "
        f"(p ≥ 0.05): {', '.join(f'`{m}`' for m in same)}.",
        markdown_table(["rank", "method", "mean rank", f"Nemenyi p vs {best}"], rows),
        f"Diagram: `{_suffixed('critical_difference', size, '.png')}`; all pairwise "
        f"p-values: `{_suffixed('nemenyi', size, '.csv')}`.",
    ]
    if friedman.dropped:
        lines.append(
            "Left out (no result on some block): "
            + ", ".join(f"`{m}`" for m in friedman.dropped)
            + "."
        )
    return "\n\n".join(lines)


def conformal_markdown(conformal: pd.DataFrame) -> str:
    """Markdown table of conformal coverage and mean width (mean ± 95% CI over holdouts).

    Parameters
    ----------
    conformal : DataFrame
        ``BenchmarkRun.conformal``.

    Returns
    -------
    table : str
    """
    rows = []
    for (dataset, size, method), group in conformal.groupby(
        ["dataset", "size", "method"], sort=False
    ):
        measured = group.dropna(subset=["coverage"])
        coverage = t_interval(measured["coverage"])
        width = t_interval(measured["width"])
        rows.append(
            [
                _setting(dataset, size),
                method,
                len(measured),
                f"{group['level'].iloc[0]:.2f}",
                _fmt(*coverage),
                _fmt(*width, digits=2),
            ]
        )
    header = ["dataset", "method", "n", "level", "coverage", "mean width (classes)"]
    text = markdown_table(header, rows)
    full = (
        conformal[conformal["width"] >= conformal["n_classes"] - 1]
        if "n_classes" in conformal
        else []
    )
    if len(full):
        text += (
            f"\n\n{len(full)} holdout(s) gave every test row the set of all classes (too few "
            "calibration rows for a tighter threshold at this level): coverage 1 there is "
            "trivial."
        )
    dropped = int(conformal["n_calibration_dropped"].sum())
    if dropped:
        text += (
            f"\n\n{dropped} calibration row(s) in all were left out because their class "
            "never occurred in the 75% the model was fitted on."
        )
    notes = (
        conformal[conformal["note"].astype("string").fillna("") != ""]
        if "note" in conformal
        else []
    )
    if len(notes):
        skipped = notes.groupby(["dataset", "method"], sort=False)["note"].first()
        text += (
            "\n\nNot measured (holdouts left out of n): "
            + "; ".join(f"{d} {m}: {note}" for (d, m), note in skipped.items())
            + "."
        )
    return text


def hindsight_markdown(hindsight: pd.DataFrame) -> str:
    """Markdown: tuned decision vs the best fixed rule chosen on the test part, with W/T/L.

    Parameters
    ----------
    hindsight : DataFrame
        Output of :func:`~sk_ordinal_kl.benchmark.statistics.hindsight_tests`.

    Returns
    -------
    text : str
    """
    letter = {"win": "W", "tie": "T", "loss": "L"}
    parts = []
    for method, data in hindsight.groupby("method", sort=False):
        rows = [
            [
                _setting(r.dataset, r.size),
                f"{r.mse_tuned:.3f}",
                f"{r.mse_hindsight:.3f} ({r.hindsight_rule})",
                f"{letter[r.outcome]} p={r.p_value:.3g}",
            ]
            for r in data.itertuples()
        ]
        counts = data["outcome"].value_counts()
        rows.append(
            [
                "**W/T/L**",
                "",
                "",
                f"**{counts.get('win', 0)}/{counts.get('tie', 0)}/{counts.get('loss', 0)}**",
            ]
        )
        header = ["dataset", f"{method} MSE", "best fixed rule in hindsight", "outcome"]
        parts.append(markdown_table(header, rows))
    return "\n\n".join(parts)


STANDING_NOTE = (
    "Per dataset, the method of this package with the lowest mean MSE on the class index "
    "(any backbone, head, loss or rule) against the peer with the lowest mean MSE (every "
    "other method), both picked on the test means; ratio = ours / peer, both floored at one "
    "off-by-one error among the paired test rows (a perfect score is not infinitely "
    "better than one error); paired Wilcoxon over the holdouts both ran. W = our mean "
    "lower and p < 0.05, L = higher and p < 0.05, T otherwise (with fewer than 6 paired "
    "holdouts p < 0.05 cannot be reached)."
)


def ours_methods(run: BenchmarkRun) -> list[str]:
    """The methods of ``run`` that are configurations of this package.

    The list recorded with the run when it has one (a re-render keeps it), else the
    registry's ``ours`` flags.
    """
    recorded = run.info.get("ours")
    if recorded is not None:
        return list(recorded)
    return [
        m for m in pd.unique(run.results["method"]) if m in ALL_METHODS and ALL_METHODS[m].ours
    ]


def report_markdown(
    run: BenchmarkRun, summary, tests, wtl, friedman, hindsight=None, standing=None
) -> str:
    """The Markdown report: protocol, skipped peers, standing, CI table, tests and Friedman.

    Parameters
    ----------
    run : BenchmarkRun
        The run.
    summary, tests, wtl : DataFrame
        Outputs of ``ci_table``, ``paired_tests`` and ``win_tie_loss``.
    friedman : dict
        Output of ``friedman_by_size``: training size -> FriedmanResult or None.
    hindsight : DataFrame, optional
        Output of ``hindsight_tests`` (computed from ``run.results`` when not given).
    standing : DataFrame, optional
        Output of ``standing_table`` (computed from ``run.results`` when not given).

    Returns
    -------
    text : str
    """
    skipped = [f"- skipped `{k}`: {v}" for k, v in run.skipped.items()] or ["- none"]
    with_results = list(pd.unique(run.results["method"]))
    only_failed = [f["method"] for f in run.failures if f["method"] not in with_results]
    methods = [
        f"- `{m}`: {_description(run, m)}"
        + ("" if m in with_results else " — **failed on every unit** (see below)")
        for m in dict.fromkeys([*with_results, *only_failed])
    ]
    command = run.info.get("command", "")
    if hindsight is None:
        hindsight = hindsight_tests(run.results)
    if standing is None:
        standing = standing_table(run.results, ours_methods(run))
    has_hindsight = not hindsight.empty
    parts = [
        "# Benchmark results",
        f"Command: `{command}`" if command else "",
        f"Protocol: `{_protocol_text(run.protocol)}`",
        f"Holdouts per dataset: {_holdout_counts(run.results)}. Compute: {run.seconds:.0f} s "
        f"wall in this invocation ({run.computed} units computed, {run.cached} from cache).",
        "Methods:\n" + "\n".join(methods),
        "Skipped peers:\n" + "\n".join(skipped),
        _failures_markdown(run.failures),
        _capped_sizes_markdown(run.results),
        _time_limit_markdown(run),
        "## Standing: our best configuration against the best peer" if len(standing) else "",
        STANDING_NOTE if len(standing) else "",
        standing_markdown(standing) if len(standing) else "",
        "## Test metrics: mean ± 95% t-CI half-width over holdouts, median refit seconds",
        summary_markdown(summary) if not summary.empty else "_no results_",
        "## Friedman",
        _friedman_sections(friedman),
        "## Tuned decision against the best fixed rule in hindsight" if has_hindsight else "",
        HINDSIGHT_NOTE if has_hindsight else "",
        hindsight_markdown(hindsight) if has_hindsight else "",
        "## Conformal prediction sets" if not run.conformal.empty else "",
        CONFORMAL_NOTE if not run.conformal.empty else "",
        conformal_markdown(run.conformal) if not run.conformal.empty else "",
        "## CE+KL against each method: paired Wilcoxon on MSE-index",
        "W = lower mean MSE and p < 0.05, L = higher mean MSE and p < 0.05, T otherwise.",
        tests_markdown(tests, wtl),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _protocol_text(protocol: Protocol) -> str:
    """The protocol's repr with its grids, and their parameters, in name order (as
    ``run_info.json`` stores them)."""
    peers = sorted(protocol.peer_grids.items())
    grids = {name: dict(sorted(grid.items())) for name, grid in peers}
    return repr(replace(protocol, peer_grids=grids))


def _failures_markdown(failures: list[dict]) -> str:
    if not failures:
        return ""
    rows = [[f["dataset"], f["size"], f["method"], f["holdout"], f["error"]] for f in failures]
    return (
        f"**{len(failures)} unit(s) failed or ran out of the solver time limit** and are "
        "missing from the tables below (a rerun retries them):\n\n"
        + markdown_table(["dataset", "size", "method", "holdout", "error"], rows)
    )


def _friedman_sections(friedman: dict) -> str:
    if len(friedman) <= 1:
        return "\n\n".join(friedman_markdown(f, size) for size, f in friedman.items())
    parts = [
        "One test per training size, datasets as blocks (the points of a learning curve "
        "share their test parts, so they are not independent blocks)."
    ]
    for size, result in friedman.items():
        label = "whole training part" if size == ALL_SIZES else f"{size} training rows"
        parts += [f"### {label}", friedman_markdown(result, size)]
    return "\n\n".join(parts)


def _capped_sizes_markdown(results: pd.DataFrame) -> str:
    """Say which requested training sizes exceeded the training part (they ran on all of
    it, so their rows repeat the whole-part result instead of being a learning-curve
    point)."""
    if results.empty or "size" not in results:
        return ""
    sized = results[results["size"].astype(str) != ALL_SIZES]
    capped = sized[sized["n_train"] < sized["size"].astype(int)]
    if capped.empty:
        return ""
    largest = capped.groupby(["dataset", "size"], sort=False)["n_train"].max()
    cases = ", ".join(f"{d} {size} → {n} rows" for (d, size), n in largest.items())
    return (
        "**Training sizes above the training part** ran on the whole part (the row repeats "
        f"it; it is not a learning-curve point): {cases}."
    )


def _time_limit_markdown(run: BenchmarkRun) -> str:
    """Which inner-search grid points ran out of the solver time limit (NaN CV MSE)."""
    search = run.search
    if search.empty:
        return ""
    counts = search.assign(out=search["cv_mse"].isna()).groupby(
        ["dataset", "size", "search"], sort=False
    )["out"]
    out, total = counts.sum(), counts.size()
    cases = [
        f"`{name}` on {dataset}{'' if size == ALL_SIZES else f' ({size})'}: "
        f"{int(out[key])} of {int(total[key])}"
        for key in out.index
        if out[key]
        for dataset, size, name in [key]
    ]
    if not cases:
        return ""
    return (
        f"**Solver time limits ({run.protocol.solver_time_limit:g} s per fit, "
        f"{run.protocol.search_time_budget:g} s per inner search):** grid points (summed "
        "over holdouts) that a fit ran out of time on, or that the search did not reach "
        "within its budget, could not be chosen — " + "; ".join(cases) + "."
    )


def _holdout_counts(results: pd.DataFrame) -> str:
    counts = results.groupby("dataset", sort=False)["holdout"].nunique()
    return ", ".join(f"{d} {n}" for d, n in counts.items()) or "none"


def _git_commit() -> str | None:
    """The checkout's commit (with ``+dirty`` for uncommitted changes), if it is one."""
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "sk_ordinal_kl"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}+dirty" if dirty else head


def _run_info(run: BenchmarkRun) -> dict[str, Any]:
    commit = _git_commit()
    # The environment that computed the results; a re-rendered run keeps its own
    # (run.info holds them then) and only rendered_by_commit is new.
    computed_by = {
        "git_commit": commit,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "software": software_versions(),
    }
    return {
        **computed_by,
        **run.info,
        "rendered_by_commit": commit,
        "protocol": asdict(run.protocol),
        "skipped": run.skipped,
        "computed_units": run.computed,
        "cached_results": run.cached,
        "failures": run.failures,
        # Unrounded: a re-rendered summary must print the same whole seconds.
        "seconds": run.seconds,
        # CPU time of the units, summed over the workers (what the run costs on a busy
        # machine, where the wall-clock seconds also count the waiting).
        "cpu_seconds": run.cpu_seconds,
        "holdouts": run.results.groupby("dataset", sort=False)["holdout"]
        .apply(lambda h: sorted(map(int, pd.unique(h))))
        .to_dict(),
        "methods": {
            m: _description(run, m)
            for m in pd.unique(run.results["method"])
            if m in ALL_METHODS or m in run.info.get("methods", {})
        },
        "ours": ours_methods(run),
    }


def _description(run: BenchmarkRun, method: str) -> str:
    """How ``method`` was configured when its results were computed: the description a
    re-rendered run recorded (a method may have changed since), else today's."""
    recorded = run.info.get("methods", {})
    if method in recorded:
        return recorded[method]
    return ALL_METHODS[method].description if method in ALL_METHODS else "a custom method"


def _heatmap_dataset(search: pd.DataFrame, preferred: str | None) -> str | None:
    kl = search[(search["search"] == "ce_kl") & (search["size"] == ALL_SIZES)]
    if kl.empty:
        return None
    names = list(pd.unique(kl["dataset"]))
    if preferred in names:
        return preferred
    return "ERA" if "ERA" in names else names[0]


def _write_tables(run, folder: Path, summary, tests, wtl, friedman, hindsight, standing) -> None:
    run.results.to_csv(folder / "results.csv", index=False)
    if not standing.empty:
        standing.to_csv(folder / "standing.csv", index=False, float_format="%.6g")
    summary.to_csv(folder / "summary.csv", index=False, float_format="%.6g")
    tests.to_csv(folder / "pairwise_tests.csv", index=False, float_format="%.6g")
    wtl.to_csv(folder / "win_tie_loss.csv", index=False)
    run.search.to_csv(folder / "inner_search.csv", index=False, float_format="%.6g")
    if not run.conformal.empty:
        run.conformal.to_csv(folder / "conformal.csv", index=False, float_format="%.6g")
    if not hindsight.empty:
        hindsight.to_csv(folder / "hindsight_rule_tests.csv", index=False, float_format="%.6g")
    pd.DataFrame(
        [{"method": k, "reason": v} for k, v in run.skipped.items()], columns=["method", "reason"]
    ).to_csv(folder / "skipped.csv", index=False)
    frames = []
    for size, result in friedman.items():
        if result is None:
            continue
        ranks = result.ranks.rename("mean_rank").rename_axis("method").reset_index()
        ranks.insert(0, "size", size)
        ranks["friedman_statistic"] = result.statistic
        ranks["friedman_p"] = result.p_value
        ranks["critical_difference"] = result.critical_difference
        ranks["n_datasets"] = result.n_blocks
        frames.append(ranks)
        result.nemenyi.to_csv(folder / _suffixed("nemenyi", size, ".csv"), float_format="%.6g")
    if frames:
        pd.concat(frames).to_csv(folder / "friedman.csv", index=False, float_format="%.6g")


def _write_figures(run, folder: Path, summary, friedman, heatmap_dataset) -> None:
    from .plots import (
        plot_ci,
        plot_critical_difference,
        plot_learning_curves,
        plot_search_heatmap,
    )

    if not summary.empty:
        plot_ci(summary, folder / "ci_mse.png")
        plot_learning_curves(summary, folder / "learning_curves.png")
    for size, result in friedman.items():
        if result is not None:
            path = folder / _suffixed("critical_difference", size, ".png")
            plot_critical_difference(result, path, size)
    name = _heatmap_dataset(run.search, heatmap_dataset)
    if name is not None:
        plot_search_heatmap(run.search, name, folder / f"heatmap_{name}.png")


def write_outputs(
    run: BenchmarkRun, out: str | os.PathLike[str], heatmap_dataset: str | None = None
) -> dict[str, Path]:
    """Write CSVs, Markdown report and PNG figures of ``run`` into ``out``.

    Everything is written to a temporary folder inside ``out`` first and moved into
    place at the end: an exception leaves ``out`` as it was.

    Parameters
    ----------
    run : BenchmarkRun
        Output of :func:`~sk_ordinal_kl.benchmark.runner.run_benchmark`.
    out : path-like
        Output folder (created if needed).
    heatmap_dataset : str, optional
        Dataset of the alpha × sigma heatmap (default ERA if run, else the first).

    Returns
    -------
    files : dict
        File name -> path written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = ci_table(run.results)
    present = set(run.results["method"])
    tests = paired_tests(run.results, [r for r in REFERENCES if r in present])
    wtl = win_tie_loss(tests) if not tests.empty else pd.DataFrame()
    friedman = friedman_by_size(run.results)
    hindsight = hindsight_tests(run.results)
    standing = standing_table(run.results, ours_methods(run))
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        _write_tables(run, staging, summary, tests, wtl, friedman, hindsight, standing)
        _write_figures(run, staging, summary, friedman, heatmap_dataset)
        report = report_markdown(run, summary, tests, wtl, friedman, hindsight, standing)
        (staging / "summary.md").write_text(report, encoding="utf-8")
        names = sorted(path.name for path in staging.iterdir())
        write_atomic(staging / "run_info.json", {**_run_info(run), "outputs": names})
        stale = _previous_outputs(out) - {*names, "run_info.json"}
        files = {}
        for path in sorted(staging.iterdir()):
            files[path.name] = out / path.name
            os.replace(path, files[path.name])
        for name in stale:  # a figure or table this run does not make must not linger
            (out / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return files


def _previous_outputs(out: Path) -> set[str]:
    """Files an earlier run wrote into ``out``: the list in its ``run_info.json``, or for
    runs that predate the list, its tables, figures and summary. Nothing outside a
    benchmark output folder (one without ``run_info.json``) is touched."""
    info_path = out / "run_info.json"
    if not info_path.is_file():
        return set()
    try:
        listed = json.loads(info_path.read_text(encoding="utf-8")).get("outputs")
    except (json.JSONDecodeError, AttributeError):
        listed = None
    if listed is None:
        listed = [p.name for p in out.iterdir() if p.is_file() and p.suffix in (".csv", ".png")]
        listed.append("summary.md")
    return {Path(name).name for name in listed}


def _protocol_of(fields: dict[str, Any]) -> Protocol:
    """The Protocol recorded in ``run_info.json`` (JSON lists back to tuples)."""

    def tuples(value):
        if isinstance(value, list):
            return tuple(tuples(v) for v in value)
        if isinstance(value, dict):
            return {k: tuples(v) for k, v in value.items()}
        return value

    return Protocol(**{k: tuples(v) for k, v in fields.items()})


def load_run(folder: str | os.PathLike[str]) -> BenchmarkRun:
    """A finished run read back from its output folder (no fitting, no cache needed).

    Lets the report and figures be re-rendered from ``results.csv`` and its companions,
    e.g. after a change to the report's layout: ``python -m sk_ordinal_kl.benchmark
    --rerender FOLDER``.

    Parameters
    ----------
    folder : path-like
        Output folder of :func:`write_outputs`.

    Returns
    -------
    run : BenchmarkRun
        With the recorded protocol, timing and counts; ``info`` keeps the original
        ``run_info.json`` fields.
    """
    folder = Path(folder)
    info = json.loads((folder / "run_info.json").read_text(encoding="utf-8"))
    str_size = {"size": str}
    results = pd.read_csv(folder / "results.csv", dtype=str_size)
    search = pd.read_csv(folder / "inner_search.csv", dtype=str_size)
    conformal_file = folder / "conformal.csv"
    conformal = (
        pd.read_csv(conformal_file, dtype=str_size) if conformal_file.is_file() else pd.DataFrame()
    )
    keep = {
        "command",
        "git_commit",
        "python",
        "torch",
        "software",
        "sources",
        "csv_holdouts",
        "methods",
    }
    return BenchmarkRun(
        results=results,
        search=search,
        skipped=info.get("skipped", {}),
        computed=info.get("computed_units", 0),
        cached=info.get("cached_results", 0),
        seconds=info.get("seconds", 0.0),
        protocol=_protocol_of(info["protocol"]),
        conformal=conformal,
        failures=info.get("failures", []),
        info={k: v for k, v in info.items() if k in keep},
        cpu_seconds=info.get("cpu_seconds", 0.0),
    )
