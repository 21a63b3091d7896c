"""The OpenAPI 3 document, generated from the code by flask-smorest (apispec + marshmallow).

flask-smorest's own error handler and error schema are replaced: every error of this service
is an RFC 9457 problem (:mod:`service.errors`), and the spec says so.
"""

from __future__ import annotations

import http
import threading
from collections.abc import Callable
from typing import Any, cast

import marshmallow as ma
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from webargs.fields import DelimitedList
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

from service.errors import PROBLEM_JSON
from service.tables import COLUMNS, LIST_SEPARATOR


class ParameterErrorSchema(ma.Schema):
    """One invalid parameter."""

    parameter = ma.fields.String(metadata={"description": "the parameter's name"})
    location = ma.fields.String(metadata={"description": "query, path, json, ..."})
    messages = ma.fields.List(ma.fields.String(), metadata={"description": "what is wrong"})


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String(required=True, metadata={"description": "problem type URI"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True, metadata={"description": "what to change"})
    instance = ma.fields.String(required=True)
    errors = ma.fields.List(ma.fields.Nested(ParameterErrorSchema), required=False)
    line = ma.fields.Integer(required=False)
    column = ma.fields.Integer(required=False)


class ProblemApi(Api):
    """flask-smorest's Api with problem+json errors (handled by :mod:`service.errors`).

    A blueprint's views are documented in the spec when the spec is first read (``/openapi.json``,
    ``flask openapi``), not when the blueprint is registered: building the document takes a
    few tenths of a second that no other request needs, so a start does not wait for it.
    """

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Any = None, **options: Any) -> None:
        self._undocumented: list[tuple[Blueprint, str, Any]] = []
        self._documenting = threading.RLock()
        super().__init__(app, **options)

    @property
    def spec(self) -> Any:
        """The APISpec, with every registered blueprint's views documented in it."""
        spec: Any = self.__dict__.get("_spec")
        if self.__dict__.get("_undocumented"):
            with self._documenting:  # (in registration order, each once)
                while self._undocumented:
                    blp, name, parameters = self._undocumented.pop(0)
                    blp.register_views_in_doc(
                        self, self._app, spec, name=name, parameters=parameters
                    )
                    spec.tag({"name": name, "description": blp.description})
        return spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self.__dict__["_spec"] = value

    def register_blueprint(self, blp: Blueprint, *, parameters: Any = None, **options: Any) -> None:
        """Register ``blp`` in the application now, in the spec on its first reading."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def _register_error_handlers(self) -> None:
        """Errors are rendered by service.errors, for the API and every other route."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


OPENAPI_CONFIG = {
    "API_TITLE": "Event timeline knowledge graph",
    "API_VERSION": "0.1.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Curated events with sourced causal links: timelines, causal chains "
            "and analyses. Every error is RFC 9457 application/problem+json.",
            "license": {"name": "MIT"},
        },
    },
}


class StrictParser(FlaskParser):
    """webargs' Flask parser, leaving unknown parameters to the schema (which refuses them):
    a mistyped parameter name is reported, not silently ignored. A single-valued parameter
    given twice is refused too, as /sparql does, instead of silently taking the first."""

    # webargs declares this as an instance attribute, so it cannot be a ClassVar here.
    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = {}  # noqa: RUF012

    def load_querystring(self, req: Any, schema: ma.Schema) -> Any:
        fields = {field.data_key or name: field for name, field in schema.fields.items()}
        args: MultiDict[str, str] = MultiDict()
        repeated: dict[str, list[str]] = {}
        for name, values in req.args.lists():
            field = fields.get(name)
            if isinstance(field, DelimitedList):  # lane=a&lane=b means lane=a,b
                args.add(name, ",".join(values))
            elif len(values) > 1 and not isinstance(field, ma.fields.List):
                repeated[name] = ["give this parameter once (or a comma-separated list)"]
            else:
                for value in values:
                    args.add(name, value)
        if repeated:
            raise ma.ValidationError(repeated)
        return MultiDictProxy(args, schema)


class ApiBlueprint(Blueprint):
    """flask-smorest blueprint whose arguments are parsed by :class:`StrictParser`."""

    ARGUMENTS_PARSER = StrictParser()


def csv_doc(table: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document the CSV form of a list (:mod:`service.tables`): ``text/csv`` beside the JSON
    of its 200 answer, with the table's columns."""
    columns = COLUMNS[table]
    schema = {
        "type": "string",
        "description": f"RFC 4180 CSV (`format=csv` or `Accept: text/csv`): one header row, "
        f"then a row per item of the JSON list. Columns: {', '.join(columns)}. List-valued "
        f"cells are joined with `{LIST_SEPARATOR}`; booleans are true/false, a missing value "
        "is empty; a next page is in the Link header, and `X-Truncated: true` says that "
        "`limit` cut an analysis.",
        "example": ",".join(columns) + "\r\n",
    }
    return cast(
        Callable[[Callable[..., Any]], Callable[..., Any]],
        Blueprint.doc(responses={200: {"content": {"text/csv": {"schema": schema}}}}),
    )
