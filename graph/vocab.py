"""Namespaces and the closed vocabularies shared by validation and the RDF build.

Reuse before inventing (SEM, OWL-Time, FARO, PROV, Dublin Core, QUDT, SKOS); ``EKG`` holds only
what none of them has, and every ``EKG`` term used here is declared in ``ontology/ekg.ttl``.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD

SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
FARO = Namespace("http://purl.org/faro/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")
EKG = Namespace("http://example.org/ekg/ontology#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
NP = Namespace("http://www.nanopub.org/nschema#")

PREFIXES: dict[str, Namespace] = {
    "ekg": EKG,
    "sem": SEM,
    "faro": FARO,
    "time": Namespace(str(TIME)),
    "prov": Namespace(str(PROV)),
    "dct": Namespace(str(DCTERMS)),
    "qudt": QUDT,
    "unit": UNIT,
    "cur": CUR,
    "skos": Namespace(str(SKOS)),
    "foaf": FOAF,
    "np": NP,
    "void": Namespace(str(VOID)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
}

#: Link kind (YAML) -> the direct predicate between cause and effect.
LINK_PREDICATES: dict[str, URIRef] = {
    "causes": FARO.causes,
    "enables": FARO.enables,
    "prevents": FARO.prevents,
    "contributes_to": EKG.contributesTo,
    "correlates_with": FARO.correlates_with,
    "similar_to": FARO.similar_to,
}

#: Kinds that state a direction of influence: time order and acyclicity apply to them.
DIRECTED_KINDS = frozenset({"causes", "enables", "prevents", "contributes_to"})

#: The kind of the structural edges of the causal graph, sub-event -> the event it is part of
#: (an event's ``part_of``): a cause of a part is a cause of the whole, and the whole happens
#: through its parts. Not a link kind: the YAML cannot state it (it is not in LINK_PREDICATES),
#: and these edges are never links (not in /api/links, link counts, or the RDF's CausalLinks).
PART_OF = "part_of"

#: Edge kinds the analyses follow unless told otherwise: the directed link kinds and part_of.
FOLLOWED_KINDS = DIRECTED_KINDS | {PART_OF}

#: Link statuses whose time order is checked (a contested link may be wrong on purpose).
CHECKED_STATUSES = frozenset({"supported", "qualified"})

#: Statuses whose links are also stated as direct triples between the events.
ASSERTED_STATUSES = frozenset({"supported", "qualified"})

#: Statuses of links the evidence disputes: such a link names who asserts it
#: (``asserted_by``) and the sources against it (``disputed_by``).
DISPUTED_STATUSES = frozenset({"contested", "unsupported"})

#: A lane's display colour, ``#rrggbb`` (the loader, the JSON Schema and the API all check it).
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"

#: Lenses that are not narratives: ``evidence`` (links of ASSERTED_STATUSES) and ``all``.
LENSES = ("evidence", "all")

#: Ids no narrative may take: the other lenses, and ``compare`` (``/api/narratives/compare``).
RESERVED_NARRATIVE_IDS = frozenset({*LENSES, "compare"})

LINK_STATUSES: dict[str, URIRef] = {
    "supported": EKG.Supported,
    "qualified": EKG.Qualified,
    "contested": EKG.Contested,
    "unsupported": EKG.Unsupported,
}

CLAIM_VERDICTS: dict[str, URIRef] = {
    "verified": EKG.Verified,
    "partly-supported": EKG.PartlySupported,
    "article-only": EKG.ArticleOnly,
    "misstated": EKG.Misstated,
    "opinion": EKG.Opinion,
}

ACTOR_KINDS: dict[str, URIRef] = {
    "organization": FOAF.Organization,
    "person": FOAF.Person,
    "country": EKG.Country,
    "group": FOAF.Group,
}

#: Unit key (YAML) -> QUDT unit, or one of ours declared in the ontology.
UNITS: dict[str, URIRef] = {
    "percent": UNIT.PERCENT,
    "percentage-point": EKG.PercentagePoint,
    "percent-per-month": EKG.PercentPerMonth,
    "basis-point": EKG.BasisPoint,
    "rub-per-usd": EKG.RubPerUsd,
    "rub-per-eur": EKG.RubPerEur,
    "rub": CUR.RUB,
    "usd": CUR.USD,
    "usd-million": EKG.MillionUsd,
    "usd-billion": EKG.BillionUsd,
    "eur-billion": EKG.BillionEur,
    "usd-per-barrel": EKG.UsdPerBarrel,
    "million-barrels-per-day": EKG.MillionBarrelsPerDay,
    "index-point": EKG.IndexPoint,
    "person": EKG.Person,
    "count": UNIT.NUM,
    "day": UNIT.DAY,
}

#: Precision of a date bound -> OWL-Time temporal unit.
PRECISIONS: dict[str, URIRef] = {
    "year": TIME.unitYear,
    "month": TIME.unitMonth,
    "day": TIME.unitDay,
    "second": TIME.unitSecond,
}

#: Allen relation name -> OWL-Time interval relation (the value of ekg:allenRelation).
ALLEN_PROPERTIES: dict[str, URIRef] = {
    "before": TIME.intervalBefore,
    "meets": TIME.intervalMeets,
    "overlaps": TIME.intervalOverlaps,
    "starts": TIME.intervalStarts,
    "during": TIME.intervalDuring,
    "finishes": TIME.intervalFinishes,
    "equals": TIME.intervalEquals,
    "after": TIME.intervalAfter,
    "met_by": TIME.intervalMetBy,
    "overlapped_by": TIME.intervalOverlappedBy,
    "started_by": TIME.intervalStartedBy,
    "contains": TIME.intervalContains,
    "finished_by": TIME.intervalFinishedBy,
}

#: Decided Allen relation -> (FARO predicate, whether subject and object swap).
FARO_TEMPORAL: dict[str, tuple[URIRef, bool]] = {
    "before": (FARO.before, False),
    "after": (FARO.before, True),
    "meets": (FARO.meets, False),
    "met_by": (FARO.meets, True),
    "overlaps": (FARO.overlaps, False),
    "overlapped_by": (FARO.overlaps, True),
    "contains": (FARO.contains, False),
    "during": (FARO.contains, True),
}


_PACKAGE = Path(__file__).resolve().parent


def ontology_file(name: str) -> Path:
    """The file ``name`` of the project's ontology: ``ekg.ttl`` (the vocabulary) or
    ``shapes.ttl`` (the SHACL shapes every built graph satisfies).

    The one way to reach them: a source checkout keeps them in the repository's ``ontology/``
    folder, an installed wheel inside this package, as ``graph/ontology/`` (see setup.py), so
    that installing ekg adds no top-level ``ontology``.

    >>> ontology_file("shapes.ttl").is_file()
    True
    """
    packaged = _PACKAGE / "ontology"
    folder = packaged if (packaged / "ekg.ttl").is_file() else _PACKAGE.parent / "ontology"
    return folder / name
