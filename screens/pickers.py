"""Switch without quitting: the organization picker (`O`, `:org`) and the profile picker (`P`, `:ctx`).

Both are a filter line over a list, shown over any screen: type to narrow, ↑/↓ to move, enter to choose, escape
to close. Choosing posts `SwitchOrganization` or `SwitchProfile`; the app does the switching.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.messages import SwitchOrganization, SwitchProfile
from screens.organization import OrganizationScreen
from tui.api.errors import ApiError
from tui.api.source import Source
from tui.config import ConfigError, config_path
from tui.profiles import list_profiles
from tui.safe_text import clean

if TYPE_CHECKING:
    from tui.app import EiscopeApp

__all__ = ["Choice", "OrganizationPicker", "PickerScreen", "ProfilePicker"]


@dataclass(frozen=True)
class Choice:
    """One line of a picker: what it is called, a dim detail, and the message choosing it posts."""

    label: str
    detail: str
    message: Message
    current: bool = False

    def matches(self, needle: str) -> bool:
        return needle in self.label.casefold() or needle in self.detail.casefold()


class PickerScreen(ModalScreen[None]):
    """A chooser over any screen: a title, a filter line, the choices, and a line saying how things stand."""

    CSS = """
    PickerScreen {
        align: center bottom;
        background: $background 40%;
    }

    .picker-box {
        width: 100%;
        max-width: 100;
        height: auto;
        max-height: 70%;
        margin-bottom: 1;
        padding: 0 1;
        background: $surface;
        border: round $accent;
    }

    .picker-title {
        height: 1;
    }

    .picker-filter {
        height: 1;
        border: none;
        padding: 0;
    }

    .picker-choices {
        text-wrap: nowrap;
        text-overflow: ellipsis;
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
    }

    .picker-status {
        height: auto;
        color: $text-muted;
    }

    .picker-status.-error {
        color: $error;
        text-style: bold;
    }
    """
    """At the bottom, so an error above stays in view; loaded with the first picker, for both kinds."""
    SCOPED_CSS = False  # the rules name the picker classes themselves, for every subclass

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="picker.close"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
    ]

    title_text = ""
    placeholder = "type to narrow"

    def __init__(self) -> None:
        super().__init__()
        self.choices: list[Choice] = []
        self.shown: list[Choice] = []

    @property
    def eiscope(self) -> EiscopeApp:
        return cast("EiscopeApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker-box"):
            yield Static(Text(self.title_text, style="bold"), classes="picker-title", markup=False)
            yield Input(placeholder=self.placeholder, classes="picker-filter")
            yield OptionList(classes="picker-choices")
            yield Static(classes="picker-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.set_choices(self.initial_choices())

    def initial_choices(self) -> list[Choice]:
        return []

    def extra_choices(self, needle: str) -> list[Choice]:
        """Choices the typed text itself makes (an organization id)."""
        return []

    def set_choices(self, choices: list[Choice]) -> None:
        self.choices = choices
        self._show()

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one(".picker-status", Static)
        status.update(Text(clean(text)))
        status.set_class(error, "-error")

    def _show(self) -> None:
        needle = self.query_one(Input).value.strip().casefold()
        self.shown = self.extra_choices(needle) + [choice for choice in self.choices if choice.matches(needle)]
        options = self.query_one(OptionList)
        options.clear_options()
        for choice in self.shown:
            label = Text("● " if choice.current else "  ", no_wrap=True, overflow="ellipsis")
            label.append(clean(choice.label), style="bold")
            if choice.detail:
                label.append(f"   {clean(choice.detail)}", style="dim")
            options.add_option(Option(label))
        if self.shown:
            options.highlighted = 0

    @on(Input.Changed, ".picker-filter")
    def _filter(self) -> None:
        self._show()

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    @on(Input.Submitted, ".picker-filter")
    def _submitted(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and 0 <= highlighted < len(self.shown):
            self._choose(self.shown[highlighted])

    @on(OptionList.OptionSelected, ".picker-choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._choose(self.shown[event.option_index])

    def _choose(self, choice: Choice) -> None:
        self.dismiss()
        self.app.post_message(choice.message)

    def action_close(self) -> None:
        self.dismiss()


class OrganizationPicker(PickerScreen):
    """The organizations the credential reaches (and those open this session); a typed id opens any other."""

    title_text = "Open another organization"
    placeholder = "an organization id, or part of a name"

    def initial_choices(self) -> list[Choice]:
        app = self.eiscope
        seen: dict[int, str] = {}
        for screen in app.screen_stack:
            if isinstance(screen, OrganizationScreen) and screen.unavailable is None:
                seen.setdefault(screen.org_id, screen.crumb)
        self._load()
        return [self._choice(org_id, name) for org_id, name in seen.items()]

    def _choice(self, org_id: int, name: str | None) -> Choice:
        return Choice(
            clean(name or f"Organization {org_id}"),
            f"id {org_id}",
            SwitchOrganization(org_id, name),
            current=org_id == self.eiscope.org_id,
        )

    def extra_choices(self, needle: str) -> list[Choice]:
        if needle.isdigit() and int(needle) > 0 and all(choice.detail != f"id {needle}" for choice in self.choices):
            return [Choice(f"Organization {int(needle)}", "open by id", SwitchOrganization(int(needle)))]
        return []

    @work(group="picker-organizations", exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        """The credential's organizations: the cache at once, then the network (a JWT reaches all of a user's)."""
        self.say("asking which organizations this credential reaches…")
        calls = [self.eiscope.client.organizations]  # with a JWT, every organization the user can reach
        rows: list[dict[str, Any]] = []
        problem: ApiError | None = None
        for call in calls:
            for source in (Source.CACHE, Source.NETWORK):
                try:
                    fetched = await call(source=source)
                except ApiError as error:
                    problem = error
                    continue
                if fetched is not None:
                    rows.extend(row for row in fetched.raw.get("organizations") or [] if isinstance(row, dict))
                    self._add(rows)
        if problem is not None and not rows:
            self.say(f"could not list the organizations: {problem.message} (a typed id still works)", error=True)
        else:
            self.say("type an id to open any other; enter opens, esc closes")

    def _add(self, rows: list[dict[str, Any]]) -> None:
        known = {choice.detail for choice in self.choices}
        added = list(self.choices)
        for row in rows:
            try:
                org_id = int(row["id"])
            except (KeyError, TypeError, ValueError):
                continue
            if f"id {org_id}" not in known:
                known.add(f"id {org_id}")
                added.append(self._choice(org_id, row.get("name")))
        self.set_choices(added)


class ProfilePicker(PickerScreen):
    """The profiles of config.toml: choosing one browses with its endpoint, key and organization."""

    title_text = "Switch profile"
    placeholder = "part of a profile's name"

    def initial_choices(self) -> list[Choice]:
        app = self.eiscope
        try:
            profiles = list_profiles(app.env)
        except ConfigError as error:
            self.say(error.message, error=True)
            return []
        if not profiles:
            self.say(f"No profiles in {config_path(app.env)}: add [profiles.NAME] with endpoint, org and a key")
            return []
        self.say("enter switches: its endpoint, key and organization together · esc closes")
        choices = [
            Choice(profile.name, profile.describe(), SwitchProfile(profile.name), current=profile.name == app.profile)
            for profile in profiles
        ]
        return choices
