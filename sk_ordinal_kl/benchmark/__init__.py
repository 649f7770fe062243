"""Accuracy benchmark: CE+KL against CE with a tuned decision and against tuned peers.

Run it as ``python -m sk_ordinal_kl.benchmark`` (``--help`` lists the options). The
package is split by concern:

* :mod:`~sk_ordinal_kl.benchmark.protocol` — shared training settings and search grids;
* :mod:`~sk_ordinal_kl.benchmark.data` — embedded, orreview and CSV datasets as holdouts;
* :mod:`~sk_ordinal_kl.benchmark.methods` — the method registry (:data:`METHODS`);
* :mod:`~sk_ordinal_kl.benchmark.peers` — glue for peers (CORN, index regression);
* :mod:`~sk_ordinal_kl.benchmark.runner` — inner searches, fits, the resumable cache;
* :mod:`~sk_ordinal_kl.benchmark.cache` — one JSON file per finished unit;
* :mod:`~sk_ordinal_kl.benchmark.statistics` — CIs, Wilcoxon, W/T/L, Friedman + Nemenyi;
* :mod:`~sk_ordinal_kl.benchmark.report` and :mod:`~sk_ordinal_kl.benchmark.plots` —
  tables, Markdown report, figures;
* :mod:`~sk_ordinal_kl.benchmark.cli` — the command line.

Adding a method is one entry in the registry, e.g. a criterion of the loss family::

    METHODS["my_loss"] = MethodSpec(partial(mlp_method, criterion=MyLoss), "MLP + MyLoss")

Peers that need optional packages (``mord``, ``coral-pytorch``, ``dlordinal``) are skipped,
with a line saying so, when the package does not import.
"""

from .cli import build_parser, main, protocol_from_args, sources_from_args
from .data import (
    DATA_DIR_ENV,
    EMBEDDED_DATASETS,
    DatasetSource,
    Split,
    data_dir_from_env,
    data_dir_sources,
    embedded_sources,
    load_holdout_or_embedded,
)
from .methods import (
    ALL_METHODS,
    DECISION_METHODS,
    DEMO_METHODS,
    LOSS_METHODS,
    METHODS,
    MethodSpec,
    available_methods,
    mlp_method,
)
from .protocol import DEMO_PROTOCOL, PEER_GRIDS, QUICK_PROTOCOL, Protocol
from .report import REFERENCES, load_run, write_outputs
from .runner import ALL_SIZES, BenchmarkRun, run_benchmark, select_best

__all__ = [
    "ALL_METHODS",
    "ALL_SIZES",
    "DATA_DIR_ENV",
    "DECISION_METHODS",
    "DEMO_METHODS",
    "DEMO_PROTOCOL",
    "EMBEDDED_DATASETS",
    "LOSS_METHODS",
    "METHODS",
    "PEER_GRIDS",
    "QUICK_PROTOCOL",
    "REFERENCES",
    "BenchmarkRun",
    "DatasetSource",
    "MethodSpec",
    "Protocol",
    "Split",
    "available_methods",
    "build_parser",
    "data_dir_from_env",
    "data_dir_sources",
    "embedded_sources",
    "load_holdout_or_embedded",
    "load_run",
    "main",
    "mlp_method",
    "protocol_from_args",
    "run_benchmark",
    "select_best",
    "sources_from_args",
    "write_outputs",
]
