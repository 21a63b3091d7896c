"""The lease on a shared store's catalog: one publisher writes at a time.

A publisher takes the lease (owner id and expiry, in the catalog's own node) by a
conditional update -- only if nobody holds it or it has expired -- then asks whether it
holds it (:func:`holds_query`: one small query about its own lease, not a read of the
catalog) to learn whether it got it. Every write of the publish is conditional on holding it
(:mod:`graph.store.versions`); the publisher renews it while it uploads and gives it up at
the end. A publisher killed midway leaves its lease to expire: the next publish after that
takes it and drops what the dead one left pending. Expiry and now are the store's clock
(:func:`store_clock`), never the publishers' machines.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

from rdflib import Literal

from graph.errors import StoreError
from graph.store.backends.remote import RemoteStore
from graph.store.base import Store
from graph.store.versions import (
    LEASE_OWNER,
    LEASE_UNTIL,
    NO_GRAPH,
    ROOT,
    VERSIONS_GRAPH,
    none_of,
    stamp,
)

#: Seconds a lease lasts unless renewed: how long a killed publisher blocks the next one.
LEASE = 120.0


def store_clock(store: Store) -> dt.datetime:
    """The store's time now (``NOW()``; a time without offset is taken as UTC -- Virtuoso
    gives its local time without one, which is consistent as long as only it is compared)."""
    rows = store.query(
        "SELECT (NOW() AS ?now) WHERE {}", default_graphs=[NO_GRAPH], named_graphs=[NO_GRAPH]
    ).rows
    value = _utc(rows[0][0] if rows else None)
    if value is None:
        raise StoreError(f"the SPARQL store gives no time for NOW() ({rows!r})")
    return value


def _utc(term: object) -> dt.datetime | None:
    """``term`` as a time (one without offset taken as UTC), or ``None`` if it is none."""
    value = term.toPython() if isinstance(term, Literal) else None
    if isinstance(value, str):  # a time stored without its datatype
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Lease:
    """The catalog's lease held by a new random owner id for ``seconds`` at a time."""

    def __init__(self, store: RemoteStore, seconds: float = LEASE) -> None:
        self.store = store
        self.seconds = seconds
        self.owner = uuid.uuid4().hex
        self._renewed = 0.0

    def take(self) -> None:
        """Take the lease; :class:`StoreError` if another publisher holds it."""
        self._set(take=True)

    def renew(self, *, early: bool = False) -> None:
        """Extend the lease (with ``early``, only if a quarter of it has passed);
        :class:`StoreError` if it was lost (it expired and another publisher took it)."""
        if not early or time.monotonic() - self._renewed > self.seconds / 4:
            self._set(take=False)

    def release(self) -> None:
        """Give the lease up (nothing if another publisher holds it now)."""
        self.store.update(release_update(self.owner))

    def _set(self, *, take: bool) -> None:
        now = store_clock(self.store)
        until = now + dt.timedelta(seconds=self.seconds)
        self.store.update(lease_update(self.owner, until, now, take=take))
        if not self._holds():
            if not take:
                raise StoreError(
                    "this publish lost the catalog's lease (it expired and another publish "
                    "took it); nothing of it was switched to -- publish again"
                )
            held = lease_end(self.store)
            until_text = "" if held is None else f" until {held.isoformat(timespec='seconds')}"
            raise StoreError(
                f"another ekg publish holds the catalog's lease{until_text} (store time); "
                "publish again when it has finished, or after that time if it was killed"
            )
        self._renewed = time.monotonic()

    def _holds(self) -> bool:
        """Whether this publisher holds the lease now (one ASK, its dataset always sent:
        without one Virtuoso answers an ASK over a GRAPH true)."""
        return bool(
            self.store.query(
                holds_query(self.owner), default_graphs=[NO_GRAPH], named_graphs=[VERSIONS_GRAPH]
            ).boolean
        )


def _lease(owner: str, until: str) -> str:
    return f"<{ROOT}> <{LEASE_OWNER}> {owner} . <{ROOT}> <{LEASE_UNTIL}> {until}"


def lease_update(owner: str, until: dt.datetime, now: dt.datetime, *, take: bool) -> str:
    """Set the catalog's lease to ``owner`` until ``until``: if ``owner`` holds it, or (with
    ``take``) nobody does once a lease expired before ``now`` is cleared (all on the store's
    clock). Virtuoso inserts despite FILTER NOT EXISTS, and at times despite a FILTER over an
    OPTIONAL's variables: "nobody holds it" is a count (:func:`none_of`)."""
    who, graph = Literal(owner).n3(), f"GRAPH <{VERSIONS_GRAPH}>"
    renew = (
        f"DELETE {{ {graph} {{ <{ROOT}> <{LEASE_UNTIL}> ?u }} }} "
        f"INSERT {{ {graph} {{ <{ROOT}> <{LEASE_UNTIL}> {stamp(until)} }} }} "
        f"WHERE {{ {graph} {{ {_lease(who, '?u')} }} }}"
    )
    if not take:
        return renew
    clear = (
        f"DELETE {{ {graph} {{ {_lease('?o', '?u')} }} }} "
        f"WHERE {{ {graph} {{ {_lease('?o', '?u')} }} FILTER(?u < {stamp(now)}) }}"
    )
    claim = (
        f"INSERT {{ {graph} {{ {_lease(who, stamp(until))} }} }} "
        f"WHERE {{ {none_of(f'<{ROOT}> <{LEASE_OWNER}> ?any')} }}"
    )
    return " ;\n".join([clear, claim])


def holds_query(owner: str) -> str:
    """An ASK that holds while ``owner`` holds the catalog's lease (expired or not: an
    expired lease is only cleared by the next publisher taking it)."""
    return (
        f"ASK {{ GRAPH <{VERSIONS_GRAPH}> {{ <{ROOT}> <{LEASE_OWNER}> {Literal(owner).n3()} }} }}"
    )


def lease_end(store: Store) -> dt.datetime | None:
    """When the lease on ``store``'s catalog ends (store time), or ``None`` if nobody holds
    it (or its record is not whole)."""
    rows = store.query(
        f"SELECT ?until WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ {_lease('?owner', '?until')} }} }}",
        default_graphs=[NO_GRAPH],
        named_graphs=[VERSIONS_GRAPH],
    ).rows
    return _utc(rows[0][0]) if rows else None


def release_update(owner: str) -> str:
    """Give up the catalog's lease if ``owner`` holds it."""
    held = _lease(Literal(owner).n3(), "?u")
    return (
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ {held} }} }} "
        f"WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ {held} }} }}"
    )
