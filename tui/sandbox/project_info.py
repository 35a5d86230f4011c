"""The rest of a white-label project's answer: what the archived spec's `ProjectInfoResponse` requires.

The official SDK (1.96.3) says `GET .../whitelabel/projects/{id}` answers `{project}`; the archived OpenAPI spec says
a full `ProjectInfoResponse` (`project` plus impulse, data summary, compute time, settings, ...). The sandbox answers
both: `project` as the SDK has it, and the spec's other required fields next to it, believable and derived from the
project (its id seeds the numbers), so clients built from either document, and a fuzzer checking the spec, agree.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from tui.sandbox import names
from tui.sandbox.landmarks import Body

_SENSORS = {
    "Accelerometer": "accelerometer",
    "Audio": "microphone",
    "Images": "camera",
    "Keyword spotting": "microphone",
    "Object detection": "camera",
    "Other": "unknown",
}
_LABELS = {
    "Accelerometer": ["idle", "walking", "running"],
    "Audio": ["noise", "event"],
    "Images": ["ok", "defect"],
    "Keyword spotting": ["hello", "noise", "unknown"],
    "Object detection": ["person", "vehicle"],
    "Other": ["normal", "anomaly"],
}


def project_info_extras(project: Body, today: date) -> Body:
    """The `ProjectInfoResponse` fields other than `project`, for the full project body `project`."""
    rng = random.Random(project["id"] * 7_919 + 17)
    r = rng.random
    category = project.get("category", "Other")
    labels = _LABELS.get(category, _LABELS["Other"])
    training_count = 40 + int(r() * 4_000)
    testing_count = training_count // 4
    sample_ms = 1_000 if category not in ("Images", "Object detection") else 0
    period_start = date(today.year, today.month, 1)
    period_end = (period_start + timedelta(days=32)).replace(day=1)
    limit_ms = 20 * 60 * 60 * 1000 if project.get("tier") == "enterprise" else 60 * 60 * 1000
    used_ms = int(limit_ms * r() * 0.9)
    library = "".join(ch if ch.isalnum() else "_" for ch in project["name"]).strip("_").lower() or "project"
    trained = training_count > 100
    return {
        "downloads": [],
        "developmentKeys": {},
        "impulse": {"created": True, "configured": trained, "complete": trained and r() < 0.8},
        "devices": [],
        "dataSummary": _summary(labels, training_count + testing_count, sample_ms),
        "dataSummaryPerCategory": {
            "training": _summary(labels, training_count, sample_ms),
            "testing": _summary(labels, testing_count, sample_ms),
            "validation": _summary([], 0, sample_ms),
            "anomaly": _summary([], 0, sample_ms),
            "postProcessing": _summary([], 0, sample_ms),
        },
        "computeTime": {
            "periodStartDate": f"{period_start.isoformat()}T00:00:00Z",
            "periodEndDate": f"{period_end.isoformat()}T00:00:00Z",
            "timeUsedMs": used_ms,
            "timeLeftMs": limit_ms - used_ms,
        },
        "acquisitionSettings": {
            "intervalMs": 16 if category == "Accelerometer" else 0.0625,
            "lengthMs": 10_000 if sample_ms else 0,
            "segmentShift": False,
            "defaultPageSize": 50,
            "viewType": "grid" if category in ("Images", "Object detection") else "list",
            "gridColumnCount": 6,
            "gridColumnCountDetailed": 3,
            "showExactSampleLength": False,
            "inlineEditBoundingBoxes": category == "Object detection",
        },
        "collaborators": project.get("collaborators", []),
        "deploySettings": {
            "eonCompiler": True,
            "sensor": _SENSORS.get(category, "unknown"),
            "arduinoLibraryName": f"{library}_inferencing",
            "tinkergenLibraryName": f"{library}_inferencing",
            "particleLibraryName": f"{library}_inferencing",
        },
        "experiments": [],
        "latencyDevices": [],
        "urls": {},
        "showCreateFirstImpulse": not trained,
        "showGettingStartedWizard": {"showWizard": False, "step": 0},
        "performance": {
            "gpu": project.get("tier") == "enterprise",
            "jobLimitM": 240 if project.get("tier") == "enterprise" else 60,
            "dspFileSizeMb": 4_096,
            "enterprisePerformance": project.get("tier") == "enterprise",
            "trainJobRamMb": 16_384 if project.get("tier") == "enterprise" else 4_096,
        },
        "trainJobNotificationUids": [],
        "dspJobNotificationUids": [],
        "modelTestingJobNotificationUids": [],
        "exportJobNotificationUids": [],
        "hasNewTrainingData": r() < 0.2,
        "studioUrl": f"https://{names.WHITELABEL_DOMAIN}/studio/{project['id']}",
        "inPretrainedModelFlow": False,
        "showSensorDataInAcquisitionGraph": sample_ms > 0,
        "notifications": [],
    }


def _summary(labels: list[str], count: int, sample_ms: int) -> Body:
    shown = list(labels) if count else []
    return {"totalLengthMs": count * sample_ms, "labels": shown, "dataCount": count, "totalLabels": len(shown)}
