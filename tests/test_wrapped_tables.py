"""Tables of sentences (errors, readings) wrap a long cell whole instead of cutting it off at the cell's edge:
Streamlit's grid wraps only in rows taller than 4 rem (64 px), so the row is made as tall as the longest one needs."""
import pandas as pd
import pytest

from ui.tables import HEADER_PX, LINE_CHARS, LINE_PX, LINES_MAX, ONE_LINE_ROW_PX, PAD_PX, WRAP_ROW_PX, wrapped


@pytest.mark.parametrize("chars, height", [
    (0, ONE_LINE_ROW_PX), (10, ONE_LINE_ROW_PX), (LINE_CHARS, ONE_LINE_ROW_PX),  # a line: the grid's own row
    (LINE_CHARS + 1, WRAP_ROW_PX), (3 * LINE_CHARS, WRAP_ROW_PX),  # up to 3 lines: the least wrapping row
    (3 * LINE_CHARS + 1, PAD_PX + 4 * LINE_PX), (5 * LINE_CHARS, PAD_PX + 5 * LINE_PX),
    (LINES_MAX * LINE_CHARS, PAD_PX + LINES_MAX * LINE_PX), (10_000, PAD_PX + LINES_MAX * LINE_PX),  # a huge cell: capped
])
def test_a_row_is_as_tall_as_its_longest_sentence_needs(chars, height):
    frame = pd.DataFrame({"Row": [1, 2], "Error": ["short", "x" * chars], "Value": ["y" * 10_000, ""]})
    made = wrapped(frame, wide=("Error",), narrow=("Row",))
    assert made["row_height"] == height  # only the wide columns count: a long Value is not read in full here
    assert (height > 64) == (chars > LINE_CHARS)  # Streamlit's grid wraps a cell's text only in rows over 4 rem
    assert set(made["column_config"]) == {"Error", "Row"}


def test_a_wide_column_the_table_lacks_is_no_error():
    assert wrapped(pd.DataFrame({"Row": []}), wide=("Error",))["row_height"] == ONE_LINE_ROW_PX


@pytest.mark.parametrize("rows, shown", [(0, 1), (1, 1), (5, 5), (8, 8), (9, 8), (10_000, 8)])
def test_a_table_shows_its_rows_up_to_the_number_asked_then_scrolls(rows, shown):
    made = wrapped(pd.DataFrame({"Error": ["e"] * rows}), wide=("Error",), rows_shown=8)
    assert made["height"] == HEADER_PX + shown * made["row_height"]
    assert "height" not in wrapped(pd.DataFrame({"Error": ["e"]}), wide=("Error",))  # the caller's, unasked
