"""One publisher, many readers on a shared SPARQL store.

:func:`publish` is what ``ekg publish`` does (:mod:`~graph.publication.publisher`): validate
the data files, and unless the store's current version is already this data, load it
*beside* the current version under graphs named with its version, then switch the catalog to
it in one update (:mod:`graph.store.versions`), all under the catalog's lease
(:mod:`graph.store.lease`).

:func:`open_published` is what a reader (``ekg serve --sparql-endpoint``) does to serve a
version (:mod:`~graph.publication.reader`): rebuild the dataset from the version's source
files, kept in a local cache directory (:mod:`~graph.publication.cache`) and checked
against the version hash, and pin a store view to the version's graphs
(:class:`~graph.store.pinned.PinnedStore`). It writes nothing to the store.
"""

from graph.publication.cache import cache_folder, fetch_source, prune_cache
from graph.publication.publisher import RETENTION, PublishResult, publish
from graph.publication.reader import current_version, open_published

__all__ = [
    "RETENTION",
    "PublishResult",
    "cache_folder",
    "current_version",
    "fetch_source",
    "open_published",
    "prune_cache",
    "publish",
]
