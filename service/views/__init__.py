"""The HTTP routes, one blueprint (``bp``) a module, each view thin: parse, one :mod:`graph`
call, serialize.

==============================  ==========================================================
:mod:`~service.views.api`       ``/api``: events, the event resource, timelines, claims
:mod:`~service.views.analyses`  ``/api``: causal analyses and graph exports
:mod:`~service.views.narratives` ``/api/narratives``: accounts, and how two lenses differ
:mod:`~service.views.stories`   ``/api/stories``: the stories and what a page needs to show them
:mod:`~service.views.analogies` ``/api/analogies``: the stories aligned by stage, with figures
:mod:`~service.views.search`    ``/api/search``: the best matches of a few words (type-ahead)
:mod:`~service.views.window`    ``/api/timeline/window``: one window of a large timeline
:mod:`~service.views.sparql`    ``/sparql``: the SPARQL 1.1 Protocol endpoint and its page
:mod:`~service.views.pages`     HTML pages and event IRIs that resolve
:mod:`~service.views.meta`      ``/health``, ``/-/status``, ``/-/reload``
==============================  ==========================================================
"""

from service.views import (
    analogies,
    analyses,
    api,
    meta,
    narratives,
    pages,
    search,
    sparql,
    stories,
)

__all__ = [
    "analogies",
    "analyses",
    "api",
    "meta",
    "narratives",
    "pages",
    "search",
    "sparql",
    "stories",
]
