"""Probe classifiers for the tests of the meta-estimators (tuned decision, conformal sets).

``PassThrough``'s ``predict_proba`` returns its input, so a test can feed hand-made
probability rows to a decision tuner or a conformal wrapper without fitting any model;
``CountingLogisticRegression`` counts its fits, so a test can assert that bad input
raises before any.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression


class PassThrough(ClassifierMixin, BaseEstimator):
    """A fitted "model" whose probabilities are its inputs."""

    def fit(self, X, y):
        self.classes_ = np.arange(np.asarray(X).shape[1])
        return self

    def predict_proba(self, X):
        return np.asarray(X, dtype=np.float64)

    def predict(self, X):
        return np.argmax(np.asarray(X), axis=1)


class CountingLogisticRegression(LogisticRegression):
    """LogisticRegression that counts its fits (all clones share the count)."""

    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        return super().fit(X, y, sample_weight=sample_weight)
