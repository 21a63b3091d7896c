"""Pure library of the event knowledge graph: load, validate, build RDF, store, analyse.

Nothing here imports flask, click or the ``service`` package (a test enforces it).
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def ontology_file(name: str) -> Path:
    """The file ``name`` of the project's ontology: ``ekg.ttl`` (the vocabulary) or
    ``shapes.ttl`` (the SHACL shapes every built graph satisfies).

    The one way to reach them: a source checkout keeps them in the repository's ``ontology/``
    folder, an installed wheel inside this package, as ``graph/ontology/`` (see setup.py), so
    that installing ekg adds no top-level ``ontology``.

    >>> ontology_file("shapes.ttl").is_file()
    True
    """
    packaged = _HERE / "ontology"
    folder = packaged if (packaged / "ekg.ttl").is_file() else _HERE.parent / "ontology"
    return folder / name
