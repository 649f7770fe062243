"""A pass-through "classifier" for tests of wrappers that read ``predict_proba``.

Its ``predict_proba`` returns its input, so a test can feed hand-made probability rows
to a decision tuner or a conformal wrapper without fitting any model.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin


class PassThrough(ClassifierMixin, BaseEstimator):
    """A fitted "model" whose probabilities are its inputs."""

    def fit(self, X, y):
        self.classes_ = np.arange(np.asarray(X).shape[1])
        return self

    def predict_proba(self, X):
        return np.asarray(X, dtype=np.float64)

    def predict(self, X):
        return np.argmax(np.asarray(X), axis=1)
