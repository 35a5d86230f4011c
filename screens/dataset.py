"""A dataset of the organization: every field, its bucket, tags and checklist counts."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult

from screens.detail import DetailScreen, card_rows
from tui.formatting import format_bytes, format_count
from tui.safe_text import clean
from widgets.card import KeyValueCard
from widgets.reading import ReadingScroll


class DatasetScreen(DetailScreen):
    """The dataset record as the organization info returns it: nothing to fetch, everything to show."""

    def __init__(self, org_id: int, dataset: dict[str, Any]) -> None:
        super().__init__()
        self.org_id = org_id
        self.document = dataset
        self.crumb = clean(dataset.get("dataset") or "Dataset")

    def compose_body(self) -> ComposeResult:
        data = self.document or {}
        with ReadingScroll(id="dataset-scroll"):
            yield KeyValueCard(
                self.crumb,
                [
                    ("Type", data.get("type")),
                    ("Category", data.get("category")),
                    ("Files", format_count(data.get("totalFileCount"))),
                    ("Items", format_count(data.get("totalItemCount"))),
                    ("Size", format_bytes(data.get("totalFileSize"))),
                    ("Checklist OK", format_count(data.get("totalItemCountChecklistOK"))),
                    ("Checklist failed", format_count(data.get("totalItemCountChecklistFailed"))),
                    ("Last file", data.get("lastFileCreated")),
                    ("Tags", data.get("tags")),
                    ("Bucket path", data.get("bucketPath")),
                ],
                id="dataset-card",
            )
            bucket = data.get("bucket")
            if isinstance(bucket, dict):
                yield KeyValueCard("Bucket", card_rows(bucket, first=("fullBucketPathDescription", "bucket", "path")))
            extra = card_rows(data, skip=_SHOWN)
            if extra:
                yield KeyValueCard("Other fields", extra)

    def on_mount(self) -> None:
        self.query_one("#dataset-scroll").focus()


_SHOWN = (
    "dataset",
    "type",
    "category",
    "totalFileCount",
    "totalItemCount",
    "totalFileSize",
    "totalItemCountChecklistOK",
    "totalItemCountChecklistFailed",
    "lastFileCreated",
    "tags",
    "bucketPath",
)
