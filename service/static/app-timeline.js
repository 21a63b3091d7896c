/*
 * The timeline of the home page: vis-timeline 8.5.4 (peer build: globals `vis` and `moment`) in lanes,
 * with causal arrows drawn in an SVG overlay (vis-timeline has none; their shapes are in
 * app-timeline-arrows.js). The arrows are recomputed from the items' DOM positions after every
 * redraw ('changed'), while dragging ('rangechange') and on resize, and only between two items
 * that are both in the window.
 *
 * Dates are drawn at their precision: an instant is a dot with its Moscow time; a day is a dot,
 * or the whole day as a span once the window is 4 days or less; a month, a year or an interval
 * is a span (month and year spans hatched). Beyond 3 years, when the window holds many events,
 * the labels go and items no longer stack ("overview"), so that a century fits.
 * Plain ES2017 script; exports EKG.TimelineView.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el, DAY } = EKG;
  const arrows = EKG.timelineArrows;
  const labels = EKG.timelineLabels;

  const OVERVIEW_SPAN = 3 * 365 * DAY;
  const HOURS_SPAN = 4 * DAY;

  /** Beyond 3 years and with more than OVERVIEW_COUNT events in the window, labels would pile up. */
  const OVERVIEW_COUNT = 24;

  function modeOf(span, count) {
    if (span > OVERVIEW_SPAN && count > OVERVIEW_COUNT) return 'overview';
    if (span <= HOURS_SPAN) return 'hours';
    return 'normal';
  }

  class TimelineView {
    /**
     * options: {container, wrap, overlay (SVG element), onSelect(id|null), onWindow(start, end, byUser),
     *           onDraw(linkIds)}
     */
    constructor(options) {
      this.container = options.container;
      this.wrap = options.wrap;
      this.overlay = options.overlay;
      this.onSelect = options.onSelect || (() => {});
      this.onWindow = options.onWindow || (() => {});
      this.onDraw = options.onDraw || (() => {});
      this.events = new Map();
      this.links = [];
      this.highlight = emptyHighlight();
      this.drawn = [];
      this.mode = null;
      this.labelPlan = new Map();
      this.pending = false;
      this.items = new vis.DataSet();
      this.groups = new vis.DataSet();
      this.timeline = new vis.Timeline(this.container, this.items, this.groups, {
        // The axis in the story's zone, at its offset in the middle of the window (one offset
        // per view: labels stay regular across a change to or from summer time).
        moment: (date) => {
          const m = window.moment(date);
          const range = this.timeline && this.timeline.range;
          return m.utcOffset(EKG.zone.offset(range ? (range.start + range.end) / 2 : m.valueOf()));
        },
        orientation: { axis: 'top', item: 'top' },
        groupOrder: 'order',
        stack: true,
        margin: { item: { horizontal: 6, vertical: 4 }, axis: 6 },
        min: options.bounds[0],
        max: options.bounds[1],
        zoomMin: 2 * 3600 * 1000,
        zoomMax: Math.max(options.bounds[1] - options.bounds[0], 30 * DAY),
        zoomKey: 'ctrlKey',
        showCurrentTime: false,
        // Day numbers every day or two when they fit, else weeks ("24 Nov"), before months.
        maxMinorChars: 4,
        showWeekScale: true,
        // With the week scale on, vis-timeline marks every Monday as major on the day scale.
        format: { minorLabels: { week: 'D MMM' }, majorLabels: { week: 'MMMM YYYY', day: 'ddd D MMM YYYY' } },
        selectable: true,
        multiselect: false,
        tooltip: { followMouse: false, delay: 250, overflowMethod: 'cap' },
        template: (item) => this.renderItem(item),
        groupTemplate: (group) => group && group.element ? group.element : el('span', { text: (group && group.label) || '' }),
      });
      this.timeline.on('select', (props) => this.onSelect(props.items && props.items.length ? String(props.items[0]) : null));
      this.timeline.on('changed', () => this.schedule());
      this.timeline.on('rangechange', () => this.schedule());
      this.timeline.on('rangechanged', (props) => {
        this.updateMode();
        this.replan();
        this.onWindow(props.start, props.end, Boolean(props.byUser));
      });
      const replanSoon = EKG.debounce(() => this.replan(), 200);
      window.addEventListener('resize', () => {
        this.schedule();
        replanSoon();
      });
      this.wrap.addEventListener('scroll', () => this.schedule(), true);
      this.buildDefs();
    }

    /** Lanes ([{id, label, colour}]), events (Map id -> event), links ([{id, from, to, ...}]). */
    setData(lanes, events, links) {
      this.events = events;
      this.links = links;
      this.groups.clear();
      this.groups.add(lanes.map((lane, order) => ({
        id: lane.id,
        order,
        className: 'lane lane-' + EKG.laneKey(lane.id),
        label: lane.label,
        element: el('span', { class: 'lane-label' }, el('span', { class: 'lane-swatch lane-bg-' + EKG.laneKey(lane.id) }), lane.label),
      })));
      this.mode = modeOf(this.span(), this.countInWindow());
      this.applyModeOptions();
      this.labelPlan = this.planLabels();
      this.items.clear();
      this.items.add([...events.values()].map((event) => this.toItem(event)));
    }

    /** The label plan (app-timeline-labels.js) for the window as it is now. */
    planLabels() {
      const center = this.container.querySelector('.vis-panel.vis-center');
      const width = center ? center.clientWidth : this.container.clientWidth * 0.8;
      const root = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      const font = (0.78 * root) + 'px ' + getComputedStyle(this.container).fontFamily;
      return labels.plan(this.events.values(), this.highlight, this.timeline.getWindow(), width, font, this.mode);
    }

    /** Plan the labels again; redraw the items whose label changes. */
    replan() {
      const next = this.planLabels();
      const changed = [];
      for (const event of this.events.values()) {
        const a = JSON.stringify(this.labelPlan.get(event.id) || null);
        const b = JSON.stringify(next.get(event.id) || null);
        if (a !== b) changed.push(event.id);
      }
      this.labelPlan = next;
      if (changed.length) this.items.update(changed.map((id) => ({ id, className: this.classOf(this.events.get(id)) })));
    }

    /** Only the arrows change (link filters). */
    setLinks(links) {
      this.links = links;
      this.schedule();
    }

    /** {selected, causes: Set, effects: Set, chain: Set, linkRoles: Map(linkId -> 'cause'|'effect'|'chain')} */
    setHighlight(highlight) {
      this.highlight = Object.assign(emptyHighlight(), highlight || {});
      this.labelPlan = this.planLabels();
      this.items.update([...this.events.values()].map((event) => ({ id: event.id, className: this.classOf(event) })));
      if (this.highlight.selected && this.events.has(this.highlight.selected)) this.timeline.setSelection([this.highlight.selected]);
      else this.timeline.setSelection([]);
      this.schedule();
    }

    /** Events of the data whose date range meets the window. */
    countInWindow() {
      const w = this.timeline.getWindow();
      let count = 0;
      for (const event of this.events.values()) {
        if ((event.end || event.start) >= w.start && event.start <= w.end) count += 1;
      }
      return count;
    }

    span() {
      const w = this.timeline.getWindow();
      return w.end - w.start;
    }

    getWindow() {
      return this.timeline.getWindow();
    }

    setWindow(start, end) {
      this.timeline.setWindow(start, end, { animation: false });
      this.updateMode();
      this.schedule();
    }

    zoom(factor) {
      if (factor < 1) this.timeline.zoomIn(1 - factor, { animation: false });
      else this.timeline.zoomOut(1 - 1 / factor, { animation: false });
      this.updateMode();
    }

    pan(fraction) {
      const w = this.timeline.getWindow();
      const shift = (w.end - w.start) * fraction;
      this.setWindow(new Date(w.start.getTime() + shift), new Date(w.end.getTime() + shift));
      this.onWindow(this.timeline.getWindow().start, this.timeline.getWindow().end, true);
    }

    fit() {
      this.timeline.fit({ animation: false });
      this.updateMode();
      this.schedule();
    }

    /** Switch between overview / normal / hours when the window span crosses a threshold. */
    updateMode() {
      const mode = modeOf(this.span(), this.countInWindow());
      if (mode === this.mode) return;
      const dayTypeChanges = (mode === 'hours') !== (this.mode === 'hours');
      const labelChanges = (mode === 'overview') !== (this.mode === 'overview');
      this.mode = mode;
      this.applyModeOptions();
      this.labelPlan = this.planLabels();
      if (dayTypeChanges || labelChanges) {
        // Re-adding (not updating) makes vis-timeline measure the items again.
        this.items.clear();
        this.items.add([...this.events.values()].map((event) => this.toItem(event)));
      }
    }

    applyModeOptions() {
      this.wrap.classList.toggle('tl-overview', this.mode === 'overview');
      this.wrap.classList.toggle('tl-hours', this.mode === 'hours');
      this.timeline.setOptions({ stack: this.mode !== 'overview' });
    }

    /** Ids of the items inside the window that are drawn. */
    visibleIds() {
      const rendered = this.renderedItems();
      return this.timeline.getVisibleItems().map(String).filter((id) => rendered.has(id));
    }

    toItem(event) {
      const item = { id: event.id, group: event.lane, className: this.classOf(event), title: tooltip(event) };
      if (event.precision === 'day' && this.mode === 'hours') {
        return Object.assign(item, { type: 'range', start: event.start, end: new Date(event.start.getTime() + DAY) });
      }
      if (event.end && event.precision !== 'day' && event.precision !== 'instant') {
        return Object.assign(item, { type: 'range', start: event.start, end: event.end });
      }
      return Object.assign(item, { type: 'point', start: event.start });
    }

    classOf(event) {
      const h = this.highlight;
      const classes = ['ev', 'lane-' + EKG.laneKey(event.lane), 'prec-' + event.precision].concat(labels.classes(this.labelPlan.get(event.id)));
      if (event.approximate) classes.push('prec-approx');
      if (event.uncertain) classes.push('prec-uncertain');
      if (event.precision === 'day' && this.mode === 'hours') classes.push('prec-day-span');
      const hasFocus = h.selected || h.chain.size;
      if (h.selected === event.id) classes.push('is-selected');
      if (h.causes.has(event.id)) classes.push('is-cause');
      if (h.effects.has(event.id)) classes.push('is-effect');
      if (h.chain.has(event.id)) classes.push('is-chain');
      if (hasFocus && h.selected !== event.id && !h.causes.has(event.id) && !h.effects.has(event.id) && !h.chain.has(event.id)) {
        classes.push('is-dimmed');
      }
      return classes.join(' ');
    }

    /** The content of one item: [time] label [precision tag] [article mark]. */
    renderItem(item) {
      const event = item && this.events.get(String(item.id));
      if (!event) return el('span', { text: item ? String(item.content || '') : '' });
      const parts = [];
      if (event.precision === 'instant') parts.push(el('span', { class: 'ti-time', text: EKG.clockTime(event.start) }));
      if (event.approximate || event.uncertain) parts.push(el('span', { class: 'ti-qual', text: event.uncertain ? '?' : '~', title: event.uncertain ? 'uncertain date' : 'approximate date' }));
      const plan = this.labelPlan.get(event.id);
      const text = plan && plan.label === 'short' ? labels.shortLabel(event.label) : event.label;
      parts.push(el('span', { class: 'ti-text', text }));
      if (event.precision === 'month' || event.precision === 'year') {
        parts.push(el('span', { class: 'ti-prec', text: event.precision === 'month' ? 'month' : 'year' }));
      } else if (event.precision === 'day' && this.mode === 'hours') {
        parts.push(el('span', { class: 'ti-prec', text: 'day' }));
      }
      if (event.articleOnly) parts.push(el('span', { class: 'article-mark', text: 'A', title: 'Some claims about this event are only in the article' }));
      const node = el('span', { class: 'ti', dataset: { itemId: event.id } }, parts);
      // A wrapped label gets its line width set, so that it wraps the same when vis-timeline
      // measures it (before a span has its width) as when it is drawn.
      if (plan && plan.width) node.style.maxWidth = plan.width + 'px';
      if (plan && plan.wraps) node.style.width = plan.width + 'px';
      return node;
    }

    /** Map id -> the .vis-item element of every item vis-timeline has drawn. */
    renderedItems() {
      const found = new Map();
      for (const node of this.container.querySelectorAll('.vis-item .ti[data-item-id]')) {
        const item = node.closest('.vis-item');
        if (item && item.isConnected) found.set(node.dataset.itemId, item);
      }
      return found;
    }

    schedule() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => {
        this.pending = false;
        this.drawArrows();
      });
    }

    buildDefs() {
      const { clipRect, layer } = arrows.buildDefs(this.overlay);
      this.clipRect = clipRect;
      this.layer = layer;
    }

    /** Draw one arrow per link whose two events are both drawn inside the window. */
    drawArrows() {
      const wrapRect = this.wrap.getBoundingClientRect();
      const center = this.container.querySelector('.vis-panel.vis-center');
      this.overlay.setAttribute('width', String(wrapRect.width));
      this.overlay.setAttribute('height', String(wrapRect.height));
      this.overlay.setAttribute('viewBox', '0 0 ' + wrapRect.width + ' ' + wrapRect.height);
      while (this.layer.firstChild) this.layer.removeChild(this.layer.firstChild);
      this.drawn = [];
      if (!center) return this.onDraw(this.drawn);
      const c = center.getBoundingClientRect();
      const clip = { x: c.left - wrapRect.left, y: c.top - wrapRect.top, w: c.width, h: c.height };
      this.clipRect.setAttribute('x', clip.x);
      this.clipRect.setAttribute('y', clip.y);
      this.clipRect.setAttribute('width', clip.w);
      this.clipRect.setAttribute('height', clip.h);
      labels.thinAxis(this.container);
      const rendered = this.renderedItems();
      // A span too short for even a few letters of its label shows none (CSS .ti-hidden).
      for (const item of rendered.values()) {
        if (item.classList.contains('vis-range')) {
          const label = item.querySelector('.ti');
          if (label) label.classList.toggle('ti-hidden', item.offsetWidth < 40 && !item.classList.contains('lbl-beside'));
        }
      }
      const visible = new Set(this.timeline.getVisibleItems().map(String));
      const boxes = new Map();
      const boxOf = (id) => {
        if (!boxes.has(id)) boxes.set(id, arrows.anchorBox(rendered.get(id), wrapRect));
        return boxes.get(id);
      };
      const roles = this.highlight.linkRoles;
      const focus = this.highlight.selected || this.highlight.chain.size;
      // Highlighted links last, so they are drawn on top.
      const ordered = [...this.links].sort((a, b) => (roles.has(a.id) ? 1 : 0) - (roles.has(b.id) ? 1 : 0));
      for (const link of ordered) {
        if (!visible.has(link.from) || !visible.has(link.to) || !rendered.has(link.from) || !rendered.has(link.to)) continue;
        const a = boxOf(link.from);
        const b = boxOf(link.to);
        if (!a || !b) continue;
        const role = roles.get(link.id) || null;
        this.layer.appendChild(arrows.arrow(link, a, b, role, focus && !role, this.events));
        this.drawn.push(link.id);
      }
      this.onDraw(this.drawn);
    }
  }

  function emptyHighlight() {
    return { selected: null, causes: new Set(), effects: new Set(), chain: new Set(), linkRoles: new Map() };
  }

  function tooltip(event) {
    const lines = [EKG.escapeHtml(event.label), EKG.escapeHtml(event.display || '')];
    if (event.precision === 'month' || event.precision === 'year') lines.push('(' + event.precision + ' precision)');
    return lines.filter(Boolean).join('<br>');
  }

  EKG.TimelineView = TimelineView;
})();