/*
 * Home page controller: windowed mode, for datasets too large to hold in the page. Above
 * WINDOWED_THRESHOLD events the page never fetches every event: for the timeline's visible range
 * (on load, and after each pan or zoom, debounced; a stale request is aborted, recent windows
 * are cached) it asks GET /api/timeline/window for the most important events of that window
 * at the timeline's width, the links among them and, per time bucket and lane, a count of the
 * events left out. The timeline holds those items; the clusters are drawn over it, one per
 * bucket and lane (a shaded band with its count; clicking it zooms in on the bucket). Causes, effects and
 * chains come from the API as always (whole dataset); the graph panel, the event list and the
 * arrows show only the window's events, which the captions say.
 *
 * Also marks performance for the page benchmark (benchmarks/page.py) in both modes:
 * 'ekg:first-paint' once the first timeline items are in the DOM, 'ekg:window' after each
 * window is drawn (body[data-window-seq] counts them).
 * Loaded after the other parts and before app.js; wraps a few EKG.home functions.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const home = EKG.home;
  const { $, STORY, state, data } = home;

  /** More events than this (the dataset's or the story's) and the page goes windowed. */
  const WINDOWED_THRESHOLD = 5000;
  const DEBOUNCE_MS = 25;
  const CACHE_SIZE = 24;
  const GRAPH_DELAY_MS = 700;

  const windowed = {
    on: false,
    span: null, // [first start, last start] of the selection, as Dates
    total: 0, // events of the selection in the window
    selection: 0, // events of the selection in all
    clusters: [],
    requests: 0, // answers fetched from the server (not the cache)
    seq: 0, // windows drawn
    lanesKey: null,
    cache: new Map(),
    controller: null,
    key: null,
    asked: 0, // refreshes asked: only the latest one's answer is drawn
    include: null, // the event brought into view (reveal): asked for while it is selected
    pending: null, // {key, answer: Promise} of the request in flight
    drawnFor: null, // [start, end] (ms) of the timeline window the drawn answer was asked for
  };

  /** A Date as a wall-clock date-time in the story's zone, as the window parameters read it. */
  function wallClock(date) {
    const p = EKG.zone.parts(date);
    const pad = EKG.pad;
    const year = p.year < 0 ? '0000' : String(p.year).padStart(4, '0');
    return year + '-' + pad(p.month + 1) + '-' + pad(p.day) + 'T' + pad(p.hour) + ':' + pad(p.minute) + ':' + pad(p.second);
  }

  function width() {
    const center = document.querySelector('#timeline .vis-panel.vis-center');
    const box = (center || $('timeline')).getBoundingClientRect();
    return Math.max(200, Math.min(8192, Math.round(box.width || 800)));
  }

  function lanesParam() {
    return state.lanes.length && state.lanes.length !== home.LANES.length ? state.lanes : null;
  }

  /** GET /api/timeline/window (cached by its URL parameters; an older request is aborted). */
  async function fetchWindow(start, end) {
    const params = { start: start ? wallClock(start) : null, end: end ? wallClock(end) : null, width: width(), lane: lanesParam(), lens: 'all' };
    if (windowed.include && windowed.include === state.event) params.include = windowed.include;
    const key = JSON.stringify(params);
    if (windowed.cache.has(key)) {
      const hit = windowed.cache.get(key);
      windowed.cache.delete(key);
      windowed.cache.set(key, hit);
      // The request in flight is for another window, no longer wanted.
      if (windowed.controller) windowed.controller.abort();
      return { key, answer: hit };
    }
    if (windowed.pending && windowed.pending.key === key) return { key, answer: await windowed.pending.answer };
    if (windowed.controller) windowed.controller.abort();
    const controller = (windowed.controller = new AbortController());
    const url = home.API + '/timeline/window' + EKG.query(Object.assign(params, { story: STORY.id }));
    const pending = (windowed.pending = { key, answer: EKG.getJSON(url, controller.signal) });
    let answer;
    try {
      answer = await pending.answer;
    } finally {
      if (windowed.pending === pending) windowed.pending = null;
      if (windowed.controller === controller) windowed.controller = null;
    }
    windowed.requests += 1;
    windowed.cache.set(key, answer);
    if (windowed.cache.size > CACHE_SIZE) windowed.cache.delete(windowed.cache.keys().next().value);
    return { key, answer };
  }

  /** Take a window answer as the page's data: its events, links and clusters. */
  function take(answer) {
    data.all = new Map(answer.items.map((item) => [String(item.id), home.toEvent(item)]));
    data.selection = data.all;
    data.links = new Map();
    for (const link of answer.links || []) {
      link.articleVerdicts = [];
      link.articleOnly = false;
      link.disputed = home.isDisputed(link);
      link.asserters = link.asserters || [];
      link.disputedBy = link.disputedBy || [];
      link.narratives = link.narratives || [];
      data.links.set(link.id, link);
    }
    home.markLens();
    windowed.total = answer.total;
    windowed.selection = answer.selection;
    windowed.clusters = answer.clusters || [];
  }

  /**
   * The cluster bands, drawn in the arrows' SVG overlay (under the arrows, clipped to the
   * timeline) each time the arrows are: a faint band over the bucket in its lane's row and its
   * count. Not vis-timeline items: a hundred more items would make every pan redraw slow.
   */
  function drawClusters() {
    const tl = home.timeline;
    const old = tl.layer.querySelector('.tl-clusters');
    if (old) old.remove();
    if (!windowed.on || !windowed.clusters.length) return;
    const center = tl.container.querySelector('.vis-panel.vis-center');
    if (!center) return;
    const wrap = tl.wrap.getBoundingClientRect();
    const c = center.getBoundingClientRect();
    const w = tl.getWindow();
    const span = w.end - w.start;
    const x = (date) => c.left - wrap.left + ((date.getTime() - w.start.getTime()) / span) * c.width;
    const rows = new Map();
    for (const label of tl.container.querySelectorAll('.vis-labelset .vis-label')) {
      const lane = [...label.classList].find((name) => name.startsWith('lane-'));
      if (lane) rows.set(lane.slice(5), label.getBoundingClientRect());
    }
    const group = EKG.svg('g', { class: 'tl-clusters' });
    for (const cluster of windowed.clusters) {
      const row = rows.get(EKG.laneKey(cluster.lane));
      if (!row) continue;
      const left = Math.max(x(EKG.parseDate(cluster.start)), c.left - wrap.left);
      const right = Math.min(x(EKG.parseDate(cluster.end)), c.right - wrap.left);
      if (right <= left) continue;
      const top = row.top - wrap.top;
      group.appendChild(EKG.svg('rect', { class: 'tl-cluster', x: left + 1, y: top + 1, width: Math.max(1, right - left - 2), height: Math.max(1, row.height - 2) }));
      const text = '+' + cluster.count.toLocaleString('en');
      if (right - left < 6 * text.length + 6) continue;
      const label = EKG.svg('text', { class: 'tl-cluster-count', x: left + 4, y: top + row.height - 5 });
      label.textContent = text;
      group.appendChild(label);
    }
    tl.layer.insertBefore(group, tl.layer.firstChild);
  }

  function nextFrame() {
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }

  /** Fetch and draw the window the timeline shows now (stale answers are dropped). */
  async function refresh() {
    const ticket = ++windowed.asked;
    const w = home.timeline.getWindow();
    const asked = performance.now();
    performance.mark('ekg:window-ask');
    let fetched;
    try {
      fetched = await fetchWindow(w.start, w.end);
    } catch (err) {
      if ((err && err.name === 'AbortError') || ticket !== windowed.asked) return;
      $('timeline-caption').textContent = 'Could not load this window: ' + err.message;
      return;
    }
    if (ticket !== windowed.asked || windowed.key === fetched.key) return;
    windowed.key = fetched.key;
    windowed.drawnFor = [w.start.getTime(), w.end.getTime()];
    const drawing = performance.now();
    performance.measure('ekg:window-fetch', { start: asked, end: drawing });
    take(fetched.answer);
    drawTimeline();
    performance.measure('ekg:window-draw', { start: drawing });
    await nextFrame();
    performance.measure('ekg:window-frames', { start: drawing });
    windowed.seq += 1;
    document.body.dataset.windowSeq = String(windowed.seq);
    performance.mark('ekg:window');
    home.updateTimelineCaption();
    renderListSoon();
  }

  const renderListSoon = EKG.debounce(() => home.renderEventList(), GRAPH_DELAY_MS);

  const refreshSoon = EKG.debounce(refresh, DEBOUNCE_MS);

  /** The timeline first (what a pan or zoom waits for); the graph once the panning stops. */
  function drawTimeline() {
    const tl = home.timeline;
    home.computeViewLinks();
    const lanes = home.LANES.filter((lane) => state.lanes.includes(lane.id));
    const lanesKey = lanes.map((l) => l.id).join(',');
    if (lanesKey !== windowed.lanesKey) {
      windowed.lanesKey = lanesKey;
      tl.setData(lanes, data.selection, data.viewLinks);
    } else {
      // Only the events that come or go: those that stay are not drawn again.
      tl.events = data.selection;
      tl.links = data.viewLinks;
      const stale = tl.items.getIds().filter((id) => !data.selection.has(String(id)));
      if (stale.length) tl.items.remove(stale);
      const fresh = [...data.selection.values()].filter((event) => !tl.items.get(event.id));
      if (fresh.length) tl.items.add(fresh.map((event) => tl.toItem(event)));
      tl.updateMode();
      tl.schedule();
    }
    drawGraphSoon();
  }

  const drawGraphSoon = EKG.debounce(() => {
    home.graph.setData(data.selection, data.viewLinks, data.highlight.selected);
    home.graph.setHighlight(data.highlight);
    $('graph-caption').textContent = data.selection.size + ' events drawn in the timeline window and ' + data.viewLinks.length +
      ' links among them. Large dataset: the graph shows only the events drawn in the timeline window.';
  }, GRAPH_DELAY_MS);

  /**
   * Called first by loadAll: whether the page goes windowed. A story's size is in its record;
   * without a story the first window (the whole span) is fetched and tells. When windowed, the
   * first window is the page's data and the span its default window.
   */
  async function loadWindowed() {
    const counts = STORY.record && STORY.record.counts;
    if (STORY.id && counts && counts.events <= WINDOWED_THRESHOLD) return false;
    const { key, answer } = await fetchWindow(null, null);
    if (answer.selection <= WINDOWED_THRESHOLD) return false;
    windowed.on = true;
    windowed.key = key;
    document.body.classList.add('is-windowed');
    const narratives = await home.api('/narratives').catch(() => ({ narratives: [], lenses: [] }));
    data.claims = [];
    data.narratives = narratives.narratives || [];
    data.lenses = EKG.lensChoices(narratives);
    take(answer);
    if (answer.span) windowed.span = [EKG.parseDate(answer.span.start), EKG.parseDate(answer.span.end)];
    if (windowed.span && !STORY.window) {
      const start = windowed.span[0].getTime();
      const end = windowed.span[1].getTime();
      const pad = Math.max((end - start) * 0.02, EKG.DAY);
      STORY.window = [new Date(start - pad), new Date(end + pad)];
    }
    return true;
  }

  // -- wrapping the other parts ---------------------------------------------------------------

  const original = {
    renderViews: home.renderViews,
    onWindow: home.onWindow,
    updateTimelineCaption: home.updateTimelineCaption,
  };
  let painted = false;

  function renderViews() {
    original.renderViews();
    if (windowed.on) {
      windowed.lanesKey = home.LANES.filter((lane) => state.lanes.includes(lane.id)).map((l) => l.id).join(',');
      const graphNote = ' Large dataset: the graph shows only the events drawn in the timeline window.';
      $('graph-caption').textContent += graphNote;
    }
    if (!painted) {
      painted = true;
      nextFrame().then(() => {
        if (document.querySelector('#timeline .vis-item')) performance.mark('ekg:first-paint');
      });
    }
  }

  function onWindow() {
    original.onWindow();
    if (!windowed.on) return;
    updateTimelineCaption(); // app-views.js's onWindow wrote the full-mode caption
    if (home.ready) refreshSoon();
  }

  function updateTimelineCaption() {
    original.updateTimelineCaption();
    if (!windowed.on) return;
    const shown = data.selection.size;
    const left = windowed.total - shown;
    $('timeline-caption').textContent = windowed.selection.toLocaleString('en') + ' events in all, too many to draw at once: ' +
      windowed.total.toLocaleString('en') + ' start in this window; the ' + shown + ' most important are drawn' +
      (left > 0 ? ', the other ' + left.toLocaleString('en') + ' are counted in the shaded bands (click one to zoom in)' : '') +
      '. Arrows, the event list and the graph cover the drawn events only; causes, effects and chains cover every event.' +
      (state.from || state.to ? ' The date filter does not apply here: move or zoom the timeline instead.' : '');
  }

  function zoomInto(cluster) {
    const start = EKG.parseDate(cluster.start).getTime();
    const end = EKG.parseDate(cluster.end).getTime();
    const pad = (end - start) * 0.1;
    home.timeline.setWindow(new Date(start - pad), new Date(end + pad));
  }

  /**
   * Bring an event that is not drawn into view (the search): the timeline moves to its date
   * (`date` of /api/events/<id>), and the windows ask for it by id while it is selected, so it
   * is drawn whatever its rank.
   */
  function reveal(id, date) {
    windowed.include = id;
    const start = EKG.parseDate(date.begin).getTime();
    const end = EKG.parseDate(date.end || date.begin).getTime() + EKG.DAY;
    const pad = Math.max((end - start) * 0.5, EKG.DAY);
    home.timeline.setWindow(new Date(start - pad), new Date(end + pad));
    refreshSoon();
  }

  /**
   * The bands are drawn with the arrows. A click on the timeline outside an item, inside a
   * band (the overlay lets clicks through), finds it by time and lane and zooms in on it.
   */
  function wireTimeline() {
    const timeline = home.timeline;
    if (!timeline || wireTimeline.done) return;
    wireTimeline.done = true;
    // 'rangechange' comes as the window moves (vis-timeline sends 'rangechanged' only after
    // redrawing): the request starts while the old items are still being moved.
    timeline.timeline.on('rangechange', () => {
      if (windowed.on && home.ready) refreshSoon();
    });
    const drawArrows = timeline.drawArrows.bind(timeline);
    timeline.drawArrows = () => {
      drawArrows();
      drawClusters();
    };
    home.timeline.timeline.on('click', (props) => {
      if (!windowed.on) return;
      if (props.what === 'item') return;
      const time = props.time && props.time.getTime();
      const hit = windowed.clusters.find((c) => c.lane === props.group &&
        EKG.parseDate(c.start).getTime() <= time && time < EKG.parseDate(c.end).getTime());
      if (hit) zoomInto(hit);
    });
  }

  /** loadSelection in windowed mode: the window is the selection; a lane filter refetches it. */
  async function windowSelection() {
    data.selection = data.all;
    if (home.ready) await refresh();
  }

  async function loadWindowedFirst() {
    wireTimeline();
    return loadWindowed();
  }

  Object.assign(home, {
    windowed, loadWindowed: loadWindowedFirst, renderViews, onWindow, updateTimelineCaption,
    refreshWindow: refresh, windowSelection, revealWindowed: reveal, WINDOWED_THRESHOLD,
  });
})();
