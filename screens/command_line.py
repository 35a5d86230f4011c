"""The `:` command line, k9s style: a one-line prompt over any screen, with completion and history.

`:` opens it; Tab completes (again: the next candidate, shift+Tab the one before), ↑/↓ walk the history,
enter runs, escape closes. The language (names, arguments, parsing) is `tui/command_language.py`; here a
parsed command becomes what it asks for: a navigation message for the app (`ShowOrganization`, `Open`,
`SwitchProfile`…), the choices when a name is ambiguous, or a sentence saying what is wrong. Names are looked
up in the loaded rows first, then through the API's search (`screens/finder.py`). `CommandProvider` offers
every command in the palette too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.chart_metrics import METRICS, ChartMetric, ChartSource, ChartSubject, chartable_metrics
from screens.finder import Search, best_match, context_org, exact_match, kind_of, name_of
from screens.messages import (
    Kind,
    Open,
    PickOrganization,
    PickProfile,
    ShowAccess,
    ShowChanges,
    ShowChart,
    ShowCompute,
    ShowHelp,
    ShowOrganization,
    SwitchOrganization,
    SwitchProfile,
)
from tui.command_history import HistoryWalk
from tui.command_language import (
    COMMANDS,
    Argument,
    CommandError,
    CommandSpec,
    Completion,
    ParsedCommand,
    command_named,
    parse,
    split,
)
from tui.config import ConfigError
from tui.profiles import ProfileSummary, list_profiles
from tui.safe_text import clean

if TYPE_CHECKING:
    from tui.app import EiscopeApp

__all__ = ["CommandContext", "CommandLineScreen", "CommandProvider", "Outcome", "execute"]

MAX_CHOICES = 12

ENTITY_KINDS: dict[Argument, tuple[Kind, ...]] = {
    Argument.INNER_ORGANIZATION: (Kind.INNER_ORGANIZATION,),
    Argument.USER: (Kind.WHITELABEL_USER, Kind.MEMBER),
    Argument.PROJECT: (Kind.WHITELABEL_PROJECT, Kind.PROJECT),
}
# The commands that show a place of the organization's page (`ShowOrganization.place`).
PLACES = {"fleet": "fleet", "users": "users", "projects": "projects", "inner": "inner-orgs", "structure": "structure"}


@dataclass
class Outcome:
    """What a command came to: a message for the app, quitting, choices to pick from, or what is wrong."""

    message: Message | None = None
    quit: bool = False
    choices: list[Open] = field(default_factory=list)
    error: str | None = None


class CommandContext:
    """What a command is about: the screen under the prompt, and the app's loaded rows, search and profiles."""

    def __init__(self, under: Screen[Any]) -> None:
        self.under = under
        self.app = cast("EiscopeApp", under.app)

    @property
    def org_id(self) -> int | None:
        return context_org(self.app)

    def search(self, argument: Argument) -> Search:
        return Search(self.app.index, self.app.lookup, self.org_id, ENTITY_KINDS[argument])

    def profiles(self) -> list[ProfileSummary]:
        return list_profiles(self.app.env)

    def chart_subject(self) -> ChartSubject | None:
        under = self.under
        return under.chart_subject() if isinstance(under, ChartSource) else None


def matching_metrics(text: str, subject: ChartSubject | None) -> list[ChartMetric]:
    """The metrics `text` names: a key or a whole label first, else every label or key containing it."""
    offered = chartable_metrics(subject) if subject is not None else list(METRICS.values())
    needle = text.strip().casefold()
    exact = [m for m in offered if needle in (m.key.casefold(), m.label.casefold())]
    if exact:
        return exact
    return [m for m in offered if needle in m.label.casefold() or needle in m.key.casefold()]


async def execute(parsed: ParsedCommand, context: CommandContext) -> Outcome:
    """Turn a parsed command into its outcome; names are resolved here (loaded rows, then the API's search)."""
    spec, argument = parsed.spec, parsed.argument
    name = spec.name
    if name == "q":
        return Outcome(quit=True)
    if name == "help":
        return Outcome(ShowHelp(context.under))
    if name == "ctx":
        return _profile_outcome(argument, context)
    if name == "org":
        return _organization_outcome(argument, context)
    org_id = context.org_id
    if org_id is None:
        return Outcome(error=f":{name} needs an organization open: :org ID or :ctx PROFILE first")
    if name in PLACES and (not argument or spec.argument is Argument.TEXT):
        return Outcome(ShowOrganization(org_id, place=PLACES[name], filter_text=argument or None))
    if name == "changes":
        return Outcome(ShowChanges(org_id))
    if name == "compute":
        inner_id = getattr(context.under, "inner_id", None)
        return Outcome(ShowCompute(org_id, inner_id=inner_id if isinstance(inner_id, int) else None))
    if name == "access":
        return Outcome(ShowAccess(org_id))
    if name == "chart":
        return _chart_outcome(argument, context)
    return await _entity_outcome(spec, argument, context)


