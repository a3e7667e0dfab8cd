"""The README documents every command the CLI has, and the files it points to exist."""

import re

import click
import pytest

from api.cli import main
from helpers import REPO

README = (REPO / "README.md").read_text()


def command_paths(group: click.Group, prefix: str = "adgraph") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths += command_paths(command, path)
        else:
            paths.append(path)
    return paths


@pytest.mark.parametrize("path", command_paths(main))
def test_every_command_is_in_the_readme(path):
    assert f"`{path}" in README, f"README.md does not document `{path}`"


@pytest.mark.parametrize("link", re.findall(r"\]\(([^)#]+)\)", README))
def test_readme_links_exist(link):
    assert (REPO / link).exists(), link


@pytest.mark.parametrize("variable", ["NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "ADGRAPH_DATA_DIR",
                                      "ADGRAPH_CACHE_DIR", "ADGRAPH_DB_PORT", "ADGRAPH_DB_HEAP", "ADGRAPH_DB_PAGECACHE",
                                      "ADGRAPH_CONFIG"])
def test_every_setting_is_in_the_readme(variable):
    assert variable in README


def test_readme_shows_the_two_commands():
    assert "make demo" in README and "make test" in README
