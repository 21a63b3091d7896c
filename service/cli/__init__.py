"""The ``ekg`` command line: the click group (:mod:`service.cli.main`), its shared options
(:mod:`service.cli.options`) and the causal-analysis commands (:mod:`service.cli.analyses`)."""

from service.cli.main import main

__all__ = ["main"]
