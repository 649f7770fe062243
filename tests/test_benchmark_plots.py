"""The benchmark's figures are a function of the results alone.

A committed report is re-rendered from its CSVs, and a re-render must reproduce the same
bytes: otherwise nobody can tell a changed result from a redrawn one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("scikit_posthocs")
pytest.importorskip("matplotlib")

# Six methods whose Nemenyi cliques tie on their lowest rank: scikit-posthocs then keeps
# the order of a Python set of the names, which follows the process's string hash.
_DRAW = textwrap.dedent(
    """
    import sys
    import numpy as np
    import pandas as pd
    from pathlib import Path
    from sk_ordinal_kl.benchmark.plots import plot_critical_difference
    from sk_ordinal_kl.benchmark.statistics import friedman_test

    rng = np.random.default_rng(0)
    methods = ["alpha_net", "beta_tree", "gamma_lr", "delta_knn", "eps_svm", "zeta_nb"]
    rows = [
        {"dataset": f"d{d}", "size": "all", "method": m, "holdout": 0,
         "mse": 1.0 + 0.15 * i + rng.normal(scale=0.4)}
        for d in range(8) for i, m in enumerate(methods)
    ]
    result = friedman_test(pd.DataFrame(rows))
    plot_critical_difference(result, Path(sys.argv[1]))
    """
)


def _draw(path, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", _DRAW, str(path)], check=True, env=env)
    return path.read_bytes()


def test_critical_difference_diagram_does_not_depend_on_the_string_hash(tmp_path):
    first = _draw(tmp_path / "a.png", "1")
    assert all(_draw(tmp_path / f"{s}.png", s) == first for s in ("2", "3", "4"))
