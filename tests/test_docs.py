"""The Sphinx site builds with warnings as errors, the gallery executes and no page loads
anything from the network; every Python block of the pages runs as written.

The build test needs the ``docs`` extra (sphinx, sphinx-gallery, numpydoc, myst-parser,
pydata-sphinx-theme, sphinx-mathjax-offline) and is skipped, saying so, without it. The
other tests check that the hand-written pages stay in step with the package and need only
the package.
"""

import importlib
import importlib.util
import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sklearn

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))
DOCS_REQUIREMENTS = (
    "sphinx",
    "sphinx_gallery",
    "numpydoc",
    "myst_parser",
    "matplotlib",
    "sphinx-mathjax-offline",
)
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
    "heads",
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

    _assert_nothing_loads_from_the_network(tmp_path)
    _assert_math_is_served_locally(tmp_path)


# A script, style sheet, image or frame whose address has a scheme or starts with "//"
# is fetched from the network when the page is read.
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_REMOTE_RESOURCE = re.compile(
    r"<(?:link\b[^>]*\bhref|img\b[^>]*\bsrc|iframe\b[^>]*\bsrc)"
    r"\s*=\s*[\"']?(?:https?:)?//",
    re.I,
)


def _remote_loads(html: str) -> list[str]:
    """The tags of ``html`` that load a script or a resource from the network (links
    to other sites, ``<a href>``, load nothing)."""
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html, flags=re.I)
    return [t for t in tags if _REMOTE_SCRIPT.match(t) or _REMOTE_RESOURCE.match(t)]


def test_remote_loads_are_recognised():
    html = (
        '<script src="https://cdn.example/mathjax.js"></script>'
        "<script src='//cdn.example/a.js'></script>"
        '<script defer src="_static/mathjax/tex-chtml.js"></script>'
        '<link href="https://cdn.example/b.css" rel="stylesheet" />'
        '<link rel="stylesheet" href="_static/pydata.css" />'
        '<a href="https://pytorch.org">PyTorch</a>'
    )
    assert len(_remote_loads(html)) == 3


def _assert_nothing_loads_from_the_network(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    remote = {
        str(page.relative_to(site)): found
        for page in pages
        if (found := _remote_loads(page.read_text(encoding="utf-8")))
    }
    assert len(pages) > 40, f"only {len(pages)} pages were built"
    assert not remote, f"{len(remote)} of {len(pages)} built pages load from the network: {remote}"


def _assert_math_is_served_locally(site: Path) -> None:
    for name in ("index", "user_guide"):
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        assert 'class="math' in html, f"{name}.html has no math to render"
        scripts = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', html, flags=re.I)
        assert scripts, f"{name}.html loads no MathJax"
        for script in scripts:
            assert (site / script).is_file(), f"{name}.html loads a missing {script}"


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
    code += "\nassert search[-1].ordinal_classes_.tolist() == [0, 1, 2, 3, 4]\n"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


# --------------------------------------------------------------------------- #
# Every Python block of the pages runs as written, on its own
# --------------------------------------------------------------------------- #
_PYTHON_BLOCK = re.compile(r"^(\s*)\.\. (?:code-block|code|sourcecode):: (?:python3?|py)\s*$")


def _python_blocks() -> list[tuple[str, str]]:
    """``(page:line, code)`` for every ``.. code-block:: python`` of the .rst pages."""
    blocks = []
    for page in sorted(DOCS.glob("*.rst")):
        if page.name == "sg_execution_times.rst":  # generated by older sphinx-gallery
            continue
        lines = page.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            match = _PYTHON_BLOCK.match(lines[i])
            i += 1
            if not match:
                continue
            start, indent = i, len(match.group(1))
            while i < len(lines) and re.match(r"^\s+:[\w-]+:", lines[i]):  # options
                i += 1
            body = []
            while i < len(lines) and (
                not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent
            ):
                body.append(lines[i])
                i += 1
            blocks.append((f"{page.name}:{start}", textwrap.dedent("\n".join(body)).strip()))
    return blocks


PYTHON_BLOCKS = _python_blocks()


def test_every_python_block_of_the_pages_is_collected():
    directives = sum(
        len(re.findall(r"^\s*\.\. code-block:: python\s*$", page.read_text(), flags=re.M))
        for page in DOCS.glob("*.rst")
        if page.name != "sg_execution_times.rst"
    )
    assert directives >= 10 and len(PYTHON_BLOCKS) == directives
    assert all(code for _, code in PYTHON_BLOCKS), "an empty block was collected"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("where", "code"), PYTHON_BLOCKS, ids=[where for where, _ in PYTHON_BLOCKS]
)
def test_python_block_runs_as_written(where, code, tmp_path, monkeypatch):
    """Each block runs in a fresh namespace: its own imports and data, nothing from the
    blocks before it. The environment is a single-process torchrun's (what the
    multi-process block reads), and files land in a temporary folder."""
    if "dask" in code and importlib.util.find_spec("distributed") is None:
        pytest.skip("this block needs dask[distributed] (pip install -e '.[dask]')")
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "RANK": "0",
        "WORLD_SIZE": "1",
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(_free_port()),
    }.items():
        monkeypatch.setenv(name, value)
    with sklearn.config_context():  # a block may set_config; restore it afterwards
        # Run as a script's main module, so that a block's "if __name__ == '__main__':"
        # body runs too.
        exec(compile(code, f"<docs block {where}>", "exec"), {"__name__": "__main__"})


def test_dask_block_runs_saved_as_a_script(tmp_path):
    """The Dask block saved to a file and run with ``python``, as a new user would: its
    local cluster spawns worker processes that import the script, which the block must
    allow (the exec above cannot tell, since pytest's own main module is the one
    imported there)."""
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("this block needs dask[distributed] (pip install -e '.[dask]')")
    blocks = [code for _, code in PYTHON_BLOCKS if "Client(n_workers" in code]
    assert len(blocks) == 1, "the user guide's Dask block was not found"
    script = tmp_path / "dask_search.py"
    check = "\nif __name__ == '__main__':\n    print('fitted', search.best_params_)\n"
    script.write_text(blocks[0] + check)
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "fitted {'alpha'" in result.stdout
    assert "bootstrapping phase" not in result.stderr


def test_readme_standing_table_is_the_generated_one():
    # The README quotes the standing table; it must be the one the guidance generated
    # from the committed run, row for row, with its geometric mean.
    guidance = (DOCS / "benchmark_results" / "guidance.md").read_text(encoding="utf-8")
    start = guidance.index("| dataset | ours (best) |")
    table, rest = guidance[start:].split("\n\n", 1)
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert table in readme
    assert rest.strip().splitlines()[0] in readme
