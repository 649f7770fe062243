"""The training budget of ``max_epochs="auto"``: enough epochs for a few thousand steps.

A fixed number of epochs gives a few hundred rows a few hundred optimizer steps, too few
for a network to settle (on the small reference sets 3,000 steps cut the test MSE of the
class index on toy, pyrim10 and balance-scale by a third to a half against 40 epochs),
while 100 epochs of a large table are plenty. ``"auto"`` trains for at least
:data:`MIN_STEPS` optimizer steps and at least :data:`MIN_EPOCHS` epochs.
"""

from __future__ import annotations

import math

__all__ = ["MIN_EPOCHS", "MIN_STEPS", "auto_epochs"]

#: Fewest optimizer steps of an ``"auto"`` budget.
MIN_STEPS = 3000
#: Fewest epochs of an ``"auto"`` budget (the fixed default before ``"auto"``).
MIN_EPOCHS = 100


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
        ``max(MIN_EPOCHS, ceil(MIN_STEPS / batches_per_epoch))``.

    Examples
    --------
    >>> auto_epochs(225, 64), auto_epochs(2000, 64), auto_epochs(18, 64)
    (750, 100, 3000)
    """
    batches = 1 if batch_size == -1 else max(1, math.ceil(n_rows / batch_size))
    return max(MIN_EPOCHS, math.ceil(MIN_STEPS / batches))
