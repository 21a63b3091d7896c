/*
 * Home page controller, part 2 of 8: drawing the state into the views. The timeline and the
 * causal graph get the selection and the links the filters keep, both get the highlight
 * (selected event, its causes and effects, or the chosen chain), and the captions and the list
 * of events follow the timeline window. Also moving that window: zoom presets and revealing
 * events. Adds its functions to EKG.home (see app-data.js).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const home = EKG.home;
  const { $, LANES, PRESETS, STORY, state, data } = home;

  /** The lanes drawn: those the filter keeps, of the story's (or holding any of its events). */
  function visibleLanes() {
    const used = new Set([...data.all.values()].map((e) => e.lane));
    return LANES.filter((lane) => state.lanes.includes(lane.id) && (!STORY.listed || STORY.listed.has(lane.id) || used.has(lane.id)));
  }

  function renderViews() {
    home.computeViewLinks();
    home.timeline.setData(visibleLanes(), data.selection, data.viewLinks);
    home.graph.setData(data.selection, data.viewLinks, data.highlight.selected);
    updateGraphCaption();
  }

  function renderLinksOnly() {
    home.computeViewLinks();
    home.timeline.setLinks(data.viewLinks);
    home.graph.setData(data.selection, data.viewLinks, data.highlight.selected);
    updateGraphCaption();
  }

  function applyHighlight(h) {
    data.highlight = h;
    home.timeline.setHighlight(h);
    home.graph.setHighlight(h);
    renderEventList();
  }

  function updateGraphCaption() {
    const graph = home.graph;
    const unlinked = data.selection.size - graph.nodeCount;
    $('graph-caption').textContent = graph.nodeCount + ' linked events and ' + data.viewLinks.length + ' links. ' +
      (unlinked > 0 ? unlinked + (unlinked === 1 ? ' event' : ' events') + ' of the selection without a link under the current filters ' + (unlinked === 1 ? 'is' : 'are') + ' only on the timeline. ' : '') +
      'Causes stand left of their effects. Drag to pan, scroll to zoom.';
  }

  function updateTimelineCaption() {
    const timeline = home.timeline;
    const inWindow = timeline.visibleIds().length;
    const w = timeline.getWindow();
    const mode = timeline.mode === 'overview' ? ' Zoomed out: labels hidden, hover or use the list.' : timeline.mode === 'hours' ? ' Zoomed in to hours: day-precision events span their whole day.' : '';
    $('timeline-caption').textContent = data.selection.size + (data.selection.size === 1 ? ' event' : ' events') + ' in the selection, ' +
      inWindow + ' in the window (' + EKG.shortDate(w.start) + ' – ' + EKG.shortDate(w.end) + '), ' +
      data.drawnLinks.length + (data.drawnLinks.length === 1 ? ' arrow' : ' arrows') + ' between them. Times in ' + EKG.zone.describe(w.start) + '.' + mode;
  }

  const renderEventListSoon = EKG.debounce(() => renderEventList(), 80);

  function renderEventList() {
    const all = $('list-all').checked;
    const visible = new Set(home.timeline.visibleIds());
    const events = [...data.selection.values()].filter((e) => all || visible.has(e.id));
    const list = $('event-list');
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('#event-list') ? document.activeElement.dataset.id : null;
    list.replaceChildren(...EKG.panels.renderEventList(events, {
      highlight: data.highlight,
      onSelect: (id) => home.selectEvent(id, { from: 'list' }),
      laneLabel: (id) => (LANES.find((l) => l.id === id) || { label: id }).label,
    }));
    if (focused) {
      const again = list.querySelector('[data-id="' + CSS.escape(focused) + '"]');
      if (again) again.focus();
    }
    $('event-list-caption').textContent = all
      ? 'All ' + events.length + ' events of the selection, in time order.'
      : events.length + ' of ' + data.selection.size + ' events of the selection are in the timeline window. Each button selects its event.';
  }

  // -- the timeline window --------------------------------------------------------------------

  /** Move the timeline window so that all of `ids` are in it (keeps the span if they fit). */
  function revealEvents(ids) {
    const timeline = home.timeline;
    const events = ids.map((id) => data.selection.get(id)).filter(Boolean);
    if (!events.length) return;
    const start = Math.min(...events.map((e) => e.start.getTime()));
    const end = Math.max(...events.map((e) => (e.end || e.start).getTime()));
    const w = timeline.getWindow();
    if (start >= w.start.getTime() && end <= w.end.getTime()) return;
    const pad = Math.max((end - start) * 0.15, 12 * 3600 * 1000);
    let from = start - pad;
    let to = end + pad;
    const span = w.end - w.start;
    if (to - from < span && ids.length === 1) {
      from = start - span / 2;
      to = start + span / 2;
    }
    timeline.setWindow(new Date(from), new Date(to));
    onWindow();
  }

  /** Ids of the selected events that start or end inside the timeline window. */
  function eventsInWindow() {
    const w = home.timeline.getWindow();
    return [...data.selection.values()].filter((e) => (e.end || e.start) >= w.start && e.start <= w.end).map((e) => e.id);
  }

  function onWindow() {
    updateTimelineCaption();
    renderEventListSoon();
    home.writeUrlSoon();
  }

  function zoomTo(name) {
    const timeline = home.timeline;
    if (PRESETS[name]) timeline.setWindow(PRESETS[name].range[0], PRESETS[name].range[1]);
    else if (name === 'in') timeline.zoom(0.5);
    else if (name === 'out') timeline.zoom(2);
    else if (name === 'fit') timeline.fit();
    onWindow();
  }

  Object.assign(home, {
    renderViews, renderLinksOnly, applyHighlight, updateTimelineCaption, renderEventList,
    revealEvents, eventsInWindow, onWindow, zoomTo,
  });
})();
