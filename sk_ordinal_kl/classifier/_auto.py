"""The ``"auto"`` training settings of the estimator, resolved inside ``fit``.

``lr="auto"`` and ``batch_size="auto"`` (the defaults) depend on the network, and the
batch size on the number of training rows:

* the MLP (and any other network) keeps ``lr=1e-3`` and batches of 64, as before;
* TabM (``module="tabm"``) trains on batches that grow with the rows: 64 below 3,000
  rows, then doubling (128 from 3,000, 256 from 6,000, 512 from 12,000, 1,024 from
  24,000), so that an epoch is some 25 to 50 optimizer steps; and at
  ``lr = 3e-3 * (batch_size / 64) ** 0.25`` (``3e-3`` for batches of 64, ``5e-3`` for
  512), a larger batch taking a larger step.

Why: a TabM training step costs a fixed few milliseconds of dispatch (many small
matrix products and element-wise ops per member and layer) on top of the arithmetic,
so batches of 64 on 15,000 rows spent half of every epoch on that fixed cost. On 2,000
rows batches of 256 leave 7 steps per epoch, too few to learn from, so small sets keep
64. The measurements are in ``docs/performance.md`` ("Default TabM fit").

``max_epochs="auto"`` (the default): a fixed number of epochs gives a few hundred rows
a few hundred optimizer steps, too few for a network to settle (on the small reference
sets, 3,000 steps cut the test MSE of the class index on toy and pyrim10 by a sixth to
a half against 40 epochs), while 100 epochs of a large table are plenty. ``"auto"``
trains for :data:`MIN_STEPS` optimizer steps, within :data:`MIN_EPOCHS` to
:data:`MAX_EPOCHS` epochs: the cap keeps a fit of a few dozen rows (one batch, one step
per epoch) from paying thousands of epochs' overhead.
"""

from __future__ import annotations

import math

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_LR",
    "MAX_EPOCHS",
    "MIN_EPOCHS",
    "MIN_STEPS",
    "TABM_LR",
    "auto_epochs",
    "resolve_batch_size",
    "resolve_lr",
]

#: ``lr="auto"`` and ``batch_size="auto"`` for the MLP and any network but TabM.
DEFAULT_LR = 1e-3
DEFAULT_BATCH_SIZE = 64
#: ``lr="auto"`` for TabM with batches of 64; it grows as the fourth root of the batch.
TABM_LR = 3e-3
#: TabM's batch doubles from 64 each time the rows reach another multiple of this
#: (by powers of two) ...
_TABM_ROWS_PER_DOUBLING = 1500
#: ... up to this batch size.
_TABM_MAX_BATCH_SIZE = 1024


def tabm_batch_size(n_rows: int) -> int:
    """``batch_size="auto"`` of TabM for ``n_rows`` training rows.

    Parameters
    ----------
    n_rows : int
        Rows passed to ``fit`` (the validation rows of early stopping included).

    Returns
    -------
    batch_size : int
        64 below 3,000 rows, 128 below 6,000, 256 below 12,000, 512 below 24,000, then
        1,024.

    Examples
    --------
    >>> [tabm_batch_size(n) for n in (500, 2000, 3000, 7500, 15000, 10**6)]
    [64, 64, 128, 256, 512, 1024]
    >>> tabm_batch_size(24000)
    1024
    """
    batch_size = DEFAULT_BATCH_SIZE
    rows = 2 * _TABM_ROWS_PER_DOUBLING
    while n_rows >= rows and batch_size < _TABM_MAX_BATCH_SIZE:
        batch_size *= 2
        rows *= 2
    return batch_size


def resolve_lr(lr, *, tabm: bool, batch_size: int = DEFAULT_BATCH_SIZE) -> float:
    """``lr`` with ``"auto"`` resolved.

    Parameters
    ----------
    lr : float or "auto"
        The estimator's ``lr``.
    tabm : bool
        Whether the network is TabM.
    batch_size : int, default=64
        The training batch size in use (``-1``: counted as 64).

    Returns
    -------
    lr : float
        ``lr`` itself, ``DEFAULT_LR`` for a network other than TabM, else
        ``TABM_LR * (batch_size / 64) ** 0.25``.

    Examples
    --------
    >>> [round(resolve_lr("auto", tabm=True, batch_size=b), 5) for b in (64, 256, 512)]
    [0.003, 0.00424, 0.00505]
    """
    if lr != "auto":
        return lr
    if not tabm:
        return DEFAULT_LR
    batch_size = DEFAULT_BATCH_SIZE if batch_size == -1 else batch_size
    return TABM_LR * (batch_size / DEFAULT_BATCH_SIZE) ** 0.25


def resolve_batch_size(batch_size, *, tabm: bool, n_rows: int) -> int:
    """``batch_size`` with ``"auto"`` resolved (an int, ``-1`` included, stays as it is)."""
    if batch_size != "auto":
        return batch_size
    return tabm_batch_size(n_rows) if tabm else DEFAULT_BATCH_SIZE


#: Optimizer steps an ``"auto"`` budget aims at.
MIN_STEPS = 2000
#: Fewest epochs of an ``"auto"`` budget (the fixed default before ``"auto"``).
MIN_EPOCHS = 100
#: Most epochs of an ``"auto"`` budget.
MAX_EPOCHS = 500


def auto_epochs(n_rows: int, batch_size: int) -> int:
    """Epochs of ``max_epochs="auto"`` for ``n_rows`` training rows.

    Parameters
    ----------
    n_rows : int
        Rows the epochs run over (the training part, without a validation split).
    batch_size : int
        Mini-batch size; -1 is one batch of all rows.

    Returns
    -------
    epochs : int
        ``ceil(MIN_STEPS / batches_per_epoch)`` clipped to
        ``[MIN_EPOCHS, MAX_EPOCHS]``.

    Examples
    --------
    >>> auto_epochs(468, 64), auto_epochs(2000, 64), auto_epochs(18, 64)
    (250, 100, 500)
    """
    batches = 1 if batch_size == -1 else max(1, math.ceil(n_rows / batch_size))
    return min(MAX_EPOCHS, max(MIN_EPOCHS, math.ceil(MIN_STEPS / batches)))
