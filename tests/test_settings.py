"""Each setting is declared once (:data:`service.settings.SETTINGS`) and read the same way by
:func:`service.settings.load_config`, the ``ekg`` flags and README.md's table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest

from service.cli import main
from service.cli.main import service_url
from service.cli.options import click_type
from service.settings import DEFAULTS, SETTINGS, Setting, load_config, setting
from service.settings_readme import END, START, markdown_table, with_table

ROOT = Path(__file__).resolve().parent.parent
FLAGGED = [each for each in SETTINGS if each.flag]
#: The flags of ``ekg reload``; ``ekg serve`` has every other one.
RELOAD_FLAGS = {"URL", "HOST", "PORT", "RELOAD_TOKEN"}
SERVE_FLAGS = {each.name for each in FLAGGED} - {
    "URL",
    "RELOAD_TOKEN",
    "RETENTION",
    "PUBLISH_TIMEOUT",
}


def commands() -> dict[str, click.Command]:
    return dict(main.commands)


def option(command: str, declared: Setting) -> click.Option:
    """The option of ``ekg <command>`` that sets ``declared``."""
    (found,) = [
        param
        for param in commands()[command].params
        if isinstance(param, click.Option) and declared.flag in param.opts
    ]
    return found


def sample(declared: Setting) -> tuple[str, Any]:
    """A value other than the default, as text and as the setting holds it."""
    if declared.choices:
        text = next(choice for choice in declared.choices if choice != declared.default)
        return text, text
    if declared.type is bool:
        return ("false", False) if declared.default else ("true", True)
    if declared.type is int:
        return "3", 3
    if declared.type is float:
        return "0.5", 0.5
    if declared.multiple:
        return "a.example, b.example c.example", ("a.example", "b.example", "c.example")
    return "elsewhere", "elsewhere"


def test_the_readme_table_is_generated_from_the_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{START}\n{markdown_table()}{END}" in readme, (
        "README.md's settings table is out of date: run "
        ".venv/bin/python -c 'import service.settings_readme as s; s.write_readme()'"
    )
    assert with_table(readme) == readme


def test_the_table_lists_every_setting_once():
    table = markdown_table().splitlines()[2:]
    assert [line.split("`")[1] for line in table] == [each.env for each in SETTINGS]
    assert len({each.name for each in SETTINGS}) == len(SETTINGS)
    assert len({each.flag for each in FLAGGED}) == len(FLAGGED)


def test_with_table_needs_the_markers():
    with pytest.raises(ValueError, match="settings:start"):
        with_table("# no table here\n")


def test_without_variables_every_setting_has_its_default():
    assert load_config({}) == DEFAULTS
    assert load_config({"EKG_PORT": ""}) == DEFAULTS  # empty counts as unset, as in click


@pytest.mark.parametrize("declared", SETTINGS, ids=lambda each: each.env)
def test_each_variable_is_honoured_by_load_config(declared):
    text, value = sample(declared)
    config = load_config({declared.env: text})
    assert config[declared.name] == value
    assert {k: v for k, v in config.items() if k != declared.name} == {
        k: v for k, v in DEFAULTS.items() if k != declared.name
    }


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("EKG_SPARQL_TIMEOUT", "soon", "EKG_SPARQL_TIMEOUT must be a number, got 'soon'"),
        ("EKG_SPARQL_WORKERS", "1.5", "EKG_SPARQL_WORKERS must be a number, got '1.5'"),
        ("EKG_SPARQL_WORKERS", "0", "EKG_SPARQL_WORKERS must be greater than 0, got '0'"),
        ("EKG_WATCH_INTERVAL", "-1", "EKG_WATCH_INTERVAL must be greater than 0, got '-1'"),
        ("EKG_PORT", "65536", "EKG_PORT must be at most 65535, got '65536'"),
        ("EKG_SERVER", "apache", "EKG_SERVER must be one of waitress, gunicorn, got 'apache'"),
    ],
)
def test_invalid_values_are_refused(variable, value, message):
    with pytest.raises(ValueError) as refused:
        load_config({variable: value})
    assert str(refused.value) == message


@pytest.mark.parametrize("name", ["WATCH_INTERVAL", "SPARQL_CACHE_BYTES", "PORT"])
def test_zero_where_it_means_something(name):
    assert load_config({f"EKG_{name}": "0"})[name] == 0


@pytest.mark.parametrize("declared", FLAGGED, ids=lambda each: each.flag)
def test_each_flag_has_the_declared_default_and_variable(declared):
    places = [
        name
        for name, command in commands().items()
        for param in command.params
        if isinstance(param, click.Option) and declared.flag in param.opts
    ]
    assert places
    for name in places:
        if (name, declared.flag) == ("query", "--store"):
            continue  # an existing store to query, not one to build: no variable
        found = option(name, declared)
        assert (found.default, found.envvar) == (declared.default, declared.env), name
        assert found.help == declared.help


def test_serve_and_reload_have_their_flags():
    for declared in FLAGGED:
        assert (declared.name in SERVE_FLAGS) == any(
            declared.flag in param.opts for param in commands()["serve"].params
        ), declared.flag
        assert (declared.name in RELOAD_FLAGS) == any(
            declared.flag in param.opts for param in commands()["reload"].params
        ), declared.flag


@pytest.mark.parametrize("declared", FLAGGED, ids=lambda each: each.flag)
def test_cli_and_config_agree(declared, monkeypatch):
    """The same default without the variable, the same value with it."""
    command = "reload" if declared.name in {"URL", "RELOAD_TOKEN"} else "serve"
    command = "publish" if declared.name in {"RETENTION", "PUBLISH_TIMEOUT"} else command
    name = option(command, declared).name

    def from_cli() -> Any:
        value = commands()[command].make_context(command, []).params[name]
        return str(value) if isinstance(value, Path) else value  # the config holds text

    for each in SETTINGS:
        monkeypatch.delenv(each.env, raising=False)
    assert from_cli() == load_config({})[declared.name] == declared.default
    text, value = sample(declared)
    monkeypatch.setenv(declared.env, text)
    assert from_cli() == load_config()[declared.name] == value


def test_a_list_setting_takes_a_repeated_flag_or_commas():
    declared = setting("ALLOWED_HOSTS")
    flags = ["--allowed-host", "a.example", "--allowed-host", "b.example,c.example"]
    params = commands()["serve"].make_context("serve", flags).params
    assert params["allowed_hosts"] == ("a.example", "b.example", "c.example")
    assert declared.parse(" a.example ,, b.example ") == ("a.example", "b.example")


@pytest.mark.parametrize(
    "declared", [each for each in SETTINGS if each.type in (int, float)], ids=lambda s: s.env
)
@pytest.mark.parametrize("text", ["-1", "0", "0.5", "1", "64", "65", "65536", "many"])
def test_flags_and_variables_accept_the_same_numbers(declared, text):
    try:
        declared.parse(text)
        parsed = True
    except ValueError:
        parsed = False
    try:
        click_type(declared).convert(text, None, None)
        converted = True
    except click.BadParameter:
        converted = False
    assert parsed == converted


def test_one_watch_interval_default(tiny_path):
    """``ekg serve`` and ``create_app()`` both watch the data files every 2 s."""
    from service import create_app

    assert setting("WATCH_INTERVAL").default == 2.0
    assert option("serve", setting("WATCH_INTERVAL")).default == 2.0
    app = create_app({"DATA": str(tiny_path)})
    try:
        assert app.extensions["ekg_watcher"].interval == 2.0
    finally:
        app.extensions["ekg_generations"].close()


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8080"),
        ("0.0.0.0", "http://127.0.0.1:8080"),
        ("::", "http://[::1]:8080"),
        ("::1", "http://[::1]:8080"),
        ("ekg.example", "http://ekg.example:8080"),
    ],
)
def test_reload_asks_where_serve_listens(host, url):
    assert service_url(host, 8080) == url
