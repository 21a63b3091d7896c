"""One build step pyproject.toml cannot declare: ship ``ontology/*.ttl`` and
``schema/*.json`` inside ``graph``.

The repository keeps the vocabulary and the SHACL shapes in a top-level ``ontology/`` folder,
and the JSON Schema of the data files in ``schema/`` (where editors find it), but a wheel must
not install a top-level ``ontology`` or ``schema`` (generic names another distribution may
own). So the wheel carries the files as package data of ``graph``, at ``graph/ontology/`` and
``graph/schema/``, and :func:`graph.ontology_file` and :func:`graph.data.schema.schema_file`
find them there -- or, in a source checkout, in the repository's folders. The sdist carries
those folders as they are. Everything else is configured in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: Repository folder (relative to this file) -> the files of it a wheel carries, and where.
SHIPPED = {
    "ontology": ("*.ttl", ("graph", "ontology")),
    "schema": ("*.json", ("graph", "schema")),
}


class BuildPyWithOntology(build_py):
    """``build_py`` that also copies the ontology and the schema into the built ``graph``."""

    def _shipped(self) -> list[tuple[str, str]]:
        """(source, target) pairs; none in an editable install, which reads the checkout."""
        if self.editable_mode:
            return []
        return [
            (str(source), str(Path(self.build_lib, *packaged_as, source.name)))
            for folder, (_, packaged_as) in SHIPPED.items()
            for source in _sources(folder)
        ]

    def run(self) -> None:
        super().run()
        for source, target in self._shipped():
            self.mkpath(str(Path(target).parent))
            self.copy_file(source, target, preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *(t for _, t in self._shipped())]

    def get_source_files(self) -> list[str]:  # what an sdist carries
        return [*super().get_source_files(), *(str(s) for f in SHIPPED for s in _sources(f))]


def _sources(folder: str) -> list[Path]:
    return sorted(Path(folder).glob(SHIPPED[folder][0]))


setup(cmdclass={"build_py": BuildPyWithOntology})
