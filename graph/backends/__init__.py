"""Store backends behind the :class:`graph.store.Store` interface."""
