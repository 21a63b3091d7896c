/*
 * Home page controller, part 8 of 8: start-up. Reads the state from the URL, builds the filter
 * form, the timeline (EKG.TimelineView) and the causal graph (EKG.GraphView), wires the
 * controls, loads the events and links from the JSON API and draws the first view, with any
 * event, chain or tab named in the URL. The other parts (app-data.js, app-views.js,
 * app-selection.js, app-chains.js, app-controls.js) keep the views, the side panels and the URL
 * in step afterwards; they share EKG.home.
 *
 * window.app exposes the state and a few read-outs for tests and the console. The body gets
 * data-ready="1" once the first render (timeline, arrows, graph, and any event or chain named in
 * the URL) is complete.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const home = EKG.home;
  const { $, CHOICES, TABS, STORY, state, data, emptyHighlight } = home;

  function nextFrame() {
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }

  async function init() {
    try {
      await home.loadStory(new URLSearchParams(location.search).get('story'));
    } catch (err) {
      $('timeline-caption').textContent = 'Could not load the stories: ' + err.message;
      document.body.dataset.ready = 'error';
      return;
    }
    Object.assign(state, EKG.urlState.parse(location.search, CHOICES, TABS), { story: STORY.id });
    home.initFilters();
    const timeline = (home.timeline = new EKG.TimelineView({
      container: $('timeline'),
      wrap: $('timeline-wrap'),
      overlay: $('tl-arrows'),
      bounds: STORY.bounds,
      onSelect: (id) => {
        if (id || state.event) home.selectEvent(id, { from: 'timeline' });
      },
      onWindow: () => home.onWindow(),
      onDraw: (ids) => {
        data.drawnLinks = ids;
        home.updateTimelineCaption();
      },
    }));
    const graph = (home.graph = new EKG.GraphView({
      container: $('graph'),
      onSelect: (id) => {
        if (id || state.event) home.selectEvent(id, { from: 'graph', reveal: true });
      },
    }));
    home.wireToolbar();
    home.wireTabs();
    home.wireChains();
    home.wireCompare();
    try {
      await home.loadAll();
      await home.loadSelection();
    } catch (err) {
      $('timeline-caption').textContent = 'Could not load the events: ' + err.message;
      document.body.dataset.ready = 'error';
      return;
    }
    home.renderSteps();
    home.initDetails();
    home.initCompare();
    home.initLens();
    home.initClaims();
    home.renderViews();
    const window = state.window || STORY.window;
    if (window) timeline.setWindow(window[0], window[1]);
    else timeline.fit();
    if (!state.window && data.selection.size && !home.eventsInWindow().length) timeline.fit();
    home.ready = true;
    if (state.source) home.setCombo('source', state.source);
    if (state.target) home.setCombo('target', state.target);
    home.showTab(state.tab);
    if (state.event) await home.selectEvent(state.event, { from: 'url' });
    else if (state.source && state.target) await home.findChains({ path: state.path });
    else home.applyHighlight(emptyHighlight());
    await nextFrame();
    if (!state.event && state.path === null) graph.fit(home.eventsInWindow());
    timeline.drawArrows();
    home.updateTimelineCaption();
    home.renderEventList();
    home.writeUrl();
    document.body.dataset.ready = '1';
  }

  window.app = {
    state,
    data,
    get timeline() { return home.timeline; },
    get graph() { return home.graph; },
    select: (id) => home.selectEvent(id, { from: 'details', reveal: true }),
    findChains: (source, target) => {
      home.setCombo('source', source);
      home.setCombo('target', target);
      return home.findChains();
    },
    chooseChain: (index) => home.chooseChain(index),
    /** Zoom to a preset ('1'..'9', as the number keys) or 'in', 'out', 'fit'. */
    zoom: (name) => home.zoomTo(String(name)),
    /** The story shown (its /api/stories record). */
    get story() { return STORY.record; },
    /** Ids of the events drawn inside the timeline window. */
    visibleIds: () => home.timeline.visibleIds(),
    /** Ids of the links drawn as arrows on the timeline. */
    arrowIds: () => [...document.querySelectorAll('#tl-arrows .tl-link')].map((g) => g.dataset.linkId),
    /** Class list of the timeline item of an event (null when it is not drawn). */
    itemClasses: (id) => {
      const node = document.querySelector('#timeline .ti[data-item-id="' + CSS.escape(id) + '"]');
      const item = node && node.closest('.vis-item');
      return item ? [...item.classList] : null;
    },
    /** Class list of the graph node of an event (null when it is not in the graph). */
    nodeClasses: (id) => home.graph.classesOf(id),
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
