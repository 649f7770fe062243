"""Every gallery script runs as a plain script and writes its figures as PNG files.

Each ``examples/plot_*.py`` is run in a fresh interpreter with the Agg backend, one
torch thread, ``SK_ORDINAL_KL_FIGURE_DIR`` pointing at a temporary folder and that
folder as working directory (so nothing is written into the checkout). The docs build
(tests/test_docs.py) runs the same scripts through sphinx-gallery.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))
# Each script must stay well under a minute on two shared cores.
TIMEOUT_S = 180

pytest.importorskip("matplotlib", reason="the examples draw with matplotlib")


def test_there_are_examples():
    assert len(EXAMPLES) >= 8, [p.name for p in EXAMPLES]


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_writes_png(script: Path, tmp_path: Path):
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "SK_ORDINAL_KL_FIGURE_DIR": str(tmp_path),
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"
    pngs = sorted(tmp_path.glob(f"{script.stem}_*.png"))
    assert pngs, f"{script.name} wrote no PNG to $SK_ORDINAL_KL_FIGURE_DIR"
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
        assert png.stat().st_size > 5_000, f"{png.name} is suspiciously small"
    print(f"{script.name}: {elapsed:.1f} s, {len(pngs)} figure(s)")
