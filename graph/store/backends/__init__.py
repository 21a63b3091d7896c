"""Store backends behind the :class:`graph.store.base.Store` interface: ``oxigraph``
(embedded, the default), ``rdflib`` (in memory, the reference) and ``remote`` (backend name
``sparql``: any SPARQL 1.1 server)."""
