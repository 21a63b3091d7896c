"""The JSON Schema (draft 2020-12) of the data files, generated from what the loader reads.

``schema/events.json`` is this module's output, committed so that editors find it (a data
file's first line, ``# yaml-language-server: $schema=schema/events.json``, points at it) and
shipped in the wheel (as ``graph/schema/events.json``; see setup.py), and the service serves it
at ``/schema/events.json``. A test checks the committed file equals :func:`events_schema`.

The fields of every record, and which are required, come from the loader's own field lists
(:mod:`graph.data.readers`, :mod:`graph.data.stories`); closed vocabularies (link kinds,
statuses, verdicts, units, actor kinds) from :mod:`graph.vocab`. So a field added to the
loader without a type here fails generation. What the schema cannot say -- references to ids,
time order, cycles, which file is the top-level one -- only ``ekg validate`` checks.

Regenerate with ``python -m graph.data.schema schema/events.json``.

>>> schema = events_schema()
>>> schema["$defs"]["link"]["properties"]["kind"]["enum"][:2]
['causes', 'enables']
>>> schema_file().name
'events.json'
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from graph import vocab
from graph.data.schema_records import DAY, EDTF, RECORDS, SLUG, SOURCES_HELP, URL, ref

DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: Required beyond the loader's required fields (it reports them as "at least one source").
_ALSO_REQUIRED = {"event": ("sources",)}

_SECTIONS: dict[str, tuple[str, str]] = {
    "lanes": ("lane", "Timeline lanes; every event has one."),
    "event_types": ("concept", "Event types."),
    "quantity_kinds": ("concept", "Kinds of figures (quantities)."),
    "stages": ("concept", "Comparable stages of a crisis (oil shock, currency fall, ...)."),
    "actors": ("actor", "People, organizations, countries and groups."),
    "places": ("place", "Places."),
    "publications": ("publication", "Publications, e.g. the seed article."),
    "events": ("event", "Events."),
    "links": ("link", "Links from a cause event to an effect event."),
    "claims": ("claim", "A publication's statements, each with a verdict."),
    "narratives": ("narrative", "Accounts: whose links are whose."),
}

_BASICS: dict[str, dict[str, Any]] = {
    "slug": {
        "type": "string",
        "pattern": SLUG,
        "description": "A kebab-case id: lower-case letters and digits joined by single '-'.",
    },
    "edtf": {
        "type": ["string", "integer"],
        "pattern": EDTF,
        "minimum": 1000,
        "maximum": 9999,
        "description": "An EDTF date: 2014-12-16, 2014-12, 1998, an interval "
        "2014-07-29/2014-08-01, an instant 2014-12-16T01:00:00+03:00; ~ approximate, "
        "? uncertain, % both.",
    },
    "iso_date": {
        "type": "string",
        "pattern": rf"^[0-9]{{4}}-{DAY}$",
        "description": "An ISO date, YYYY-MM-DD.",
    },
    "number": {
        "type": ["number", "string"],
        "pattern": r"^\s*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*$",
        "description": "A number.",
    },
    "sources": {
        "type": "array",
        "items": {
            "anyOf": [
                {
                    "type": "string",
                    "pattern": URL,
                    "description": "The URL of a source given in full in this file or an "
                    "earlier one.",
                },
                {"$ref": "#/$defs/source"},
            ]
        },
        "description": SOURCES_HELP,
    },
}


def _record(name: str) -> dict[str, Any]:
    fields, description, properties = RECORDS[name]
    if set(properties) != fields.known:
        raise ValueError(f"{name}: the schema's fields {sorted(properties)} are not the loader's")
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": sorted({*fields.ordered, *_ALSO_REQUIRED.get(name, ())}),
        "additionalProperties": False,
    }


def _status_is(statuses: Any) -> dict[str, Any]:
    return {"required": ["status"], "properties": {"status": {"enum": sorted(statuses)}}}


def events_schema() -> dict[str, Any]:
    """The JSON Schema of a data file: the top-level file (with ``dataset``) or an included
    one (perhaps with a ``story`` header)."""
    defs: dict[str, Any] = dict(_BASICS)
    defs.update((name, _record(name)) for name in RECORDS)
    defs["event"]["properties"]["sources"] = {**defs["event"]["properties"]["sources"]}
    defs["event"]["properties"]["sources"]["minItems"] = 1
    defs["link"]["allOf"] = [
        {
            "if": _status_is(vocab.ASSERTED_STATUSES),
            "then": {
                "required": ["sources"],
                "properties": {"sources": {"minItems": 1}, "disputed_by": False},
            },
        },
        {
            "if": _status_is(vocab.DISPUTED_STATUSES),
            "then": {
                "required": ["asserted_by", "disputed_by"],
                "properties": {"asserted_by": {"minItems": 1}, "disputed_by": {"minItems": 1}},
            },
        },
    ]
    sourced = sorted(set(vocab.CLAIM_VERDICTS) - {"opinion"})
    defs["claim"]["allOf"] = [
        {
            "if": {"required": ["verdict"], "properties": {"verdict": {"enum": sourced}}},
            "then": {"required": ["sources"], "properties": {"sources": {"minItems": 1}}},
        }
    ]
    sections: dict[str, Any] = {
        "dataset": ref("dataset", "The dataset (required in the top-level file, and only there)."),
        "story": ref("story", "The story this file holds (optional)."),
        "include": {
            "type": "array",
            "items": {"type": "string", "pattern": r"^[^/\s]"},
            "description": "More files of the dataset, each a path relative to this file.",
        },
    }
    for section, (kind, description) in _SECTIONS.items():
        sections[section] = {
            "type": "array",
            "items": {"$ref": f"#/$defs/{kind}"},
            "description": description,
        }
    return {
        "$schema": DRAFT,
        "title": "ekg data file",
        "description": "A data file of an ekg dataset (docs/data-model.md): the top-level "
        "file, with `dataset`, or a file it includes, often with a `story` header. `ekg "
        "validate` also checks what a schema cannot: references to ids, unique ids, time "
        "order, cycles.",
        "type": "object",
        "properties": sections,
        "additionalProperties": False,
        "$defs": defs,
    }


def schema_text() -> str:
    """:func:`events_schema` as the text of ``schema/events.json``."""
    return json.dumps(events_schema(), indent=2, ensure_ascii=False) + "\n"


_PACKAGE = Path(__file__).resolve().parents[1]


def schema_file() -> Path:
    """``events.json``: in an installed wheel inside the ``graph`` package (``graph/schema/``),
    in a source checkout in the repository's ``schema/`` folder."""
    packaged = _PACKAGE / "schema" / "events.json"
    return packaged if packaged.is_file() else _PACKAGE.parent / "schema" / "events.json"


if __name__ == "__main__":  # python -m graph.data.schema [FILE]
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(schema_text(), encoding="utf-8")
    else:
        sys.stdout.write(schema_text())
