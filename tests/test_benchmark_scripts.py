"""The performance scripts under benchmarks/ run and report every ratio (no timing asserted)."""

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_criterion_script_reports_its_ratios(tmp_path):
    out = tmp_path / "criterion.json"
    command = [sys.executable, str(BENCHMARKS / "bench_criterion.py"), "--quick"]
    command += ["--classes", "5", "117", "--repeats", "3", "--json", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    payload = json.loads(out.read_text())
    names = {c["name"] for c in payload["checks"]}
    assert {
        "train step CE+KL / CE, K=5",
        "seed-style loop / ours, K=5",
        "train step CE+KL / CE, K=117",
        "criterion CE+KL / CE, K=117",
        "seed-style loop / ours, K=117",
    } <= names
    assert all(c["value"] > 0 for c in payload["checks"])
    # our loss equals the naive loop's where the loop is finite (K=5)
    ours, loop = payload["tables"][0]["rows"][0][-1].split(" / ")
    assert float(ours) == float(loop)
    assert payload["environment"]["command"].startswith("python benchmarks/bench_criterion.py")


def test_grid_search_and_tabm_scripts_report_their_checks(tmp_path):
    expected = {
        "bench_grid_search.py": {
            "OrdinalKLClassifierCV / GridSearchCV",
            "test MSE, batched / GridSearchCV - 1",
        },
        "bench_tabm_fit.py": {"tabm fit (s)"},
        "bench_tabm_search.py": {
            "one-pass / GridSearchCV time, TabM",
            "same best_params_ (1 = yes)",
        },
    }
    for script, names in expected.items():
        out = tmp_path / f"{script}.json"
        command = [sys.executable, str(BENCHMARKS / script), "--quick", "--repeats", "1"]
        subprocess.run(
            [*command, "--json", str(out)], check=True, capture_output=True, timeout=600
        )
        payload = json.loads(out.read_text())
        assert {c["name"] for c in payload["checks"]} == names
        assert all(c["value"] == c["value"] for c in payload["checks"])  # no NaN
        assert payload["tables"] and payload["tables"][0]["rows"]


def test_accuracy_studies_and_tools_run_by_path():
    """The studies and tools outside the package start from a checkout: ``--help`` works."""
    scripts = [
        *(
            f"accuracy/{name}.py"
            for name in ("era_gridsearch", "tabm_defaults", "tuned_thresholds")
        ),
        *(f"tools/{name}.py" for name in ("compare_runs", "fit_time", "full_run")),
    ]
    for script in scripts:
        done = subprocess.run(
            [sys.executable, str(BENCHMARKS / script), "--help"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, (script, done.stderr)
        assert "usage:" in done.stdout
