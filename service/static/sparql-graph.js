/*
 * SPARQL query page: the "Graph" result view, a YASR plugin drawn with the vendored cytoscape
 * and cytoscape-dagre (globals `cytoscape`; dagre registers itself), left to right.
 *
 * It offers itself for SELECT results with two IRI columns (every bound value an IRI), e.g.
 * ?cause ?effect: each row with both is an edge from the first to the second. Node labels come
 * from the label columns (?causeLabel, ?cause_label; ?label for the first column) or the IRI's
 * local name; an ?edgeLabel, ?relation or ?kind column labels the edge. Tapping a node shows a
 * link to its page on this server (EKGSparql.hrefOf). At most EKGSparql.MAX_ROWS rows are
 * drawn; the view says when it left rows out.
 */
(function () {
  'use strict';

  var S = window.EKGSparql;
  if (!S || typeof window.Yasgui !== 'function') return;
  var ICON =
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true">' +
    '<circle cx="5" cy="6" r="3"/><circle cx="5" cy="18" r="3"/><circle cx="19" cy="12" r="3"/>' +
    '<path d="M8 7l8 4M8 17l8-4" stroke="currentColor" stroke-width="2"/></svg>';
  var EDGE_LABELS = ['edgeLabel', 'relation', 'kind'];

  function iriColumns(data) {
    return S.columnsWhere(data.variables, data.rows, S.isIri);
  }

  /** Cytoscape elements for the rows: one node per IRI, one edge per row (repeats merged). */
  function elements(data, columns) {
    var from = columns[0];
    var to = columns[1];
    var fromLabel = S.labelColumn(data.variables, from, true);
    var toLabel = S.labelColumn(data.variables, to, false);
    var edgeLabel = EDGE_LABELS.filter(function (name) { return data.variables.indexOf(name) !== -1; })[0];
    var nodes = new Map();
    var edges = new Map();
    function node(term, labelVar, row) {
      var existing = nodes.get(term.value);
      if (!existing) {
        existing = { data: { id: 'n' + nodes.size, iri: term.value, label: S.labelOf(row, labelVar, term) } };
        nodes.set(term.value, existing);
      }
      return existing.data.id;
    }
    data.rows.forEach(function (row) {
      if (!row[from] || !row[to]) return;
      var source = node(row[from], fromLabel, row);
      var target = node(row[to], toLabel, row);
      var key = source + ' ' + target;
      var label = edgeLabel && row[edgeLabel] ? S.labelOf(row, null, row[edgeLabel]) : '';
      var edge = edges.get(key);
      if (!edge) {
        edges.set(key, { data: { id: 'e' + edges.size, source: source, target: target, label: label } });
      } else if (label && edge.data.label.split(', ').indexOf(label) === -1) {
        edge.data.label = edge.data.label ? edge.data.label + ', ' + label : label;
      }
    });
    return { nodes: Array.from(nodes.values()), edges: Array.from(edges.values()) };
  }

  var STYLE = [
    {
      selector: 'node',
      style: {
        label: 'data(label)', 'text-wrap': 'wrap', 'text-max-width': '160px', 'font-size': '11px',
        'text-valign': 'center', 'text-halign': 'center', shape: 'round-rectangle', width: '170px',
        height: 'label', padding: '6px', 'background-color': '#eef3f8', 'border-width': 1,
        'border-color': '#5b7fa6', color: '#1d2a36',
      },
    },
    { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#c05621' } },
    {
      selector: 'edge',
      style: {
        width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': '#8497ab',
        'target-arrow-color': '#8497ab', label: 'data(label)', 'font-size': '9px', color: '#4a5868',
        'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': '1px',
      },
    },
  ];

  function GraphView(yasr) {
    this.yasr = yasr;
    this.label = 'Graph';
    this.priority = 4;
    this.helpReference = null;
    this.cy = null;
  }

  GraphView.prototype.canHandleResults = function () {
    var data = S.resultRows(this.yasr);
    if (!data.rows.length) return false;
    var columns = iriColumns(data);
    return columns.length >= 2 && data.rows.some(function (row) { return row[columns[0]] && row[columns[1]]; });
  };

  GraphView.prototype.getIcon = function () {
    return S.viewIcon(ICON);
  };

  GraphView.prototype.draw = function () {
    this.destroy();
    var data = S.resultRows(this.yasr);
    var columns = iriColumns(data);
    var root = S.viewRoot(this.yasr, 'ekg-graph-view');
    if (columns.length < 2) {
      root.appendChild(S.note('The graph needs two IRI columns, e.g. ?cause ?effect: each row is an edge from the first to the second.'));
      return;
    }
    var graph = elements(data, columns);
    var limit = S.limitNote(data);
    if (limit) root.appendChild(limit);
    root.appendChild(
      S.note(graph.nodes.length + ' nodes and ' + graph.edges.length + ' edges, from ?' + columns[0] + ' to ?' +
        columns[1] + '. Tap a node for its page.', 'ekg-view-summary')
    );
    var box = document.createElement('div');
    box.className = 'ekg-graph-box';
    root.appendChild(box);
    var picked = document.createElement('p');
    picked.className = 'ekg-view-note ekg-graph-picked';
    picked.setAttribute('aria-live', 'polite');
    root.appendChild(picked);
    if (typeof window.cytoscape !== 'function') {
      box.appendChild(S.note('The graph library could not be loaded.'));
      return;
    }
    var cy = window.cytoscape({
      container: box,
      elements: graph.nodes.concat(graph.edges),
      style: STYLE,
      layout: { name: 'dagre', rankDir: 'LR', nodeSep: 18, rankSep: 60 },
      wheelSensitivity: 0.3,
      minZoom: 0.1,
      maxZoom: 3,
    });
    // A large graph fitted whole is unreadable: zoom in to a legible size (pan to see the rest).
    if (cy.zoom() < 0.7) {
      var bounds = cy.elements().boundingBox();
      cy.zoom(0.7);
      cy.pan({ x: 12 - bounds.x1 * 0.7, y: 12 - bounds.y1 * 0.7 });
    }
    cy.on('tap', 'node', function (event) {
      var iri = event.target.data('iri');
      picked.textContent = '';
      var link = S.linkTo(iri, event.target.data('label'));
      picked.append(link.href ? 'Open ' : '', link, ' (' + iri + ')');
    });
    this.cy = cy;
  };

  GraphView.prototype.destroy = function () {
    if (this.cy) {
      this.cy.destroy();
      this.cy = null;
    }
  };

  window.Yasgui.Yasr.registerPlugin('graph', GraphView);
})();
