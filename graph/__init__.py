"""Pure library of the event knowledge graph: load, validate, build RDF, store, analyse.

Nothing here imports flask, click or the ``service`` package (a test enforces it).
"""
