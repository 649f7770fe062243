"""Summaries of a soft-target table's rows: entropy, mean and variance."""

from __future__ import annotations

import torch

__all__ = ["target_entropy", "target_moments"]


def target_entropy(log_table: torch.Tensor) -> torch.Tensor:
    """Shannon entropy (nats) of each row of a table given by its logarithm.

    Computed as ``-sum_k p_k log p_k`` with ``0 log 0 = 0``, so one-hot rows give
    exactly 0 and underflowed entries never produce NaN.

    Parameters
    ----------
    log_table : torch.Tensor of shape (K, K)
        Row-wise log-probabilities (finite or ``-inf``).

    Returns
    -------
    entropy : torch.Tensor of shape (K,)
        ``H(p(y))`` for every row ``y``.

    Examples
    --------
    >>> float(target_entropy(torch.log(torch.full((1, 4), 0.25))))
    1.3862943649291992
    """
    # One K x K temporary, in place: where p = 0 (log p = -inf) the product is NaN -> 0.
    terms = log_table.exp().mul_(log_table).nan_to_num_(nan=0.0)
    return -terms.sum(dim=1)


def target_moments(log_table: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and variance of every row over the class indices ``0..K-1``.

    Parameters
    ----------
    log_table : torch.Tensor of shape (K, K)
        Row-wise log-probabilities.

    Returns
    -------
    mean : torch.Tensor of shape (K,)
        ``mu_y = sum_k k p(y)_k``.
    variance : torch.Tensor of shape (K,)
        ``sum_k (k - mu_y)^2 p(y)_k`` (>= 0; computed about the mean, no cancellation).

    Examples
    --------
    >>> mean, var = target_moments(torch.log(torch.tensor([[0.5, 0.5], [0.0, 1.0]])))
    >>> mean, var
    (tensor([0.5000, 1.0000]), tensor([0.2500, 0.0000]))
    """
    table = log_table.exp()
    k = torch.arange(table.shape[1], dtype=table.dtype)
    mean = table @ k
    variance = (table * (k.unsqueeze(0) - mean.unsqueeze(1)).square()).sum(dim=1)
    return mean, variance