async def _entity_outcome(spec: CommandSpec, argument: str, context: CommandContext) -> Outcome:
    search = context.search(spec.argument)
    chosen = exact_match(search.loaded(argument), argument)  # the loaded rows name it: no need to ask
    found: list[Open] = []
    if chosen is None:
        found = await search.everything(argument)
        chosen = best_match(found, argument)
    if chosen is not None:
        return Outcome(chosen)
    what = spec.argument.value
    if found:
        return Outcome(choices=found[:MAX_CHOICES], error=f"{len(found)} match '{clean(argument)}': Tab picks one")
    why = f" (the search failed: {search.errors[0].message})" if search.errors else ""
    return Outcome(error=f"no {what} matches '{clean(argument)}'{why}")


def _profile_outcome(argument: str, context: CommandContext) -> Outcome:
    if not argument:
        return Outcome(PickProfile())
    try:
        names = [profile.name for profile in context.profiles()]
    except ConfigError as error:
        return Outcome(error=error.message)
    if argument in names:
        return Outcome(SwitchProfile(argument))
    return Outcome(error=f"no profile {clean(argument)!r}; known: {', '.join(names) or 'none (see :help)'}")


def _organization_outcome(argument: str, context: CommandContext) -> Outcome:
    if not argument:
        return Outcome(PickOrganization())
    if argument.isdigit() and int(argument) > 0:
        return Outcome(SwitchOrganization(int(argument)))
    found = list(context.app.index.search(argument, kinds=(Kind.ORGANIZATION,)))
    chosen = best_match(found, argument)
    if chosen is not None:
        return Outcome(SwitchOrganization(int(chosen.row["id"]), chosen.row.get("name")))
    return Outcome(error=f"no organization {clean(argument)!r} is known: give its id, or :org alone for the picker")


def _chart_outcome(argument: str, context: CommandContext) -> Outcome:
    subject = context.chart_subject()
    if subject is None:
        return Outcome(error="no daily metrics on this screen (yet): open an inner organization, a user or Usage")
    metrics = matching_metrics(argument, subject)
    if len(metrics) == 1:
        return Outcome(ShowChart(subject, metrics[0].key))
    if not metrics:
        return Outcome(error=f"no metric {clean(argument)!r}; Tab lists them")
    labels = ", ".join(m.label for m in metrics[:6])
    return Outcome(error=f"{clean(argument)!r} could be {labels}")


# -- completion ---------------------------------------------------------------------------------------------------


def _fill_of(found: Open) -> str:
    """What names an entity on the line: a user's email, anything else's name (its id when it has none)."""
    row = found.row
    text = row.get("email") if found.kind in (Kind.MEMBER, Kind.WHITELABEL_USER) else row.get("name")
    return " ".join(clean(text or row.get("id")).split())


def quick_completions(text: str, context: CommandContext) -> list[Completion]:
    """The candidates known without asking the API: command names, profiles, metrics, organizations, rows."""
    word, argument = split(text)
    if argument is None:
        return [
            Completion(spec.name + (" " if spec.usage else ""), spec.synopsis, spec.summary)
            for spec in COMMANDS
            if any(name.startswith(word) for name in (spec.name, *spec.aliases))
        ]
    try:
        spec = command_named(word)
    except CommandError:
        return []
    return _argument_completions(spec, argument, context)


def _argument_completions(spec: CommandSpec, argument: str, context: CommandContext) -> list[Completion]:
    needle = argument.casefold()
    match spec.argument:
        case Argument.PROFILE:
            try:
                profiles = context.profiles()
            except ConfigError:
                return []
            return [Completion(f"ctx {p.name}", p.name, p.describe()) for p in profiles if needle in p.name.casefold()]
        case Argument.METRIC:
            return [
                Completion(f"chart {m.label.casefold()}", m.label)
                for m in matching_metrics(argument, context.chart_subject())
            ]
        case Argument.ORGANIZATION:
            found = list(context.app.index.search(argument, kinds=(Kind.ORGANIZATION,))) if argument else []
            return [Completion(f"org {hit.row.get('id')}", name_of(hit), kind_of(hit)) for hit in found]
        case Argument.INNER_ORGANIZATION | Argument.USER | Argument.PROJECT:
            if not argument:
                return []
            return [_entity_completion(spec, hit) for hit in context.search(spec.argument).loaded(argument, 20)]
    return []


