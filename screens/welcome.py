"""No credential anywhere: say how to give one, and offer the demo instead of an error."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from screens.base import EiscopeScreen
from widgets.reading import ReadingScroll

HOW_TO = """\
eiscope needs an Edge Impulse organization API key
(Studio: your organization → Settings → API keys). Give it as

  a flag       eiscope --api-key ei_… --org 1234
  variables    EI_API_KEY=ei_… EI_ORG_ID=1234 eiscope
  a profile    in {config}:

                 default_profile = "work"
                 [profiles.work]
                 org = 1234
                 api_key_command = "pass show ei/work"

               (or api_key_env = "VAR", or api_key = "ei_…")

Flags win over variables, variables over the profile.

Or press d to browse the demo: a seeded sandbox with a white label
of inner organizations, users and projects.
"""


class WelcomeScreen(EiscopeScreen):
    """Shown instead of a 401 when there is no key at all."""

    crumb = "Welcome"

    BINDINGS = [Binding("d", "demo", "Demo mode", id="demo"), Binding("q", "app.quit", "Quit", id="quit")]

    def __init__(self, config_path: str) -> None:
        super().__init__()
        self.config_path = config_path

    def compose_body(self) -> ComposeResult:
        with ReadingScroll(id="welcome"):
            yield Static(Text("Welcome to eiscope", style="bold"), id="welcome-title")
            yield Static(Text(HOW_TO.format(config=self.config_path)), id="welcome-text")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what makes sense before there is any data: the demo, help, quit."""
        return action in ("demo", "help", "quit", "app.quit", "command_palette")

    def action_demo(self) -> None:
        self.eiscope.start_demo()
