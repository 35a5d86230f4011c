"""Reusable widgets: given data, never calling the API; every API string shown through `tui.safe_text`."""

from widgets.breadcrumbs import Breadcrumbs
from widgets.card import KeyValueCard
from widgets.gauge import UsageGauge
from widgets.resource_table import ResourceTable
from widgets.row_store import Column, RowStore
from widgets.sparkline import MetricSparkline

__all__ = [
    "Breadcrumbs",
    "Column",
    "KeyValueCard",
    "MetricSparkline",
    "ResourceTable",
    "RowStore",
    "UsageGauge",
]
