"""The estimator's docstring documents every parameter: its own, and skorch's in skorch's words."""

import inspect
import re

import pytest
import torch
from skorch import NeuralNet, NeuralNetClassifier

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.classifier._skorch_docs import (
    parameter_entries,
    skorch_parameter_entries,
    with_skorch_parameters,
)

# Parameters OrdinalKLClassifier passes on to skorch unchanged (documented by skorch).
INHERITED = (
    "dataset",
    "callbacks",
    "warm_start",
    "verbose",
    "device",
    "compile",
    "use_caching",
    "torch_load_kwargs",
)


def _documented_names(doc: str) -> list[str]:
    """Parameter names of a numpydoc Parameters section, read independently of the
    module under test: unindented lines between "Parameters" and the next section."""
    lines = inspect.cleandoc(doc).splitlines()
    start = lines.index("Parameters") + 2
    names = []
    for i in range(start, len(lines)):
        if i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1]):
            break  # the next section's title
        if lines[i] and not lines[i][0].isspace():
            head = lines[i].split(" : ")[0]
            names += [name.strip().lstrip("*") for name in head.split(",")]
    return names


def _init_parameters(cls) -> list[str]:
    return list(inspect.signature(cls.__init__).parameters)[1:]


def test_every_init_parameter_is_documented_once_in_signature_order():
    assert _documented_names(OrdinalKLClassifier.__doc__) == _init_parameters(OrdinalKLClassifier)


def test_numpydoc_reads_every_parameter():
    docscrape = pytest.importorskip("numpydoc.docscrape", reason="needs the docs extra")
    doc = docscrape.ClassDoc(OrdinalKLClassifier, config={"show_class_members": False})
    names = [n.strip().lstrip("*") for p in doc["Parameters"] for n in p.name.split(",")]
    assert names == _init_parameters(OrdinalKLClassifier)
    assert all(p.desc for p in doc["Parameters"])
    assert [a.name for a in doc["Attributes"]][:2] == ["classes_", "ordinal_classes_"]


def test_inherited_parameters_are_skorchs_text_with_our_defaults():
    ours = parameter_entries(OrdinalKLClassifier.__doc__)
    skorch = skorch_parameter_entries()
    defaults = inspect.signature(OrdinalKLClassifier.__init__).parameters
    for name in INHERITED:
        kind, body = ours[name]
        assert body == skorch[name][1], name
        assert "(default=" not in kind
        default = defaults[name].default
        shown = "skorch.dataset.Dataset" if name == "dataset" else repr(default)
        assert kind.endswith(f", default={shown}"), (name, kind)
    # skorch's own defaults differ for these; the docstring must show ours.
    assert ours["verbose"][0] == "int, default=0"
    assert ours["dataset"][0] == "torch Dataset, default=skorch.dataset.Dataset"


def test_own_parameters_keep_their_own_text():
    ours = parameter_entries(OrdinalKLClassifier.__doc__)
    # lr and batch_size resolve "auto" per network: documented here, not by skorch.
    assert ours["lr"][0] == 'float or "auto", default="auto"'
    assert ours["batch_size"][0] == 'int or "auto", default="auto"'
    assert "TabM" in " ".join(ours["batch_size"][1])
    assert ours["train_split"][0] == "callable or None, default=None"
    assert any("early_stopping" in line for line in ours["train_split"][1])
    assert "iterator_train, iterator_valid" in ours
    assert "ArrayBatchLoader" in " ".join(ours["iterator_train, iterator_valid"][1])
    # max_epochs takes "auto", which skorch's text does not know
    assert ours["max_epochs"][0] == 'int or "auto", default="auto"'
    assert "max_epochs_" in " ".join(ours["max_epochs"][1])


def test_installed_skorch_documents_every_inherited_parameter():
    # Where skorch's docstring lacks a parameter the builder falls back to a pointer to
    # skorch's documentation; with the installed skorch no parameter needs it.
    assert set(INHERITED) <= set(skorch_parameter_entries())
    assert "passed on unchanged; see skorch's documentation" not in OrdinalKLClassifier.__doc__


def test_entries_read_alike_from_indented_and_dedented_docstrings():
    # Python 3.13 strips the common indentation of docstrings at compile time.
    indented = NeuralNet.__doc__
    dedented = inspect.cleandoc(indented)
    assert parameter_entries(indented) == parameter_entries(dedented)
    assert {"module", "criterion", "lr", "torch_load_kwargs"} <= set(parameter_entries(dedented))


def test_a_parameter_skorch_does_not_document_gets_a_pointer_to_skorch():
    class Net(NeuralNetClassifier):
        """A net.

        Parameters
        ----------
        module : torch module class
            The network.
        """

        def __init__(self, module, *, lr=0.5, undocumented_knob=3, **kwargs):
            super().__init__(module, lr=lr, **kwargs)
            self.undocumented_knob = undocumented_knob

    doc = with_skorch_parameters(Net)
    assert _documented_names(doc) == ["module", "lr", "undocumented_knob"]
    entries = parameter_entries(doc)
    assert entries["lr"][0] == "float, default=0.5"
    assert entries["undocumented_knob"][0] == "object, default=3"
    assert "see skorch's documentation" in entries["undocumented_knob"][1][0]


def test_class_defaults_are_shown_by_their_import_path():
    entries = parameter_entries(OrdinalKLClassifier.__doc__)
    assert entries["dataset"][0].endswith("default=skorch.dataset.Dataset")
    assert torch.optim.AdamW.__name__ in entries["optimizer"][0]
