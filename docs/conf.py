"""Sphinx configuration of the sk_ordinal_kl documentation.

Build (warnings are errors; the example gallery is executed)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Nothing is downloaded at build time: no intersphinx inventories, no remote images. Nothing
is downloaded when the site is read either: MathJax is served from the site itself
(sphinx-mathjax-offline), and no page loads a script or a style sheet from the network
(tests/test_docs.py counts them).
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import sys
import warnings
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # the checkout, also when the package is not installed

import torch  # noqa: E402

import sk_ordinal_kl  # noqa: E402

# -- Project ---------------------------------------------------------------
project = "sk_ordinal_kl"
author = "sk_ordinal_kl developers"
copyright = "sk_ordinal_kl developers, BSD-3-Clause"
release = sk_ordinal_kl.__version__
version = ".".join(release.split(".")[:2])

# -- Extensions ------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # Copies MathJax 3 into _static/mathjax and points mathjax_path at it, so the math
    # renders without network (sphinx.ext.mathjax alone loads it from a CDN).
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]
# No "sphinx.ext.intersphinx": it would download inventories at build time.

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "performance_results.md",  # generated tables, included by performance.md
    "Thumbs.db",
    ".DS_Store",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "auto_examples/*.codeobj.json",
    "benchmark_results/**",  # raw outputs of the benchmark runner, linked from benchmark.md
    # sphinx-gallery's execution-times pages load jQuery and DataTables from CDNs; they
    # are no longer written (write_computation_times below), and a copy left by an older
    # build is not published.
    "sg_execution_times.rst",
    "auto_examples/sg_execution_times.rst",
]
templates_path = ["_templates"]
html_static_path = ["_static"]

# -- autodoc / numpydoc ----------------------------------------------------
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc sections carry the types
autosummary_generate = False  # API pages are written below, one per public module
numpydoc_show_class_members = False  # skorch's many inherited members stay out
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- MyST (Markdown pages: benchmark, performance) -------------------------
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

# -- sphinx-gallery --------------------------------------------------------
os.environ.setdefault("MPLBACKEND", "Agg")
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": str(DOCS / "auto_examples"),
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"_figure_files\.py",  # a helper of the scripts, not an example
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "reference_url": {"sk_ordinal_kl": None},
    "show_memory": False,
    "min_reported_time": 0,
    "matplotlib_animations": False,
    "write_computation_times": False,  # the page loads jQuery/DataTables from CDNs
    "image_scrapers": ("matplotlib",),
}
# skorch/torch emit deprecation chatter that is not ours; keep the gallery output clean.
warnings.filterwarnings("ignore", category=FutureWarning, module="skorch")

# -- HTML ------------------------------------------------------------------
try:
    import pydata_sphinx_theme  # noqa: F401

    html_theme = "pydata_sphinx_theme"
    html_theme_options = {
        "navigation_with_keys": False,
        "show_toc_level": 2,
        "header_links_before_dropdown": 8,
    }
except ImportError:  # any installed theme will do; alabaster ships with Sphinx
    html_theme = "alabaster"
html_title = f"sk_ordinal_kl {release}"
html_show_sourcelink = False

# -- API pages, one per public module that imports -------------------------
# (callbacks/benchmark are picked up when present, so a new module needs only a line.)
API_MODULES = [
    ("sk_ordinal_kl.classifier", "The estimator"),
    ("sk_ordinal_kl.labels", "Labels and their two orders"),
    ("sk_ordinal_kl.losses", "Training criteria (the loss family)"),
    ("sk_ordinal_kl.targets", "Soft-target tables"),
    ("sk_ordinal_kl.decision", "Decision rules and tuned decisions"),
    ("sk_ordinal_kl.conformal", "Conformal prediction sets"),
    ("sk_ordinal_kl.conformal.scores", "Conformity scores"),
    ("sk_ordinal_kl.metrics", "Ordinal metrics and scorers"),
    ("sk_ordinal_kl.datasets", "Datasets"),
    ("sk_ordinal_kl.preprocessing", "Preprocessing of mixed tabular data"),
    ("sk_ordinal_kl.modules", "Networks"),
    ("sk_ordinal_kl.heads", "Output heads"),
    ("sk_ordinal_kl.batching", "Batching"),
    ("sk_ordinal_kl.callbacks", "Callbacks"),
    ("sk_ordinal_kl.benchmark", "Benchmark runner"),
]
# Names documented on the package page (the import path users use).
TOP_LEVEL = {"OrdinalKLClassifier", "ClassOrderWarning", "TooLittleDataWarning"}


def _public_names(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return [n for n in names if not n.startswith("_")]


def _module_page(name: str, title: str) -> str:
    module = importlib.import_module(name)
    heading = f"``{name}`` — {title}"
    lines = [heading, "=" * len(heading), "", f".. automodule:: {name}", "   :no-members:", ""]
    names = _public_names(module)
    if name.endswith((".classifier", ".labels")):
        names = [n for n in names if n not in TOP_LEVEL]
    if name.endswith(".classifier"):
        lines += [
            ":class:`~sk_ordinal_kl.OrdinalKLClassifier`, "
            ":class:`~sk_ordinal_kl.ClassOrderWarning` and "
            ":class:`~sk_ordinal_kl.TooLittleDataWarning` live here and are documented on "
            "the :doc:`package page </api/sk_ordinal_kl>`, under the names they are "
            "imported by.",
            "",
        ]
    if names:
        lines += [".. autosummary::", ""] + [f"   {n}" for n in names] + [""]
    lines += [f".. currentmodule:: {name}", ""]
    for n in names:
        obj = getattr(module, n)
        if isinstance(obj, type):
            lines += [f".. autoclass:: {n}", "   :members:", "   :show-inheritance:"]
            if name == "sk_ordinal_kl.losses" and issubclass(obj, torch.nn.Module):
                # A criterion's public API includes what it inherits from the package's
                # private bases (set_sigma, target_weights, forward); torch's stays out.
                lines += ["   :inherited-members: Module"]
            lines += [""]
        elif inspect.isroutine(obj):
            lines += [f".. autofunction:: {n}", ""]
        else:
            lines += [f".. autodata:: {n}", "   :annotation:", ""]
    return "\n".join(lines)


def _write_api_pages() -> None:
    out = DOCS / "api" / "generated"
    out.mkdir(parents=True, exist_ok=True)
    toc = []
    for name, title in API_MODULES:
        try:
            text = _module_page(name, title)
        except ImportError:
            continue  # optional module not (yet) in this checkout
        page = out / f"{name}.rst"
        if not page.exists() or page.read_text() != text:  # keep mtimes: no needless rebuilds
            page.write_text(text)
        toc.append(f"   generated/{name}")
    for stale in out.glob("*.rst"):
        if f"   generated/{stale.stem}" not in toc:
            stale.unlink()
    index = "\n".join([".. toctree::", "   :maxdepth: 1", "", *toc, ""])
    target = out / "modules.inc"
    if not target.exists() or target.read_text() != index:
        target.write_text(index)


_write_api_pages()


# -- Docstring fix-ups -----------------------------------------------------
_SHAPE_NAME = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?=[,)])")


def _literal_shape_names(app, what, name, obj, options, lines):
    """In "of shape (n_features_in_,)" a trailing underscore would make a reST link."""
    for i, line in enumerate(lines):
        if "of shape (" in line:
            head, _, shape = line.partition("of shape (")
            lines[i] = head + "of shape (" + _SHAPE_NAME.sub(r"``\1``", shape)


# Generated Markdown pages (benchmark.md, performance.md) may link to files outside
# docs/ such as ``[benchmarks/README.md](../benchmarks/README.md)``: right on GitHub, but
# no such page exists on the built site. Show those targets as repository paths instead.
_OUTSIDE_LINK = re.compile(r"\[([^\]]+)\]\(\.\./([^)\s]+)\)")


def _repository_paths(app, docname, source):
    if app.env.doc2path(docname).suffix == ".md":
        source[0] = _OUTSIDE_LINK.sub(
            lambda m: (
                f"{m.group(1)} (`{m.group(2)}` in the repository)"
                if m.group(1).strip("`") != m.group(2)
                else f"`{m.group(2)}` (in the repository)"
            ),
            source[0],
        )


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    """Hide scikit-learn's generated ``set_*_request`` methods (documented by sklearn)."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def _public_bases(app, name, obj, options, bases):
    """Show only public bases: the estimator's private mixins (``sk_ordinal_kl._*``
    modules) are an implementation detail of the skorch subclass."""
    bases[:] = [b for b in bases if not getattr(b, "__module__", "").startswith("sk_ordinal_kl._")]


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
    app.connect("autodoc-process-bases", _public_bases)
    # Before numpydoc (priority 500) reformats the docstring.
    app.connect("autodoc-process-docstring", _literal_shape_names, priority=100)
    app.connect("source-read", _repository_paths)
