"""Ordinal benchmark data: orreview-format and CSV loaders, and embedded, download-free sets.

Three sources of ordinal data:

* **orreview holdout folders** — the layout of the archive of Gutiérrez et al.
  (IEEE TKDE 2016) and the ORCA toolbox::

      <root>/<name>/train_<name>.<k>      <root>/<name>/test_<name>.<k>

  or the same files one level deeper in ``<root>/<name>/matlab/``. Each file
  holds one pattern per line, whitespace-separated numbers, the last column
  being the ordered label ``1..K``. :func:`list_orreview_datasets`,
  :func:`list_holdouts`, :func:`load_orreview_holdout` and :func:`load_orreview`
  read any such folder; nothing is bundled or downloaded.
* **embedded sets** that need no path: :func:`load_diabetes_ordinal` (the
  diabetes regression data shipped inside scikit-learn, target discretised into
  equal-frequency classes) and :func:`make_ordinal_classification` (a
  latent-variable generator). :func:`holdout_splits` cuts either into
  stratified random holdouts, mirroring the orreview protocol.
* **mixed-type CSV folders** — real tabular data with string categories and
  missing values::

      <root>/<name>/<name>.csv     header row; empty cells are missing values
      <root>/<name>/<name>.json    {"target": ..., "classes": [...], ...}

  :func:`list_tabular_datasets` and :func:`load_tabular_csv` read them into a
  :class:`TabularDataset`; :func:`stratified_holdouts` and
  :func:`stratified_subsample` cut seeded, stratified index sets from labels of
  any type, and :func:`sk_ordinal_kl.preprocessing.make_tabular_preprocessor`
  turns the features into a dense float matrix.

Labels from orreview files are returned exactly as written (``1..K``); the
embedded sets use ``0..K-1``; CSV labels are the declared classes of the JSON
file (strings or numbers).

One private module per source: ``_orreview``, ``_tabular``, ``_synthetic`` (the embedded
sets), ``_splits`` (holdouts and subsamples) and ``_common`` (:class:`OrdinalSplit`, the
checks and readers they share). Import the public names from here. The helpers for the
reference-data folder of the examples (``data_dir_from_env``,
``load_holdout_or_embedded``) live in :mod:`sk_ordinal_kl.benchmark.data`.
"""

from ._common import OrdinalSplit
from ._orreview import (
    list_holdouts,
    list_orreview_datasets,
    load_orreview,
    load_orreview_holdout,
    orreview_holdout_files,
)
from ._splits import holdout_splits, stratified_holdouts, stratified_subsample
from ._splits import validation_strata as validation_strata  # not in __all__ (internal use)
from ._synthetic import load_diabetes_ordinal, make_ordinal_classification
from ._tabular import (
    TabularDataset,
    list_tabular_datasets,
    load_ordinal_csv,
    load_tabular_csv,
)

__all__ = [
    "OrdinalSplit",
    "TabularDataset",
    "holdout_splits",
    "list_holdouts",
    "list_orreview_datasets",
    "list_tabular_datasets",
    "load_diabetes_ordinal",
    "load_ordinal_csv",
    "load_orreview",
    "load_orreview_holdout",
    "load_tabular_csv",
    "make_ordinal_classification",
    "orreview_holdout_files",
    "stratified_holdouts",
    "stratified_subsample",
]
