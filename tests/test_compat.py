"""Each private skorch/torch detail in ``sk_ordinal_kl._compat`` still holds."""

import inspect
import numbers

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.model_selection._validation import _fit_and_predict
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import Callback
from torch import nn

from sk_ordinal_kl import OrdinalKLClassifier, _compat


def test_state_skorch_sets_in_init_is_what_we_remove():
    net = NeuralNetClassifier(nn.Linear, module__in_features=2, module__out_features=2)
    fitted_state = {name for name in vars(net) if name.endswith("_")}
    assert fitted_state == set(_compat.SKORCH_STATE_SET_IN_INIT)
    assert not fitted_state & set(vars(OrdinalKLClassifier()))


def test_fit_loop_kwargs_match_skorchs_signature():
    takes_routing = "_routing_method" in inspect.signature(NeuralNet.fit_loop).parameters
    assert _compat.fit_loop_kwargs("fit") == ({"_routing_method": "fit"} if takes_routing else {})


def test_a_forward_without_extra_arguments_never_sees_the_routing_keyword(ordinal_data):
    class Strict(nn.Module):
        def __init__(self, in_features, num_classes):
            super().__init__()
            self.linear = nn.Linear(in_features, num_classes)

        def forward(self, X):  # no **kwargs: any leaked keyword raises a TypeError
            return self.linear(X)

    X, y = ordinal_data
    clf = OrdinalKLClassifier(module=Strict, max_epochs=1).fit(X, y)
    clf.partial_fit(X, y)


