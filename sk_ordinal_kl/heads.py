"""Output heads: how the network's output becomes class log-probabilities.

``OrdinalKLClassifier(head=...)`` picks one:

* ``"softmax"`` (the default): the network outputs ``K`` logits per row and no head is
  added; the criteria and ``predict_proba`` take their softmax.
* ``"cumulative"``: the network outputs one score ``s`` per row and
  :class:`CumulativeLinkHead` turns it into ``K`` probabilities through ``K - 1``
  learned ordered thresholds, ``P(y <= j) = F(theta_j - s)`` (the cumulative-link, or
  proportional-odds, model of McCullagh 1980), with ``F`` the inverse of the link.
* ``"binomial"``: the network outputs one score ``s`` per row and :class:`BinomialHead`
  gives the unimodal ``Binomial(K - 1, sigmoid(s))`` probabilities, sharpened or
  flattened by a learned inverse temperature (Beckham & Pal, ICML 2017).

A head outputs **log-probabilities** where the network would output logits. Every
criterion log-softmaxes its input, and ``log_softmax(log p) = log p``, so the criteria,
the weights, the sigma schedules, the decision rules and ``predict_proba`` (the softmax)
work on them unchanged. :class:`NetworkWithHead` composes a network and a head into the
one module the estimator trains (``module_``), so that the head's parameters are
trained, saved, loaded and moved with the network's.

Ensembles: a network returning one score per member, ``(B, k, 1)`` (TabM, the stacked
candidates of the one-pass search), gets a head with ``n_members=k``: each member has
its own thresholds (or temperature), so a member's loss reaches no other member's
parameters.
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "HEADS",
    "LINKS",
    "MIN_GAP",
    "BinomialHead",
    "CumulativeLinkHead",
    "NetworkWithHead",
    "cumulative_log_probabilities",
    "make_head",
    "ordered_thresholds",
]

#: Values of the estimator's ``head`` parameter.
HEADS = ("softmax", "cumulative", "binomial")
#: Links of :class:`CumulativeLinkHead` (the estimator's ``link`` parameter).
LINKS = ("logit", "probit", "cloglog")
#: Smallest gap between consecutive thresholds: added to every softplus increment, so
#: that no class's probability is the difference of two equal CDF values.
MIN_GAP = 1e-4
# cloglog's CDF is 1 at float precision far below this; exp(z) must not overflow.
_CLOGLOG_MAX = 40.0
_SQRT_HALF = math.sqrt(0.5)


# ---------------------------------------------------------------- links
def _check_link(link: str) -> str:
    if link not in LINKS:
        raise ValueError(f"link must be one of {list(LINKS)}, got {link!r}.")
    return link


def link_cdf(z: torch.Tensor, link: str) -> torch.Tensor:
    """``F(z)``, the CDF that the link is the inverse of.

    Parameters
    ----------
    z : torch.Tensor
        Arguments.
    link : {"logit", "probit", "cloglog"}
        The link.

    Returns
    -------
    cdf : torch.Tensor
        ``sigmoid(z)``, ``Phi(z)`` or ``1 - exp(-exp(z))``.
    """
    if link == "logit":
        return torch.sigmoid(z)
    if link == "probit":  # erfc keeps the lower tail (torch's ndtr is 0 below -5.8)
        return 0.5 * torch.special.erfc(-z * _SQRT_HALF)
    return -torch.expm1(-torch.exp(z.clamp(max=_CLOGLOG_MAX)))


def link_sf(z: torch.Tensor, link: str) -> torch.Tensor:
    """``1 - F(z)``, computed without the cancellation of ``1 - F(z)`` near ``F = 1``."""
    if link == "logit":
        return torch.sigmoid(-z)
    if link == "probit":
        return 0.5 * torch.special.erfc(z * _SQRT_HALF)
    return torch.exp(-torch.exp(z.clamp(max=_CLOGLOG_MAX)))


def link_quantile(u: torch.Tensor, link: str) -> torch.Tensor:
    """``F^{-1}(u)`` for ``u`` in ``(0, 1)``: where the thresholds start."""
    if link == "logit":
        return torch.log(u) - torch.log1p(-u)
    if link == "probit":
        return torch.special.ndtri(u)
    return torch.log(-torch.log1p(-u))


# ----------------------------------------------------------- thresholds
def threshold_gaps(raw: torch.Tensor) -> torch.Tensor:
    """Gaps ``theta_j - theta_{j-1} = softplus(raw_j) + MIN_GAP`` (> 0 by construction)."""
    return F.softplus(raw[..., 1:]) + MIN_GAP


def ordered_thresholds(raw: torch.Tensor) -> torch.Tensor:
    """Strictly increasing thresholds from unconstrained parameters.

    Parameters
    ----------
    raw : torch.Tensor of shape (..., K - 1)
        ``raw[..., 0]`` is the first threshold; ``raw[..., j]`` for ``j >= 1`` sets the
        gap to the previous one, ``softplus(raw[..., j]) + MIN_GAP``.

    Returns
    -------
    thresholds : torch.Tensor of shape (..., K - 1)
        ``theta_0 < theta_1 < ... < theta_{K-2}``.

    Examples
    --------
    >>> ordered_thresholds(torch.tensor([-1.0, -30.0, 0.0]))
    tensor([-1.0000, -0.9999, -0.3067])
    """
    first = raw[..., :1]
    return torch.cat([first, first + torch.cumsum(threshold_gaps(raw), dim=-1)], dim=-1)


def initial_raw_thresholds(num_classes: int, link: str) -> torch.Tensor:
    """Raw parameters whose thresholds are ``F^{-1}(j / K)``, ``j = 1..K-1``: a zero
    score then gives every class probability ``1 / K``."""
    u = torch.arange(1, num_classes, dtype=torch.float64) / num_classes
    thresholds = link_quantile(u, link)
    gaps = thresholds.diff() - MIN_GAP
    raw_gaps = gaps + torch.log(-torch.expm1(-gaps))  # softplus^{-1}, stable for large gaps
    return torch.cat([thresholds[:1], raw_gaps]).to(torch.float32)


# ------------------------------------------------------- log-probabilities
def _logit_log_probabilities(z: torch.Tensor, gaps: torch.Tensor) -> torch.Tensor:
    # sigmoid(b) - sigmoid(a) = sigmoid(b) sigmoid(-a) (1 - exp(a - b)), b - a = gap:
    # a sum of finite logs, none of a difference.
    first = F.logsigmoid(z[..., :1])
    last = F.logsigmoid(-z[..., -1:])
    middle = F.logsigmoid(z[..., 1:]) + F.logsigmoid(-z[..., :-1]) + torch.log(-torch.expm1(-gaps))
    return torch.cat([first, middle, last], dim=-1)


def _tail_log_probabilities(z: torch.Tensor, link: str) -> torch.Tensor:
    # Each class's probability as a difference of CDFs below the median, of survival
    # functions above it (no cancellation near 1), floored at the smallest normal
    # number before the log, then renormalised in log space.
    cdf, sf = link_cdf(z, link), link_sf(z, link)
    lower = cdf[..., 1:] - cdf[..., :-1]
    upper = sf[..., :-1] - sf[..., 1:]
    middle = torch.where(cdf[..., :-1] > 0.5, upper, lower)
    p = torch.cat([cdf[..., :1], middle, sf[..., -1:]], dim=-1)
    return torch.log_softmax(torch.log(p.clamp(min=torch.finfo(p.dtype).tiny)), dim=-1)


def cumulative_log_probabilities(
    scores: torch.Tensor, raw_thresholds: torch.Tensor, link: str = "logit"
) -> torch.Tensor:
    """Class log-probabilities of the cumulative-link model.

    ``P(y <= j) = F(theta_j - s)`` and ``p_j = P(y <= j) - P(y <= j - 1)``, with
    ``theta = ordered_thresholds(raw_thresholds)``. No log is taken of a difference that
    can be 0: for the logit link ``log p_j`` is a sum of log-sigmoids and
    ``log(1 - exp(-gap_j))``; for the others the differences are taken in the accurate
    tail, floored at the smallest normal float and renormalised.

    Parameters
    ----------
    scores : torch.Tensor of shape (..., 1)
        One score per row (and member).
    raw_thresholds : torch.Tensor of shape (..., K - 1)
        Parameters of the thresholds (see :func:`ordered_thresholds`), broadcast
        against ``scores``.
    link : {"logit", "probit", "cloglog"}, default="logit"
        ``F`` is the sigmoid, the standard normal CDF or ``1 - exp(-exp(z))``.

    Returns
    -------
    log_proba : torch.Tensor of shape (..., K)
        Log-probabilities; ``exp`` of a row sums to 1.

    Examples
    --------
    >>> raw = initial_raw_thresholds(4, "logit")
    >>> cumulative_log_probabilities(torch.zeros(2, 1), raw).exp()
    tensor([[0.2500, 0.2500, 0.2500, 0.2500],
            [0.2500, 0.2500, 0.2500, 0.2500]])
    """
    z = ordered_thresholds(raw_thresholds) - scores
    if _check_link(link) == "logit":
        return _logit_log_probabilities(z, threshold_gaps(raw_thresholds))
    return _tail_log_probabilities(z, link)


# ---------------------------------------------------------------- scores
def _check_classes(num_classes: int) -> int:
    if isinstance(num_classes, bool) or not isinstance(num_classes, Integral) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes!r}.")
    return int(num_classes)


def _check_members(n_members: int | None) -> int | None:
    if n_members is None:
        return None
    if isinstance(n_members, bool) or not isinstance(n_members, Integral) or n_members < 1:
        raise ValueError(f"n_members must be None or a positive integer, got {n_members!r}.")
    return int(n_members)


def one_score_per_row(output: torch.Tensor, n_members: int | None, head: str) -> torch.Tensor:
    """The network's scores as ``(B, 1)``, or ``(B, k, 1)`` for ``k`` members.

    Raises a ``ValueError`` naming the shape when the network outputs more than one
    score per row (or member), or members the head was not built for.
    """
    if n_members is None and output.ndim == 1:
        return output.unsqueeze(-1)
    expected_ndim = 2 if n_members is None else 3
    members_match = n_members is None or output.shape[1:2] == (n_members,)
    if output.ndim == expected_ndim and output.shape[-1] == 1 and members_match:
        return output
    shapes = "(batch,) or (batch, 1)" if n_members is None else f"(batch, {n_members}, 1)"
    hint = (
        " A network returning ensemble members (batch, k, 1) needs an attribute "
        "n_members = k, so that each member gets its own head parameters."
        if n_members is None and output.ndim == 3
        else " Build it with one output (num_classes=1)."
    )
    raise ValueError(
        f"head={head!r} needs the network to output one score per row, of shape "
        f"{shapes}; got {tuple(output.shape)}.{hint}"
    )


# ----------------------------------------------------------------- heads
class CumulativeLinkHead(nn.Module):
    """Cumulative-link head: one score per row to ``K`` ordered class log-probabilities.

    ``P(y <= j) = F(theta_j - s)`` for ``j = 0..K-2`` and ``p_j = P(y <= j) -
    P(y <= j - 1)``, with ``F`` given by ``link`` and ``theta`` learned, increasing by
    construction (a first threshold plus positive gaps ``softplus(.) + MIN_GAP``). The
    thresholds start at ``F^{-1}(j / K)``, where a zero score gives uniform
    probabilities. The output is ``log p`` (see :func:`cumulative_log_probabilities`).

    The parameters are stored divided by ``lr_scale``: an Adam-type optimizer (the
    estimator's AdamW) moves each parameter by about ``lr`` per step, and the thresholds
    must spread over several units of ``F`` before a middle class can be likely (at the
    initial ``K = 4`` logit thresholds no middle class exceeds 0.27), while the score
    grows through many weights at once. ``lr_scale`` multiplies their step instead of
    asking for a learning rate of their own.

    Parameters
    ----------
    num_classes : int
        Number of classes ``K`` (>= 2).
    link : {"logit", "probit", "cloglog"}, default="logit"
        ``F`` is the sigmoid (proportional odds), the standard normal CDF (ordered
        probit) or ``1 - exp(-exp(z))`` (proportional hazards).
    n_members : int or None, default=None
        None: scores ``(B,)`` or ``(B, 1)`` and one set of thresholds. ``k``: member
        scores ``(B, k, 1)`` and one set of thresholds per member.
    lr_scale : float, default=10.0
        The thresholds are :func:`ordered_thresholds` of ``lr_scale * raw_thresholds``
        (> 0): their optimizer steps are ``lr_scale`` times a weight's.

    Attributes
    ----------
    raw_thresholds : torch.nn.Parameter of shape (K - 1,) or (n_members, K - 1)
        Unconstrained parameters of the thresholds, divided by ``lr_scale``.

    Examples
    --------
    >>> head = CumulativeLinkHead(num_classes=3, link="probit")
    >>> head.thresholds
    tensor([-0.4307,  0.4307], grad_fn=<CatBackward0>)
    >>> head(torch.tensor([0.0, 5.0])).exp().round(decimals=3)
    tensor([[0.3330, 0.3330, 0.3330],
            [0.0000, 0.0000, 1.0000]], grad_fn=<RoundBackward1>)
    """

    def __init__(
        self,
        num_classes: int,
        link: str = "logit",
        n_members: int | None = None,
        lr_scale: float = 10.0,
    ):
        super().__init__()
        num_classes = _check_classes(num_classes)
        if not (isinstance(lr_scale, int | float) and math.isfinite(lr_scale) and lr_scale > 0):
            raise ValueError(f"lr_scale must be a finite number > 0, got {lr_scale!r}.")
        self.link = _check_link(link)
        self.n_members = _check_members(n_members)
        self.lr_scale = float(lr_scale)
        raw = initial_raw_thresholds(num_classes, link) / self.lr_scale
        if self.n_members is not None:
            raw = raw.expand(self.n_members, -1).clone()
        self.raw_thresholds = nn.Parameter(raw)

    @property
    def thresholds(self) -> torch.Tensor:
        """The ordered thresholds, ``(K - 1,)`` or ``(n_members, K - 1)``."""
        return ordered_thresholds(self.lr_scale * self.raw_thresholds)

    def forward(self, scores: torch.Tensor) -> torch.Tensor:
        """Class log-probabilities of the scores.

        Parameters
        ----------
        scores : torch.Tensor of shape (B,), (B, 1) or (B, n_members, 1)
            The network's output.

        Returns
        -------
        log_proba : torch.Tensor of shape (B, K) or (B, n_members, K)
            Log-probabilities in ordinal order.
        """
        scores = one_score_per_row(scores, self.n_members, "cumulative")
        return cumulative_log_probabilities(scores, self.lr_scale * self.raw_thresholds, self.link)

    def extra_repr(self) -> str:
        k = self.raw_thresholds.shape[-1] + 1
        return f"num_classes={k}, link={self.link!r}, n_members={self.n_members}"


class BinomialHead(nn.Module):
    """Unimodal head: one score per row to ``Binomial(K - 1, sigmoid(s))`` log-probabilities.

    ``log p_j ∝ beta * (log C(K-1, j) + j log q + (K-1-j) log(1-q))`` with
    ``q = sigmoid(s)`` and a learned inverse temperature ``beta = softplus(.) > 0``
    (Beckham & Pal, "Unimodal probability distributions for deep ordinal
    classification", ICML 2017), renormalised by a log-softmax. ``beta`` starts at 1
    (the plain binomial). The distribution is unimodal whatever the score.

    Parameters
    ----------
    num_classes : int
        Number of classes ``K`` (>= 2).
    n_members : int or None, default=None
        None: scores ``(B,)`` or ``(B, 1)``, one temperature. ``k``: member scores
        ``(B, k, 1)``, one temperature per member.

    Attributes
    ----------
    raw_inverse_temperature : torch.nn.Parameter of shape (1,) or (n_members, 1)
        ``beta = softplus(raw_inverse_temperature)``.

    Examples
    --------
    >>> head = BinomialHead(num_classes=3)
    >>> head(torch.zeros(1)).exp()
    tensor([[0.2500, 0.5000, 0.2500]], grad_fn=<ExpBackward0>)
    """

    def __init__(self, num_classes: int, n_members: int | None = None):
        super().__init__()
        num_classes = _check_classes(num_classes)
        self.n_members = _check_members(n_members)
        n = num_classes - 1
        j = torch.arange(num_classes, dtype=torch.float64)
        log_choose = math.lgamma(n + 1) - torch.lgamma(j + 1) - torch.lgamma(n - j + 1)
        self.register_buffer("successes", j.to(torch.float32), persistent=False)
        self.register_buffer("log_choose", log_choose.to(torch.float32), persistent=False)
        raw = torch.full((1,), math.log(math.expm1(1.0)))  # softplus(raw) = 1
        if self.n_members is not None:
            raw = raw.expand(self.n_members, 1).clone()
        self.raw_inverse_temperature = nn.Parameter(raw)

    @property
    def inverse_temperature(self) -> torch.Tensor:
        """``beta``, ``(1,)`` or ``(n_members, 1)``."""
        return F.softplus(self.raw_inverse_temperature)

    def forward(self, scores: torch.Tensor) -> torch.Tensor:
        """Class log-probabilities of the scores.

        Parameters
        ----------
        scores : torch.Tensor of shape (B,), (B, 1) or (B, n_members, 1)
            The network's output.

        Returns
        -------
        log_proba : torch.Tensor of shape (B, K) or (B, n_members, K)
            Log-probabilities in ordinal order.
        """
        s = one_score_per_row(scores, self.n_members, "binomial")
        failures = self.successes[-1] - self.successes
        log_pmf = self.log_choose + self.successes * F.logsigmoid(s) + failures * F.logsigmoid(-s)
        return torch.log_softmax(self.inverse_temperature * log_pmf, dim=-1)

    def extra_repr(self) -> str:
        return f"num_classes={self.log_choose.numel()}, n_members={self.n_members}"


def make_head(
    head: str, num_classes: int, *, link: str = "logit", n_members: int | None = None
) -> nn.Module | None:
    """The head module that ``head`` names, or None for ``"softmax"``.

    Parameters
    ----------
    head : {"softmax", "cumulative", "binomial"}
        The estimator's ``head``.
    num_classes : int
        Number of classes ``K``.
    link : {"logit", "probit", "cloglog"}, default="logit"
        Link of the cumulative head (the binomial head's is the sigmoid).
    n_members : int or None, default=None
        Ensemble members of the network's output.

    Returns
    -------
    head : torch.nn.Module or None
        A :class:`CumulativeLinkHead`, a :class:`BinomialHead` or None.

    Examples
    --------
    >>> make_head("cumulative", 5, link="cloglog", n_members=3)
    CumulativeLinkHead(num_classes=5, link='cloglog', n_members=3)
    """
    if head == "softmax":
        return None
    if head == "cumulative":
        return CumulativeLinkHead(num_classes, link=link, n_members=n_members)
    if head == "binomial":
        return BinomialHead(num_classes, n_members=n_members)
    raise ValueError(f"head must be one of {list(HEADS)}, got {head!r}.")


class NetworkWithHead(nn.Module):
    """A network followed by a head: ``head(network(*inputs))``, as one module.

    The estimator builds it as ``module_`` when ``head`` is not ``"softmax"``, so the
    optimizer, ``save_params``/``load_params``, pickling, device moves and
    ``compile`` see one module holding both. A network returning a tuple (the logits
    first, as skorch expects) has the head applied to its first element.

    Parameters
    ----------
    network : torch.nn.Module
        Maps the inputs to one score per row (``(B,)``, ``(B, 1)``) or per member
        (``(B, k, 1)``).
    head : torch.nn.Module
        Maps those scores to class log-probabilities, e.g. :class:`CumulativeLinkHead`.

    Examples
    --------
    >>> net = NetworkWithHead(nn.Linear(4, 1), CumulativeLinkHead(num_classes=3))
    >>> net(torch.zeros(2, 4)).shape  # log-probabilities of 3 classes
    torch.Size([2, 3])
    """

    def __init__(self, network: nn.Module, head: nn.Module):
        super().__init__()
        self.network = network
        self.head = head

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Class log-probabilities of the inputs (passed on to the network as given)."""
        output = self.network(*args, **kwargs)
        if isinstance(output, tuple):
            return (self.head(output[0]), *output[1:])
        return self.head(output)
