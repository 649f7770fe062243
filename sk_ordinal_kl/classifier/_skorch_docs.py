"""Class docstrings that build on skorch's: inherited parameters documented as skorch does.

:class:`~sk_ordinal_kl.OrdinalKLClassifier` passes most of :class:`skorch.NeuralNet`'s
parameters on unchanged. Copying their descriptions would let them drift from skorch's,
so the class documents only the parameters it adds or whose meaning it changes, and
:func:`with_skorch_parameters` fills in the others from ``NeuralNet.__doc__`` (as skorch's
own ``NeuralNetClassifier`` edits that docstring), with the subclass's defaults in their
headers. Entries follow the order of the subclass's ``__init__``.

skorch writes its entries as ``name : type (default=value)`` over a body indented by two
spaces; the headers are rewritten in numpydoc's ``name : type, default=value`` form and
the bodies re-indented. A parameter that skorch's docstring does not describe (another
skorch version) gets an entry pointing to skorch's documentation, so the docstring
always lists every parameter; a test checks that the installed skorch describes all.
"""

from __future__ import annotations

import inspect
import re
import textwrap

from skorch import NeuralNet

__all__ = ["parameter_entries", "skorch_parameter_entries", "with_skorch_parameters"]

_SECTION_RULE = re.compile(r"^-{3,}$")
# An entry header at the section's indentation: "name : type", "a, b : type", "**kwargs".
_HEADER = re.compile(r"^(\*{0,2}\w+(?:, \*{0,2}\w+)*)(?: : (.*))?$")
_SKORCH_DEFAULT = re.compile(r"\s*\(default=.*\)\s*$")
_FALLBACK = (
    "A :class:`skorch.NeuralNet` parameter, passed on unchanged; see skorch's documentation."
)


def _sections(doc: str) -> list[tuple[str, list[str]]]:
    """``(title, lines)`` of each numpydoc section of a cleaned docstring; the text before
    the first section has the title ``""``."""
    lines = inspect.cleandoc(doc).splitlines()
    sections: list[tuple[str, list[str]]] = [("", [])]
    i = 0
    while i < len(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if lines[i].strip() and _SECTION_RULE.match(following.strip()):
            sections.append((lines[i].strip(), []))
            i += 2
            continue
        sections[-1][1].append(lines[i])
        i += 1
    return sections


def parameter_entries(doc: str) -> dict[str, tuple[str, list[str]]]:
    """The entries of a docstring's Parameters section.

    Parameters
    ----------
    doc : str
        A numpydoc docstring, indented (as Python < 3.13 keeps it) or not.

    Returns
    -------
    entries : dict
        ``{name: (type, body lines)}``, in the section's order; an entry naming several
        parameters (``a, b : type``) is keyed by its full name list. Body lines are
        dedented.
    """
    section = next((lines for title, lines in _sections(doc) if title == "Parameters"), [])
    entries: dict[str, tuple[str, list[str]]] = {}
    name = None
    for line in section:
        match = _HEADER.match(line) if line and not line[0].isspace() else None
        if match:
            name = match[1]
            entries[name] = (match[2] or "", [])
        elif name is not None:
            entries[name][1].append(line)
    return {
        key: (kind, textwrap.dedent("\n".join(body)).strip("\n").splitlines())
        for key, (kind, body) in entries.items()
    }


def skorch_parameter_entries() -> dict[str, tuple[str, list[str]]]:
    """The parameters :class:`skorch.NeuralNet`'s docstring documents, as
    :func:`parameter_entries` gives them, types without skorch's ``(default=...)``."""
    return {
        name: (_SKORCH_DEFAULT.sub("", kind), body)
        for name, (kind, body) in parameter_entries(NeuralNet.__doc__ or "").items()
    }


def _shown(default) -> str:
    if isinstance(default, type):
        return f"{default.__module__}.{default.__qualname__}"
    return repr(default)


def _entry(header: str, body: list[str]) -> list[str]:
    return [header, *(f"    {line}" if line.strip() else "" for line in body)]


def with_skorch_parameters(cls: type) -> str:
    """``cls.__doc__`` with the ``__init__`` parameters it leaves out taken from skorch.

    Parameters
    ----------
    cls : type
        A :class:`skorch.NeuralNet` subclass whose docstring has a Parameters section
        with the entries it adds or changes.

    Returns
    -------
    doc : str
        The cleaned docstring; its Parameters section has one entry per ``__init__``
        parameter, in signature order, then any other entries of ``cls``'s own.
    """
    own = parameter_entries(cls.__doc__ or "")
    by_name = {part.lstrip("*"): key for key in own for part in key.split(", ")}
    inherited = skorch_parameter_entries()
    signature = inspect.signature(cls.__init__)
    lines: list[str] = []
    written: set[str] = set()
    for name, parameter in list(signature.parameters.items())[1:]:
        key = by_name.get(name)
        if key is not None:
            if key not in written:
                written.add(key)
                lines += _entry(f"{key} : {own[key][0]}" if own[key][0] else key, own[key][1])
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue  # documented only where the class says what they route
        kind, body = inherited.get(name, ("object", [_FALLBACK]))
        lines += _entry(f"{name} : {kind}, default={_shown(parameter.default)}", body)
    for key, (kind, body) in own.items():
        if key not in written:
            lines += _entry(f"{key} : {kind}" if kind else key, body)
    out: list[str] = []
    for title, section in _sections(cls.__doc__ or ""):
        if title:
            out += [title, "-" * len(title)]
        out += [*lines, ""] if title == "Parameters" else section
    return "\n".join(out).rstrip() + "\n"
