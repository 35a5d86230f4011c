"""Rows written for a reader who may open them in a spreadsheet or `cat` them in a terminal.

CSV: strings lose terminal controls, line breaks and bidi overrides (tui/safe_text.py's `clean`), and then a
cell or header that a spreadsheet would run as a formula (first non-blank character `=`, `+`, `-`, `@`, or
their full-width forms; or a leading tab or carriage return) gets a leading `'`, as OWASP's "CSV Injection"
page recommends. Cleaning comes first, because removing an escape sequence can expose a formula
(`"\\x1b]2;T\\x07=1+1"` is `=1+1` once cleaned). Real numbers are written as they are.

JSON and JSON lines keep every character of the data but write C1 controls, DEL, U+2028/2029 and bidi
controls as `\\uXXXX` escapes (JSON already escapes C0): a program reading the file gets the text back
exactly, and a terminal that shows the file has nothing to act on.

A number JSON cannot hold (`1e400` in a body parses as infinity; `NaN` is accepted by lenient parsers) is
written as `null` in JSON and JSON lines, and as an empty cell in CSV: never `Infinity` or `NaN`, which no JSON
parser is obliged to read. Rows are written one at a time, so an export of 200,000 rows holds them once.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable
from typing import Any, TextIO

from tui.safe_text import clean

__all__ = ["csv_cell", "dump_json", "finite_dumps", "flatten", "json_text", "neutralise_formula", "write_rows"]

_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def neutralise_formula(text: str) -> str:
    """`'` + text when a spreadsheet would read it as a formula; otherwise the text unchanged."""
    if text[:1] in ("\t", "\r") or text.lstrip(" ")[:1] in _FORMULA_START:
        return "'" + text
    return text


def _finite(value: Any) -> Any:
    """`value` with every infinite or NaN float inside it (keys aside) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list):
        return [_finite(item) for item in value]
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    return value


def finite_dumps(value: Any, **options: Any) -> str:
    """json.dumps that writes null for a non-finite number, so the text is valid JSON (`1e400` in a body parses as
    inf; export and the clipboard copies write null). The walk only runs when there is one."""
    try:
        return json.dumps(value, allow_nan=False, **options)
    except ValueError:  # "Out of range float values are not JSON compliant"
        return json.dumps(_finite(value), allow_nan=False, **options)


def json_text(value: Any, *, indent: int | None = None) -> str:
    """JSON with non-ASCII kept readable but every invisible control or bidi character escaped."""
    separators = (",", ":") if indent is None else None
    text = finite_dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dump_json(value: Any, out: TextIO) -> None:
    out.write(json_text(value, indent=2))
    out.write("\n")


def _dump_json_array(rows: Iterable[Any], out: TextIO) -> None:
    """What `dump_json(list(rows))` writes, byte for byte, one row at a time (no whole-file string)."""
    out.write("[")
    empty = True
    for row in rows:
        out.write("\n  " if empty else ",\n  ")
        out.write(json_text(row, indent=2).replace("\n", "\n  "))  # JSON strings hold no raw newline
        empty = False
    out.write("]\n" if empty else "\n]\n")


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted columns (`entitlementLimits.totalStorage`); lists stay lists."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _clean_deep(value: Any) -> Any:
    """Every string inside a list or object cleaned, keys included; numbers and the rest as they are."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_clean_deep(item) for item in value]
    if isinstance(value, dict):
        return {clean(key): _clean_deep(item) for key, item in value.items()}
    return value


def csv_cell(value: Any) -> str:
    """One CSV cell: numbers as they are, booleans lowercase, lists and objects as JSON, text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | dict):
        return neutralise_formula(finite_dumps(_clean_deep(value), ensure_ascii=False))
    return neutralise_formula(clean(str(value)))


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: TextIO) -> None:
    """Write rows as json (one array), jsonl (an object a line) or csv (union of columns, first seen first)."""
    rows = list(rows)
    if fmt == "json":
        _dump_json_array(rows, out)
    elif fmt == "jsonl":
        for row in rows:
            out.write(json_text(row) + "\n")
    else:
        columns: dict[str, None] = {}
        for row in rows:  # two passes, flattening each row twice, rather than holding every row twice
            columns.update(dict.fromkeys(flatten(row)))
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([csv_cell(c) for c in columns])
        for row in rows:
            flat = flatten(row)
            writer.writerow([csv_cell(flat.get(c)) for c in columns])
