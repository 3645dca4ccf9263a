"""The README and docs/ never drift from the CLI: every `kiosk …` command they name exists and has help,
and the README's index names every command there is."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands, main
from tests.conftest import REPO

load_commands()  # every command registered, as `kiosk --help` sees them
README = REPO / "README.md"
PAGES = [README, *sorted((REPO / "docs").glob("*.md"))]

# Options of `kiosk` itself that come before the command; those listed here take a value.
_GLOBAL_WITH_VALUE = {"--home", "--config"}
_GLOBAL_FLAGS = {"-v", "--verbose"}
# `kiosk` as a command: at the start of a snippet or line, after a space or bracket, after `bin/`
# (`.venv/bin/kiosk`), never inside a path or module name (`kiosk/cli`, `python -m kiosk.central.demo_feed`).
_COMMAND = re.compile(r"(?:^|(?<=[\s(])|(?<=bin/))kiosk(?=\s|$)")
_WORD = re.compile(r"[a-z][a-z-]*")


def _snippets(text: str) -> list[str]:
    """Inline code spans and every line of fenced code blocks, shell comments cut off: where pages show commands."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    outside = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.S | re.M)
    lines = [re.sub(r"(^|\s)#.*", "", line).strip() for block in fenced for line in block.splitlines()]
    return lines + re.findall(r"`([^`\n]+)`", outside)


def command_words(snippet: str) -> list[tuple[str, ...]]:
    """The subcommand path of each `kiosk …` command in a snippet: `kiosk --home H sync --json` → ("sync",)."""
    found = []
    for match in _COMMAND.finditer(snippet):
        rest = re.split(r"&&|\|\||;|#|\|", snippet[match.end() :], maxsplit=1)[0].split()
        while rest and rest[0].startswith("-"):
            option = rest.pop(0)
            if option in _GLOBAL_WITH_VALUE and rest:
                rest.pop(0)
            elif option not in _GLOBAL_FLAGS:
                rest = []  # --version, --help: no command follows
        words: list[str] = []
        command: click.Command = main
        for word in rest:
            if not isinstance(command, click.Group) or not _WORD.fullmatch(word):
                break
            words.append(word)
            if word not in command.commands:
                break  # a group's argument (`kiosk ime zwgk`) or no such command: click decides, below
            command = command.commands[word]
        found.append(tuple(words))
    return found


def _named_commands() -> dict[tuple[str, ...], list[str]]:
    named: dict[tuple[str, ...], list[str]] = {}
    for page in PAGES:
        for snippet in _snippets(page.read_text(encoding="utf-8")):
            for words in command_words(snippet):
                pages = named.setdefault(words, [])
                if page.name not in pages:
                    pages.append(page.name)
    return dict(sorted(named.items()))


def _every_command() -> list[tuple[str, ...]]:
    def walk(command: click.Command, path: tuple[str, ...]):
        if path and not isinstance(command, click.Group):
            yield path
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if not sub.hidden:
                yield from walk(sub, (*path, name))

    return list(walk(main, ()))


NAMED = _named_commands()


def test_the_docs_are_searched_for_commands():
    assert len(PAGES) > 1, "docs/ has no pages"
    assert any("docs" in Path(page).parts for page in PAGES)
    assert ("sync",) in NAMED and ("central", "publish") in NAMED


@pytest.mark.parametrize("words", list(NAMED), ids=lambda w: " ".join(w) or "kiosk")
def test_a_command_named_in_the_readme_or_docs_exists_with_help(words):
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, f"`kiosk {' '.join(words)}` named in {NAMED[words]}: {result.output}"
    assert "Usage:" in result.output


@pytest.mark.parametrize("words", _every_command(), ids=" ".join)
def test_every_command_is_in_the_readme_index(words):
    index = README.read_text(encoding="utf-8").split("## The CLI", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"\| `kiosk {re.escape(' '.join(words))}[ `]", index), f"kiosk {' '.join(words)}"


def test_commands_are_found_after_global_options_and_in_code_blocks():
    assert command_words("kiosk --home /var/lib/kiosk sync --source /media/usb/feed") == [("sync",)]
    assert command_words(".venv/bin/kiosk --home H ime build && kiosk -v status") == [("ime", "build"), ("status",)]
    assert command_words("kiosk central applications set-status TRACKING answered") == [
        ("central", "applications", "set-status")
    ]
    assert command_words("python -m kiosk.central.demo_feed; see kiosk/cli/base.py") == []
    assert _snippets("text `kiosk docs list`\n```sh\nkiosk sync   # note\n```\n") == [
        "kiosk sync",
        "kiosk docs list",
    ]


def test_a_command_that_does_not_exist_is_caught():
    (words,) = command_words("kiosk staff unlock")
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code != 0


def test_every_command_has_a_help_line():
    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*path, name))

    for path, command in walk(main, ()):
        assert command.help or command.short_help, f"kiosk {' '.join(path)} has no help"


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_between_the_pages_lead_somewhere(page):
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name} links to {target}"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), flags=re.M)
            assert anchor in {_anchor(h) for h in headings}, f"{page.name} links to {target}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_files_named_in_the_pages_exist(page):
    named = re.findall(r"`((?:kiosk|tests|benchmarks|deploy|assets)/[^`\s]*)`", page.read_text(encoding="utf-8"))
    for path in named:
        assert list(REPO.glob(path.rstrip("/"))), f"{page.name} names {path}, which is not in the repository"
