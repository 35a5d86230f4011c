"""The `:` command line's language, k9s style: which commands exist, what they take, parsing and completion.

Pure Python (no Textual, no network): `parse(":inner Hive")` gives a `ParsedCommand` or raises `CommandError`
with a sentence for a person; `complete_names("in")` lists the commands a prefix may mean. What a command does
is decided by the screens (`screens/command_line.py`), which also complete its argument (names, profiles, metrics).
"""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass

__all__ = [
    "COMMANDS",
    "Argument",
    "CommandError",
    "CommandSpec",
    "Completion",
    "ParsedCommand",
    "command_named",
    "complete_names",
    "parse",
    "split",
]


class Argument(enum.Enum):
    """What a command's argument names: decides how it is completed and resolved."""

    NONE = "none"
    TEXT = "text"
    INNER_ORGANIZATION = "inner organization"
    USER = "user"
    PROJECT = "project"
    ORGANIZATION = "organization"
    PROFILE = "profile"
    METRIC = "metric"


@dataclass(frozen=True)
class CommandSpec:
    """One command: its name, the argument it takes (`usage` says it as the help does), and a line of help."""

    name: str
    summary: str
    argument: Argument = Argument.NONE
    usage: str = ""
    """'NAME|ID', '[TEXT]': square brackets mark an optional argument."""
    aliases: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return bool(self.usage) and not self.usage.startswith("[")

    @property
    def synopsis(self) -> str:
        """':inner [NAME|ID]' as the help and the completion list show it."""
        return f":{self.name}" + (f" {self.usage}" if self.usage else "")


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("fleet", "the Fleet tab: every inner organization against its limits"),
    CommandSpec("users", "the users (the white label's, for its admin), filtered by TEXT", Argument.TEXT, "[TEXT]"),
    CommandSpec(
        "projects", "the projects (the white label's, for its admin), filtered by TEXT", Argument.TEXT, "[TEXT]"
    ),
    CommandSpec(
        "inner",
        "open an inner organization by name or id (alone: the list)",
        Argument.INNER_ORGANIZATION,
        "[NAME|ID]",
    ),
    CommandSpec("user", "open a user by email, name or id", Argument.USER, "EMAIL|ID"),
    CommandSpec("project", "open a project by name or id", Argument.PROJECT, "NAME|ID"),
    CommandSpec("org", "switch to another organization (alone: the picker)", Argument.ORGANIZATION, "[ID]"),
    CommandSpec(
        "ctx",
        "switch to another profile of config.toml (alone: the picker)",
        Argument.PROFILE,
        "[PROFILE]",
        aliases=("profile", "context"),
    ),
    CommandSpec("structure", "the organization as a tree"),
    CommandSpec("changes", "what changed in the organization since the last look"),
    CommandSpec("compute", "who and what used compute"),
    CommandSpec("access", "API keys and members with their last activity"),
    CommandSpec("chart", "chart a daily metric of this screen", Argument.METRIC, "METRIC"),
    CommandSpec("help", "the keys of this screen"),
    CommandSpec("q", "quit eiscope", aliases=("quit",)),
)

_BY_NAME: dict[str, CommandSpec] = {name: spec for spec in COMMANDS for name in (spec.name, *spec.aliases)}


class CommandError(ValueError):
    """What is wrong with a command line, in a sentence for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedCommand:
    spec: CommandSpec
    argument: str = ""
    """The rest of the line, stripped; '' when none was given."""

    @property
    def text(self) -> str:
        """The line as history keeps it: 'inner Hive Robotics'."""
        return f"{self.spec.name} {self.argument}".strip()


@dataclass(frozen=True)
class Completion:
    """One candidate of the completion list: `fill` is what Tab puts on the line (without the ':')."""

    fill: str
    label: str
    detail: str = ""


def split(text: str) -> tuple[str, str | None]:
    """(command word, argument) of a line; the argument is None while no space follows the word.

    A leading ':' (typed out of habit) and surrounding spaces are ignored; the word is lowercased.
    """
    line = text.lstrip().lstrip(":").lstrip()  # a trailing space says the word is whole
    word, space, rest = line.partition(" ")
    return word.lower(), (rest.strip() if space else None)


def command_named(word: str) -> CommandSpec:
    """The command a word means: its name, an alias, or a prefix of exactly one name."""
    if word in _BY_NAME:
        return _BY_NAME[word]
    matches = complete_names(word)
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(f":{spec.name}" for spec in matches)
        raise CommandError(f":{word} could be {names}")
    close = difflib.get_close_matches(word, list(_BY_NAME), n=1)
    suggestion = f"; did you mean :{_BY_NAME[close[0]].name}?" if close else "; :help lists the keys, Tab the commands"
    raise CommandError(f"no command :{word}{suggestion}")


def parse(text: str) -> ParsedCommand:
    """A command line → the command and its argument; CommandError says what is wrong."""
    word, argument = split(text)
    if not word:
        raise CommandError("type a command: Tab lists them")
    spec = command_named(word)
    argument = argument or ""
    if spec.argument is Argument.NONE and argument:
        raise CommandError(f":{spec.name} takes no argument")
    if spec.required and not argument:
        raise CommandError(f":{spec.name} needs {spec.usage}: {spec.summary}")
    return ParsedCommand(spec, argument)


def complete_names(prefix: str) -> list[CommandSpec]:
    """The commands whose name (or an alias) starts with the prefix, each once, in the order of COMMANDS."""
    word = prefix.strip().lstrip(":").lower()
    return [spec for spec in COMMANDS if any(name.startswith(word) for name in (spec.name, *spec.aliases))]
