"""The safety tests of ``test_sparql_safety.py`` that concern what a query may do, run again
with queries evaluated in the serving process, as a gunicorn worker evaluates them
(:mod:`service.runtime.crashonly` enabled, with a ``stop`` that does nothing). The tests there
of the time limit and of a crashing query have their counterparts for this design, with a real
gunicorn, in ``test_sparql_gunicorn.py`` (a real runaway query cannot be stopped here: only
the end of its process stops it)."""

from __future__ import annotations

import pytest

from service.runtime import crashonly

from .test_sparql_safety import (  # noqa: F401 -- fixtures and tests collected again here
    app,
    listener,
    server,
    test_byte_cap_truncates_with_a_clear_signal,
    test_dataset_clauses_never_fetch,
    test_dataset_clauses_never_read_local_files,
    test_deeply_nested_query_is_refused_before_parsing,
    test_escaped_characters_in_prefixed_names_do_not_hide_service,
    test_escapes_do_not_hide_nesting,
    test_oversized_body_is_413,
    test_row_cap_truncates_with_a_clear_signal,
    test_service_clause_is_refused_and_makes_no_request,
    test_sparqlwrapper_ask_and_construct,
    test_sparqlwrapper_sees_errors_as_errors,
    test_sparqlwrapper_select,
    test_too_long_query_is_refused,
)


@pytest.fixture(autouse=True)
def in_worker(request):
    """Queries of ``app`` run in this process; no query process is ever started."""
    crashonly.enable(lambda: None, grace=600.0, end=lambda code: None)
    try:
        yield
        assert not request.getfixturevalue("app").extensions["ekg_engine"].pool_started
    finally:
        crashonly.disable()
