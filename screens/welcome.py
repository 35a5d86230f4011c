"""No credential anywhere: say how to give one, and offer the demo instead of an error."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, VerticalScroll
from textual.widgets import Static

from screens.base import EiscopeScreen

HOW_TO = """\
eiscope needs an Edge Impulse organization API key (Organization → Settings → API keys in Studio).

Give it in any of these ways (the first found wins):

  eiscope --api-key ei_…  --org 1234          a flag, for one run
  export EI_API_KEY=ei_…  EI_ORG_ID=1234      the environment (the names Edge Impulse's SDK uses)
  a profile in {config}:

      default_profile = "work"
      [profiles.work]
      org = 1234
      api_key_command = "pass show edge-impulse/work"    # or api_key_env = "MY_VAR", or api_key = "ei_…"

Or press d to browse the demo: a seeded sandbox with a white label of inner organizations, users and projects.
"""


class WelcomeScreen(EiscopeScreen):
    """Shown instead of a 401 when there is no key at all."""

    crumb = "Welcome"

    BINDINGS = [Binding("d", "demo", "Demo mode"), Binding("q", "app.quit", "Quit")]

    def __init__(self, config_path: str) -> None:
        super().__init__()
        self.config_path = config_path

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="welcome"):
            yield Static(Text("Welcome to eiscope", style="bold"), id="welcome-title")
            with Center():
                yield Static(Text(HOW_TO.format(config=self.config_path)), id="welcome-text")

    def action_demo(self) -> None:
        self.eiscope.start_demo()