def _entity_completion(spec: CommandSpec, found: Open) -> Completion:
    return Completion(f"{spec.name} {_fill_of(found)}", name_of(found), kind_of(found))


async def remote_completions(
    text: str, context: CommandContext, skip: Sequence[Completion]
) -> AsyncIterator[Completion]:
    """Candidates the API's search adds for a name being typed (debounced; cancelled when the text changes)."""
    word, argument = split(text)
    if not argument:
        return
    try:
        spec = command_named(word)
    except CommandError:
        return
    if spec.argument not in ENTITY_KINDS:
        return
    search = context.search(spec.argument)
    known = {(completion.label, completion.detail) for completion in skip}
    async for found in search.remote(argument, skip=search.loaded(argument, 20)):
        completion = _entity_completion(spec, found)
        if (completion.label, completion.detail) not in known:
            yield completion


# -- the prompt -----------------------------------------------------------------------------------------------------


class CommandLineScreen(ModalScreen[None]):
    """One line at the top: ':' and what is typed, the candidates under it, and a note (hint or error)."""

    CSS = """
    CommandLineScreen {
        align: center top;
        background: $background 40%;
    }

    #command-box {
        width: 100%;
        height: auto;
        margin-top: 1;
        padding: 0 1;
        background: $surface;
        border: tall $accent;
    }

    #command-row {
        height: 1;
    }

    #command-prompt {
        width: 1;
        text-style: bold;
    }

    #command-input {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0;
        background: $surface;
    }

    #command-choices {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }

    #command-choices {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
        background: $surface;
    }

    #command-note {
        height: auto;
        max-height: 3;
        color: $text-muted;
    }

    #command-note.-error {
        color: $error;
        text-style: bold;
    }
    """
    """One line at the top (under the breadcrumbs), its candidates, and a note; loaded with the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="command-line.close"),
        Binding("tab", "complete(1)", "Complete", priority=True, id="command-line.complete"),
        Binding("shift+tab", "complete(-1)", "Previous", priority=True, show=False, id="command-line.previous"),
        Binding("up", "history(-1)", "Older", show=False, id="command-line.older"),
        Binding("down", "history(1)", "Newer", show=False, id="command-line.newer"),
    ]

    HINT = "Tab completes · ↑↓ history · enter runs · esc closes"

    def __init__(self, under: Screen[Any], text: str = "", *, run: bool = False) -> None:
        """`run`: run `text` at once (the palette's 'Run :…'); errors and choices show on the line."""
        super().__init__()
        self.context = CommandContext(under)
        self.initial = text
        self.run_at_once = run
        self.completions: list[Completion] = []
        self.cursor = -1
        self.walk = HistoryWalk(self.context.app.history.entries)
        self._filled: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="command-box"):
            with Horizontal(id="command-row"):
                yield Static(":", id="command-prompt")
                yield Input(value=self.initial, id="command-input", select_on_focus=False)
            yield OptionList(id="command-choices")
            yield Static(Text(self.HINT), id="command-note", markup=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.cursor_position = len(field.value)
        self._complete_for(field.value)
        if self.run_at_once:
            self._run(field.value)

    @property
    def line(self) -> str:
        return self.query_one(Input).value

    def say(self, text: str, *, error: bool = False) -> None:
        note = self.query_one("#command-note", Static)
        note.update(Text(clean(text)))
        note.set_class(error, "-error")

    def show_completions(self, completions: list[Completion]) -> None:
        self.completions = completions[:MAX_CHOICES]
        self.cursor = -1
        choices = self.query_one(OptionList)
        choices.clear_options()
        width = max(20, self.size.width - 6)
        for completion in self.completions:
            detail = clean(completion.detail)
            label = Text(completion.label, style="bold")
            label.truncate(max(12, width - cell_len(detail) - 3), overflow="ellipsis")  # the kind stays in view
            if detail:
                label.append(f"   {detail}", style="dim")
            choices.add_option(Option(label))
        choices.display = bool(self.completions)

    def _set_line(self, text: str, *, keep_candidates: bool = False) -> None:
        """Put text on the line; Tab keeps the candidates it cycles through."""
        field = self.query_one(Input)
        self._filled = text if keep_candidates else None
        field.value = text
        field.cursor_position = len(text)

    # -- typing ---------------------------------------------------------------------------------------------------

    @on(Input.Changed, "#command-input")
    def _changed(self, event: Input.Changed) -> None:
        if event.value == self._filled:
            self._filled = None
            return
        self._filled = None
        self.say(self.HINT)
        self._complete_for(event.value)

    def _complete_for(self, text: str) -> None:
        self.show_completions(quick_completions(text, self.context))
        self._ask_api(text)

    @work(group="command-line-search", exclusive=True, exit_on_error=False)
    async def _ask_api(self, text: str) -> None:
        """The API's candidates for a name being typed: a newer text cancels this (and its debounce)."""
        added = list(self.completions)
        async for completion in remote_completions(text, self.context, added):
            added.append(completion)
            self.show_completions(added)

    def action_complete(self, step: int) -> None:
        if not self.completions:
            return
        self.cursor = (self.cursor + step) % len(self.completions)
        self._set_line(self.completions[self.cursor].fill, keep_candidates=True)
        self.query_one(OptionList).highlighted = self.cursor

    def action_history(self, step: int) -> None:
        line = self.walk.older(self.line) if step < 0 else self.walk.newer()
        if line is not None:
            self._set_line(line)

    def action_close(self) -> None:
        self.dismiss()

    @on(OptionList.OptionSelected, "#command-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._set_line(self.completions[event.option_index].fill)
        self.query_one(Input).focus()
        self._run(self.line)

    # -- running ----------------------------------------------------------------------------------------------------

    @on(Input.Submitted, "#command-input")
    def _submitted(self) -> None:
        self._run(self.line)

    def _run(self, text: str) -> None:
        try:
            parsed = parse(text)
        except CommandError as error:
            self.say(error.message, error=True)
            return
        if parsed.argument and parsed.spec.argument in ENTITY_KINDS:
            self.say(f"looking for {parsed.spec.argument.value} '{parsed.argument}'…")
        self._execute(parsed)

    @work(group="command-line-run", exclusive=True, exit_on_error=False)
    async def _execute(self, parsed: ParsedCommand) -> None:
        outcome = await execute(parsed, self.context)
        if outcome.choices:
            self.show_completions([_entity_completion(parsed.spec, found) for found in outcome.choices])
        if outcome.error:
            self.say(outcome.error, error=True)
            return
        self.context.app.history.add(parsed.text)
        self.dismiss()
        if outcome.quit:
            self.app.exit()
        elif outcome.message is not None:
            self.app.post_message(outcome.message)


# -- the palette ----------------------------------------------------------------------------------------------------


class CommandProvider(Provider):
    """Every `:` command in the palette; a query that starts with ':' is offered as a command line to run."""

    def _commands(self) -> list[tuple[str, str]]:
        return [(f"{spec.synopsis}  {spec.summary}", spec.name + (" " if spec.usage else "")) for spec in COMMANDS]

    def _open(self, text: str, *, run: bool = False) -> None:
        self.app.push_screen(CommandLineScreen(self.screen, text, run=run))

    def _run(self, spec: CommandSpec) -> None:
        """A command that needs nothing more runs at once; one that takes a name opens the prompt with it."""
        if spec.required:
            self._open(f"{spec.name} ")
            return
        self.app.run_worker(self._deliver(spec), group="palette-command", exclusive=True, exit_on_error=False)

    async def _deliver(self, spec: CommandSpec) -> None:
        outcome = await execute(ParsedCommand(spec), CommandContext(self.screen))
        if outcome.error:
            self.app.notify(outcome.error, title=spec.synopsis, severity="warning")
        elif outcome.quit:
            self.app.exit()
        elif outcome.message is not None:
            self.app.post_message(outcome.message)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        if query.startswith(":") and len(query) > 1:
            text = f"Run {query}"
            yield Hit(1.0, Text(text), partial(self._open, query[1:], run=True), text=text, help="on the command line")
        for spec in COMMANDS:
            text = f"{spec.synopsis}  {spec.summary}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, spec), text=text)

    async def discover(self) -> Hits:
        for spec in COMMANDS:
            yield DiscoveryHit(f"{spec.synopsis}  {spec.summary}", partial(self._run, spec))
