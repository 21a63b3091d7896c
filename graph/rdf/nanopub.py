"""The named graphs of the RDF mapping: each narrative (account) as a nanopublication.

A narrative (:class:`graph.data.Narrative`) becomes a nanopublication in the nanopub schema
(``np:``), its IRI and its four graphs named by :func:`graph.rdf.scheme.nanopub_iris`:

- head: ``<np> a np:Nanopublication ; np:hasAssertion <assertion> ; np:hasProvenance
  <provenance> ; np:hasPublicationInfo <pubinfo>``;
- assertion: ``<np> ekg:assertsLink <link>`` for each link of the account (the link's record,
  with its cause, effect, relation and status, is in the dataset's graph). No triple of the
  dataset's graph is repeated here: queries see the union of the named graphs, and Oxigraph and
  Virtuoso return a triple once per graph that holds it, so a repeated link record would be
  counted twice. Never a direct event-to-event triple either: a property path must not follow
  a contested link;
- provenance: the assertion ``prov:wasAttributedTo`` each of the account's asserters (actor or
  publication) and ``prov:wasDerivedFrom`` its sources (described in the dataset's graph);
- pubinfo: ``<np> a ekg:Narrative``, its label, description, ``dct:isPartOf`` the dataset.

Everything else stays in the dataset's own graph (:mod:`graph.rdf.mapping`). Both writers
(:mod:`graph.rdf.build`, :mod:`graph.rdf.ntriples`) write these quads, graph last.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> from graph.rdf.ntriples import NTriplesTerms
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "features.yaml")
>>> quads = list(narrative_quads(NTriplesTerms(ds.info.base), ds))
>>> sorted({g.rsplit("/", 1)[1] for *_, g in quads})
['assertion>', 'head>', 'provenance>', 'pubinfo>']
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.data import Dataset, Narrative
from graph.rdf.scheme import ACTOR, DATASET, LINK, PUBLICATION, Quad, T, Terms, nanopub_iris


def narrative_quads(t: Terms[T], dataset: Dataset) -> Iterator[Quad[T]]:
    """The quads of every narrative of ``dataset``, in file order."""
    publications = {publication.id for publication in dataset.publications}
    for narrative in dataset.narratives:
        yield from _nanopub(t, dataset, narrative, publications)


def _nanopub(
    t: Terms[T], dataset: Dataset, narrative: Narrative, publications: set[str]
) -> Iterator[Quad[T]]:
    iris = {role: t.term(value) for role, value in nanopub_iris(t.base, narrative.id).items()}
    node, head, assertion = iris["nanopub"], iris["head"], iris["assertion"]
    provenance, pubinfo = iris["provenance"], iris["pubinfo"]
    yield node, t.type, t.Nanopublication, head
    yield node, t.has_assertion, assertion, head
    yield node, t.has_provenance, provenance, head
    yield node, t.has_publication_info, pubinfo, head
    for link in dataset.narrative_links(narrative.id):
        yield node, t.asserts_link, t.node(LINK, link.id), assertion
    for agent in narrative.asserted_by:
        section = PUBLICATION if agent in publications else ACTOR
        yield assertion, t.attributed_to, t.node(section, agent), provenance
    for source in narrative.sources:
        yield assertion, t.derived_from, t.term(source.url), provenance
    yield node, t.type, t.Narrative, pubinfo
    yield node, t.label, t.en(narrative.label), pubinfo
    if narrative.description:
        yield node, t.description, t.en(narrative.description), pubinfo
    yield node, t.is_part_of, t.node(DATASET, dataset.info.id), pubinfo
