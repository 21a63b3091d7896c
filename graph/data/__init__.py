"""Reading and validating the curated YAML into frozen dataclasses.

``events.yaml`` and the story files it includes are parsed with line numbers
(:mod:`~graph.data.yamlfile`, :mod:`~graph.data.sources`), read field by field and record by
record (:mod:`~graph.data.fields`, :mod:`~graph.data.readers`) and checked as a whole
(:mod:`~graph.data.loader`: references, time order, cycles), reporting every problem at once
as ``file:line: message``. The result is a :class:`Dataset` of :mod:`~graph.data.model`
records whose dates are EDTF (:mod:`~graph.data.dates`, :mod:`~graph.data.allen`).
:mod:`~graph.data.schema` generates the files' JSON Schema (``schema/events.json``) from the
same field lists.

This package imports nothing else of :mod:`graph` but :mod:`graph.errors` and
:mod:`graph.vocab`.
"""

from graph.data.allen import AllenRelations
from graph.data.cycle import Cycle, find_cycles
from graph.data.dates import (
    EventDate,
    Precision,
    parse_date,
    possible_allen_relations,
    starts_certainly_after,
)
from graph.data.fields import check_base
from graph.data.loader import LoadedData, load_dataset, read_dataset
from graph.data.model import (
    Actor,
    Claim,
    Concept,
    Dataset,
    DatasetInfo,
    Event,
    Link,
    Narrative,
    Place,
    Preset,
    Publication,
    Quantity,
    Source,
    Step,
    Story,
)
from graph.data.sources import data_version
from graph.data.stories import find_story
from graph.data.yamlfile import collector_paused

__all__ = [
    "Actor",
    "AllenRelations",
    "Claim",
    "Concept",
    "Cycle",
    "Dataset",
    "DatasetInfo",
    "Event",
    "EventDate",
    "Link",
    "LoadedData",
    "Narrative",
    "Place",
    "Precision",
    "Preset",
    "Publication",
    "Quantity",
    "Source",
    "Step",
    "Story",
    "check_base",
    "collector_paused",
    "data_version",
    "find_cycles",
    "find_story",
    "load_dataset",
    "parse_date",
    "possible_allen_relations",
    "read_dataset",
    "starts_certainly_after",
]
