/*
 * Which timeline labels are drawn, and how (app-timeline.js applies the plan as item classes,
 * so that vis-timeline measures and stacks the items as they are drawn). Like Histropedia, the
 * timeline ranks events by importance (the API's `importance`: causal centrality) and, where
 * labels would pile up in a lane, the more important event keeps its full label (wrapped on
 * up to a few lines, never cut with "…"), a less important one gets a short label (its first
 * words) and the least important only its dot or bar (the label is in the hover tooltip, the
 * list and the details). The selected event, its causes and effects and a chosen chain always
 * keep their full labels. A span too narrow for its label has the label beside it.
 * Plain ES2017 script; exports EKG.timelineLabels.
 */
(function () {
  'use strict';

  const EKG = window.EKG;

  /** Label line-rows a lane may stack at one place before labels make way. */
  const ROWS = 3;
  /** Widest label line (CSS: .ti max-width for .lbl-full is 16rem). */
  const MAX_LINE_REM = 16;
  /** A short label holds its first words up to this many characters. */
  const SHORT_CHARS = 16;

  /** Padding and dot around an item's text (outside its .ti element), in rem. */
  const PAD_REM = 2.2;

  let measurer = null;
  let remPx = 16;

  function textWidth(text, font) {
    if (!measurer) measurer = document.createElement('canvas').getContext('2d');
    measurer.font = font;
    return measurer.measureText(text).width;
  }

  /** "Bank of Russia…": the first words of a label (whole words), else the label itself. */
  function shortLabel(label) {
    if (label.length <= SHORT_CHARS + 2) return label;
    let out = '';
    for (const word of label.split(/\s+/)) {
      if (out && (out + ' ' + word).length > SHORT_CHARS) break;
      out = out ? out + ' ' + word : word;
    }
    return out.replace(/[,;:.\-–]+$/, '') + '…';
  }

  /** Pixels the item needs beside its text (padding, dot, time chip, precision tag, "A"). */
  function extras(event, mode) {
    let px = PAD_REM * remPx;
    if (mode === 'hours' && event.precision === 'day') px += 2.8 * remPx;
    if (event.precision === 'instant') px += 3 * remPx;
    if (event.precision === 'month' || event.precision === 'year') px += 3.2 * remPx;
    if (event.articleOnly) px += 1.3 * remPx;
    return px;
  }

  /**
   * The label plan for the events inside the window.
   * events: iterable of events; highlight: {selected, causes, effects, chain} (Sets);
   * window: {start, end} (Dates); width: the drawing's width in pixels; font: the CSS font of
   * an item's text; mode: 'normal' | 'hours' | 'overview'.
   * Returns Map id -> {label: 'full'|'short'|'dot', beside, width (px line or null), wraps}
 * (events outside the window
   * and every event in overview mode are left out: they keep the default, a full label).
   */
  function plan(events, highlight, window, width, font, mode) {
    const out = new Map();
    if (mode === 'overview' || !width) return out;
    remPx = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const t0 = window.start.getTime();
    const scale = width / Math.max(1, window.end.getTime() - t0);
    const maxLine = MAX_LINE_REM * remPx;
    const focus = (id) => (id === highlight.selected ? 3 : highlight.chain.has(id) ? 2 : highlight.causes.has(id) || highlight.effects.has(id) ? 1 : 0);
    const items = [];
    const minLine = 6 * remPx;
    for (const event of events) {
      const start = event.start.getTime();
      const ranged = Boolean(event.end) && event.precision !== 'day' && event.precision !== 'instant';
      const spans = ranged || (mode === 'hours' && event.precision === 'day');
      const end = ranged ? event.end.getTime() : spans ? start + EKG.DAY : start;
      if (end < t0 || start > window.end.getTime()) continue;
      const x1 = (start - t0) * scale;
      const x2 = (end - t0) * scale;
      const text = textWidth(event.label, font) * 1.04; // bold highlights draw a little wider
      const extra = extras(event, mode);
      // A span holds its label inside when it is wide enough (wrapped at its width), else
      // beside its end when there is room to the right; a dot's label starts at the dot. A
      // line is at most 16rem and, where it can, stops at the right edge of the drawing.
      const inner = Math.min(x2, width) - Math.max(0, x1) - extra;
      const right = width - (spans ? x2 : x1) - extra - 8;
      let beside = false;
      let line = Math.max(minLine, Math.min(maxLine, right), Math.min(maxLine, text / ROWS));
      if (spans) {
        beside = inner < Math.min(text, 5 * remPx) && (right >= minLine || right > inner);
        if (!beside) line = Math.max(2 * remPx, inner);
      }
      const lines = Math.max(1, Math.ceil(text / line));
      const fullWidth = Math.min(text, line) + extra;
      const shortWidth = textWidth(shortLabel(event.label), font) + extra;
      const at = beside ? x2 : Math.max(0, x1);
      const inside = spans && !beside;
      const chips = extra - PAD_REM * remPx;
      items.push({ event, at, x1, x2, spans, inside, beside, line, chips, fullWidth, shortWidth, lines, focus: focus(event.id) });
    }
    items.sort((a, b) => b.focus - a.focus || (b.event.importance || 0) - (a.event.importance || 0) || a.at - b.at);
    const placed = new Map(); // lane -> [{from, to, rows}]
    const load = (lane, from, to) => (placed.get(lane) || []).reduce((sum, p) => sum + (p.from < to && from < p.to ? p.rows : 0), 0);
    for (const item of items) {
      const lane = item.event.lane;
      if (!placed.has(lane)) placed.set(lane, []);
      // The bar or the dot itself takes a row wherever it is.
      const body = item.spans ? { from: item.x1, to: item.x2 } : { from: item.x1 - 6, to: item.x1 + 6 };
      const from = Math.min(body.from, item.at);
      let chosen = null;
      if (item.inside) {
        // Inside its bar a label collides with nothing: whole on one line, or shortened.
        chosen = { label: item.lines <= 2 || item.focus ? 'full' : 'short', from, to: body.to, rows: item.lines };
      } else {
        for (const choice of [{ label: 'full', width: item.fullWidth, rows: item.lines }, { label: 'short', width: item.shortWidth, rows: 1 }]) {
          const to = Math.max(body.to, item.at + choice.width);
          if (item.focus || (choice.rows <= ROWS && load(lane, from, to) + choice.rows <= ROWS)) {
            chosen = { label: choice.label, from, to, rows: choice.rows };
            break;
          }
        }
      }
      if (!chosen) chosen = { label: 'dot', from: body.from, to: body.to, rows: 1 };
      placed.get(lane).push(chosen);
      out.set(item.event.id, {
        label: chosen.label,
        beside: item.beside && chosen.label !== 'dot',
        // The line width of a wrapped label (px), so that vis-timeline measures its height right.
        width: chosen.label === 'full' ? Math.floor(item.line + item.chips) : null,
        wraps: chosen.label === 'full' && item.lines > 1,
      });
    }
    return out;
  }

  /** The classes of an item under its plan entry. */
  function classes(entry) {
    if (!entry) return ['lbl-full'];
    return ['lbl-' + entry.label].concat(entry.beside ? ['lbl-beside'] : []);
  }

  /**
   * Axis labels never run together: vis-timeline spaces its minor labels by a character count
   * (maxMinorChars), which "1915" or "24 Nov" in our font can outgrow. After every redraw each
   * minor label that would touch the one before it (left to right) is hidden (.tl-axis-hidden),
   * so that at any zoom every shown label stands clear, with a tick for the hidden ones.
   */
  function thinAxis(container) {
    const texts = [...container.querySelectorAll('.vis-time-axis .vis-text.vis-minor:not(.vis-measure)')];
    const boxes = texts.map((node) => {
      node.classList.remove('tl-axis-hidden');
      return { node, box: node.getBoundingClientRect() };
    }).filter((b) => b.box.width > 0).sort((a, b) => a.box.left - b.box.left);
    const axis = container.querySelector('.vis-time-axis.vis-foreground');
    const edge = axis ? axis.getBoundingClientRect() : { left: -Infinity, right: Infinity };
    let right = -Infinity;
    for (const { node, box } of boxes) {
      const text = node.textContent.trim();
      if (!text) continue;
      const end = box.left + textWidth(text, getComputedStyle(node).font) + 2 * AXIS_PAD_PX;
      // Touching the one before, or cut by an edge of the axis ("0" of a hidden "1910").
      if (box.left < right + GAP_PX || box.left < edge.left - 1 || end > edge.right + 1) node.classList.add('tl-axis-hidden');
      else right = end;
    }
  }

  const GAP_PX = 6;
  const AXIS_PAD_PX = 3;

  EKG.timelineLabels = { plan, classes, shortLabel, thinAxis };
})();
