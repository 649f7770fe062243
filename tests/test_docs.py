"""The Sphinx site builds with warnings as errors and the gallery executes.

The build test needs the ``docs`` extra (sphinx, sphinx-gallery, numpydoc, myst-parser,
pydata-sphinx-theme) and is skipped, saying so, without it. The other tests check that
the hand-written pages stay in step with the package and need only the package.
"""

import importlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))
DOCS_REQUIREMENTS = ("sphinx", "sphinx_gallery", "numpydoc", "myst_parser", "matplotlib")
PUBLIC_MODULES = (
    "classifier",
    "losses",
    "targets",
    "decision",
    "conformal",
    "metrics",
    "datasets",
    "preprocessing",
    "modules",
    "batching",
)


def _missing_docs_requirements() -> list[str]:
    return [name for name in DOCS_REQUIREMENTS if importlib.util.find_spec(name) is None]


def _build_html(out: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"sphinx build failed:\n{result.stdout}\n{result.stderr}"


def test_docs_build_with_executed_gallery(tmp_path: Path):
    """One test, so pytest-xdist never runs two builds (and two galleries) at once."""
    missing = _missing_docs_requirements()
    if missing:
        pytest.skip(
            f"docs build needs {', '.join(missing)} (pip install -e '.[docs]'); not installed"
        )
    _build_html(tmp_path)

    for page in (
        "index",
        "getting_started",
        "user_guide",
        "api/index",
        "api/sk_ordinal_kl",
        "benchmark",
        "performance",
        "changelog",
        "auto_examples/index",
    ):
        assert (tmp_path / f"{page}.html").is_file(), f"page {page} was not built"
    for module in PUBLIC_MODULES:
        page = tmp_path / "api" / "generated" / f"sk_ordinal_kl.{module}.html"
        assert page.is_file(), f"no API page for sk_ordinal_kl.{module}"

    for script in EXAMPLES:
        page = tmp_path / "auto_examples" / f"{script.stem}.html"
        assert page.is_file(), f"no gallery page for {script.name}"
        figure = tmp_path / "_images" / f"sphx_glr_{script.stem}_001.png"
        assert figure.is_file(), f"{script.name} produced no figure in the docs build"
        assert figure.stat().st_size > 5_000, f"{figure.name} is suspiciously small"
        assert figure.name in page.read_text(encoding="utf-8"), f"{page.name} lacks its figure"

    for name in ("index", "user_guide"):
        html = (tmp_path / f"{name}.html").read_text(encoding="utf-8")
        for image in re.findall(r'src="(_images/[^"]+)"', html):
            assert (tmp_path / image).is_file(), f"{name}.html shows a missing {image}"


# --------------------------------------------------------------------------- #
# Cheap consistency checks (no Sphinx needed)
# --------------------------------------------------------------------------- #
def test_every_registered_loss_is_in_the_loss_table():
    losses = importlib.import_module("sk_ordinal_kl.losses")
    guide = (DOCS / "user_guide.rst").read_text(encoding="utf-8")
    registry = getattr(losses, "LOSSES", {"gaussian_kl": losses.GaussianKLCrossEntropy})
    missing = [
        f"{key} ({cls.__name__})"
        for key, cls in registry.items()
        if f"sk_ordinal_kl.losses.{cls.__name__}`" not in guide or f"``{key}``" not in guide
    ]
    assert not missing, f"add these criteria to the loss-family table in user_guide.rst: {missing}"


def test_every_example_is_linked_from_the_docs():
    pages = [p for p in DOCS.glob("*.rst") if p.name != "sg_execution_times.rst"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages + EXAMPLES)
    unlinked = [p.stem for p in EXAMPLES if f"sphx_glr_auto_examples_{p.stem}.py" not in text]
    assert not unlinked, f"examples not referenced from any page: {unlinked}"


def test_readme_install_commands_match_getting_started():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = (DOCS / "getting_started.rst").read_text(encoding="utf-8")
    commands = re.findall(r"^python3 -m pip install .*$", readme, flags=re.M)
    assert commands, "README lost its set-up commands"
    for command in commands:
        assert command in guide, f"getting_started.rst does not show: {command}"


def test_package_page_lists_every_export():
    package = importlib.import_module("sk_ordinal_kl")
    page = (DOCS / "api" / "sk_ordinal_kl.rst").read_text(encoding="utf-8")
    missing = [n for n in package.__all__ if not n.startswith("__") and f"   {n}\n" not in page]
    assert not missing, f"add to the autosummary of docs/api/sk_ordinal_kl.rst: {missing}"


def test_readme_quickstart_runs():
    """The quickstart block runs as written (its time is measured by
    benchmarks/bench_quickstart.py, not here)."""
    import re
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Quickstart\n\n```python\n(.*?)```", readme, re.S).group(1)
    code += "\nassert search.best_estimator_[-1].ordinal_classes_.tolist() == [0, 1, 2, 3, 4]\n"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)
