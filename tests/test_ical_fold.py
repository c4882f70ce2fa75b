"""incidents.ics folds its long ASCII lines by slices (generator/export/ical.py's fold_ascii): byte for byte what
icalendar's own folding makes, escapes at the fold included."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from icalendar.parser import Contentline

from generator.export.ical import fold_ascii

ASCII = st.text(alphabet=st.sampled_from("ab ,;:\\^nN;=\"'x0123456789"), min_size=0, max_size=400)


@given(ASCII)
def test_fold_ascii_is_icalendars_folding(line: str) -> None:
    assert fold_ascii(line) == Contentline(line).to_ical()


def test_fold_ascii_moves_an_escape_to_the_next_line() -> None:
    line = "DESCRIPTION:" + "x" * 61 + "\\n" + "y" * 100
    assert fold_ascii(line) == Contentline(line).to_ical()
    assert b"\\\r\n" not in fold_ascii(line)
