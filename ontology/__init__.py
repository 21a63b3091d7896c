"""The project's vocabulary (``ekg.ttl``) and the SHACL shapes the built graph satisfies."""

from pathlib import Path

ONTOLOGY_DIR = Path(__file__).parent
VOCABULARY = ONTOLOGY_DIR / "ekg.ttl"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
