"""``random_state`` for a torch estimator: one seed per training call, torch's global
random state left as the caller had it.

skorch has no ``random_state``. The estimator draws a seed from it on each fresh fit
(``random_seed_``); the ``call``-th training call of that model (fit, then every
``partial_fit``) seeds torch with a seed derived from it inside ``torch.random.fork_rng``,
so the same sequence of calls gives the same model and the caller's RNG does not move.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch
from sklearn.utils import check_random_state

__all__ = ["seed_for_call", "seeded"]


def seed_for_call(seed: int, call: int) -> int:
    """Seed of the ``call``-th training call (0: fit or first partial_fit) of one model."""
    if call == 0:
        return seed
    return int(np.random.SeedSequence([seed, call]).generate_state(1)[0] & 0x7FFFFFFF)


@contextlib.contextmanager
def seeded(estimator, reset: bool) -> Iterator[None]:
    """Seed torch for one training call of ``estimator`` without changing the global RNG.

    On ``reset`` (or the first call) draws ``estimator.random_seed_`` from its
    ``random_state`` and restarts the count of calls (``_training_calls_``).
    """
    if reset or not hasattr(estimator, "random_seed_"):
        estimator.random_seed_ = (
            None
            if estimator.random_state is None
            else int(check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max))
        )
        estimator._training_calls_ = 0
    if estimator.random_seed_ is None:
        yield
        return
    seed = seed_for_call(estimator.random_seed_, estimator._training_calls_)
    estimator._training_calls_ += 1
    devices = [torch.cuda.current_device()] if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
