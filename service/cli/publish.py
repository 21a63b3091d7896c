"""``ekg publish``: the one writer of a shared SPARQL store (:mod:`graph.publication`)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.publication import publish
from service import remote_store
from service.cli.options import DATA_OPTION, domain_errors, setting_option
from service.settings import load_config


@click.command(name="publish")
@DATA_OPTION
@setting_option("BASE_IRI")
@setting_option("SPARQL_ENDPOINT")
@setting_option("SPARQL_UPDATE_ENDPOINT")
@setting_option("SPARQL_STORE_ENDPOINT")
@setting_option("RETENTION")
@setting_option("PUBLISH_TIMEOUT", "timeout")
@domain_errors
def publish_command(
    data: Path, base_iri: str | None, retention: float, timeout: float, **endpoints: str | None
) -> None:
    """Validate the data files and make them the current version of the SPARQL store that
    readers (`ekg serve --sparql-endpoint ...`) serve: loaded beside the current version,
    then switched to in one update. Nothing is written when the data is invalid or is
    already the current version."""
    if not endpoints["sparql_endpoint"]:
        raise click.UsageError("ekg publish needs --sparql-endpoint (or EKG_SPARQL_ENDPOINT)")
    config = load_config() | {name.upper(): value for name, value in endpoints.items()}
    config["SPARQL_TIMEOUT"] = timeout  # uploads and drops, not the readers' query limit
    result = publish(data, remote_store(config), base=base_iri, retention=retention)
    if result.outcome == "unchanged":
        click.echo(f"unchanged: version {result.version} is already the current one")
        return
    dropped = f"; dropped {', '.join(result.dropped)}" if result.dropped else ""
    click.echo(
        f"published version {result.version} ({result.triples} triples, replacing "
        f"{result.previous or 'nothing'}) in {result.seconds:.2f} s{dropped}"
    )


COMMANDS = (publish_command,)
