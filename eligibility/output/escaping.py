"""What user text goes through before it leaves the program: lone surrogates escaped, spreadsheet formulas defused.

A roster may carry text no UTF-8 stream can hold: a lone surrogate (U+D800 to U+DFFF), from a JSON
``"\\ud800"`` escape. Every writer prints it as the six characters ``\\ud800`` instead of failing:
text streams and files are opened with ``errors="backslashreplace"`` (:data:`TEXT_ERRORS`), and
:func:`printable` does it for the rest (JSON, where ``\\ud800`` is the JSON escape it was read from;
Parquet cells; error lines).

Every CSV text cell goes through :func:`csv_cell` (the OWASP rule for CSV injection).
"""

from __future__ import annotations

import re
from typing import Any

from eligibility.records.csv_files import FORMULA_STARTS

TEXT_ERRORS = "backslashreplace"  # the error handler of every text stream and file we write
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every lone surrogate written as its backslash escape (``\\ud800``); unchanged otherwise."""
    if text.isascii():
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def csv_cell(value: Any) -> str:
    """One CSV cell of text: a cell a spreadsheet would run as a formula (it starts with ``= + - @``, a tab
    or a carriage return) gets a leading single quote, so it is shown as the text it is.

    For every cell that may hold text from a roster, a rule file or a message; cells the program types
    itself as dates or numbers are written as they are, by the caller (results.TYPED_COLUMNS).
    """
    text = printable("" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text
