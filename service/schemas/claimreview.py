"""The body of ``/api/claims`` as ``application/ld+json``: schema.org ``ClaimReview`` nodes
(graph.timeline.claimreview), described like the JSON bodies (closed, typed; no serializing)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from service.schemas.args import VERDICTS
from service.schemas.bodies import BodySchema, string


def _key(name: str, field: type[ma.fields.Field] = ma.fields.String, **kwargs: Any) -> Any:
    """A required JSON-LD keyword member (``@id``, ``@type``, ...)."""
    return field(required=True, data_key=name, **kwargs)


def _type(name: str) -> ma.fields.String:
    return ma.fields.String(required=True, data_key="@type", validate=ma.validate.OneOf([name]))


class IriTermSchema(BodySchema):
    id = _key("@id")
    type = _key("@type", validate=ma.validate.OneOf(["@id"]))


class ClaimReviewContextSchema(BodySchema):
    """The inline context: schema.org as ``@vocab``, ``url`` an IRI."""

    vocab = _key("@vocab")
    schema = string()
    url = ma.fields.Nested(IriTermSchema, required=True)


class TypedDateSchema(BodySchema):
    value = _key("@value", metadata={"description": "ISO 8601, at the recorded precision"})
    type = _key("@type", validate=ma.validate.OneOf(["Date", "DateTime"]))


class NamedSchema(BodySchema):
    """A ``Person`` or ``Organization`` by name."""

    type = _key("@type", validate=ma.validate.OneOf(["Person", "Organization"]))
    name = string()


class CreativeWorkSchema(BodySchema):
    """The publication the claim is stated in; optional members only when the data has them."""

    id = _key("@id")
    type = _type("CreativeWork")
    name = string()
    datePublished = ma.fields.Nested(TypedDateSchema, required=True)
    author = ma.fields.Nested(NamedSchema)
    description = ma.fields.String()
    url = ma.fields.String()


class RatingSchema(BodySchema):
    """The verdict as ``alternateName``; the numbers only for a graded verdict."""

    type = _type("Rating")
    alternateName = string(validate=ma.validate.OneOf(VERDICTS))
    ratingValue = ma.fields.Integer(validate=ma.validate.Range(1, 5))
    bestRating = ma.fields.Integer(validate=ma.validate.OneOf([5]))
    worstRating = ma.fields.Integer(validate=ma.validate.OneOf([1]))


class NodeRefSchema(BodySchema):
    id = _key("@id")


class ClaimReviewSchema(BodySchema):
    id = _key("@id", metadata={"description": "the claim's IRI + #review"})
    type = _type("ClaimReview")
    url = string(metadata={"description": "the claim's IRI"})
    claimReviewed = string()
    itemReviewed = ma.fields.Nested(CreativeWorkSchema, required=True)
    reviewRating = ma.fields.Nested(RatingSchema, required=True)
    author = ma.fields.Nested(NamedSchema, required=True)
    reviewBody = ma.fields.String(metadata={"description": "the evidence"})
    about = ma.fields.List(ma.fields.Nested(NodeRefSchema), metadata={"description": "events"})


class ClaimReviewDocumentSchema(BodySchema):
    context = ma.fields.Nested(ClaimReviewContextSchema, required=True, data_key="@context")
    graph = ma.fields.List(ma.fields.Nested(ClaimReviewSchema), required=True, data_key="@graph")
