"""The ``ekg`` command line: validate, build, export, query, serve, reload, and the causal
analyses of :mod:`service.cli.analyses`.

Domain errors print ``Error: <detail>`` on stderr and exit with status 1; ``validate`` first
prints every problem as ``events.yaml:<line>: <message>``.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click
from rdflib import Graph

from graph import vocab
from graph.data import load_dataset
from graph.pipeline import build_knowledge_graph
from graph.store import EXPORT_FORMATS, OxigraphStore, Store, to_csv, to_json_text, to_table, to_tsv
from service import create_app
from service.cli.analyses import COMMANDS as ANALYSIS_COMMANDS
from service.cli.curation import COMMANDS as CURATION_COMMANDS
from service.cli.options import (
    BACKEND_OPTION,
    DATA_OPTION,
    STORE_OPTION,
    domain_errors,
    setting_option,
)
from service.cli.publish import COMMANDS as PUBLISH_COMMANDS
from service.runtime.wsgi import check_address, run_server


@click.group()
@click.version_option(package_name="ekg")
def main() -> None:
    """Event timeline knowledge graph: curated events -> RDF with causal links."""


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@DATA_OPTION
@domain_errors
def validate(file: Path | None, data: Path) -> None:
    """Check an events file and report every problem at once (FILE defaults to --data)."""
    dataset = load_dataset(file or data)
    click.echo(
        f"{(file or data).name}: OK ({len(dataset.events)} events, {len(dataset.links)} links, "
        f"{len(dataset.claims)} claims)"
    )


@main.command()
@DATA_OPTION
@BACKEND_OPTION
@STORE_OPTION
@setting_option("BASE_IRI")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr [default: when stderr is a terminal].",
)
@domain_errors
def build(
    data: Path, backend: str, store_dir: Path | None, base_iri: str | None, progress: bool | None
) -> None:
    """Validate the events file (and the files it includes) and build the store, always
    anew; print counts and the time taken."""
    built = build_knowledge_graph(
        data, backend, store_dir, reuse=False, progress=progress, base=base_iri
    )
    counts = ", ".join(f"{value} {name}" for name, value in built.counts().items())
    where = f" in {store_dir}" if store_dir else " in memory"
    click.echo(f"built {counts} with {backend}{where} in {built.seconds:.2f} s")


@main.command()
@DATA_OPTION
@BACKEND_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="ttl", show_default=True
)
@click.option("--output", "-o", type=click.File("wb"), default="-", help="File to write.")
@setting_option("BASE_IRI")
@domain_errors
def export(data: Path, backend: str, fmt: str, output: Any, base_iri: str | None) -> None:
    """Write the whole graph as Turtle, N-Triples, JSON-LD or TriG."""
    built = build_knowledge_graph(data, backend, base=base_iri)
    output.write(built.store.serialize(fmt))


@main.command()
@click.argument("sparql")
@DATA_OPTION
@BACKEND_OPTION
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Query an existing on-disk store instead of building one from --data.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv"]),
    default="table",
    show_default=True,
)
@domain_errors
def query(sparql: str, data: Path, backend: str, store_dir: Path | None, fmt: str) -> None:
    """Run a SPARQL query (use @FILE to read it from a file) and print the result."""
    if sparql.startswith("@"):
        sparql = Path(sparql[1:]).read_text(encoding="utf-8")
    store: Store = (
        OxigraphStore(store_dir, read_only=True)
        if store_dir
        else build_knowledge_graph(data, backend).store
    )
    result = store.query(sparql)
    if result.kind == "graph":
        click.echo(result.graph().serialize(format="turtle"), nl=False)
        return
    render = {"json": to_json_text, "csv": to_csv, "tsv": to_tsv}.get(fmt)
    if render is not None:
        click.echo(render(result), nl=fmt == "json")
        return
    namespaces = Graph(bind_namespaces="none").namespace_manager
    for prefix, namespace in vocab.PREFIXES.items():
        namespaces.bind(prefix, namespace)
    click.echo(to_table(result, namespaces))


@main.command()
@DATA_OPTION
@setting_option("BACKEND")
@STORE_OPTION
@setting_option("BASE_IRI")
@setting_option("HOST")
@setting_option("ALLOWED_HOSTS", "allowed_hosts")
@setting_option("PORT")
@setting_option("SERVER")
@setting_option("THREADS")
@setting_option("WORKERS")
@setting_option("WATCH_INTERVAL")
@setting_option("CORS")
@setting_option("SPARQL_ENDPOINT")
@setting_option("SPARQL_UPDATE_ENDPOINT")
@setting_option("SPARQL_STORE_ENDPOINT")
@setting_option("FOLLOW_INTERVAL")
@setting_option("CACHE_DIR")
@domain_errors
def serve(
    data: Path,
    backend: str,
    store_dir: Path | None,
    base_iri: str | None,
    host: str,
    port: int,
    server: str,
    threads: int,
    workers: int,
    watch_interval: float,
    cors: bool,
    allowed_hosts: tuple[str, ...],
    follow_interval: float,
    cache_dir: Path | None,
    **remote: str | None,
) -> None:
    """Build the graph and serve it over HTTP (loopback by default); reload it when the data
    files change (or on `ekg reload`). With --sparql-endpoint: serve the version `ekg
    publish` made current in that store, and follow it."""
    check_address(host, port)  # before building, and before saying "serving"
    overrides = {
        "DATA": str(data),
        "BACKEND": backend,
        "STORE": store_dir,
        "BASE_IRI": base_iri,
        "WATCH_INTERVAL": watch_interval,
        "CORS": cors,
        "HOST": host,
        "ALLOWED_HOSTS": allowed_hosts,
    }
    if remote["sparql_endpoint"]:
        overrides["BACKEND"] = "sparql"
        overrides.update({name.upper(): value for name, value in remote.items()})
        overrides.update({"FOLLOW_INTERVAL": follow_interval, "CACHE_DIR": cache_dir})
    app = create_app(overrides)
    if "ekg_follower" in app.extensions and server == "waitress":  # follow before any request
        app.extensions["ekg_follower"].ensure_running()
    counts = app.extensions["ekg"].counts()
    where = f"{server}, {workers if server == 'gunicorn' else 1} process(es), {threads} threads"
    click.echo(
        f"serving {counts['events']} events, {counts['triples']} triples on "
        f"http://{host}:{port}/ ({where})",
        err=True,
    )
    run_server(app, server=server, host=host, port=port, threads=threads, workers=workers)


@main.command(name="reload")
@setting_option("URL")
@setting_option("HOST")
@setting_option("PORT")
@setting_option("RELOAD_TOKEN", "token")
def reload_command(url: str | None, host: str, port: int, token: str | None) -> None:
    """Ask a running service to validate the data files again and serve the new version."""
    url = url or service_url(host, port)
    request = urllib.request.Request(f"{url.rstrip('/')}/-/reload", data=b"", method="POST")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            result = json.load(response)
    except urllib.error.HTTPError as exc:
        body = json.loads(exc.read() or b"{}")
        for problem in body.get("errors", []):
            click.echo(f"{problem['file']}:{problem['line']}: {problem['message']}", err=True)
        click.echo(f"Error: {body.get('detail', exc.reason)}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"Error: cannot reach {url}: {getattr(exc, 'reason', exc)}", err=True)
        sys.exit(1)
    click.echo(
        f"{result['outcome']}: version {result['version']}, generation "
        f"{result['generation']} ({result['seconds']} s)"
    )


def service_url(host: str, port: int) -> str:
    """Where ``ekg serve --host HOST --port PORT`` answers on this machine: a wildcard
    address (every interface) is reached over loopback."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


for _command in (*ANALYSIS_COMMANDS, *CURATION_COMMANDS, *PUBLISH_COMMANDS):
    main.add_command(_command)
