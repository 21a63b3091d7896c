/*
 * How the causal graph of the home page looks (app-graph.js draws it): the Cytoscape.js style
 * sheet (nodes coloured by lane, dashed border for coarse dates; edges coloured and headed by
 * kind, width by confidence, dashed when contested, an "A" when only the article asserts the
 * link; the highlight classes; the period labels and bands) and the node labels, wrapped and
 * measured on a canvas so that each node's box fits its text.
 * Plain ES2017 script; exports EKG.graphStyle.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const H = EKG.HIGHLIGHT;

  const HEADS = { causes: 'triangle', contributes_to: 'vee', enables: 'circle', prevents: 'tee' };

  const FONT_SIZE = 10;
  const LINE_HEIGHT = 1.25;
  const PAD = 6;
  const MAX_TEXT = 130;
  const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  let measurer = null;

  function textWidth(text) {
    if (!measurer) {
      measurer = document.createElement('canvas').getContext('2d');
      // Measured bold: a little slack, so that the text clears even a highlight's thick border.
      measurer.font = 'bold ' + FONT_SIZE + 'px ' + FONT_FAMILY;
    }
    return measurer.measureText(text).width;
  }

  /** Words wrapped into lines of at most MAX_TEXT pixels. */
  function wrap(text) {
    const lines = [];
    let line = '';
    for (const word of text.split(/\s+/)) {
      const next = line ? line + ' ' + word : word;
      if (line && textWidth(next) > MAX_TEXT) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    if (line) lines.push(line);
    return lines;
  }

  /** The node's label (date, then the wrapped event label) and the box that fits it. */
  function nodeLabel(event) {
    const date = event.precision === 'instant'
      ? EKG.instantText(event.start)
      : (event.display || EKG.shortDate(event.start));
    const text = event.label.length > 90 ? event.label.slice(0, 87).trimEnd() + '…' : event.label;
    const lines = [date].concat(wrap(text));
    // Slack for the thick border of a highlighted node and for text drawn wider when zoomed.
    const width = Math.ceil(Math.max(...lines.map(textWidth)) * 1.06) + 2 * PAD + 6;
    const height = Math.ceil(lines.length * FONT_SIZE * LINE_HEIGHT) + 2 * PAD;
    return { text: lines.join('\n'), width, height };
  }

  function style() {
    const laneRules = Object.entries(EKG.LANE_COLOURS).map(([lane, colour]) => ({
      selector: 'node[lane = "' + lane.replace(/["\\]/g, '') + '"]',
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
          'text-max-width': '1000px',
          'line-height': LINE_HEIGHT,
          'text-valign': 'center',
          'text-halign': 'center',
          'font-size': FONT_SIZE + 'px',
          'font-family': FONT_FAMILY,
          color: '#1f2328',
          width: 'data(w)',
          height: 'data(h)',
          'border-width': 1.5,
          'background-color': '#f6f8fa',
          'border-color': '#59636e',
          'z-index-compare': 'manual',
          'z-index': 3,
        },
      },
      ...laneRules,
      { selector: 'node[?coarse]', style: { 'border-style': 'dashed' } },
      {
        selector: 'edge.link',
        style: {
          width: 'mapData(confidence, 0, 1, 1.2, 4.2)',
          'curve-style': 'bezier',
          'arrow-scale': 0.9,
          'z-index-compare': 'manual',
          'z-index': 1,
          'line-color': '#7a7a7a',
          'target-arrow-shape': 'none',
          opacity: 0.9,
        },
      },
      ...kindRules,
      { selector: 'edge[status = "contested"]', style: { 'line-style': 'dashed', 'line-dash-pattern': [6, 4] } },
      { selector: 'edge[status = "unsupported"]', style: { 'line-style': 'dotted' } },
      { selector: 'edge.outside', style: { 'line-color': '#9a9a9a', 'target-arrow-color': '#9a9a9a', opacity: 0.55 } },
      { selector: 'edge.diff-a', style: { 'line-color': EKG.DIFF_COLOURS.a, 'target-arrow-color': EKG.DIFF_COLOURS.a, opacity: 1 } },
      { selector: 'edge.diff-b', style: { 'line-color': EKG.DIFF_COLOURS.b, 'target-arrow-color': EKG.DIFF_COLOURS.b, opacity: 1 } },
      { selector: 'edge.diff-both', style: { 'line-color': EKG.DIFF_COLOURS.both, 'target-arrow-color': EKG.DIFF_COLOURS.both } },
      { selector: 'edge.diff-none', style: { opacity: 0.15 } },
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
        style: { 'background-color': '#ffe58a', 'border-color': H.selected, 'border-width': 4 },
      },
      { selector: 'edge.cause', style: { 'line-color': H.cause, 'target-arrow-color': H.cause, 'z-index': 2, opacity: 1 } },
      { selector: 'edge.effect', style: { 'line-color': H.effect, 'target-arrow-color': H.effect, 'z-index': 2, opacity: 1 } },
      { selector: 'edge.chain', style: { 'line-color': H.chain, 'target-arrow-color': H.chain, 'z-index': 2, opacity: 1, width: 5 } },
      { selector: 'node:active', style: { 'overlay-opacity': 0.08 } },
      {
        selector: 'node.column-label',
        style: {
          label: 'data(header)', width: 1, height: 1, 'background-opacity': 0, 'border-width': 0, events: 'no',
          'font-size': '11px', 'font-weight': 'bold', color: '#59636e', 'text-valign': 'top', 'text-margin-y': -2,
          'text-wrap': 'none',
        },
      },
      {
        selector: 'node.band',
        style: {
          shape: 'rectangle', width: 'data(w)', height: 'data(h)', 'background-color': '#eef1f5', 'background-opacity': 0.7,
          'border-width': 0, label: '', events: 'no', 'z-index-compare': 'manual', 'z-index': 0,
        },
      },
    ];
  }

  function sized(label) {
    return { display: label.text, w: label.width, h: label.height };
  }

  /** A light tint of a #rrggbb colour, for node backgrounds. */
  function tint(hex) {
    const n = parseInt(hex.slice(1), 16);
    const mix = (c) => Math.round(c + (255 - c) * 0.88);
    return 'rgb(' + mix((n >> 16) & 255) + ',' + mix((n >> 8) & 255) + ',' + mix(n & 255) + ')';
  }

  /** The data fields of an event node that give its label and size: {display, w, h}. */
  function nodeData(event) {
    return sized(nodeLabel(event));
  }

  EKG.graphStyle = { style, nodeData, FONT_SIZE };
})();
