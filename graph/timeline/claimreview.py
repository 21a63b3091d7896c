"""The claims of a dataset as schema.org ``ClaimReview`` JSON-LD, the fact-checking convention
search engines and ClaimsKG read.

Each claim becomes one ``ClaimReview``:

- ``claimReviewed``: the claim's text as the publication states it;
- ``itemReviewed``: the publication the claim is stated in, as a ``CreativeWork`` with its
  ``name`` (title), ``datePublished``, ``author``, ``description`` and ``url``, each only when
  the data has it (the date at the precision it is recorded at, its ``~`` or ``?`` qualifier
  dropped: ``Date`` has none);
- ``reviewRating``: a ``Rating`` whose ``alternateName`` is the verdict (``verified``,
  ``article-only``, ``misstated``, ``opinion``), and for a graded verdict a ``ratingValue`` on
  the scale of :data:`RATING_VALUES`;
- ``author``: the dataset, as the ``Organization`` that made the review (its title);
- ``reviewBody``: the evidence, when recorded; ``about``: the events the claim is about;
  ``url``: the claim's IRI. The review's own ``@id`` is the claim's IRI + ``#review``: the
  claim and the review of it are different things.

The rating scale is the usual 1 (false) to 5 (true) of ``ClaimReview`` markup:

- ``verified`` (confirmed by at least one independent source) is 5, ``bestRating``;
- ``partly-supported`` (part of the claim is confirmed, part is not) is 3, the middle of the
  scale, where fact-checkers put a claim that mixes true and untrue parts;
- ``misstated`` (the publication got the fact wrong: attribution, figure or order) is 1,
  ``worstRating``: the claim is not true as stated, and the verdict does not grade how far off
  it is, so no point in between is claimed;
- ``article-only`` (no independent confirmation found) and ``opinion`` (not a checkable fact)
  get no ``ratingValue`` (nor ``bestRating``/``worstRating``), only ``alternateName``: neither
  says how true the claim is, and any number would misstate the evidence.

The ``@context`` is given inline (:data:`CONTEXT`: ``@vocab`` http://schema.org/, the IRIs
schema.org's own context uses), so the document expands offline; nothing fetches schema.org.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> review = claim_review(ds, ds.claims[0])
>>> review["@type"], review["reviewRating"]["alternateName"], review["reviewRating"]["ratingValue"]
('ClaimReview', 'verified', 5)
>>> review["itemReviewed"]["name"]
'Russia is under full scale attack'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.data import Claim, Dataset, Publication
from graph.data.dates import EventDate
from graph.rdf.scheme import CLAIM, EVENT, PUBLICATION, iri

#: The namespace of the schema.org terms (``http``, as schema.org's own JSON-LD context has it).
SCHEMA = "http://schema.org/"

#: The inline JSON-LD context: schema.org as the vocabulary, IRI-valued ``url`` and ``about``.
CONTEXT: dict[str, Any] = {
    "@vocab": SCHEMA,
    "schema": SCHEMA,
    "url": {"@id": "schema:url", "@type": "@id"},
}

BEST_RATING, WORST_RATING = 5, 1

#: Verdict -> ratingValue on the scale WORST_RATING..BEST_RATING; verdicts not here get none.
RATING_VALUES: dict[str, int] = {
    "verified": BEST_RATING,
    "partly-supported": 3,
    "misstated": WORST_RATING,
}


def _date(date: EventDate) -> dict[str, str]:
    """A publication date as a typed schema.org ``Date`` (or ``DateTime``) at its precision."""
    begin = date.begin
    if date.begin_precision == "second":
        return {"@value": begin.isoformat(), "@type": "DateTime"}
    text = {"year": "%Y", "month": "%Y-%m"}.get(date.begin_precision, "%Y-%m-%d")
    return {"@value": begin.strftime(text), "@type": "Date"}


def creative_work(dataset: Dataset, publication: Publication) -> dict[str, Any]:
    """A publication as the ``CreativeWork`` a review is of, with what the data records."""
    work: dict[str, Any] = {
        "@id": iri(dataset.info.base, PUBLICATION, publication.id),
        "@type": "CreativeWork",
        "name": publication.title,
        "datePublished": _date(publication.date),
    }
    if publication.author:
        work["author"] = {"@type": "Person", "name": publication.author}
    if publication.description:
        work["description"] = publication.description
    if publication.url:
        work["url"] = publication.url
    return work


def rating(verdict: str) -> dict[str, Any]:
    """The ``Rating`` of a verdict: always its ``alternateName``, a number only if graded."""
    value: dict[str, Any] = {"@type": "Rating", "alternateName": verdict}
    if verdict in RATING_VALUES:
        value["ratingValue"] = RATING_VALUES[verdict]
        value["bestRating"] = BEST_RATING
        value["worstRating"] = WORST_RATING
    return value


def claim_review(dataset: Dataset, claim: Claim) -> dict[str, Any]:
    """One claim as a ``ClaimReview`` (without ``@context``; see :func:`claim_reviews`)."""
    base = dataset.info.base
    claim_iri = iri(base, CLAIM, claim.id)
    publication = next(p for p in dataset.publications if p.id == claim.stated_in)
    review: dict[str, Any] = {
        "@id": f"{claim_iri}#review",
        "@type": "ClaimReview",
        "url": claim_iri,
        "claimReviewed": claim.text,
        "itemReviewed": creative_work(dataset, publication),
        "reviewRating": rating(claim.verdict),
        "author": {"@type": "Organization", "name": dataset.info.title},
    }
    if claim.evidence:
        review["reviewBody"] = claim.evidence
    if claim.about:
        review["about"] = [{"@id": iri(base, EVENT, event)} for event in claim.about]
    return review


def claim_reviews(dataset: Dataset, claims: Iterable[Claim]) -> dict[str, Any]:
    """A JSON-LD document of ``claims`` as ``ClaimReview`` nodes, with the inline context.

    >>> from pathlib import Path
    >>> from graph.data.loader import load_dataset
    >>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
    >>> document = claim_reviews(ds, ds.claims)
    >>> len(document["@graph"]) == len(ds.claims), document["@context"]["@vocab"]
    (True, 'http://schema.org/')
    """
    return {"@context": CONTEXT, "@graph": [claim_review(dataset, c) for c in claims]}
