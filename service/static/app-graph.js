/*
 * The causal graph of the home page: Cytoscape.js 3.34.4 with the dagre layout (cytoscape-dagre
 * 4.0.1 registers itself when loaded after cytoscape), left to right: every link points right, so
 * causes stand left of their effects, and dagre is fed the events in time order. Edges look like
 * the timeline arrows: colour and head by kind, width by confidence, dashed when contested, an
 * "A" when only the article asserts the link. Nodes are coloured by lane; coarse dates (month,
 * year, interval) have a dashed border (the style sheet and node labels: app-graph-style.js).
 * Here: the time columns of the layout and EKG.GraphView, which draws, fits and highlights.
 * Plain ES2017 script; exports EKG.GraphView.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { style, nodeData, FONT_SIZE } = EKG.graphStyle;

  /** Node text is at least this many pixels high on screen after a fit. */
  const LEGIBLE_PX = 11;
  /** A fit zooms in no further than this (one node alone is not blown up). */
  const MAX_FIT_ZOOM = 1.8;
  const PADDING = 16;
  const GAP = 10;
  const COLUMN_GAP = 44;

  /**
   * Time columns for the layout: events in time order, grouped into columns of consecutive days
   * (at most `maxPer` events, see `reach` below); inside a column a
   * link pushes its effect one rank further right. Every event of a column stands right of every
   * event of the column before, and every link points right.
   * Returns {rank: Map id -> rank, periods: [{first, last (ranks), events}]}: a period is one
   * group of days; its events fill ranks first..last.
   */
  function timeRanks(events, links) {
    const maxPer = Math.max(6, Math.ceil(events.length / 5));
    const days = [];
    for (const event of events) {
      const key = EKG.isoDay(event.start);
      if (!days.length || days[days.length - 1].key !== key) days.push({ key, start: event.start.getTime(), events: [] });
      days[days.length - 1].events.push(event);
    }
    // Columns are fine near the busiest time (the 80th percentile of the dates) and coarser
    // further from it: a period spans at most 0.4 of its distance from there (and at least 18 hours).
    const focus = events.length ? events[Math.floor((events.length - 1) * 0.8)].start.getTime() : 0;
    const groups = [];
    for (const day of days) {
      const last = groups[groups.length - 1];
      const reach = last ? Math.max(0.75 * EKG.DAY, Math.abs(focus - last.start) * 0.4) : 0;
      if (last && last.events.length + day.events.length <= maxPer && day.start - last.start <= reach) {
        last.events.push(...day.events);
      } else groups.push({ start: day.start, events: day.events.slice() });
    }
    const preds = new Map();
    for (const link of links) {
      if (!preds.has(link.to)) preds.set(link.to, []);
      preds.get(link.to).push(link.from);
    }
    const rank = new Map();
    const periods = [];
    let base = 0;
    for (const group of groups) {
      const inGroup = new Set(group.events.map((e) => e.id));
      const local = new Map();
      // Events are in time order; a link inside the group points forward in that order.
      for (const event of group.events) {
        let depth = 0;
        for (const from of preds.get(event.id) || []) {
          if (inGroup.has(from) && local.has(from)) depth = Math.max(depth, local.get(from) + 1);
        }
        local.set(event.id, depth);
      }
      let deepest = 0;
      for (const event of group.events) {
        rank.set(event.id, base + local.get(event.id));
        deepest = Math.max(deepest, local.get(event.id));
      }
      periods.push({ first: base, last: base + deepest, events: group.events });
      base += deepest + 1;
    }
    return { rank, periods };
  }

  /** "15 Dec 2014", "11–14 Dec 2014", "Mar – Jul 2014", "1991 – 1998" */
  function columnLabel(events) {
    const times = events.map((e) => e.start);
    const lo = EKG.zone.parts(new Date(Math.min(...times)));
    const hi = EKG.zone.parts(new Date(Math.max(...times)));
    const M = EKG.MONTHS;
    if (lo.year !== hi.year) return lo.year + ' – ' + hi.year;
    if (lo.month !== hi.month) return M[lo.month] + ' – ' + M[hi.month] + ' ' + lo.year;
    if (lo.day !== hi.day) return lo.day + '–' + hi.day + ' ' + M[lo.month] + ' ' + lo.year;
    return lo.day + ' ' + M[lo.month] + ' ' + lo.year;
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
      this.cy.on('tap', 'node.event', (e) => this.onSelect(e.target.id()));
      this.cy.on('tap', (e) => {
        if (e.target === this.cy) this.onSelect(null);
      });
      this.nodeCount = 0;
      this.lastFit = null;
      // The container changes size when the page reflows (fonts, a scroll bar, the phone
      // layout): keep the drawing fitted to what was last fitted.
      if (window.ResizeObserver) {
        let size = '';
        new ResizeObserver(() => {
          const now = this.container.clientWidth + 'x' + this.container.clientHeight;
          if (now === size) return;
          size = now;
          this.cy.resize();
          if (this.lastFit) this.fit(this.lastFit);
        }).observe(this.container);
      }
    }

    /** The event nodes and link edges (not the column labels). */
    events() {
      return this.cy.nodes('.event');
    }

    /**
     * Draw the events that have at least one of `links` (plus `always`, the selected event), with
     * those links, in time columns. events: Map id -> event, in time order.
     */
    setData(events, links, always) {
      const linked = new Set();
      for (const link of links) {
        linked.add(link.from);
        linked.add(link.to);
      }
      if (always && events.has(always)) linked.add(always);
      const shown = [...events.values()].filter((event) => linked.has(event.id));
      const { rank, periods } = timeRanks(shown, links);
      const nodes = shown.map((event) => ({
        group: 'nodes',
        classes: 'event',
        data: Object.assign({
          id: event.id,
          lane: event.lane,
          coarse: event.precision !== 'day' && event.precision !== 'instant',
          time: event.start.getTime(),
          importance: event.importance || 0,
          col: rank.get(event.id),
        }, nodeData(event)),
      }));
      const edges = links.map((link) => ({
        group: 'edges',
        classes: ['link', link.disputed ? 'disputed' : '', link.outside ? 'outside' : '', link.diff ? 'diff-' + link.diff : ''].join(' ').trim(),
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
      // Per period: a label above it and a shaded band behind every other one (placed after the
      // layout; not events).
      const headers = [];
      periods.forEach((period, i) => {
        const data = { first: period.first, last: period.last, w: 1, h: 1 };
        headers.push({ group: 'nodes', classes: 'column-label', data: Object.assign({ id: 'period:' + i, header: columnLabel(period.events) }, data) });
        if (i % 2) headers.push({ group: 'nodes', classes: 'band', data: Object.assign({ id: 'band:' + i }, data) });
      });
      this.nodeCount = nodes.length;
      this.cy.batch(() => {
        this.cy.elements().remove();
        this.cy.add(nodes);
        this.cy.add(headers);
        this.cy.add(edges);
      });
      this.layout();
    }

    /**
     * Dagre (left to right) gives each event a place that keeps link crossings few; the columns
     * are then set by time (timeRanks): each column keeps dagre's top-to-bottom order, refined by
     * a few barycentre sweeps, and is stacked compactly.
     */
    layout() {
      const events = this.events();
      if (!events.length) return;
      this.cy.elements('node.event, edge.link').layout({
        name: 'dagre',
        rankDir: 'LR',
        nodeSep: 8,
        rankSep: 40,
        edgeSep: 6,
        sort: (a, b) => a.data('time') - b.data('time'),
        fit: false,
        animate: false,
      }).run();
      const columns = [];
      events.forEach((node) => {
        (columns[node.data('col')] = columns[node.data('col')] || []).push(node);
      });
      const slot = new Map();
      const reindex = (column) => column.forEach((node, i) => slot.set(node.id(), i - (column.length - 1) / 2));
      for (const column of columns) {
        if (!column) continue;
        column.sort((a, b) => a.position('y') - b.position('y'));
        reindex(column);
      }
      for (let pass = 0; pass < 4; pass += 1) {
        const forward = pass % 2 === 0;
        const order = columns.map((_, i) => i);
        if (!forward) order.reverse();
        for (const c of order) {
          const column = columns[c];
          if (!column) continue;
          const key = new Map(column.map((node) => {
            const others = (forward ? node.incomers('edge.link').sources() : node.outgoers('edge.link').targets())
              .filter((other) => forward ? other.data('col') < c : other.data('col') > c);
            const mean = others.length ? others.reduce((sum, other) => sum + slot.get(other.id()), 0) / others.length : slot.get(node.id());
            return [node.id(), mean];
          }));
          column.sort((a, b) => key.get(a.id()) - key.get(b.id()));
          reindex(column);
        }
      }
      let left = 0;
      const columnBox = [];
      for (const column of columns) {
        const width = column ? Math.max(...column.map((node) => node.data('w'))) : 0;
        const x = left + width / 2;
        columnBox.push({ x1: left, x2: left + width });
        left += width + COLUMN_GAP;
        if (!column) continue;
        const total = column.reduce((sum, node) => sum + node.data('h'), 0) + GAP * (column.length - 1);
        let y = -total / 2;
        for (const node of column) {
          node.position({ x, y: y + node.data('h') / 2 });
          y += node.data('h') + GAP;
        }
      }
      // Period labels above the tallest column, bands behind the periods.
      const box = events.boundingBox();
      const span = (node) => {
        const lo = columnBox[node.data('first')];
        const hi = columnBox[node.data('last')];
        return lo && hi ? { x1: lo.x1 - COLUMN_GAP / 2 + 2, x2: hi.x2 + COLUMN_GAP / 2 - 2 } : { x1: 0, x2: 0 };
      };
      this.cy.nodes('.column-label').forEach((label) => {
        const { x1, x2 } = span(label);
        label.position({ x: (x1 + x2) / 2, y: box.y1 - 16 });
      });
      this.cy.nodes('.band').forEach((band) => {
        const { x1, x2 } = span(band);
        band.data({ w: x2 - x1, h: box.h + 44 });
        band.position({ x: (x1 + x2) / 2, y: (box.y1 + box.y2) / 2 - 14 });
      });
      this.fit();
    }

    /**
     * Fit the view to `ids` (default: every event) with padding, but never below the zoom at
     * which node text is LEGIBLE_PX on screen. When they do not all fit at that zoom, the view
     * holds as many as fit, the selected event first and then the most important
     * (EKG importance: causal centrality), so that nothing fitted is cut off; the reader pans
     * for the rest.
     */
    fit(ids) {
      this.lastFit = ids || [];
      let target = this.cy.collection();
      for (const id of ids || []) target = target.union(this.cy.getElementById(id).filter('.event'));
      if (!target.length) target = this.events();
      if (!target.length) return;
      const width = this.container.clientWidth;
      const height = this.container.clientHeight;
      if (!width || !height) return;
      const legible = LEGIBLE_PX / FONT_SIZE;
      const room = { w: width - 2 * PADDING, h: height - 2 * PADDING };
      const first = this.selected ? this.cy.getElementById(this.selected) : null;
      const ordered = target.toArray().sort((a, b) => {
        if (first && a.same(first)) return -1;
        if (first && b.same(first)) return 1;
        return (b.data('importance') || 0) - (a.data('importance') || 0) || a.data('time') - b.data('time');
      });
      let box = null;
      const fitted = [];
      for (const node of ordered) {
        const b = node.boundingBox({ includeLabels: true });
        const next = box
          ? { x1: Math.min(box.x1, b.x1), y1: Math.min(box.y1, b.y1), x2: Math.max(box.x2, b.x2), y2: Math.max(box.y2, b.y2) }
          : { x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
        if (box && ((next.x2 - next.x1) * legible > room.w || (next.y2 - next.y1) * legible > room.h)) continue;
        box = next;
        fitted.push(node.id());
      }
      // The period labels above the columns too, when they fit.
      const headers = this.cy.nodes('.column-label');
      if (headers.length) {
        const top = headers.boundingBox({ includeLabels: true }).y1;
        if ((box.y2 - Math.min(top, box.y1)) * legible <= room.h) box.y1 = Math.min(top, box.y1);
      }
      // All of them fit: as large as fits. Only some: at the legible zoom, to show the most.
      const zoom = fitted.length < ordered.length
        ? legible
        : Math.max(legible, Math.min(MAX_FIT_ZOOM, room.w / (box.x2 - box.x1), room.h / (box.y2 - box.y1)));
      this.cy.viewport({
        zoom,
        pan: { x: width / 2 - zoom * (box.x1 + box.x2) / 2, y: height / 2 - zoom * (box.y1 + box.y2) / 2 },
      });
      this.fitted = fitted;
    }

    /** Ids of the events the last fit() put in view in full (the rest are a pan away). */
    fittedIds() {
      return (this.fitted || []).slice();
    }

    resize() {
      this.cy.resize();
    }

    /** Same highlight object as TimelineView.setHighlight. */
    setHighlight(h) {
      this.selected = h.selected || null;
      const focus = h.selected || (h.chain && h.chain.size);
      this.cy.batch(() => {
        this.cy.elements().removeClass('dimmed cause effect chain selected-event');
        if (!focus) return;
        this.events().forEach((node) => {
          const id = node.id();
          if (id === h.selected) node.addClass('selected-event');
          if (h.causes.has(id)) node.addClass('cause');
          if (h.effects.has(id)) node.addClass('effect');
          if (h.chain.has(id)) node.addClass('chain');
          if (id !== h.selected && !h.causes.has(id) && !h.effects.has(id) && !h.chain.has(id)) node.addClass('dimmed');
        });
        this.cy.edges('.link').forEach((edge) => {
          const role = h.linkRoles.get(edge.data('linkId'));
          if (role) edge.addClass(role);
          else edge.addClass('dimmed');
        });
      });
    }

    classesOf(id) {
      const node = this.cy.getElementById(id);
      return node.length && node.hasClass('event') ? node.classes() : null;
    }
  }

  EKG.GraphView = GraphView;
})();
