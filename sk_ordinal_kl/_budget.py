"""The training budget of ``max_epochs="auto"``: enough epochs for a few thousand steps.

A fixed number of epochs gives a few hundred rows a few hundred optimizer steps, too few
for a network to settle (on the small reference sets 3,000 steps cut the test MSE of the
class index on toy and pyrim10 by a sixth to a half against 40 epochs), while 100 epochs
of a large table are plenty. ``"auto"`` trains for :data:`MIN_STEPS` optimizer steps,
within :data:`MIN_EPOCHS` to :data:`MAX_EPOCHS` epochs: the cap keeps a fit of a few
dozen rows (one batch, one step per epoch) from paying thousands of epochs' overhead.
"""

from __future__ import annotations

import math

__all__ = ["MAX_EPOCHS", "MIN_EPOCHS", "MIN_STEPS", "auto_epochs"]

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
