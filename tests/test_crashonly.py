"""How a worker that gave up ends (:mod:`service.runtime.crashonly`, the one place that ends
it): the server stops taking requests at once; the process ends once every request in flight
but the abandoned ones (answered late, their thread stuck in the engine) is answered --
``linger`` seconds on at the earliest, ``grace`` seconds at the latest -- through one exit,
with the logs flushed once. The real gunicorn worker's exit is tested in
``test_sparql_gunicorn.py``."""

from __future__ import annotations

import logging
import os
import time

import pytest

from service.runtime import crashonly


class Ends(list[float]):
    """An ``end`` that records when it was called (and ends nothing)."""

    def __call__(self, code: int) -> None:
        assert code == 0
        self.append(time.monotonic())

    def wait(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not self and time.monotonic() < deadline:
            time.sleep(0.01)
        return bool(self)


@pytest.fixture
def ends():
    ends = Ends()
    yield ends
    crashonly.disable()


def request():
    """One request in flight through :func:`crashonly.counted`; close it to answer it."""

    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"ok"]

    return crashonly.counted(app)({}, lambda *args: None)


def test_it_ends_once_every_request_but_the_abandoned_is_answered(ends):
    stops: list[float] = []
    crashonly.enable(lambda: stops.append(time.monotonic()), grace=30.0, linger=0.1, end=ends)
    stuck, other = request(), request()
    started = time.monotonic()
    crashonly.give_up("a query ran past its time limit of 1 s")
    crashonly.abandon()  # ``stuck`` was answered late; its thread stays in the engine
    assert len(stops) == 1  # no more requests taken, at once
    assert not ends.wait(0.5)  # ``other`` is still being answered
    other.close()
    assert ends.wait(5.0) and ends[0] - started >= 0.5
    crashonly.give_up("again")
    time.sleep(0.2)
    assert len(ends) == 1 and len(stops) == 1  # one exit
    stuck.close()


def test_it_lingers_first_for_requests_on_their_way(ends):
    crashonly.enable(lambda: None, grace=30.0, linger=0.4, end=ends)
    started = time.monotonic()
    crashonly.give_up("the query engine failed")
    assert ends.wait(5.0) and ends[0] - started >= 0.4


def test_the_grace_bounds_the_wait_for_a_request_that_never_ends(ends):
    crashonly.enable(lambda: None, grace=0.5, end=ends)
    hung = request()
    started = time.monotonic()
    crashonly.give_up("a query ran past its time limit of 1 s")
    assert ends.wait(5.0) and 0.5 <= ends[0] - started < 2.0
    time.sleep(0.2)
    assert len(ends) == 1
    hung.close()


def test_only_the_enabled_process_ends_and_disable_cancels(ends):
    crashonly.give_up("not replaceable: nothing happens")
    crashonly.enable(lambda: None, grace=0.3, linger=0.2, end=ends)
    crashonly.give_up("given up, then disabled (as a test ends)")
    crashonly.disable()
    assert not ends.wait(0.6)


def test_counted_counts_requests_until_their_answer_is_closed(ends):
    crashonly.enable(lambda: None, grace=30.0, end=ends)
    answer = request()
    crashonly.give_up("waits for the answer")
    assert not ends.wait(0.3)
    answer.close()
    assert ends.wait(5.0)


def test_by_default_it_flushes_the_logs_then_exits_at_once(monkeypatch):
    calls: list[object] = []
    monkeypatch.setattr(logging, "shutdown", lambda: calls.append("logs flushed"))
    monkeypatch.setattr(os, "_exit", calls.append)
    crashonly.enable(lambda: None, grace=5.0)
    try:
        crashonly.give_up("the query engine failed")
        deadline = time.monotonic() + 5.0
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        assert calls == ["logs flushed", 0]
    finally:
        crashonly.disable()
