"""The records of the data files' JSON Schema (:mod:`graph.data.schema`): each record kind's
fields as the loader knows them (:mod:`graph.data.readers`, :mod:`graph.data.stories`), with a
type and a description (the help an editor shows on hover) for each.
"""

from __future__ import annotations

from typing import Any

from graph import vocab
from graph.data import readers, stories
from graph.data.fields import SOURCE_FIELDS, Fields

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
URL = r"^https?://[^\s<>\"{}|\\^`]+$"
DAY = r"(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_YEAR = r"(?!0000)[0-9]{4}"
_SIDE = rf"{_YEAR}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?[~?%]?"
_TIME = r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?"
_INSTANT = rf"{_YEAR}-{DAY}{_TIME}"
#: EDTF as the loader reads it: a year, month or day with an optional qualifier (~ ? %), an
#: interval of two of those, or a date-time to the second with an optional offset.
EDTF = rf"^(?:{_INSTANT}|{_SIDE}(?:/{_SIDE})?)$"

TEXT = {"type": "string", "pattern": r"\S"}


def ref(name: str, description: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}", "description": description}


def _text(description: str) -> dict[str, Any]:
    return {**TEXT, "description": description}


def _id_of(what: str) -> dict[str, Any]:
    return ref("slug", f"The id of {what}: a kebab-case slug, unique in its section.")


