"""Parameter descriptions that several criteria and target functions share.

A docstring line that holds only ``%(name)s`` is replaced by the description ``name``
below, indented like that line (:func:`fill_doc`), so that a parameter every criterion
takes is described once. Sphinx, ``help()`` and doctest read the filled docstring.
"""

from __future__ import annotations

import re
import textwrap

__all__ = ["fill_doc"]

_KINDS = '{"gaussian", "laplace", "triangular", "binomial", "poisson"}'

PARAMETERS = {
    "num_classes": """\
num_classes : int
    Number of classes ``K``; :class:`~sk_ordinal_kl.OrdinalKLClassifier` fills it in
    from the data.""",
    "kind": f"""\
kind : {_KINDS}, default="gaussian"
    Soft-target kernel (see :data:`~sk_ordinal_kl.targets.SOFT_TARGET_KINDS`); set it
    through ``criterion__kind``.""",
    "sigma": """\
sigma : float, default=1.0
    Kernel width (temperature for binomial/Poisson), > 0.""",
    "weight": """\
weight : array-like of shape (K,), default=None
    Optional class weights, applied per sample by its true class (weighted mean as in
    ``F.cross_entropy``).""",
    "reduction": """\
reduction : {"mean", "sum", "none"}, default="mean"
    How per-sample losses are combined.""",
    "kernel": f"""\
kind : {_KINDS}
    The kernel (formulas in :mod:`sk_ordinal_kl.targets`).
num_classes : int
    Number of ordered classes ``K`` (>= 2).
sigma : float
    Width (gaussian, laplace, triangular) or temperature (binomial, poisson), > 0.""",
    "logits_target": """\
logits : torch.Tensor of shape (B, K)
    Unnormalised class scores.
target : torch.Tensor of shape (B,)
    True class indices.""",
    "offset": """\
offset : torch.Tensor of shape (K,) or None
    Constant ``c`` per true class (None for 0).""",
}

_PLACEHOLDER = re.compile(r"^( *)%\((\w+)\)s$", flags=re.M)


def fill_doc(obj):
    """Put the shared descriptions into ``obj``'s docstring (see the module docstring).

    An unknown name raises ``KeyError`` at import, so a typo cannot reach the docs.
    """
    if obj.__doc__:  # None under ``python -OO``
        obj.__doc__ = _PLACEHOLDER.sub(
            lambda match: textwrap.indent(PARAMETERS[match[2]], match[1]), obj.__doc__
        )
    return obj
