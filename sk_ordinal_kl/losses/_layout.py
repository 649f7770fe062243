"""How soft-target rows are stored: dense ``(K, K)`` or a band ``(K, 2h + 1)``.

When the table is *banded* (all non-zeros within ``h`` of the diagonal, as a Gaussian
with small sigma is in float32), the rows are stored as ``K x (2h + 1)`` and the fused
cross-entropy (:mod:`._soft_ce`) gathers only ``2h + 1`` log-probabilities per sample:
for K in the hundreds or thousands that is most of the work of a dense soft target
saved.

The layout policy lives here, in one place: :class:`SoftTarget` (a kernel, its width and
``K``) decides whether its rows are dense (always up to :data:`SMALL_NUM_CLASSES`
classes, where the dense native path of
:func:`~._soft_ce.small_soft_target_cross_entropy` is used) or banded, and
:func:`pack_rows` cuts a band from any dense table when it pays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ._targets._checks import check_kernel
from ._targets._tables import log_soft_target_band, log_soft_target_table, soft_target_half_width

__all__ = [
    "SMALL_NUM_CLASSES",
    "SoftTarget",
    "band_column_table",
    "band_layout",
    "band_to_dense",
    "max_band_half_width",
    "mix_onehot",
    "pack_rows",
]

# Use the banded layout when the band is at most this fraction of K (measured: below it
# the gather saves more than its index arithmetic costs).
_BAND_FRACTION = 1 / 8

#: Up to this many classes a dense table is applied by
#: :func:`~._soft_ce.small_soft_target_cross_entropy` (measured with
#: benchmarks/bench_criterion.py: three native ops beat the Python autograd node's fixed
#: cost while the ``B x K x K`` product stays small).
SMALL_NUM_CLASSES = 32


def max_band_half_width(num_classes: int) -> int:
    """Largest ``h`` for which the banded layout is used: ``2h + 1 <= K / 8``.

    -1 (never banded) up to :data:`SMALL_NUM_CLASSES` classes, where the dense native
    path of :func:`~._soft_ce.small_soft_target_cross_entropy` is faster.

    Examples
    --------
    >>> max_band_half_width(1000)
    62
    """
    if num_classes <= SMALL_NUM_CLASSES:  # small tables take the native dense path
        return -1
    return int((_BAND_FRACTION * num_classes - 1) // 2)


def band_column_table(
    num_classes: int, half_width: int, device: torch.device | None = None
) -> torch.Tensor:
    """Column index of every band entry: ``(K, 2h + 1)``, ``y + j - h`` clamped to ``0..K-1``.

    A lookup table, so that a batch's gather indices are one ``index_select``.

    Examples
    --------
    >>> band_column_table(3, 1)
    tensor([[0, 0, 1],
            [0, 1, 2],
            [1, 2, 2]])
    """
    offsets = torch.arange(-half_width, half_width + 1, device=device)
    columns = torch.arange(num_classes, device=device).unsqueeze(1) + offsets
    return columns.clamp_(0, num_classes - 1)


def band_to_dense(rows: torch.Tensor, columns: torch.Tensor) -> torch.Tensor:
    """The ``K x K`` table of band rows (the inverse of :func:`band_layout`).

    Examples
    --------
    >>> band_to_dense(torch.tensor([[0.0, 1.0, 0.5], [0.5, 1.0, 0.0]]), band_column_table(2, 1))
    tensor([[1.0000, 0.5000],
            [0.5000, 1.0000]])
    """
    num_classes = rows.shape[0]
    # Out-of-range band entries are 0, so clamped duplicates add nothing.
    return rows.new_zeros(num_classes, num_classes).scatter_add_(1, columns, rows)


def _band_half_width(weights: torch.Tensor) -> int:
    rows, columns = torch.nonzero(weights, as_tuple=True)
    return int((columns - rows).abs().max())


def band_layout(weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Banded copy ``(rows, columns)`` of a ``K x K`` table, or None if it would not pay.

    Parameters
    ----------
    weights : torch.Tensor of shape (K, K)
        Soft-target weights; row ``y`` for true class ``y``.

    Returns
    -------
    layout : tuple of (torch.Tensor of shape (K, 2h + 1), torch.Tensor of shape (K, 2h + 1))
        Band rows (entry ``j`` of row ``y`` is ``weights[y, y + j - h]``, 0 outside
        ``0..K-1``) and their :func:`band_column_table`; None when ``2h + 1 > K / 8``.

    Examples
    --------
    >>> rows, columns = band_layout(torch.eye(64))
    >>> tuple(rows.shape), columns[:3].tolist()
    ((64, 1), [[0], [1], [2]])
    >>> band_layout(torch.eye(16)) is None  # small tables stay dense
    True
    """
    num_classes = weights.shape[0]
    half_width = _band_half_width(weights)
    if half_width > max_band_half_width(num_classes):
        return None
    columns = band_column_table(num_classes, half_width, weights.device)
    # Clamping moved exactly the entries outside 0..K-1: zero their (duplicate) weights.
    offsets = torch.arange(-half_width, half_width + 1, device=weights.device)
    inside = columns == torch.arange(num_classes, device=weights.device).unsqueeze(1) + offsets
    return (weights.gather(1, columns) * inside).contiguous(), columns


