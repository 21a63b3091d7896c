/*
 * The causal graph of the home page: Cytoscape.js 3.34.4 with the dagre layout (cytoscape-dagre
 * 4.0.1 registers itself when loaded after cytoscape), left to right: every link points right, so
 * causes stand left of their effects, and dagre is fed the events in time order. Edges look like
 * the timeline arrows: colour and head by kind, width by confidence, dashed when contested, an
 * "A" when only the article asserts the link. Nodes are coloured by lane; coarse dates (month,
 * year, interval) have a dashed border.
 * Plain ES2017 script; exports EKG.GraphView.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const H = EKG.HIGHLIGHT;

  const HEADS = { causes: 'triangle', contributes_to: 'vee', enables: 'circle', prevents: 'tee' };

  function nodeLabel(event) {
    const date = event.precision === 'instant'
      ? EKG.shortDate(event.start) + ', ' + EKG.clockTime(event.start)
      : (event.display || EKG.shortDate(event.start));
    const text = event.label.length > 70 ? event.label.slice(0, 67).trimEnd() + '…' : event.label;
    return date + '\n' + text;
  }

  function style() {
    const laneRules = Object.entries(EKG.LANE_COLOURS).map(([lane, colour]) => ({
      selector: 'node[lane = "' + lane + '"]',
      style: { 'border-color': colour, 'background-color': tint(colour) },
    }));
    const kindRules = Object.entries(EKG.KIND_COLOURS).map(([kind, colour]) => ({
      selector: 'edge[kind = "' + kind + '"]',
      style: {
        'line-color': colour,
        'target-arrow-color': colour,
        'target-arrow-shape': HEADS[kind] || 'none',
        'target-arrow-fill': kind === 'contributes_to' ? 'hollow' : 'filled',
      },
    }));
    return [
      {
        selector: 'node',
        style: {
          shape: 'round-rectangle',
          label: 'data(display)',
          'text-wrap': 'wrap',
          'text-max-width': '150px',
          'text-valign': 'center',
          'text-halign': 'center',
          'font-size': '10px',
          'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
          color: '#1f2328',
          width: 'label',
          height: 'label',
          padding: '6px',
          'border-width': 1.5,
          'background-color': '#f6f8fa',
          'border-color': '#59636e',
        },
      },
      ...laneRules,
      { selector: 'node[?coarse]', style: { 'border-style': 'dashed' } },
      {
        selector: 'edge',
        style: {
          width: 'mapData(confidence, 0, 1, 1.2, 4.2)',
          'curve-style': 'bezier',
          'arrow-scale': 0.9,
          'line-color': '#7a7a7a',
          'target-arrow-shape': 'none',
          opacity: 0.9,
        },
      },
      ...kindRules,
      { selector: 'edge[status = "contested"]', style: { 'line-style': 'dashed', 'line-dash-pattern': [6, 4] } },
      { selector: 'edge[status = "unsupported"]', style: { 'line-style': 'dotted' } },
      {
        selector: 'edge[?articleOnly]',
        style: {
          label: 'A',
          'font-size': '9px',
          'font-weight': 'bold',
          color: '#5b3a00',
          'text-background-color': '#fff4d6',
          'text-background-opacity': 1,
          'text-background-shape': 'round-rectangle',
          'text-background-padding': '2px',
          'text-border-color': '#9a6700',
          'text-border-width': 1,
          'text-border-opacity': 1,
        },
      },
      { selector: '.dimmed', style: { opacity: 0.22 } },
      { selector: 'node.cause', style: { 'background-color': '#fde7d9', 'border-color': H.cause, 'border-width': 3 } },
      { selector: 'node.effect', style: { 'background-color': '#dbe8ff', 'border-color': H.effect, 'border-width': 3 } },
      { selector: 'node.chain', style: { 'background-color': '#fff3bf', 'border-color': H.chain, 'border-width': 3.5 } },
      {
        selector: 'node.selected-event',
        style: { 'background-color': '#ffe58a', 'border-color': H.selected, 'border-width': 4, 'font-weight': 'bold' },
      },
      { selector: 'edge.cause', style: { 'line-color': H.cause, 'target-arrow-color': H.cause, 'z-index': 10, opacity: 1 } },
      { selector: 'edge.effect', style: { 'line-color': H.effect, 'target-arrow-color': H.effect, 'z-index': 10, opacity: 1 } },
      { selector: 'edge.chain', style: { 'line-color': H.chain, 'target-arrow-color': H.chain, 'z-index': 10, opacity: 1, width: 5 } },
      { selector: 'node:active', style: { 'overlay-opacity': 0.08 } },
    ];
  }

  /** A light tint of a #rrggbb colour, for node backgrounds. */
  function tint(hex) {
    const n = parseInt(hex.slice(1), 16);
    const mix = (c) => Math.round(c + (255 - c) * 0.88);
    return 'rgb(' + mix((n >> 16) & 255) + ',' + mix((n >> 8) & 255) + ',' + mix(n & 255) + ')';
  }

  class GraphView {
    /** options: {container, onSelect(id|null)} */
    constructor(options) {
      this.onSelect = options.onSelect || (() => {});
      this.container = options.container;
      this.cy = cytoscape({
        container: this.container,
        style: style(),
        minZoom: 0.15,
        maxZoom: 3,
        boxSelectionEnabled: false,
        autoungrabify: true,
        selectionType: 'single',
      });
      this.cy.on('tap', 'node', (e) => this.onSelect(e.target.id()));
      this.cy.on('tap', (e) => {
        if (e.target === this.cy) this.onSelect(null);
      });
      this.nodeCount = 0;
      this.isolated = 0;
    }

    /**
     * Draw the events that have at least one of `links` (plus `always`, the selected event), with
     * those links. events: Map id -> event, sorted by time.
     */
    setData(events, links, always) {
      const linked = new Set();
      for (const link of links) {
        linked.add(link.from);
        linked.add(link.to);
      }
      if (always && events.has(always)) linked.add(always);
      const nodes = [...events.values()].filter((event) => linked.has(event.id)).map((event) => ({
        group: 'nodes',
        data: {
          id: event.id,
          display: nodeLabel(event),
          lane: event.lane,
          coarse: event.precision !== 'day' && event.precision !== 'instant',
          time: event.start.getTime(),
        },
      }));
      const edges = links.map((link) => ({
        group: 'edges',
        data: {
          id: 'link:' + link.id,
          linkId: link.id,
          source: link.from,
          target: link.to,
          kind: link.kind,
          status: link.status,
          confidence: typeof link.confidence === 'number' ? link.confidence : 0.5,
          articleOnly: Boolean(link.articleOnly),
        },
      }));
      this.nodeCount = nodes.length;
      this.isolated = events.size - nodes.filter((n) => events.has(n.data.id)).length;
      this.cy.batch(() => {
        this.cy.elements().remove();
        this.cy.add(nodes);
        this.cy.add(edges);
      });
      this.layout();
    }

    layout() {
      if (!this.cy.nodes().length) return;
      this.cy.layout({
        name: 'dagre',
        rankDir: 'LR',
        nodeSep: 10,
        rankSep: 46,
        edgeSep: 8,
        ranker: 'network-simplex',
        sort: (a, b) => a.data('time') - b.data('time'),
        fit: true,
        padding: 12,
        animate: false,
      }).run();
    }

    fit(ids) {
      const target = ids && ids.length ? this.cy.collection(ids.map((id) => this.cy.getElementById(id)).filter((n) => n.length)) : this.cy.elements();
      if (target.length) this.cy.fit(target, 24);
    }

    resize() {
      this.cy.resize();
    }

    /** Same highlight object as TimelineView.setHighlight. */
    setHighlight(h) {
      const focus = h.selected || (h.chain && h.chain.size);
      this.cy.batch(() => {
        this.cy.elements().removeClass('dimmed cause effect chain selected-event');
        if (!focus) return;
        this.cy.nodes().forEach((node) => {
          const id = node.id();
          if (id === h.selected) node.addClass('selected-event');
          if (h.causes.has(id)) node.addClass('cause');
          if (h.effects.has(id)) node.addClass('effect');
          if (h.chain.has(id)) node.addClass('chain');
          if (id !== h.selected && !h.causes.has(id) && !h.effects.has(id) && !h.chain.has(id)) node.addClass('dimmed');
        });
        this.cy.edges().forEach((edge) => {
          const role = h.linkRoles.get(edge.data('linkId'));
          if (role) edge.addClass(role);
          else edge.addClass('dimmed');
        });
      });
    }

    classesOf(id) {
      const node = this.cy.getElementById(id);
      return node.length ? node.classes() : null;
    }
  }

  EKG.GraphView = GraphView;
})();
