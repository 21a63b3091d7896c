"""Development support shared by ``tests/`` and ``benchmarks/``, so neither imports the other.

- :mod:`support.servers` -- throw-away SPARQL servers (Oxigraph server, Virtuoso) on loopback
  ports, for the remote-store tests and the store benchmarks;
- :mod:`support.synthetic` -- seeded synthetic datasets of any size in the project's own model
  (``python -m support.synthetic N OUT.yaml``); the draw is in :mod:`support.synthetic_draw`,
  the ``events.yaml`` writer in :mod:`support.synthetic_yaml`.

Never shipped: the wheel installs ``graph`` and ``service`` only (the ontology travels inside
``graph``), and neither imports this package (``tests/test_layers.py`` checks).
"""
