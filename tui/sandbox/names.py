"""Name pools for the sandbox world: organizations, people, projects, tags.

Plain data plus two tiny helpers. The hostile strings live here too, so tests elsewhere can import them:

* ``HOSTILE_ORG_NAME``: an inner organization literally named ``[@click=app.quit]Red Team[/]`` (Textual markup
  that would quit the app if rendered as markup).
* ``HOSTILE_USER_NAME``: a user whose name carries an OSC 52 clipboard write (``ESC ] 52 ; c ; aGVsbG8= BEL``)
  and a clear-screen CSI (``ESC [ 2 J``).
"""

from __future__ import annotations

import functools
import unicodedata

HOSTILE_ORG_NAME = "[@click=app.quit]Red Team[/]"
HOSTILE_USER_NAME = "Mallory \x1b]52;c;aGVsbG8=\x07Byte\x1b[2J"
HOSTILE_USER_USERNAME = "mallory.byte"
HOSTILE_USER_EMAIL = "mallory.byte@redteam.example"

OWNER_ORG_NAME = "Acme Edge AI"
WHITELABEL_NAME = "Acme Edge"
WHITELABEL_DOMAIN = "edge.acme.example"
PLAIN_ORG_NAME = "Harbor Acoustics Lab"

LONG_ORG_NAME_1 = (
    "Cascadia Rail Predictive Maintenance Consortium — Joint Research Programme for Wayside Condition Monitoring"
)
LONG_ORG_NAME_2 = "Polar Bear Cold Chain Logistics and Refrigerated Transport Monitoring Services International Limited"

# The demo world's inner organizations, in id order. The hostile one sits near the end on purpose.
DEMO_ORG_NAMES: tuple[str, ...] = (
    "Northwind Sensors",
    "Kestrel Agritech",
    "Bluefin Maritime",
    "Société Générale d'Acoustique",
    "Müller Präzisionstechnik GmbH",
    "東京センサー工業",
    "🐝 Hive Analytics",
    LONG_ORG_NAME_1,
    "Orchard Vision",
    "Tidewater Utilities",
    HOSTILE_ORG_NAME,
    LONG_ORG_NAME_2,
)

# Building blocks for the larger worlds' organization names.
ORG_PREFIXES: tuple[str, ...] = (
    "Northwind",
    "Kestrel",
    "Bluefin",
    "Orchard",
    "Tidewater",
    "Granite",
    "Aurora",
    "Juniper",
    "Cobalt",
    "Falcon",
    "Meridian",
    "Harbor",
    "Summit",
    "Redwood",
    "Lumen",
    "Vantage",
    "Halcyon",
    "Ironbark",
    "Saffron",
    "Beacon",
    "Cedar",
    "Osprey",
    "Quartz",
    "Riverbend",
    "Sable",
    "Tamarack",
    "Umber",
    "Verdant",
    "Willow",
    "Zephyr",
    "Atlas",
    "Basalt",
    "Cinder",
    "Drift",
    "Ember",
    "Fjord",
    "Glacier",
    "Heron",
    "Indigo",
    "Jasper",
    "Kelvin",
    "Larkspur",
    "Magnolia",
    "Nimbus",
    "Obsidian",
    "Pinnacle",
    "Quill",
    "Rowan",
    "Sierra",
    "Trident",
    "Société",
    "Müller",
    "Ångström",
    "Łódź",
    "São Paulo",
    "Zürich",
    "Øresund",
    "Crème",
    "大阪",
    "ソウル",
)
ORG_SUFFIXES: tuple[str, ...] = (
    "Sensors",
    "Agritech",
    "Maritime",
    "Robotics",
    "Analytics",
    "Health",
    "Mobility",
    "Energy",
    "Acoustics",
    "Vision",
    "Utilities",
    "Logistics",
    "Industrial",
    "Labs",
    "Devices",
    "Wearables",
    "Automation",
    "Systems",
    "Instruments",
    "Monitoring",
    "Precision",
    "Rail",
    "Aerospace",
    "Water",
    "Medical",
    "Mining",
    "Retail",
)
ORG_LEGAL_FORMS: tuple[str, ...] = ("", "", "", "", " Inc.", " GmbH", " Ltd.", " B.V.", " S.A.", " AB", " Oy")
ORG_EMOJI: tuple[str, ...] = ("🐝", "🌊", "🚜", "🛰️", "🔋", "🌲")

