"""The Markdown table writer shared by the benchmark reports and scripts."""

import pytest

from sk_ordinal_kl._markdown import markdown_table


def test_markdown_table_layout():
    assert markdown_table(["a", "b"], [[1, 2.5], ["x", None]]).splitlines() == [
        "| a | b |",
        "|---|---|",
        "| 1 | 2.5 |",
        "| x | None |",
    ]
    assert markdown_table(["only"], []) == "| only |\n|---|"


def test_markdown_table_rejects_ragged_rows():
    with pytest.raises(ValueError, match="every row must have 2 cells"):
        markdown_table(["a", "b"], [[1]])
