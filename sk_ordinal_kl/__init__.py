"""Ordinal-aware deep learning for scikit-learn.

The main entry point is :class:`OrdinalKLClassifier`, a skorch
``NeuralNetClassifier`` trained with cross-entropy plus ``alpha`` times the
KL divergence from a discrete Gaussian "mound" over the ordered classes.
"""

__version__ = "0.2.0.dev0"

from .callbacks import SigmaSchedule
from .classifier import OrdinalKLClassifier, TooLittleDataWarning
from .conformal import OrdinalConformalClassifier
from .decision import TunedOrdinalDecisionCV
from .labels import ClassOrderWarning
from .losses import LOSSES, GaussianKLCrossEntropy
from .search import OrdinalKLClassifierCV

__all__ = [
    "LOSSES",
    "ClassOrderWarning",
    "GaussianKLCrossEntropy",
    "OrdinalConformalClassifier",
    "OrdinalKLClassifier",
    "OrdinalKLClassifierCV",
    "SigmaSchedule",
    "TooLittleDataWarning",
    "TunedOrdinalDecisionCV",
    "__version__",
]
