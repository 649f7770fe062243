"""Write every open matplotlib figure as ``<script>_<n>.png`` (not a gallery example).

The gallery scripts call :func:`save_figures` when run as plain scripts, so that
``tests/test_examples.py`` can check each one drew its figures; sphinx-gallery captures
figures itself. The folder is ``$SK_ORDINAL_KL_FIGURE_DIR`` (default: the working dir).
"""

import os
import sys
from pathlib import Path

import matplotlib.pyplot as plt


def save_figures() -> list[Path]:
    """Save all open figures; return the paths written."""
    out = Path(os.environ.get("SK_ORDINAL_KL_FIGURE_DIR", "."))
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(sys.argv[0]).stem
    paths = []
    for i, number in enumerate(plt.get_fignums(), start=1):
        paths.append(out / f"{stem}_{i}.png")
        plt.figure(number).savefig(paths[-1], dpi=100)
    return paths
