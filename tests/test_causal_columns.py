"""The saved causal graph written straight from a dataset's records (graph.causal.csr, what
``ekg build --store`` saves, issue 19) holds exactly what writing the built ``nx.DiGraph``
holds: equal columns and byte-identical files, on the curated events.yaml (part_of edges),
on synthetic data with every link kind and status, pairs joined several times and cycles, and
on small random datasets (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.causal.csr import dataset_columns, graph_columns, write_columns
from graph.causal.frozen import load_causal, save_causal
from graph.causal.graph import build_causal_graph
from graph.causal.importance import importance, load_importance
from graph.data import parse_date
from graph.data.model import Dataset, DatasetInfo, Event, Link
from graph.derived import SAVED, save_structures
from graph.vocab import LINK_PREDICATES, LINK_STATUSES
from support.synthetic import generate_dataset

KINDS = sorted(LINK_PREDICATES)
STATUSES = sorted(LINK_STATUSES)


def assert_same_files(dataset: Dataset, tmp_path: Path) -> None:
    """The columns of both ways are equal, and so is every file they write."""
    built = graph_columns(build_causal_graph(dataset))
    direct = dataset_columns(dataset)
    assert direct is not None and direct.same_as(built)
    write_columns(built, tmp_path / "built", version="v")
    save_causal(dataset, tmp_path / "direct", version="v")
    names = sorted(p.name for p in (tmp_path / "built").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "direct").iterdir())
    for name in names:
        assert (tmp_path / "direct" / name).read_bytes() == (tmp_path / "built" / name).read_bytes()


def tangled(dataset: Dataset) -> Dataset:
    """``dataset`` with, for every seventh link, a second link of the same pair (another
    kind, status and confidence), one backwards (a cycle) and, for every eleventh, a self-link;
    and some events made parts of others."""
    extra = []
    for i, link in enumerate(dataset.links[::7]):
        kind, status = KINDS[i % len(KINDS)], STATUSES[i % len(STATUSES)]
        again = replace(link, id=f"{link.id}-again", kind=kind, status=status)
        again = replace(again, confidence=Decimal(i % 5) / 4)
        back = replace(link, id=f"{link.id}-back", cause=link.effect, effect=link.cause)
        extra += [again, back]
    for link in dataset.links[::11]:
        extra.append(replace(link, id=f"{link.id}-self", effect=link.cause))
    events = list(dataset.events)
    for i in range(0, len(events) - 1, 13):
        events[i] = replace(events[i], part_of=events[i + 1 + i % 3].id)
    return replace(dataset, events=tuple(events), links=(*dataset.links, *extra))


def test_the_curated_data(real, tiny, tmp_path):
    assert sum(1 for event in real.events if event.part_of) > 5
    assert_same_files(real, tmp_path / "real")
    assert_same_files(tiny, tmp_path / "tiny")


def test_synthetic_data_with_every_kind_duplicates_and_cycles(tmp_path):
    dataset = tangled(generate_dataset(2000, seed=11))
    graph = build_causal_graph(dataset)
    assert graph.number_of_edges() < len(dataset.links)  # pairs joined more than once
    assert {data["kind"] for *_, data in graph.edges(data=True)} == {*KINDS, "part_of"}
    assert any(len(data["links"]) > 1 for *_, data in graph.edges(data=True))
    assert any(cause == effect for cause, effect in graph.edges)
    assert_same_files(dataset, tmp_path)
    loaded = load_causal(tmp_path / "direct", version="v")
    assert list(loaded.edges(data=True)) == list(graph.edges(data=True))


def test_the_build_saves_the_importance_a_start_without_it_computes(tmp_path):
    """What :class:`graph.pipeline.BuiltGraph` computes when nothing is saved: the dataset's
    (every link of a pair counts), not the graph's (one edge per pair)."""
    dataset = tangled(generate_dataset(500, seed=5))
    save_structures(dataset, tmp_path)
    scores = importance(dataset)
    assert scores != importance(build_causal_graph(dataset))
    assert dict(load_importance(tmp_path / SAVED["importance"])) == scores
    loaded = load_causal(tmp_path / SAVED["causal"])
    assert list(loaded.edges(data=True)) == list(build_causal_graph(dataset).edges(data=True))


def test_data_the_graph_handles_its_own_way_is_saved_from_the_graph(real, tmp_path):
    twice = replace(real, events=(*real.events, real.events[0]))
    assert dataset_columns(twice) is None
    save_causal(twice, tmp_path / "twice")
    assert list(load_causal(tmp_path / "twice").edges) == list(build_causal_graph(twice).edges)
    stray = replace(real, links=(*real.links, replace(real.links[0], id="x", effect="nowhere")))
    assert dataset_columns(stray) is None
    with pytest.raises(ValueError, match="node attributes"):  # as writing the graph does
        save_causal(stray, tmp_path / "stray")


def test_no_links_no_events(real, tmp_path):
    assert_same_files(replace(real, links=()), tmp_path / "unlinked")
    assert_same_files(replace(real, events=(), links=()), tmp_path / "empty")


EVENTS = [f"e{i}" for i in range(6)]
DATES = ["2013", "2014", "2014-06", "2014-12-15", "2015-01-01"]


@settings(max_examples=150, deadline=None)
@given(
    dates=st.lists(st.sampled_from(DATES), min_size=len(EVENTS), max_size=len(EVENTS)),
    links=st.lists(
        st.tuples(
            st.sampled_from(EVENTS),
            st.sampled_from(EVENTS),
            st.sampled_from(KINDS),
            st.sampled_from(["0", "0.3", "0.5", "0.9", "1"]),
            st.sampled_from(STATUSES),
        ),
        max_size=16,
    ),
    parts=st.dictionaries(st.sampled_from(EVENTS), st.sampled_from([*EVENTS, "elsewhere"])),
    names=st.randoms(use_true_random=False),
)
def test_random_datasets(tmp_path_factory, dates, links, parts, names):
    ids = [f"l{i}" for i in range(len(links))]
    names.shuffle(ids)  # ties of precedence go to the smaller id, whatever the file order
    events = tuple(
        Event(e, e.upper(), "t", parse_date(d), "x", (), part_of=parts.get(e))
        for e, d in zip(EVENTS, dates, strict=True)
    )
    records = tuple(
        Link(i, cause, effect, kind, Decimal(conf), status, ())
        for i, (cause, effect, kind, conf, status) in zip(ids, links, strict=True)
    )
    info = DatasetInfo("toy", "Toy", "http://example.org/")
    dataset = Dataset(info, (), (), (), (), (), (), events, records, ())
    assert_same_files(dataset, tmp_path_factory.mktemp("random"))
