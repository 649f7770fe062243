"""Preprocessing for mixed-type tabular data, as a scikit-learn user would write it.

:func:`make_tabular_preprocessor` builds the usual :class:`~sklearn.compose.ColumnTransformer`
for a DataFrame of numeric and string columns with missing values (such as
:attr:`sk_ordinal_kl.datasets.TabularDataset.X`): median imputation with missing-value
indicators and standardisation for numbers, constant imputation and one-hot encoding with
rare categories grouped for the rest. Its output is a dense float64 matrix of finite
values, ready for the networks (which cast to float32). Put it first in a
:class:`~sklearn.pipeline.Pipeline` so that it is fitted on the training part only.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

__all__ = ["categories_as_strings", "make_tabular_preprocessor"]

#: Fill value of missing categorical cells: they become a category of their own, under a
#: name that a real value is unlikely to have (a cell reading "missing" stays apart).
MISSING_CATEGORY = "<missing>"


def _category_text(value) -> str:
    """A cell's category: equal numbers read alike (``1``, ``1.0`` and ``np.int64(1)``
    are ``"1"``, as a float column at transform time must match an int one at fit time);
    booleans and strings are written as they are."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def categories_as_strings(X) -> pd.DataFrame:
    """Every present cell as its string, every missing one (NaN, None, ``pd.NA``) as NaN.

    The one-hot encoder needs one kind of value per column, and a CSV column can mix
    them: a true/false column with empty cells reads as booleans and NaN, whose filled
    value would be a string; a column of codes can hold numbers and strings. Equal
    numbers give one category whatever their type (``1``, ``1.0`` -> ``"1"``).

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_columns)
        The categorical columns.

    Returns
    -------
    strings : DataFrame of object dtype
        Same shape and column names.

    Examples
    --------
    >>> categories_as_strings(pd.DataFrame({"a": [True, np.nan, 3, 3.0, 0.5]}))["a"].tolist()
    ['True', nan, '3', '3', '0.5']
    """
    frame = pd.DataFrame(X).astype(object)
    # Series.map per column: DataFrame.map needs pandas 2.1.
    return frame.apply(lambda column: column.map(_category_text)).mask(frame.isna(), np.nan)


def _check_min_frequency(value: object) -> int | float | None:
    """An int count ``>= 1``, a float fraction in ``(0, 1)`` or None, or ValueError."""
    if value is None:
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 1:
            raise ValueError(f"min_frequency must be >= 1 as a count, got {value!r}.")
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not 0 < value < 1:
            raise ValueError(f"min_frequency must be in (0, 1) as a fraction, got {value!r}.")
        return float(value)
    raise ValueError(
        f"min_frequency must be an int count, a float fraction or None, got {value!r}."
    )


def _check_max_categories(value: object) -> int | None:
    """An int ``>= 1`` or None, or ValueError."""
    if value is None:
        return None
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"max_categories must be an int >= 1 or None, got {value!r}.")
    return int(value)


def make_tabular_preprocessor(
    *, min_frequency: int | float | None = 10, max_categories: int | None = None
) -> ColumnTransformer:
    """Impute, scale and one-hot encode a mixed-type DataFrame into a dense float matrix.

    Columns are routed by dtype when the transformer is fitted:

    * **numeric** columns (``make_column_selector(dtype_include="number")``):
      ``SimpleImputer(strategy="median", add_indicator=True)`` then
      ``StandardScaler()``. Each column that had missing values in training gains a
      0/1 indicator column (scaled like the others). A column with no observed value
      in training is dropped by the imputer (scikit-learn warns "Skipping features
      without any observed values"); its indicator is kept.
    * **every other** column (strings, booleans, categoricals): each present cell
      becomes its string (:func:`categories_as_strings`, so booleans, numbers and
      strings mixed in one column encode alike), then ``SimpleImputer(
      strategy="constant", fill_value="<missing>", keep_empty_features=True)`` and
      ``OneHotEncoder(handle_unknown="infrequent_if_exist", sparse_output=False)``.
      A missing cell (NaN as :func:`pandas.read_csv` writes it, None, ``pd.NA``) is
      the category ``"<missing>"``. Categories seen fewer than
      ``min_frequency`` times in training share one "infrequent" column, into which
      categories unseen in training also fall at transform time (they are encoded as
      all zeros when training had no infrequent category).

    Either group may be empty (an all-numeric or all-string DataFrame). The output is
    a dense float64 array without NaN or infinities, so a cast to float32 is safe.

    Parameters
    ----------
    min_frequency : int, float or None, default=10
        Categories seen fewer times than this in training are grouped as infrequent:
        an int is a count, a float in ``(0, 1)`` a fraction of the training rows,
        None groups nothing. The default is a count because what makes a one-hot
        column useless is having too few examples to learn its weight from, whatever
        the size of the training set: a fraction would group categories with
        hundreds of rows in a large set and none at all in a small one.
    max_categories : int or None, default=None
        Upper limit on the output columns per categorical feature, the infrequent
        column included; None sets no limit.

    Returns
    -------
    preprocessor : ColumnTransformer
        Unfitted; ``fit`` it on the training rows only (e.g. as the first step of a
        :class:`~sklearn.pipeline.Pipeline`). It expects a pandas DataFrame, since
        columns are selected by dtype.

    Raises
    ------
    ValueError
        If ``min_frequency`` or ``max_categories`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> X = pd.DataFrame({
    ...     "carat": [0.5, 1.0, np.nan, 2.0],
    ...     "color": ["D", "E", "D", np.nan],
    ... })
    >>> pre = make_tabular_preprocessor(min_frequency=2)
    >>> Xt = pre.fit_transform(X)
    >>> for column in pre.get_feature_names_out():
    ...     print(column)
    numeric__carat
    numeric__missingindicator_carat
    categorical__color_D
    categorical__color_infrequent_sklearn
    >>> Xt.dtype, Xt.shape
    (dtype('float64'), (4, 4))
    >>> pre.transform(pd.DataFrame({"carat": [1.0], "color": ["Z"]}))[:, 2:].tolist()
    [[0.0, 1.0]]
    """
    min_frequency = _check_min_frequency(min_frequency)
    max_categories = _check_max_categories(max_categories)
    numeric = make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=False),
        StandardScaler(),
    )
    categorical = make_pipeline(
        FunctionTransformer(categories_as_strings, feature_names_out="one-to-one"),
        SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY, keep_empty_features=True),
        OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            min_frequency=min_frequency,
            max_categories=max_categories,
            sparse_output=False,
        ),
    )
    return ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include="number")),
            ("categorical", categorical, make_column_selector(dtype_exclude="number")),
        ],
        sparse_threshold=0.0,
    )