@dataclass(frozen=True)
class SoftTarget:
    """A kernel soft target ``p_sigma(y)`` over ``K`` ordered classes, and its layout.

    What a criterion receives to build its buffers: the kernel ``kind`` of
    :mod:`sk_ordinal_kl.targets`, the width ``sigma``, ``K`` and ``scale``, the factor
    the criterion multiplies ``p`` by. :meth:`log_rows` picks the layout: dense up to
    :data:`SMALL_NUM_CLASSES` classes (applied by the native ops of
    :func:`~._soft_ce.small_soft_target_cross_entropy`) or when the band would be wider than
    ``K / 8``, else banded (``K x (2h + 1)`` rows built directly from the kernel, no
    ``K x K`` table at any point), both applied by :func:`~._soft_ce.soft_target_cross_entropy`.

    Parameters
    ----------
    kind : str
        Kernel name (see :data:`~sk_ordinal_kl.targets.SOFT_TARGET_KINDS`).
    num_classes : int
        Number of ordered classes ``K`` (>= 2).
    sigma : float
        Width or temperature of the kernel (> 0).
    scale : float, default=1.0
        Factor on ``p`` in the criterion's weights: log-probabilities below
        ``log(tiny / max(scale, 1))`` (tiny: float32's smallest normal) give weights
        that are stored as 0, so the band may leave them out.

    Examples
    --------
    >>> log_rows, columns = SoftTarget("gaussian", 1000, 1.0).log_rows()
    >>> tuple(log_rows.shape), columns is None
    ((1000, 27), False)
    >>> SoftTarget("gaussian", 8, 1.0).log_rows()[1] is None  # small K: dense
    True
    """

    kind: str
    num_classes: int
    sigma: float
    scale: float = 1.0

    def __post_init__(self):
        _, num_classes, sigma = check_kernel("SoftTarget", self.kind, self.num_classes, self.sigma)
        object.__setattr__(self, "num_classes", num_classes)
        object.__setattr__(self, "sigma", sigma)

    def log_table(self) -> torch.Tensor:
        """The dense ``(K, K)`` log table, float64 (see
        :func:`~sk_ordinal_kl.targets.log_soft_target_table`)."""
        return log_soft_target_table(self.kind, self.num_classes, self.sigma)

    def log_rows(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Log rows in the layout that pays: ``(log_band, columns)`` or ``(log_table, None)``.

        Returns
        -------
        log_rows : torch.Tensor of shape (K, 2h + 1) or (K, K), float64
            Band rows (see :func:`~sk_ordinal_kl.targets.log_soft_target_band`) or the
            dense log table.
        columns : torch.Tensor of shape (K, 2h + 1) or None
            :func:`band_column_table` of the band; None for the dense table.
        """
        log_floor = math.log(torch.finfo(torch.float32).tiny / max(self.scale, 1.0))
        half_width = soft_target_half_width(
            self.kind,
            self.num_classes,
            self.sigma,
            log_floor,
            max_band_half_width(self.num_classes),
        )
        if half_width is None:
            return self.log_table(), None
        band = log_soft_target_band(self.kind, self.num_classes, self.sigma, half_width)
        return band, band_column_table(self.num_classes, half_width)


def mix_onehot(
    log_rows: torch.Tensor, columns: torch.Tensor | None, scale: float, onehot: float
) -> torch.Tensor:
    """Weights ``W = onehot * onehot_y + scale * p(y)`` in the layout of ``log_rows``.

    Parameters
    ----------
    log_rows : torch.Tensor of shape (K, K) or (K, 2h + 1)
        ``log p``, dense or band rows (middle column: ``k = y``).
    columns : torch.Tensor or None
        Band columns of banded ``log_rows``; None for dense rows.
    scale : float
        Factor on ``p``.
    onehot : float
        Added on the diagonal ``W[y, y]`` (no identity matrix is built).

    Returns
    -------
    weights : torch.Tensor
        Same shape and dtype as ``log_rows``.

    Examples
    --------
    >>> mix_onehot(torch.log(torch.tensor([[0.5, 0.5], [0.5, 0.5]])), None, 2.0, 1.0)
    tensor([[2., 1.],
            [1., 2.]])
    """
    weights = log_rows.exp().mul_(scale)
    diagonal = weights[:, weights.shape[1] // 2] if columns is not None else weights.diagonal()
    diagonal.add_(onehot)
    return weights


def _flush_subnormals(weights: torch.Tensor) -> torch.Tensor:
    """``weights`` with subnormal entries set to 0.

    Far Gaussian tails underflow to subnormal floats (K = 117, sigma = 1: 206 entries in
    float32); every product with one takes a slow microcode path on x86 CPUs, which made
    the training step measurably slower. Zeroing them changes a loss by < 1e-37.
    """
    return weights.masked_fill(weights.abs() < torch.finfo(weights.dtype).tiny, 0.0)


def pack_rows(
    weights: torch.Tensor, columns: torch.Tensor | None = None, *, cut_band: bool = True
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The rows ``W`` as stored: subnormals flushed, banded where it pays.

    Parameters
    ----------
    weights : torch.Tensor of shape (K, K) or (K, 2h + 1)
        Dense rows, or band rows with their ``columns``, in the storage dtype (the
        flush threshold is that dtype's smallest normal).
    columns : torch.Tensor of shape (K, 2h + 1), default=None
        Band columns of banded ``weights``.
    cut_band : bool, default=True
        For dense ``weights``: cut a band (:func:`band_layout`) when it pays. False
        keeps them dense (a kernel :class:`SoftTarget` already chose that layout).

    Returns
    -------
    rows : torch.Tensor
        Dense or band rows.
    columns : torch.Tensor or None
        Their band columns (on the device of ``rows``), None for dense rows.

    Examples
    --------
    >>> rows, columns = pack_rows(torch.eye(64))
    >>> tuple(rows.shape), tuple(columns.shape)
    ((64, 1), (64, 1))
    """
    rows = _flush_subnormals(weights)
    if columns is None and cut_band:
        layout = band_layout(rows)
        if layout is not None:
            rows, columns = layout
    if columns is not None:
        columns = columns.to(rows.device)
    return rows, columns
