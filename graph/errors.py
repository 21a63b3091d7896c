"""Domain errors raised by :mod:`graph`.

Every error the library raises on purpose derives from :class:`EkgError`; the service maps
each class to one HTTP status in a single table, and the CLI prints ``Error: <detail>``.

::

    EkgError
    ├── DataError                  events.yaml cannot be turned into a dataset
    │   └── ValidationError        one or more problems, each with file:line
    ├── DateError                  a string is not a usable EDTF date
    ├── UnknownEventError          an event id the graph does not have (also a LookupError)
    ├── UnknownLensError           a lens that is neither evidence, all nor a narrative's id
    ├── UnknownStoryError          a story id the dataset does not have
    ├── PageTokenError             a paging token this service did not make (also a ValueError)
    ├── GraphvizError              Graphviz ``dot`` is missing, failed or ran too long
    ├── DerivedDataError           a saved derived structure is missing or of another format
    ├── StoreError                 the triple store cannot be opened, loaded or read
    │   ├── StoreUnavailableError  a remote SPARQL store cannot be reached
    │   ├── EngineBusyError        every query worker stayed busy too long
    │   └── EngineCrashError       a query worker died on a query (and was replaced)
    └── QueryError                 a SPARQL query is rejected
        ├── QuerySyntaxError       ... because it does not parse (line/column when known)
        ├── QueryRefusedError      ... because it asks for what the endpoint never does
        │                          (graph.store.guard: SERVICE, LOAD, too long, too deep)
        └── QueryTimeoutError      ... because it ran past its time limit (and was stopped)

:class:`Problem` is not an error: it is one located validation problem, which
:class:`ValidationError` collects.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sized
from dataclasses import dataclass

#: Ids looked through for a "did you mean" (difflib takes about 0.3 s per 100 000 of them);
#: beyond this, an unknown id gets no suggestion.
SUGGESTION_LIMIT = 100_000


class EkgError(Exception):
    """Base class of every error the library raises on purpose."""

    @property
    def detail(self) -> str:
        """What the user should know or change, in one message."""
        return str(self)


class DataError(EkgError):
    """The events file cannot be read as a dataset (missing file, not YAML, ...)."""


class DerivedDataError(EkgError):
    """A saved derived structure (:mod:`graph.data.arrays`) is missing, unreadable or of
    another kind or format: build it again from the dataset."""


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem, located in a source file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ValidationError(DataError):
    """The events file has problems; ``problems`` lists every one, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in the events data; nothing was built")

    def __str__(self) -> str:
        lines = [super().__str__(), *(str(p) for p in self.problems)]
        return "\n".join(lines)

    @property
    def detail(self) -> str:
        return str(self.args[0])


class DateError(EkgError):
    """A date string is not valid EDTF, or uses a feature the model does not support."""


class UnknownEventError(EkgError, LookupError):
    """An event id that is not a node of the graph (the service answers 404)."""

    @classmethod
    def among(cls, event: str, known: Iterable[str], count: int | None = None) -> UnknownEventError:
        """The error for ``event``, suggesting the closest of the ``known`` ids (see
        :func:`did_you_mean`).

        >>> print(UnknownEventError.among("cbr-hike-17", ["cbr-hike-to-17", "oil-below-60"]))
        unknown event 'cbr-hike-17'; did you mean cbr-hike-to-17?
        >>> print(UnknownEventError.among("zzz", ["cbr-hike-to-17"]))
        unknown event 'zzz'
        """
        return cls(f"unknown event {event!r}{did_you_mean(event, known, count)}")


def did_you_mean(name: str, known: Iterable[str], count: int | None = None) -> str:
    """``; did you mean x?`` for the ``known`` name closest to ``name`` (by
    :func:`difflib.get_close_matches`), or nothing when none is close or there are too many to
    look through: more than :data:`SUGGESTION_LIMIT` (``count``, or ``len(known)``).

    >>> did_you_mean("oil-fall", ["oil-falls", "oil-fell", "opec"])
    '; did you mean oil-falls?'
    >>> did_you_mean("x", ["oil-falls"])
    ''
    """
    if count is None:
        count = len(known) if isinstance(known, Sized) else 0
    if count > SUGGESTION_LIMIT or not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]}?" if close else ""


class UnknownLensError(EkgError, LookupError):
    """A lens that is not ``evidence``, ``all`` or a narrative of the dataset (404)."""


class UnknownStoryError(EkgError, LookupError):
    """A story id that is not one of the dataset's stories (the service answers 404)."""


class PageTokenError(EkgError, ValueError):
    """A paging token (``next``) that was not made for the requested sort order."""


class GraphvizError(EkgError):
    """The Graphviz ``dot`` program is missing, failed, or ran past its time limit."""


class StoreError(EkgError):
    """The triple store cannot be opened, loaded or read."""


class QueryError(EkgError):
    """A SPARQL query is rejected before or during evaluation."""


class QuerySyntaxError(QueryError):
    """A SPARQL query does not parse; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class QueryRefusedError(QueryError):
    """The query uses something this endpoint never evaluates; ``line``/``column`` locate it."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(message + where)
        self.line = line
        self.column = column


class QueryTimeoutError(QueryError):
    """A query ran longer than its time limit; its worker was stopped (or, on a remote
    store, the request was abandoned)."""

    @classmethod
    def after(cls, limit: float) -> QueryTimeoutError:
        """The error for a query stopped at its time limit of ``limit`` seconds (in a query
        worker process or in the serving one alike).

        >>> print(QueryTimeoutError.after(2.5))
        the query ran longer than 2.5 s and was stopped
        """
        return cls(f"the query ran longer than {limit:g} s and was stopped")


class StoreUnavailableError(StoreError):
    """A remote SPARQL store cannot be reached (after retries)."""


class EngineBusyError(StoreError):
    """Every query worker stayed busy for longer than a request may wait."""

    @classmethod
    def waited(cls, slots: int, wait: float) -> EngineBusyError:
        """The error for a request that waited ``wait`` seconds while all ``slots`` query
        slots (worker processes, threads or requests to a remote store) stayed busy.

        >>> print(EngineBusyError.waited(2, 5))
        all 2 query slots stayed busy for 5 s
        """
        return cls(f"all {slots} query slots stayed busy for {wait:.0f} s")


class EngineCrashError(StoreError):
    """A query worker died while evaluating a query; it has been replaced."""

    @classmethod
    def on_query(cls) -> EngineCrashError:
        """The error for the query the engine failed on (its worker process died, or the
        serving process gave up after a panic); a fresh one is on its way.

        >>> print(EngineCrashError.on_query())
        the query engine failed on this query; it is being restarted
        """
        return cls("the query engine failed on this query; it is being restarted")
