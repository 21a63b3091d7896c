"""What keeps the service running: generations of the served data and their live reload
(:mod:`~service.runtime.reload`), the query worker pool (:mod:`~service.runtime.engine`), the
generation pinned to each request (:mod:`~service.runtime.state`), per-version answer caches
(:mod:`~service.runtime.caching`) and the production WSGI servers
(:mod:`~service.runtime.wsgi`)."""
