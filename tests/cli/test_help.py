"""The README never drifts from the CLI: every `kiosk …` command it shows exists and has help."""

import re

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from tests.conftest import REPO


def _readme_commands() -> list[tuple[str, ...]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = set()
    for snippet in re.findall(r"`(kiosk [^`]+)`", text):
        words = []
        for word in snippet.split()[1:]:
            if not re.fullmatch(r"[a-z][a-z-]*", word):
                break
            words.append(word)
        commands.add(tuple(words))
    return sorted(commands)


@pytest.mark.parametrize("words", _readme_commands(), ids=lambda w: " ".join(w) or "kiosk")
def test_readme_command_exists_with_help(words):
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_every_command_has_a_help_line():
    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*path, name))

    for path, command in walk(main, ()):
        assert command.help or command.short_help, f"kiosk {' '.join(path)} has no help"
