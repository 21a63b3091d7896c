"""One build step pyproject.toml cannot declare: ship ``ontology/*.ttl`` inside ``graph``.

The repository keeps the vocabulary and the SHACL shapes in a top-level ``ontology/`` folder,
but a wheel must not install a top-level ``ontology`` (a generic name another distribution may
own). So the wheel carries the files as package data of ``graph``, at ``graph/ontology/``, and
:func:`graph.ontology_file` finds them there -- or, in a source checkout, in ``ontology/``. The
sdist carries ``ontology/`` as it is. Everything else is configured in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ONTOLOGY = "ontology"  # the repository folder, relative to this file
PACKAGED_AS = ("graph", "ontology")  # where a wheel carries its files


class BuildPyWithOntology(build_py):
    """``build_py`` that also copies the ontology into the built ``graph`` package."""

    def _ontology(self) -> list[tuple[str, str]]:
        """(source, target) pairs; none in an editable install, which reads the checkout."""
        if self.editable_mode:
            return []
        target = Path(self.build_lib, *PACKAGED_AS)
        return [(str(source), str(target / source.name)) for source in _ontology_sources()]

    def run(self) -> None:
        super().run()
        for source, target in self._ontology():
            self.mkpath(str(Path(target).parent))
            self.copy_file(source, target, preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *(t for _, t in self._ontology())]

    def get_source_files(self) -> list[str]:  # what an sdist carries
        return [*super().get_source_files(), *map(str, _ontology_sources())]


def _ontology_sources() -> list[Path]:
    return sorted(Path(ONTOLOGY).glob("*.ttl"))


setup(cmdclass={"build_py": BuildPyWithOntology})
