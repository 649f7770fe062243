"""Split conformal prediction for ordered classes: contiguous label sets with coverage.

A split conformal classifier turns any probabilistic classifier into one that predicts
a *set* of labels per sample, with the guarantee that the true label falls in the set
with probability at least ``confidence_level`` (marginally, over exchangeable
calibration and test samples; Vovk, Gammerman & Shafer, *Algorithmic Learning in a
Random World*, 2005). The classifier is fitted on one part of the data, and a
*conformity score* ``s(x, y)`` (how little ``y`` agrees with the predicted
probabilities) is computed on a separate calibration part; the ``ceil((n + 1) *
confidence_level)``-th smallest of the ``n`` calibration scores is the threshold
``q`` (:mod:`~sk_ordinal_kl.conformal.quantile`), and the set of ``x`` is
``{k : s(x, k) <= q}``.

For ordered classes a set should be an *interval* ``[low, high]`` of the ordinal order:
"grade 2 to 4" is a useful answer, "grade 1 or 4" is not. Both scores give contiguous
sets; each lives in its own module of :mod:`~sk_ordinal_kl.conformal.scores`, and the
``method`` parameter names it
(:data:`~sk_ordinal_kl.conformal.scores.CONFORMITY_SCORES`):

* ``"aps"`` — ordinal adaptive prediction sets (Lu, Angelopoulos, Bates &
  Kalpathy-Cramer, MICCAI 2022), grown around the mode
  (:func:`~sk_ordinal_kl.conformal.scores.aps_scores`);
* ``"rps"`` — median-centred quantile intervals of the predictive distribution, the
  RPS-based sets of Haas et al., 2026 (:func:`~sk_ordinal_kl.conformal.scores.rps_scores`).

Each set also contains its anchor (the mode for ``"aps"``, the median for ``"rps"``,
where the score is smallest), so it is never empty; adding it only raises coverage.

``randomized=True`` uses smoothed conformal p-values instead of the threshold: class
``k`` is in the set when ``(#{i: s_i > s(x, k)} + U (#{i: s_i = s(x, k)} + 1)) / (n + 1)
> 1 - confidence_level``, with ``U`` uniform on ``[0, 1]`` drawn per test sample. The
p-value of the true label is then exactly uniform, so coverage equals
``confidence_level`` in expectation rather than exceeding it by up to ``1 / (n + 1)``
(up to the rare sets that would be empty without their anchor). ``"aps"`` then also
randomises its score, as in the randomised APS of Romano, Sesia & Candès (NeurIPS
2020): the mass before ``y`` joins plus ``U`` times its probability, one ``U`` per
sample, which keeps the mode's score small and its set rarely empty. The sets stay
contiguous because the p-value decreases with the score.

The coverage metrics (:func:`~sk_ordinal_kl.metrics.coverage_score`,
:func:`~sk_ordinal_kl.metrics.mean_interval_width`,
:func:`~sk_ordinal_kl.metrics.coverage_by_set_size`) live in :mod:`sk_ordinal_kl.metrics`
and are importable from here too.
"""

# The coverage metrics are importable here as before they moved to the metrics module,
# where they are documented (so they stay out of __all__).
from ..metrics import coverage_by_set_size, coverage_score, mean_interval_width  # noqa: F401
from .classifier import OrdinalConformalClassifier
from .quantile import conformal_rank, min_calibration_samples
from .scores import CONFORMITY_METHODS, conformity_scores

__all__ = [
    "CONFORMITY_METHODS",
    "OrdinalConformalClassifier",
    "conformal_rank",
    "conformity_scores",
    "min_calibration_samples",
]
