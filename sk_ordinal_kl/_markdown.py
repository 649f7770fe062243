"""The one Markdown table writer, for the benchmark reports and the scripts in benchmarks/."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["markdown_table"]


def markdown_table(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table, cells written with ``str``.

    Parameters
    ----------
    header : sequence
        Column titles.
    rows : sequence of sequences
        One sequence of cells per row, as long as ``header``.

    Returns
    -------
    table : str
        Lines joined by newlines, without a trailing newline.

    Examples
    --------
    >>> print(markdown_table(["a", "b"], [[1, 2]]))
    | a | b |
    |---|---|
    | 1 | 2 |
    """
    if any(len(row) != len(header) for row in rows):
        raise ValueError(f"every row must have {len(header)} cells, like the header.")
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines)