def test_reinitialize_criterion_rebuilds_it_with_new_parameters(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(max_epochs=1, sigma=1.0).fit(X, y)
    old = clf.criterion_
    clf.set_params(sigma=3.0)
    _compat.reinitialize_criterion(clf)
    assert clf.criterion_ is not old
    assert clf.criterion_.current_sigma == 3.0


def test_default_callbacks_are_skorchs_without_valid_acc():
    names = [name for name, _ in _compat.skorch_default_callbacks(OrdinalKLClassifier())]
    assert names == ["epoch_timer", "train_loss", "valid_loss", "print_log"]


class _BatchHook(Callback):
    def on_batch_begin(self, net, **kwargs):
        pass


@pytest.mark.parametrize(
    ("callbacks", "expected"),
    [(None, 2), ([_BatchHook()], 2 * 4)],  # plain loop: per epoch; skorch's: per batch
    ids=["plain loop", "skorch loop"],
)
def test_set_training_calls(ordinal_data, monkeypatch, callbacks, expected):
    # skorch's loop calls _set_training before every batch (why the estimator's
    # override skips modules already in the mode); the plain loop once per epoch.
    calls = []
    original = OrdinalKLClassifier._set_training

    def spy(self, training=True):
        calls.append(training)
        return original(self, training)

    monkeypatch.setattr(OrdinalKLClassifier, "_set_training", spy)
    X, y = ordinal_data
    OrdinalKLClassifier(max_epochs=2, batch_size=60, callbacks=callbacks).fit(X, y)
    assert calls.count(True) == expected  # epochs x batches (4 of 60 rows)


def test_fused_optimizer_supports():
    assert _compat.fused_optimizer_supports([torch.zeros(2), torch.zeros(3, dtype=torch.float64)])
    assert not _compat.fused_optimizer_supports([torch.zeros(2, dtype=torch.int64)])
    assert not _compat.fused_optimizer_supports([])


def test_log_softmax_backward_is_the_derivative_of_log_softmax():
    torch.manual_seed(0)
    logits = torch.randn(5, 7, dtype=torch.float64, requires_grad=True)
    grad_out = torch.randn(5, 7, dtype=torch.float64)
    log_q = torch.log_softmax(logits, dim=1)
    (expected,) = torch.autograd.grad(log_q, logits, grad_out)
    actual = _compat.log_softmax_backward(grad_out, log_q.detach(), 1, torch.float64)
    np.testing.assert_allclose(actual.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_sklearn_parameter_validation_names_the_parameter():
    constraints = {"alpha": [_compat.Interval(numbers.Real, 0, None, closed="left")]}
    _compat.validate_parameter_constraints(constraints, {"alpha": 1.0}, caller_name="X")
    try:
        _compat.validate_parameter_constraints(constraints, {"alpha": -1.0}, caller_name="X")
    except ValueError as error:
        assert "'alpha' parameter of X" in str(error)
    else:
        raise AssertionError("a negative alpha was accepted")
    rule = {"rule": [_compat.StrOptions({"mean"})]}
    with pytest.raises(ValueError, match="'rule' parameter of X"):
        _compat.validate_parameter_constraints(rule, {"rule": "mode"}, caller_name="X")


class _RecordsLabelEncoding(LogisticRegression):
    """A classifier that records what ``label_encoded_fit`` says during its fit."""

    def fit(self, X, y):
        seen = _compat.label_encoded_fit()
        self.seen_ = None if seen is None else seen.encoded_labels
        self.inside_ = seen is not None
        self.y_seen_ = np.asarray(y)
        return super().fit(X, y)

    def predict(self, X):
        return np.full(len(X), self.inside_)  # a way to read what the fold saw

    def predict_proba(self, X):
        proba = np.zeros((len(X), len(self.classes_)))
        proba[:, 0] = self.inside_
        proba[:, 1] = self.seen_ is not None and list(self.seen_) == ["a", "b", "c"]
        return proba


def test_cross_val_predict_label_encodes_y_in_fit_and_predict():
    """cross_val_predict still fits each fold with LabelEncoder codes inside its private
    _fit_and_predict, with the encoder in the local ``le`` of cross_val_predict."""
    X = np.arange(60, dtype=float).reshape(-1, 1)
    y = np.array(["c", "a", "b"] * 20, dtype=object)
    proba = cross_val_predict(_RecordsLabelEncoding(), X, y, cv=3, method="predict_proba")
    assert proba[:, 0].all() and proba[:, 1].all()  # inside, and the labels were seen
    flags = cross_val_predict(_RecordsLabelEncoding(), X, y, cv=3, method="predict")
    assert not flags.any()  # predict does not encode
    assert _compat.label_encoded_fit() is None  # nor does a plain call
    fold = _RecordsLabelEncoding()
    _fit_and_predict(fold, X, y, np.arange(30), np.arange(30, 60), {}, "predict_proba")
    assert fold.inside_ and fold.seen_ is None  # a worker sees no encoder
    np.testing.assert_array_equal(fold.y_seen_, y[:30])


# --------------------------------------------------------------------------- #
# The estimator (classifier area)
# --------------------------------------------------------------------------- #
class _TwoModulesTwoOptimizers(OrdinalKLClassifier):
    """Registers a second module and a second optimizer, the skorch way."""

    def initialize_module(self):
        super().initialize_module()
        self.extra_module_ = nn.Linear(2, 2)
        return self

    def initialize_optimizer(self, *args, **kwargs):
        super().initialize_optimizer(*args, **kwargs)
        self.extra_optimizer_ = torch.optim.SGD(self.extra_module_.parameters(), lr=0.1)
        return self


def test_registered_names_are_skorchs_modules_criteria_and_optimizers(ordinal_data):
    X, y = ordinal_data
    net = OrdinalKLClassifier(max_epochs=1).fit(X, y)
    assert _compat.registered_names(net, "modules") == ["module"]
    assert _compat.registered_names(net, "criteria") == ["criterion"]
    assert _compat.registered_names(net, "optimizers") == ["optimizer"]
    two = _TwoModulesTwoOptimizers(max_epochs=1).fit(X, y)
    assert _compat.registered_names(two, "modules") == ["module", "extra_module"]
    assert _compat.registered_names(two, "optimizers") == ["optimizer", "extra_optimizer"]
    assert not two._plain_training_step(two.train_step)  # skorch steps both optimizers
    with pytest.raises(ValueError, match="kind must be one of"):
        _compat.registered_names(net, "callbacks")


def test_skorch_lists_private_bookkeeping_as_parameters_and_we_drop_it():
    clf = OrdinalKLClassifier()
    skorch_names = list(NeuralNet._get_param_names(clf))
    assert "_params_to_validate" in skorch_names  # why public_param_names filters
    expected = [name for name in skorch_names if not name.startswith("_")]
    assert _compat.public_param_names(clf) == expected
    # scikit-learn's get_params (so clone and repr) reads exactly these names.
    init = set(inspect.signature(OrdinalKLClassifier.__init__).parameters) - {"self", "kwargs"}
    assert set(clf.get_params(deep=False)) == set(expected) == init


def test_skorch_has_every_per_batch_method():
    for name in _compat.SKORCH_PER_BATCH_METHODS:
        assert callable(getattr(NeuralNet, name)), name
    assert "training" in inspect.signature(NeuralNet._set_training).parameters


# --------------------------------------------------------------------------- #
# Meta-estimators (tuned decision, conformal sets)
# --------------------------------------------------------------------------- #
def test_safe_indexing_takes_rows_of_arrays_frames_and_lists():
    import pandas as pd
    from scipy import sparse

    rows = np.array([2, 0])
    array = np.arange(8).reshape(4, 2)
    np.testing.assert_array_equal(_compat.safe_indexing(array, rows), array[rows])
    frame = pd.DataFrame(array, columns=["a", "b"], index=[10, 11, 12, 13])
    taken = _compat.safe_indexing(frame, rows)
    assert list(taken.index) == [12, 10]  # by position, not by index label
    assert _compat.safe_indexing(["w", "x", "y", "z"], rows) == ["y", "w"]
    matrix = _compat.safe_indexing(sparse.csr_matrix(array), rows)
    np.testing.assert_array_equal(matrix.toarray(), array[rows])


def test_scorer_response_method_reads_sklearn_scorers():
    from sklearn.metrics import accuracy_score, get_scorer, make_scorer

    assert _compat.scorer_response_method(get_scorer("accuracy")) == "predict"
    assert _compat.scorer_response_method(get_scorer("neg_log_loss")) == "predict_proba"
    both = make_scorer(accuracy_score, response_method=("decision_function", "predict"))
    assert tuple(_compat.scorer_response_method(both)) == ("decision_function", "predict")
    assert _compat.scorer_response_method(lambda estimator, X, y: 0.0) is None


def test_has_methods_constraint_names_the_missing_methods():
    from sklearn.svm import SVC

    constraints = {"estimator": [_compat.HasMethods(["fit", "predict_proba"])]}
    _compat.validate_parameter_constraints(
        constraints, {"estimator": LogisticRegression()}, caller_name="X"
    )
    with pytest.raises(ValueError, match=r"'estimator' parameter of X.*'predict_proba'"):
        _compat.validate_parameter_constraints(constraints, {"estimator": SVC()}, caller_name="X")
