"""CSV that spreadsheets open safely."""
import pytest

from debrief.services.exports import cell, csv_text


@pytest.mark.parametrize("value,expected", [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+44 1234", "'+44 1234"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
    ("\t=1", "'\t=1"), ("Plain text", "Plain text"), ("a=b", "a=b"), (None, ""), (-3, "-3"), ("Ŵ ŷ 😀", "Ŵ ŷ 😀"),
])
def test_cells_that_look_like_formulas_are_made_inert(value, expected):
    assert cell(value) == expected


def test_csv_starts_with_a_byte_order_mark_and_quotes_what_needs_it():
    text = csv_text(["Name", "Note"], [["Dŵr Cymru", 'said "no", then left']])
    assert text.startswith("\ufeffName,Note\r\n")
    assert 'Dŵr Cymru,"said ""no"", then left"' in text
