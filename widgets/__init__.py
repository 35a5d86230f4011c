"""Reusable widgets: given data, never calling the API; every API string shown through `tui.safe_text`.

The exports load lazily so that `widgets.row_store` and `widgets.row_pack` (plain Python) can be imported
by headless code (export, benchmarks) without pulling in Textual.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from widgets.breadcrumbs import Breadcrumbs
    from widgets.card import KeyValueCard
    from widgets.gauge import UsageGauge
    from widgets.json_view import JsonView
    from widgets.resource_table import ResourceTable
    from widgets.row_store import Column, RowStore
    from widgets.sparkline import MetricSparkline

_EXPORTS = {
    "Breadcrumbs": "widgets.breadcrumbs",
    "Column": "widgets.row_store",
    "JsonView": "widgets.json_view",
    "KeyValueCard": "widgets.card",
    "MetricSparkline": "widgets.sparkline",
    "ResourceTable": "widgets.resource_table",
    "RowStore": "widgets.row_store",
    "UsageGauge": "widgets.gauge",
}

__all__ = [
    "Breadcrumbs",
    "Column",
    "JsonView",
    "KeyValueCard",
    "MetricSparkline",
    "ResourceTable",
    "RowStore",
    "UsageGauge",
]


def __getattr__(name: str) -> Any:
    """Import a widget module on first use of its export."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'widgets' has no attribute {name!r}")
    return getattr(import_module(module), name)