def _refs(what: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": "#/$defs/slug"}, "description": what}


def _number(description: str) -> dict[str, Any]:
    return ref("number", description)


def _choice(names: Any, description: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(names), "description": description}


SOURCES_HELP = (
    "Sources: each a mapping {url, title, publisher, via?, date?, note?}, or the bare URL of "
    "one given in full in this file or an earlier one."
)

#: Every record kind: (the loader's fields, a description, the type and help of each field).
RECORDS: dict[str, tuple[Fields, str, dict[str, dict[str, Any]]]] = {
    "dataset": (
        readers._INFO,
        "The dataset: its id, title and the IRI base of every resource. Top-level file only.",
        {
            "id": _id_of("the dataset"),
            "title": _text("The dataset's title."),
            "base": {
                "type": "string",
                "pattern": r"^https?://[^\s<>\"{}|\\^`]+[/#]$",
                "description": "IRI prefix of every resource (base + event/<id>, ...): an "
                "http(s) IRI ending in '/' or '#'.",
            },
            "description": _text("What the dataset holds."),
            "license": _text("The data's license (a URL)."),
        },
    ),
    "concept": (
        readers._CONCEPT,
        "An entry of a controlled list: an event type or a quantity kind.",
        {
            "id": _id_of("the entry"),
            "label": _text("Its name, as shown."),
            "description": _text("What it covers."),
        },
    ),
    "lane": (
        readers._LANE,
        "A timeline lane; every event is in exactly one.",
        {
            "id": _id_of("the lane"),
            "label": _text("Its name, as shown."),
            "description": _text("What it covers."),
            "colour": {
                "type": "string",
                "pattern": readers.COLOUR.pattern,
                "description": "Its colour on the timeline, #rrggbb.",
            },
        },
    ),
    "actor": (
        readers._ACTOR,
        "A person, organization, country or group taking part in events.",
        {
            "id": _id_of("the actor"),
            "label": _text("Its name, as shown."),
            "kind": _choice(vocab.ACTOR_KINDS, "What kind of actor."),
            "description": _text("Who or what it is."),
        },
    ),
    "place": (
        readers._PLACE,
        "A place where events happen.",
        {
            "id": _id_of("the place"),
            "label": _text("Its name, as shown."),
            "country": ref("slug", "The place id of its country."),
        },
    ),
    "publication": (
        readers._PUBLICATION,
        "A publication (e.g. the seed article): what claims are stated in.",
        {
            "id": _id_of("the publication"),
            "title": _text("Its title."),
            "date": ref("edtf", "When it was published (EDTF)."),
            "author": _text("Who wrote it."),
            "description": _text("What it is."),
            "url": _text("Where it is (a URL)."),
        },
    ),
    "quantity": (
        readers._QUANTITY,
        "A figure of an event.",
        {
            "kind": ref("slug", "A quantity kind id (quantity_kinds)."),
            "value": _number("The value."),
            "unit": _choice(vocab.UNITS, "The unit of value, previous, low and high."),
            "previous": _number("The value before the change the event made."),
            "low": _number("Low end of a range (not above high)."),
            "high": _number("High end of a range."),
            "according_to": _text("Whose figure, when sources disagree."),
            "observed": ref("edtf", "When the figure was observed (EDTF)."),
            "note": _text("What the figure measures, when the value alone would mislead."),
        },
    ),
    "event": (
        readers._EVENT,
        "An event: what happened, when (EDTF), in which lane, with its sources.",
        {
            "id": _id_of("the event"),
            "label": _text("One line: what happened."),
            "type": ref("slug", "An event type id (event_types)."),
            "date": ref(
                "edtf",
                "When (EDTF: 2014-12-16, 2014-12, 1998, intervals a/b, "
                "2014-12-16T01:00:00+03:00, qualifiers ~ ? %).",
            ),
            "lane": ref("slug", "The lane id (lanes) of its timeline row."),
            "sources": ref("sources", SOURCES_HELP + " At least one."),
            "description": _text("More about it (Markdown)."),
            "tags": _refs("Free kebab-case tags."),
            "place": ref("slug", "A place id (places)."),
            "actors": _refs("Actor ids (actors) taking part."),
            "part_of": ref("slug", "The id of the event this one is part of (not itself)."),
            "stage": ref("slug", "The stage id (stages) this event is its story's instance of."),
            "quantities": {
                "type": "array",
                "items": {"$ref": "#/$defs/quantity"},
                "description": "Its figures.",
            },
        },
    ),
    "link": (
        readers._LINK,
        "A causal or other link from one event (cause) to another (effect).",
        {
            "id": _id_of("the link"),
            "cause": ref("slug", "The cause's event id."),
            "effect": ref("slug", "The effect's event id (not the cause)."),
            "kind": _choice(vocab.LINK_PREDICATES, "How the cause bears on the effect."),
            "confidence": {
                **_number("The curator's confidence, 0..1."),
                "minimum": 0,
                "maximum": 1,
            },
            "status": _choice(
                vocab.LINK_STATUSES,
                "The evidence's assessment: supported, qualified (with a caveat), contested "
                "(sources disagree) or unsupported. Contested and unsupported links need "
                "asserted_by and disputed_by.",
            ),
            "sources": ref("sources", SOURCES_HELP + " Optional for contested/unsupported."),
            "asserted_by": _refs("Actor or publication ids of who asserts the link."),
            "ref": _text("A fact-sheet reference (e.g. C05)."),
            "note": _text("A note on the link."),
            "disputed_by": ref("sources", "The sources against a contested or unsupported link."),
            "aspect": ref("slug", "similar_to only: the stage id (stages) the analogy is about."),
        },
    ),
    "claim": (
        readers._CLAIM,
        "A statement of a publication, with a verdict.",
        {
            "id": _id_of("the claim"),
            "text": _text("The exact wording."),
            "verdict": _choice(vocab.CLAIM_VERDICTS, "What the evidence says of it."),
            "stated_in": ref("slug", "The publication id it is stated in."),
            "about": _refs("Event ids it is about."),
            "asserts_links": _refs("Link ids it asserts."),
            "evidence": _text("Why the verdict."),
            "sources": ref("sources", SOURCES_HELP + " Required unless the verdict is opinion."),
            "ref": _text("A reference (e.g. A1)."),
        },
    ),
    "narrative": (
        readers._NARRATIVE,
        "An account: the links its asserters assert, whatever their status (also a lens).",
        {
            "id": {
                **_id_of("the narrative"),
                "not": {"enum": sorted(vocab.RESERVED_NARRATIVE_IDS)},
            },
            "label": _text("Its name, as shown."),
            "asserted_by": {**_refs("Actor or publication ids (at least one)."), "minItems": 1},
            "description": _text("What the account says."),
            "sources": ref("sources", SOURCES_HELP),
        },
    ),
    "source": (
        SOURCE_FIELDS,
        "A source in full; later entries may cite it by its bare URL.",
        {
            "url": {"type": "string", "pattern": URL, "description": "An http(s) URL."},
            "title": _text("Its title (the same wherever the URL is given)."),
            "publisher": _text("Its publisher (the same wherever the URL is given)."),
            "via": _text("The outlet it was read through (e.g. NewsSniffer)."),
            "date": _text("When it was published."),
            "note": _text("A note on the source."),
        },
    ),
    "story": (
        stories.STORY,
        "The story this file holds: what a page needs to show it.",
        {
            "id": _id_of("the story"),
            "title": _text("The story's title."),
            "time_zone": {
                "type": "string",
                "pattern": r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$",
                "description": "IANA time zone of its local times (e.g. Europe/Moscow).",
            },
            "intro": _text("A short introduction (Markdown)."),
            "window": ref("window", "The timeline's default window."),
            "zoom": {
                "type": "array",
                "items": {"$ref": "#/$defs/window"},
                "description": "Zoom presets.",
            },
            "lanes": _refs("Lane ids, in display order."),
            "steps": {
                "type": "array",
                "items": {"$ref": "#/$defs/step"},
                "description": "Guided steps.",
            },
            "example_chain": ref("example_chain", "A causal chain to show as an example."),
        },
    ),
    "window": (
        stories._PRESET,
        "A window of the timeline (ISO dates).",
        {
            "label": _text("Its name, as shown."),
            "from": ref("iso_date", "First day (YYYY-MM-DD)."),
            "to": ref("iso_date", "Last day (YYYY-MM-DD), not before from."),
        },
    ),
    "step": (
        stories._STEP,
        "A guided step of a story.",
        {
            "title": _text("Its title."),
            "text": _text("Its text (Markdown)."),
            "events": _refs("Event ids it points at."),
        },
    ),
    "example_chain": (
        stories._CHAIN,
        "A chain from a source event to a target event.",
        {
            "source": ref("slug", "The event id the chain starts from."),
            "target": ref("slug", "The event id the chain ends at."),
        },
    ),
}
