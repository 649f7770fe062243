"""warn_once: one warning per cause under the default filters, every call otherwise."""

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

from sk_ordinal_kl.labels._warnings import warn_once

ROOT = Path(__file__).resolve().parents[1]


class _Probe(UserWarning):
    pass


def _shown(action: str, message: str, blocks: int = 3) -> int:
    """How many times ``message`` is shown when warned once in each of ``blocks``
    ``catch_warnings`` blocks (as scikit-learn's Parallel runs every fit in one)."""
    shown = 0
    for _ in range(blocks):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter(action)
            warn_once(message, _Probe)
        shown += sum(str(w.message) == message for w in record)
    return shown


def test_default_filters_show_a_cause_once_across_catch_warnings_blocks():
    assert _shown("default", "probe: default") == 1
    assert _shown("once", "probe: once") == 1
    assert _shown("default", "probe: another cause") == 1  # a new text is a new cause


def test_always_ignore_and_error_are_honoured():
    assert _shown("always", "probe: always") == 3  # as pytest.warns sets it
    assert _shown("ignore", "probe: ignored first") == 0
    assert _shown("default", "probe: ignored first") == 1  # ignoring did not use it up
    for _ in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("error", _Probe)
            with pytest.raises(_Probe, match="probe: error"):
                warn_once("probe: error", _Probe)


def test_a_filter_on_the_message_or_module_is_matched():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("default")
        warnings.filterwarnings("error", category=_Probe, module="(tests\\.)?test_warnings")
        # Inserted in front of the one above, so it is matched first.
        warnings.filterwarnings("always", message="probe: by message", category=_Probe)
        warn_once("probe: by message", _Probe)
        warn_once("probe: by message", _Probe)
        with pytest.raises(_Probe):
            warn_once("probe: by module", _Probe)
    assert len(record) == 2


def test_stacklevel_points_at_the_caller():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warn_once("probe: where", _Probe, stacklevel=1)
    assert record[0].filename == __file__


def test_grid_search_on_string_labels_warns_about_the_order_once():
    """A 3 x 3 GridSearchCV (10 fits) on strings, under Python's default filters."""
    script = textwrap.dedent(
        """
        import numpy as np
        from sklearn.model_selection import GridSearchCV
        from sk_ordinal_kl import OrdinalKLClassifier

        rng = np.random.default_rng(0)
        X = rng.normal(size=(90, 3))
        y = np.array(["low", "mid", "high"], dtype=object)[np.arange(90) % 3]
        net = OrdinalKLClassifier(max_epochs=1, batch_size=-1, random_state=0)
        grid = {"alpha": [0.0, 1.0, 2.0], "sigma": [1.0]}
        GridSearchCV(net, grid, cv=3, n_jobs=1).fit(X, y)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("ClassOrderWarning") == 1, done.stderr
    assert "no order was given" in done.stderr
