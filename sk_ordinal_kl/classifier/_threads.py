"""torch's intra-op threads while the estimator fits or predicts (``num_threads``).

The built-in tabular networks run small matrix products, which are slower split over
threads, and far slower on a busy machine: ``"auto"`` gives them one thread on the CPU.
The previous setting is restored afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

__all__ = ["torch_threads"]


def _resolved(num_threads, device, two_d_module: bool) -> int | None:
    """``num_threads`` with ``"auto"`` resolved: 1 for a built-in tabular network on
    the CPU, else None (torch's setting)."""
    if num_threads != "auto":
        return num_threads
    on_cpu = device is None or torch.device(device).type == "cpu"
    return 1 if two_d_module and on_cpu else None


@contextlib.contextmanager
def torch_threads(num_threads, device, *, two_d_module: bool) -> Iterator[None]:
    """Run the block with ``num_threads`` torch threads (None: torch's setting).

    Parameters
    ----------
    num_threads : int, "auto" or None
        The estimator's ``num_threads``.
    device : str, torch.device or None
        The estimator's ``device``.
    two_d_module : bool
        Whether the network is one of the built-in tabular networks.
    """
    threads = _resolved(num_threads, device, two_d_module)
    previous = torch.get_num_threads()
    if threads is None or threads == previous:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
