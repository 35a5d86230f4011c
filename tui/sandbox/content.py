"""Fixed content of bodies: readme, research datasets, experiments, CLI lists, the white label, user metrics.

None of it depends on the world's lists, only on an organization's identity (``OrgStatic``) or a seed, so it
is kept apart from the builders that walk the lists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from tui.sandbox import names
from tui.sandbox.landmarks import ORG_KIND, Body, derive_seed


@dataclass(frozen=True)
class OrgStatic:
    """What the organization-info content is derived from."""

    id: int
    name: str
    kind: str  # "owner", "plain" or "inner"
    seed: int
    domain: str


def datasets_for(org: OrgStatic, today: int) -> list[Body]:
    """Research datasets: both types (files and clinical), in S3 buckets, with checklist counts."""
    rng = random.Random(derive_seed(org.seed, ORG_KIND, org.id) + 3)
    r = rng.random
    count = {"owner": 4, "plain": 2}.get(org.kind, int(r() * 3))
    bucket_name = f"{names.ascii_slug(org.name, '-')[:40].strip('-') or f'org-{org.id}'}-research"
    datasets = []
    for k in range(count):
        name = names.DATASET_NAMES[(org.id + k * 3) % len(names.DATASET_NAMES)]
        items = 200 + int(r() * 40_000)
        failed = int(items * r() * 0.08)
        files = items * (1 + int(r() * 4))
        kind = "clinical" if k % 2 else "files"
        path = f"datasets/{names.ascii_slug(name, '-')}"
        dataset: Body = {
            "dataset": name,
            "lastFileCreated": f"{date.fromordinal(today - 1 - int(r() * 60)).isoformat()}T{int(r() * 24):02d}:17:03Z",
            "totalFileSize": files * (40_000 + int(r() * 4_000_000)),
            "totalFileCount": files,
            "totalItemCount": items,
            "totalItemCountChecklistOK": items - failed,
            "totalItemCountChecklistFailed": failed,
            "tags": sorted(
                {
                    ("raw", "labelled", "gdpr-reviewed", "2026", "field-trial", "lab")[int(r() * 6)]
                    for _ in range(1 + int(r() * 3))
                }
            ),
            "category": ("Audio", "Vibration", "Images", "Biosignals")[k % 4],
            "bucket": {
                "id": 70 + org.id % 50 + k,
                "bucket": bucket_name,
                "path": path,
                "fullBucketPathDescription": f"s3://{bucket_name}/{path}",
                "dataItemNamingLevelsDeep": 2 if kind == "clinical" else 1,
            },
            "type": kind,
            "bucketPath": path,
        }
        datasets.append(dataset)
    return datasets


def default_compute_limits(org: OrgStatic) -> Body:
    big = org.kind == "owner"
    return {
        "requestsCpu": 2.0 if big else 1.0,
        "requestsMemory": 4096 if big else 2048,
        "limitsCpu": 8.0 if big else 4.0,
        "limitsMemory": 16384 if big else 8192,
    }


def experiments_for(org: OrgStatic) -> list[Body]:
    return [
        {
            "type": "vlm_labeling",
            "title": "Label images with a vision-language model",
            "help": "Auto-label object detection data with a VLM.",
            "enabled": org.kind == "owner",
            "showToUser": True,
        },
        {
            "type": "synthetic_data",
            "title": "Synthetic data generation",
            "enabled": org.id % 2 == 1,
            "showToUser": True,
        },
        {"type": "legacy_profiler", "title": "Legacy on-device profiler", "enabled": False, "showToUser": False},
    ]


def readme_for(org: OrgStatic) -> Body:
    """A markdown readme with a heading, a list, a table, a link and code, plus its HTML."""
    title = org.name
    site = f"https://{org.domain}"
    markdown = (
        f"# {title}\n\n"
        "Welcome to our Edge Impulse organization. Start here:\n\n"
        "- Upload new recordings to the **research datasets** first\n"
        "- Keep one project per deployment target\n"
        "- Ask in #edge-ml before changing a production impulse\n\n"
        "## Deployment targets\n\n"
        "| Target | Board | Owner |\n"
        "|---|---|---|\n"
        "| Wearable | Nordic nRF5340 DK | firmware team |\n"
        "| Gateway | Raspberry Pi 5 | platform team |\n\n"
        f"More on the [team wiki]({site}/wiki).\n\n"
        "```bash\n"
        "edge-impulse-daemon --clean\n"
        "```\n"
    )
    html = (
        f"<h1>{_html_escape(title)}</h1>\n"
        "<p>Welcome to our Edge Impulse organization. Start here:</p>\n"
        "<ul>\n<li>Upload new recordings to the <strong>research datasets</strong> first</li>\n"
        "<li>Keep one project per deployment target</li>\n"
        "<li>Ask in #edge-ml before changing a production impulse</li>\n</ul>\n"
        "<h2>Deployment targets</h2>\n"
        "<table>\n<thead>\n<tr>\n<th>Target</th>\n<th>Board</th>\n<th>Owner</th>\n</tr>\n</thead>\n<tbody>\n"
        "<tr>\n<td>Wearable</td>\n<td>Nordic nRF5340 DK</td>\n<td>firmware team</td>\n</tr>\n"
        "<tr>\n<td>Gateway</td>\n<td>Raspberry Pi 5</td>\n<td>platform team</td>\n</tr>\n"
        "</tbody>\n</table>\n"
        f'<p>More on the <a href="{site}/wiki">team wiki</a>.</p>\n'
        '<pre><code class="language-bash">edge-impulse-daemon --clean\n</code></pre>\n'
    )
    return {"markdown": markdown, "html": html}


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def cli_lists() -> Body:
    layers = (
        ("MobileNetV2 SSD FPN", "mobilenet-ssd"),
        ("FOMO (Faster Objects, More Objects)", "fomo"),
        ("YOLOv5", "yolov5"),
        ("YOLOX", "yolox"),
        ("YOLOv7", "yolov7"),
        ("YOLO-Pro", "yolo-pro"),
        ("YOLOv11", "yolov11"),
        ("NVIDIA TAO RetinaNet", "tao-retinanet"),
        ("NVIDIA TAO SSD", "tao-ssd"),
        ("NVIDIA TAO YOLOv4", "tao-yolov4"),
    )
    scaling = (
        ("Pixels ranging 0..1 (not normalized)", "0..1"),
        ("Pixels ranging -1..1 (not normalized)", "-1..1"),
        ("Pixels ranging -128..127 (not normalized)", "-128..127"),
        ("Pixels ranging 0..255 (not normalized)", "0..255"),
        ("PyTorch (0..1, normalized using ImageNet mean/std)", "torch"),
        ("BGR, subtract ImageNet mean", "bgr-subtract-imagenet-mean"),
    )
    return {
        "objectDetectionLastLayerOptions": [{"label": label, "value": value} for label, value in layers],
        "imageInputScalingOptions": [{"label": label, "value": value} for label, value in scaling],
    }


def whitelabel_body(whitelabel_id: int, owner_org_id: int) -> Body:
    cdn = f"https://cdn.{names.WHITELABEL_DOMAIN}/brand"
    boards = [
        {
            "id": 1,
            "name": "Nordic Semi nRF5340 DK",
            "image": f"{cdn}/boards/nrf5340.png",
            "docsUrl": "https://docs.edgeimpulse.com/hardware/boards/nordic-semi-nrf5340-dk",
        },
        {
            "id": 2,
            "name": "Arduino Nano 33 BLE Sense",
            "image": f"{cdn}/boards/nano33.png",
            "docsUrl": "https://docs.edgeimpulse.com/hardware/boards/arduino-nano-33-ble-sense",
        },
        {
            "id": 3,
            "name": "Raspberry Pi 5",
            "image": f"{cdn}/boards/rpi5.png",
            "docsUrl": "https://docs.edgeimpulse.com/hardware/boards/raspberry-pi-5",
        },
        {
            "id": 4,
            "name": "Espressif ESP-EYE",
            "image": f"{cdn}/boards/esp-eye.png",
            "docsUrl": "https://docs.edgeimpulse.com/hardware/boards/espressif-esp32",
        },
        {
            "id": 5,
            "name": "Acme Sense Node v3",
            "image": f"{cdn}/boards/acme-node.png",
            "docsUrl": f"https://{names.WHITELABEL_DOMAIN}/docs/boards/sense-node",
        },
    ]
    all_targets = [
        "zip",
        "arduino",
        "cubemx",
        "wasm",
        "tensorrt",
        "ethos",
        "linux",
        "nordic-nrf5340-dk",
        "espressif-esp32",
        "raspberry-pi-rp2040",
        "acme-sense-node",
    ]
    learning = [
        ("Classification", "keras"),
        ("Anomaly detection (K-means)", "anomaly"),
        ("Anomaly detection (GMM)", "anomaly-gmm"),
        ("Regression", "keras-regression"),
        ("Object detection (Images)", "keras-object-detection"),
        ("Transfer learning (Images)", "keras-transfer-image"),
        ("Transfer learning (Keyword spotting)", "keras-transfer-kws"),
        ("Visual anomaly detection", "keras-visual-anomaly"),
    ]
    return {
        "id": whitelabel_id,
        "name": names.WHITELABEL_NAME,
        "domain": names.WHITELABEL_DOMAIN,
        "ownerOrganizationId": owner_org_id,
        "themeId": 9,
        "theme": {
            "id": 9,
            "ownerOrganizationId": owner_org_id,
            "name": "Acme Edge",
            "favicon": {
                f"favicon{size}": f"{cdn}/favicon-{size}.png" for size in (32, 57, 76, 96, 120, 128, 144, 152, 180, 228)
            },
            "logos": {
                "primary": f"{cdn}/logo.svg",
                "primaryPng": f"{cdn}/logo.png",
                "primaryWhite": f"{cdn}/logo-white.svg",
                "loginLogo": f"{cdn}/login.svg",
                "loginLogoWhite": f"{cdn}/login-white.svg",
                "mark": f"{cdn}/mark.svg",
                "markWhite": f"{cdn}/mark-white.svg",
                "deviceLogo": f"{cdn}/device.png",
            },
            "colors": {
                "primaryColor": "#0b6e4f",
                "primaryColorRgb": [11.0, 110.0, 79.0],
                "primaryColorGradientEnd": "#08a045",
            },
        },
        "identityProviders": ["acme-okta", "google"],
        "allowPasswordAuth": False,
        "deploymentTargets": [*all_targets[:8], "acme-sense-node"],
        "allDeploymentTargets": all_targets,
        "customDeploymentBlocks": [
            {"name": "Acme Sense Node firmware", "id": 211},
            {"name": "Acme OTA bundle", "id": 212},
        ],
        "deploymentOptionsOrder": ["acme-sense-node", "zip", "linux"],
        "allowSignup": True,
        "allowFreeProjects": False,
        "exposePublicProjects": True,
        "defaultDeploymentTarget": "acme-sense-node",
        "supportedProjectTypes": ["kws", "audio", "object-detection", "image", "accelerometer", "other"],
        "allowNewProjectUi": True,
        "learningBlocks": [block for _, block in learning[:6]],
        "allLearningBlocks": [{"title": title, "type": block} for title, block in learning],
        "developmentBoards": boards[:3] + boards[4:],
        "allDevelopmentBoards": boards,
        "organizationsLimit": 6_000,
        "disablePublicEntities": False,
        "requireCollaboratorsInWhitelabel": True,
        "disableMarketingFeatures": True,
        "disableForumAccess": False,
        "customLimits": {"maxProjectsPerUser": 50, "maxJobMinutes": 240},
    }


def user_metrics(user: Body, projects: int, organizations: int, seed: int, today: int) -> Body:
    """Marketing-style metrics of one user (the endpoint's ``metrics`` object is untyped)."""
    rng = random.Random(seed)
    r = rng.random
    seen = "lastSeen" in user
    weekly = [int(r() * 12 * r()) if seen else 0 for _ in range(12)]
    idle_days = today - date.fromisoformat(user["lastSeen"][:10]).toordinal() if seen else 10**6
    _no_logins_after_last_seen(weekly, idle_days)
    return {
        "signupDate": user["created"],
        "lastLogin": user.get("lastSeen"),
        "loginCount": sum(weekly) + (int(r() * 400) if seen else 0),
        "logins30d": 0 if idle_days > 30 else max(1, sum(weekly[-4:])),
        "loginsPerWeek": weekly,
        "projectsCollaborating": projects,
        "organizations": organizations,
        "trainingJobs": int(r() * 300) if seen else 0,
        "deployments": int(r() * 40) if seen else 0,
        "computeTimeSeconds30d": int(r() * 90_000) if seen else 0,
        "devicesConnected": int(r() * 6),
        "country": names.COUNTRIES[int(r() * len(names.COUNTRIES))],
        "signupSource": ("organic", "invite", "sso", "webinar", "partner")[int(r() * 5)],
        "marketingEmailsOptIn": r() < 0.4,
    }


def _no_logins_after_last_seen(weekly: list[int], idle_days: int) -> None:
    """Weeks (oldest first, the last ends today) after the last visit have no logins; its own week has one."""
    idle_weeks = idle_days // 7
    for week in range(max(0, len(weekly) - idle_weeks), len(weekly)):
        weekly[week] = 0
    visit_week = len(weekly) - 1 - idle_weeks
    if 0 <= visit_week < len(weekly):
        weekly[visit_week] = max(1, weekly[visit_week])
