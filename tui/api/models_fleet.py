"""The slim model of an inner organization's info that the fleet reads: limits and six daily figures.

An info body is ~200 KB: 365 daily records of 20 fields. The full `InnerOrganizationInfo` builds all of them
(8 ms a body); the fleet needs five figures and a date per record, so it validates the bytes straight into
this model with pydantic's JSON parser (`FleetInfo.model_validate_json(body)`, about 1 ms) and ignores the rest.
Records are TypedDicts with the API's own names: `tui.api.fleet.measure` reads them as it reads raw bodies.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

__all__ = ["FleetDay", "FleetInfo"]


class FleetDay(TypedDict, total=False):
    """The fields of a daily metrics record the fleet reads (others are dropped while parsing)."""

    date: str
    totalUsers: float | None
    totalProjects: float | None
    totalStorageSizeBytes: float | None
    totalCurrentContractComputeTimeSeconds: float | None
    totalCurrentContractGpuComputeTimeSeconds: float | None


class FleetInfo(BaseModel):
    """GET .../whitelabel/organizations/{innerId}, as much of it as the fleet needs."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    success: bool | None = None
    error: str | None = None
    entitlement_limits: dict[str, Any] | None = Field(default=None, alias="entitlementLimits")
    daily_metrics: list[FleetDay] | None = Field(default=None, alias="dailyMetrics")