FIRST_NAMES: tuple[str, ...] = (
    "Ada",
    "Alan",
    "Amara",
    "Anders",
    "Aisha",
    "Björn",
    "Camille",
    "Chen",
    "Chloé",
    "Dario",
    "Diego",
    "Elena",
    "Emeka",
    "Eva",
    "Farah",
    "Felix",
    "Freya",
    "Gabriel",
    "Hana",
    "Hiroshi",
    "Ingrid",
    "Isaac",
    "Jamal",
    "Jana",
    "Jonas",
    "José",
    "Kai",
    "Karin",
    "Kenji",
    "Lars",
    "Leila",
    "Liam",
    "Lucía",
    "Łukasz",
    "Maya",
    "Mateo",
    "Mei",
    "Mia",
    "Nadia",
    "Niamh",
    "Noah",
    "Olu",
    "Omar",
    "Paula",
    "Priya",
    "Rafael",
    "Rin",
    "Rosa",
    "Sami",
    "Sara",
    "Søren",
    "Tariq",
    "Thandiwe",
    "Tomás",
    "Uma",
    "Valentina",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoë",
)
LAST_NAMES: tuple[str, ...] = (
    "Adeyemi",
    "Andersen",
    "Bauer",
    "Becker",
    "Bianchi",
    "Castillo",
    "Chowdhury",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fernández",
    "Fischer",
    "García",
    "Gupta",
    "Haddad",
    "Hansen",
    "Ito",
    "Jansen",
    "Kim",
    "Kowalski",
    "Laurent",
    "Lindqvist",
    "Mahlangu",
    "Martín",
    "Meyer",
    "Moreau",
    "Müller",
    "Nakamura",
    "Nguyen",
    "Novák",
    "Okafor",
    "Olsen",
    "Patel",
    "Pereira",
    "Petrov",
    "Quinn",
    "Rossi",
    "Sato",
    "Schmidt",
    "Silva",
    "Singh",
    "Suzuki",
    "Tanaka",
    "Torres",
    "Van der Berg",
    "Virtanen",
    "Wagner",
    "Wang",
    "Yamamoto",
    "Zhang",
    "Ødegaard",
)
# A few people write their name in their own script; (name, ascii handle) pairs.
NATIVE_SCRIPT_NAMES: tuple[tuple[str, str], ...] = (
    ("山田 太郎", "taro.yamada"),
    ("佐藤 花子", "hanako.sato"),
    ("김 민준", "minjun.kim"),
    ("Αλέξανδρος Παπαδόπουλος", "alexandros.papadopoulos"),
    ("Иван Петров", "ivan.petrov"),
)

JOB_TITLES: tuple[str, ...] = (
    "Embedded Engineer",
    "ML Engineer",
    "Firmware Lead",
    "Data Scientist",
    "Product Manager",
    "CTO",
    "Hardware Engineer",
    "Research Scientist",
    "Solutions Architect",
    "Field Application Engineer",
    "Intern",
)

PROJECT_NAMES: tuple[tuple[str, str], ...] = (
    # (name, ProjectType)
    ("Water hammer detection", "audio"),
    ("Cough classifier", "audio"),
    ("Forklift proximity", "object-detection"),
    ("Bee hive buzz", "audio"),
    ("Gearbox vibration anomalies", "accelerometer"),
    ("Hey Acme wake word", "kws"),
    ("Pallet counter", "object-detection"),
    ("Fall detection wristband", "accelerometer"),
    ("Leak sound monitor", "audio"),
    ("Weed spotter", "object-detection"),
    ("Cattle gait analysis", "accelerometer"),
    ("Glass break detector", "audio"),
    ("PPE compliance camera", "object-detection"),
    ("Stop / go keywords", "kws"),
    ("Fruit ripeness grader", "image"),
    ("Solar panel soiling", "image"),
    ("Conveyor belt wear", "accelerometer"),
    ("Snore detector", "audio"),
    ("Hull fouling inspection", "image"),
    ("Boat engine knock", "audio"),
    ("Rail squeal classifier", "audio"),
    ("Pump cavitation", "accelerometer"),
    ("Pest trap counter", "object-detection"),
    ("Gesture wand", "accelerometer"),
    ("Baby cry monitor", "audio"),
    ("Defect inspection line 3", "image"),
    ("Parking occupancy", "object-detection"),
    ("Smart doorbell", "kws"),
    ("Chainsaw in the forest", "audio"),
    ("Heart sound screening", "audio"),
    ("Tool wear estimation", "other"),
    ("Gas mixture sensing", "other"),
    ("Soil moisture forecasting", "other"),
    ("Bird species by song", "audio"),
    ("Helmet detection", "object-detection"),
    ("Meter reading OCR", "image"),
    ("Door open / closed", "image"),
    ("Running form coach", "accelerometer"),
    ("Ventilator alarm recognition", "audio"),
    ("Wind turbine icing", "other"),
    ("Yes / no keywords", "kws"),
    ("Fish counting", "object-detection"),
    ("Shelf gap finder", "object-detection"),
    ("Milk quality", "other"),
)
PROJECT_SUFFIXES: tuple[str, ...] = ("", "", "", " v2", " (pilot)", " – line 2", " EU", " prototype", " FOMO", " 2027")
PROJECT_TAGS: tuple[str, ...] = (
    "production",
    "pilot",
    "research",
    "customer-demo",
    "nRF52",
    "ESP32",
    "Arduino Nano 33",
    "STM32",
    "Jetson",
    "low-power",
    "safety",
    "quality",
    "predictive-maintenance",
    "agriculture",
    "audio",
    "vision",
    "archived",
)
DATASET_NAMES: tuple[str, ...] = (
    "Factory floor audio 2026",
    "Field trial ECG",
    "Vibration archive",
    "Drone imagery Q3",
    "Hydrophone recordings",
    "Wearable IMU cohort B",
    "Retail shelf photos",
    "Cold room temperature logs",
)
COUNTRIES: tuple[str, ...] = ("US", "DE", "NL", "FR", "JP", "GB", "SE", "IN", "BR", "NG", "KR", "PL", "ES", "AU")


def ascii_slug(text: str, separator: str = "") -> str:
    """Lowercase ASCII letters and digits of a name (accents folded), words joined by ``separator``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = ["".join(ch for ch in word if ch.isalnum()) for word in folded.split()]
    return separator.join(word for word in words if word)


def email_domain(org_name: str, org_id: int) -> str:
    """A plausible e-mail domain for an organization: first ASCII word of its name, else its id."""
    word = _domain_word(org_name)
    return f"{word or f'org{org_id}'}.example"


@functools.lru_cache(maxsize=4096)
def _domain_word(org_name: str) -> str:
    words = ascii_slug(org_name, " ").split()
    significant = [w for w in words if w not in {"the", "and", "of", "la", "le", "de", "d"}]
    return significant[0] if significant else ""
