"""Warnings shown once per cause, also inside scikit-learn's searches.

Python shows a warning once per location under its default filter, but every
``warnings.catch_warnings()`` block resets that memory, and scikit-learn's
``Parallel`` runs each fit of a search inside one (to pass the filters on to its
workers). A ``GridSearchCV`` on string labels therefore printed the same
``ClassOrderWarning`` once per fit. :func:`warn_once` remembers, for the whole process,
the warnings it has shown under a "show once" filter action (``"default"``,
``"module"``, ``"once"``) and does not repeat them. Any other action is honoured as
Python would: ``"always"`` (what ``pytest.warns`` and ``simplefilter("always")`` set)
shows every call, ``"error"`` raises every call, ``"ignore"`` shows nothing.
"""

from __future__ import annotations

import sys
import threading
import warnings

__all__ = ["warn_once"]

# Filter actions under which Python itself shows a warning only once (per location,
# module or process): the ones this module makes once per process.
_SHOW_ONCE_ACTIONS = frozenset({"default", "module", "once"})

_shown: set[tuple[type[Warning], str]] = set()
_lock = threading.Lock()


def _matches(pattern, text: str) -> bool:
    # A filter field is None (any), a compiled regex, or a plain string (compared whole),
    # as in CPython's own matching.
    if pattern is None:
        return True
    if isinstance(pattern, str):
        return pattern == text
    return pattern.match(text) is not None


def _current_filters() -> list:
    # Free-threaded Python >= 3.14 keeps the filters in a context variable.
    get_filters = getattr(warnings, "_get_filters", None)
    return list(get_filters() if get_filters is not None else warnings.filters)


def _filter_action(category: type[Warning], text: str, module: str, lineno: int) -> str:
    """The action of the first warnings filter matching this warning (Python's rule)."""
    for action, message, filter_category, filter_module, filter_lineno in _current_filters():
        if (
            _matches(message, text)
            and issubclass(category, filter_category)
            and _matches(filter_module, module)
            and (filter_lineno == 0 or filter_lineno == lineno)
        ):
            return action
    return warnings.defaultaction


def _location(stacklevel: int) -> tuple[str, int]:
    """Module name and line of the frame ``stacklevel`` levels above the caller of
    :func:`warn_once` (1: that caller itself), as :func:`warnings.warn` attributes it."""
    try:
        frame = sys._getframe(stacklevel + 1)
    except ValueError:  # fewer frames than that: Python attributes it to sys
        return "sys", 0
    return frame.f_globals.get("__name__", "<string>"), frame.f_lineno


def warn_once(message: str, category: type[Warning], stacklevel: int = 1) -> None:
    """``warnings.warn(message, category)``, shown once per process under the default
    filters.

    Parameters
    ----------
    message : str
        The warning text; identical texts count as the same cause.
    category : Warning subclass
        The warning class.
    stacklevel : int, default=1
        As in :func:`warnings.warn`, counted from the caller of this function.
    """
    module, lineno = _location(stacklevel)
    show_once = _filter_action(category, message, module, lineno) in _SHOW_ONCE_ACTIONS
    key = (category, message)
    with _lock:
        if show_once and key in _shown:
            return
        if show_once:
            _shown.add(key)
    warnings.warn(message, category, stacklevel=stacklevel + 1)
