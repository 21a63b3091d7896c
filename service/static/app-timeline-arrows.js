/*
 * The causal arrows of the home page timeline (app-timeline.js): an SVG overlay above
 * vis-timeline, which draws none. Here: the arrow-head markers per link kind and highlight, the
 * clip path, the box an arrow attaches to, the Bezier route between two boxes and one arrow with
 * its tooltip and badges ("!" contested or unsupported, "A" only in the article). Which links
 * are drawn, and when, is TimelineView.drawArrows.
 * Plain ES2017 script; exports EKG.timelineArrows.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { svg } = EKG;

  const MARKER_KINDS = ['causes', 'contributes_to', 'enables', 'prevents'];
  const VARIANTS = {
    base: null,
    cause: EKG.HIGHLIGHT.cause,
    effect: EKG.HIGHLIGHT.effect,
    chain: EKG.HIGHLIGHT.chain,
    diffa: EKG.DIFF_COLOURS.a,
    diffb: EKG.DIFF_COLOURS.b,
    diffboth: EKG.DIFF_COLOURS.both,
  };

  /** Add the markers and the clip path to the overlay; returns {clipRect, layer (the <g> of the arrows)}. */
  function buildDefs(overlay) {
    const defs = svg('defs');
    for (const kind of MARKER_KINDS) {
      for (const [variant, colour] of Object.entries(VARIANTS)) {
        const c = colour || EKG.KIND_COLOURS[kind];
        const marker = svg('marker', {
          id: 'm-' + kind + '-' + variant, viewBox: '0 0 10 10', refX: kind === 'prevents' ? 8 : 9, refY: 5,
          markerWidth: 10, markerHeight: 10, markerUnits: 'userSpaceOnUse', orient: 'auto',
        });
        if (kind === 'causes') marker.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 Z', fill: c }));
        else if (kind === 'contributes_to') marker.appendChild(svg('path', { d: 'M1,1 L9,5 L1,9', fill: 'none', stroke: c, 'stroke-width': 1.8 }));
        else if (kind === 'enables') marker.appendChild(svg('circle', { cx: 6, cy: 5, r: 3.5, fill: c }));
        else marker.appendChild(svg('path', { d: 'M8,0 L8,10', stroke: c, 'stroke-width': 2.5 }));
        defs.appendChild(marker);
      }
    }
    const clip = svg('clipPath', { id: 'tl-clip' });
    const clipRect = svg('rect', { x: 0, y: 0, width: 0, height: 0 });
    clip.appendChild(clipRect);
    defs.appendChild(clip);
    overlay.appendChild(defs);
    const layer = svg('g', { 'clip-path': 'url(#tl-clip)', class: 'tl-links' });
    overlay.appendChild(layer);
    return { clipRect, layer };
  }
  /** One arrow from box a to box b; role: 'cause' | 'effect' | 'chain' | null. events: Map id -> event. */
  function arrow(link, a, b, role, dimmed, events) {
    const directed = EKG.DIRECTED_KINDS.includes(link.kind);
    const { p0, p1, p2, p3 } = route(a, b, directed);
    const d = 'M' + f(p0.x) + ',' + f(p0.y) + ' C' + f(p1.x) + ',' + f(p1.y) + ' ' + f(p2.x) + ',' + f(p2.y) + ' ' + f(p3.x) + ',' + f(p3.y);
    const classes = ['tl-link', 'kind-' + link.kind, 'status-' + (link.status || 'unknown')];
    if (role) classes.push('hl-' + role);
    if (dimmed) classes.push('is-dimmed');
    if (link.articleOnly) classes.push('article-only');
    // Contested or unsupported: dashed, with who asserts it. Outside the lens: drawn muted but
    // never a cause or an effect. In diff mode: only in lens A, only in B, in both, in neither.
    if (link.disputed) classes.push('is-disputed');
    if (link.outside) classes.push('is-outside');
    if (link.diff) classes.push('diff-' + link.diff);
    const attrs = { class: classes.join(' '), 'data-link-id': link.id, 'data-status': link.status || 'unknown' };
    if (link.outside) attrs['data-outside'] = 'not followed';
    if (link.diff) attrs['data-diff'] = link.diff;
    const group = svg('g', attrs);
    const title = svg('title');
    title.textContent = linkTitle(link, events);
    group.appendChild(title);
    const path = svg('path', { d, class: 'tl-link-path' });
    path.style.strokeWidth = String(EKG.linkWidth(link.confidence) * (role ? 1.25 : 1));
    const variant = role || (link.diff && link.diff !== 'none' ? 'diff' + link.diff : 'base');
    if (directed) path.setAttribute('marker-end', 'url(#m-' + link.kind + '-' + variant + ')');
    group.appendChild(path);
    const mid = {
      x: 0.125 * p0.x + 0.375 * p1.x + 0.375 * p2.x + 0.125 * p3.x,
      y: 0.125 * p0.y + 0.375 * p1.y + 0.375 * p2.y + 0.125 * p3.y,
    };
    const badges = [];
    if (link.status === 'contested' || link.status === 'unsupported') badges.push(['warn', '!']);
    if (link.articleOnly) badges.push(['article', 'A']);
    badges.forEach(([kind, text], i) => {
      const x = mid.x + (i - (badges.length - 1) / 2) * 14;
      group.appendChild(svg('circle', { cx: f(x), cy: f(mid.y), r: 6.5, class: 'tl-badge tl-badge-' + kind }));
      const label = svg('text', { x: f(x), y: f(mid.y + 3.5), class: 'tl-badge-text', 'text-anchor': 'middle' });
      label.textContent = text;
      group.appendChild(label);
    });
    return group;
  }
  const f = (n) => (Math.round(n * 10) / 10).toString();

  /** The box an arrow attaches to: the dot of a point item, the bar of a range item. */
  function anchorBox(item, wrapRect) {
    if (!item) return null;
    const point = item.classList.contains('vis-point');
    const target = point ? item.querySelector('.vis-dot') || item : item;
    const r = target.getBoundingClientRect();
    if (!r.width && !r.height) return null;
    return {
      point,
      left: r.left - wrapRect.left,
      right: r.right - wrapRect.left,
      top: r.top - wrapRect.top,
      bottom: r.bottom - wrapRect.top,
      cx: (r.left + r.right) / 2 - wrapRect.left,
      cy: (r.top + r.bottom) / 2 - wrapRect.top,
    };
  }

  /**
   * The Bezier control points of an arrow from box a to box b. When b lies to the right of a the
   * arrow runs left to right (out of a's right side or dot, into b's left side or dot); when
   * the two overlap in time (same day, or an event inside a span) it runs up or down, from a's
   * edge facing b to b's edge facing a, so that it never loops back.
   */
  function route(a, b, directed) {
    const head = directed ? 5 : 2;
    const aRight = a.point ? a.cx : a.right;
    const bLeft = b.point ? b.cx : b.left;
    if (bLeft - aRight > 14) {
      const p0 = { x: aRight, y: a.cy };
      const p3 = { x: bLeft - (b.point ? head : 1), y: b.cy };
      const dx = Math.max(20, (p3.x - p0.x) * 0.45);
      return { p0, p1: { x: p0.x + dx, y: p0.y }, p2: { x: p3.x - dx, y: p3.y }, p3 };
    }
    const down = b.cy >= a.cy;
    const x0 = a.point ? a.cx : clamp(b.cx, a.left + 4, a.right - 4);
    const x3 = b.point ? b.cx : clamp(x0, b.left + 4, b.right - 4);
    const p0 = { x: x0, y: a.point ? a.cy : (down ? a.bottom : a.top) };
    const edge = b.point ? b.cy + (down ? -head : head) : (down ? b.top - 1 : b.bottom + 1);
    const p3 = { x: x3, y: edge };
    const dy = Math.max(12, Math.abs(p3.y - p0.y) * 0.5) * (down ? 1 : -1);
    // Same x: bow the line sideways a little so that stacked arrows stay apart.
    const bow = Math.abs(x3 - x0) < 6 ? 10 : 0;
    return { p0, p1: { x: p0.x + bow, y: p0.y + dy }, p2: { x: p3.x + bow, y: p3.y - dy }, p3 };
  }

  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, hi < lo ? lo : v));

  function linkTitle(link, events) {
    const from = events.get(link.from);
    const to = events.get(link.to);
    const parts = [(from ? from.label : link.from) + ' — ' + EKG.humanKind(link.kind) + ' → ' + (to ? to.label : link.to)];
    parts.push('confidence ' + link.confidence + ', ' + link.status);
    if (link.disputed || (link.asserters && link.asserters.length)) {
      if (link.asserters && link.asserters.length) parts.push('asserted by ' + link.asserters.join(', '));
      if (link.disputedBy && link.disputedBy.length) parts.push('disputed by ' + link.disputedBy.join(', '));
    }
    if (link.outside) parts.push('not counted as a cause or effect: outside the chosen lens');
    if (link.diff) parts.push(EKG.DIFF_WORDS[link.diff] || '');
    if (link.articleOnly) parts.push('asserted only by the article (' + link.articleVerdicts.join(', ') + ')');
    return parts.join('\n');
  }

  EKG.timelineArrows = { buildDefs, arrow, anchorBox };
})();
