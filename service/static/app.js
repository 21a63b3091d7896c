/*
 * Home page controller: reads #app-config (see templates/index.html for the contract), loads the
 * selection from the JSON API, keeps the timeline (EKG.TimelineView), the causal graph
 * (EKG.GraphView), the side panels and the list of events in step, and mirrors the state in the
 * URL query string (history.replaceState) so that a view can be shared and restored.
 *
 * window.app exposes the state and a few read-outs for tests and the console. The body gets
 * data-ready="1" once the first render (timeline, arrows, graph, and any event or chain named in
 * the URL) is complete.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el, getJSON, query, DIRECTED_KINDS } = EKG;
  const $ = (id) => document.getElementById(id);

  const DEFAULT_STATUSES = ['supported', 'qualified', 'contested', 'unsupported'];
  const DEFAULT_KINDS = ['causes', 'contributes_to', 'enables', 'prevents', 'correlates_with', 'similar_to'];
  const MSK = (text) => new Date(text + '+03:00');
  const PRESETS = {
    history: [MSK('1914-06-01T00:00:00'), MSK('2016-06-01T00:00:00')],
    year: [MSK('2013-12-20T00:00:00'), MSK('2015-02-20T00:00:00')],
    crisis: [MSK('2014-11-24T00:00:00'), MSK('2014-12-28T00:00:00')],
    hours: [MSK('2014-12-15T00:00:00'), MSK('2014-12-17T00:00:00')],
  };
  const COMPARE = { a: 'cbr-refinancing-rate-to-150', b: 'cbr-hike-to-17' };
  const CHAIN_EXAMPLE = { source: 'opec-decides-no-cut', target: 'bank-and-energy-shares-fall-dec-16' };

  const config = readConfig();
  const API = (config.api || '/api').replace(/\/$/, '');
  const LANES = EKG.choices(config.lanes, [
    { id: 'oil', label: 'Oil' }, { id: 'monetary-policy', label: 'Monetary policy' }, { id: 'sanctions', label: 'Sanctions' },
    { id: 'markets', label: 'Markets' }, { id: 'politics', label: 'Politics' }, { id: 'history', label: 'History' },
  ]);
  const STATUSES = EKG.choices(config.statuses, DEFAULT_STATUSES);
  const KINDS = EKG.choices(config.kinds, DEFAULT_KINDS);

  const CHOICES = { lanes: LANES, statuses: STATUSES, kinds: KINDS };
  const state = Object.assign(EKG.urlState.defaults(CHOICES), {
    event: null,
    source: null,
    target: null,
    path: null,
    tab: 'details',
    window: null,
  });

  const data = {
    all: new Map(), // every event, id -> event
    links: new Map(), // every link, id -> link
    selection: new Map(), // the events the event filters keep, in time order
    viewLinks: [], // links the link filters keep, between two events of the selection
    highlight: emptyHighlight(),
    chains: null, // {chains, hidden, source, target, depth}
    reach: null,
    drawnLinks: [],
    notes: new Map(), // link id -> note (from event details)
  };

  let timeline = null;
  let graph = null;
  let combos = {};
  let selectSeq = 0;
  let selectionSeq = 0;
  let ready = false;

  function readConfig() {
    const node = document.getElementById('app-config');
    try {
      return node ? JSON.parse(node.textContent) : {};
    } catch (err) {
      return {};
    }
  }

  function emptyHighlight() {
    return { selected: null, causes: new Set(), effects: new Set(), chain: new Set(), linkRoles: new Map() };
  }

  // -- events and links from the API ----------------------------------------------------------

  function toEvent(item) {
    const classes = String(item.className || '').split(/\s+/);
    const start = EKG.parseDate(item.start);
    return {
      id: String(item.id),
      label: EKG.unescapeHtml(item.content),
      lane: item.group,
      start,
      end: item.end ? EKG.parseDate(item.end) : null,
      precision: item.precision || (classes.find((c) => c.startsWith('precision-')) || 'precision-day').slice(10),
      approximate: classes.includes('approximate'),
      uncertain: classes.includes('uncertain'),
      display: item.title || '',
      edtf: item.edtf || '',
      articleOnly: false,
    };
  }

  /** Every page of /api/timeline for the given filters. */
  async function fetchTimeline(filters) {
    const items = [];
    const links = [];
    let next = null;
    let guard = 0;
    do {
      const page = await getJSON(API + '/timeline' + query(Object.assign({ limit: 1000, next }, filters)));
      items.push(...page.items);
      links.push(...(page.links || []));
      next = page.next;
      guard += 1;
    } while (next && guard < 20);
    return { items, links };
  }

  function sortEvents(events) {
    const laneOrder = new Map(LANES.map((l, i) => [l.id, i]));
    return new Map([...events].sort((a, b) => a.start - b.start || (laneOrder.get(a.lane) || 0) - (laneOrder.get(b.lane) || 0)).map((e) => [e.id, e]));
  }

  async function loadAll() {
    const [timelineAll, claims] = await Promise.all([fetchTimeline({}), getJSON(API + '/claims').catch(() => ({ claims: [] }))]);
    const articleEvents = new Set();
    const assertions = new Map();
    for (const claim of claims.claims || []) {
      if (claim.verdict === 'article-only') (claim.about || []).forEach((id) => articleEvents.add(id));
      for (const linkId of claim.asserts_links || []) {
        if (!assertions.has(linkId)) assertions.set(linkId, []);
        assertions.get(linkId).push(claim.verdict);
      }
    }
    data.all = sortEvents(timelineAll.items.map(toEvent));
    for (const event of data.all.values()) event.articleOnly = articleEvents.has(event.id);
    for (const link of timelineAll.links) {
      const verdicts = assertions.get(link.id) || [];
      link.articleVerdicts = verdicts;
      link.articleOnly = verdicts.length > 0 && !verdicts.includes('verified');
      data.links.set(link.id, link);
    }
  }

  function eventFiltersActive() {
    return state.lanes.length !== LANES.length || state.from || state.to;
  }

  /** The selection: every event unless lanes or dates are filtered, then what the API returns. */
  async function loadSelection() {
    if (!eventFiltersActive()) {
      data.selection = data.all;
      return;
    }
    if (!state.lanes.length) {
      data.selection = new Map();
      return;
    }
    const filters = { from: state.from, to: state.to };
    if (state.lanes.length !== LANES.length) filters.lane = state.lanes;
    const result = await fetchTimeline(filters);
    data.selection = sortEvents(result.items.map((item) => data.all.get(String(item.id)) || toEvent(item)));
  }

  function linkPasses(link) {
    return state.statuses.includes(link.status) && state.kinds.includes(link.kind) && (typeof link.confidence !== 'number' || link.confidence + 1e-9 >= state.conf);
  }

  function computeViewLinks() {
    data.viewLinks = [...data.links.values()].filter((link) => linkPasses(link) && data.selection.has(link.from) && data.selection.has(link.to));
  }

  const label = (id) => (data.all.get(id) ? data.all.get(id).label : id);

  // -- rendering ------------------------------------------------------------------------------

  function visibleLanes() {
    return LANES.filter((lane) => state.lanes.includes(lane.id));
  }

  function renderViews() {
    computeViewLinks();
    timeline.setData(visibleLanes(), data.selection, data.viewLinks);
    graph.setData(data.selection, data.viewLinks, data.highlight.selected);
    updateGraphCaption();
  }

  function renderLinksOnly() {
    computeViewLinks();
    timeline.setLinks(data.viewLinks);
    graph.setData(data.selection, data.viewLinks, data.highlight.selected);
    updateGraphCaption();
  }

  function applyHighlight(h) {
    data.highlight = h;
    timeline.setHighlight(h);
    graph.setHighlight(h);
    renderEventList();
  }

  function updateGraphCaption() {
    const unlinked = data.selection.size - graph.nodeCount;
    $('graph-caption').textContent = graph.nodeCount + ' linked events and ' + data.viewLinks.length + ' links. ' +
      (unlinked > 0 ? unlinked + (unlinked === 1 ? ' event' : ' events') + ' of the selection without a link under the current filters ' + (unlinked === 1 ? 'is' : 'are') + ' only on the timeline. ' : '') +
      'Causes stand left of their effects. Drag to pan, scroll to zoom.';
  }

  function updateTimelineCaption() {
    const inWindow = timeline.visibleIds().length;
    const w = timeline.getWindow();
    const mode = timeline.mode === 'overview' ? ' Zoomed out: labels hidden, hover or use the list.' : timeline.mode === 'hours' ? ' Zoomed in to hours: day-precision events span their whole day.' : '';
    $('timeline-caption').textContent = data.selection.size + (data.selection.size === 1 ? ' event' : ' events') + ' in the selection, ' +
      inWindow + ' in the window (' + EKG.shortDate(w.start) + ' – ' + EKG.shortDate(w.end) + '), ' +
      data.drawnLinks.length + (data.drawnLinks.length === 1 ? ' arrow' : ' arrows') + ' between them. Moscow time (UTC+03:00).' + mode;
  }

  const renderEventListSoon = EKG.debounce(() => renderEventList(), 80);

  function renderEventList() {
    const all = $('list-all').checked;
    const visible = new Set(timeline.visibleIds());
    const events = [...data.selection.values()].filter((e) => all || visible.has(e.id));
    const list = $('event-list');
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('#event-list') ? document.activeElement.dataset.id : null;
    list.replaceChildren(...EKG.panels.renderEventList(events, {
      highlight: data.highlight,
      onSelect: (id) => selectEvent(id, { from: 'list' }),
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

  // -- selection, causes and effects --------------------------------------------------------

  async function reachOf(id) {
    const kinds = state.kinds.filter((k) => DIRECTED_KINDS.includes(k));
    if (!kinds.length || !state.statuses.length) return { causes: new Set(), effects: new Set(), note: '(no directed link kind is selected in the filters)' };
    const params = query({ status: state.statuses, kind: kinds });
    const [up, down] = await Promise.all([
      getJSON(API + '/causes/' + encodeURIComponent(id) + params),
      getJSON(API + '/effects/' + encodeURIComponent(id) + params),
    ]);
    const ancestors = new Set((up.ancestors || []).map((a) => a.event));
    const descendants = new Set((down.descendants || []).map((d) => d.event));
    // The minimum confidence: keep what is still reachable over links at or above it.
    const usable = [...data.links.values()].filter((l) => linkPasses(l) && DIRECTED_KINDS.includes(l.kind));
    const walk = (start, allowed, forward) => {
      const seen = new Set();
      const todo = [start];
      while (todo.length) {
        const at = todo.pop();
        for (const link of usable) {
          const [here, there] = forward ? [link.from, link.to] : [link.to, link.from];
          if (here === at && allowed.has(there) && !seen.has(there)) {
            seen.add(there);
            todo.push(there);
          }
        }
      }
      return seen;
    };
    const statuses = state.statuses.length === STATUSES.length ? '' : ' (' + state.statuses.join(', ') + ' links only)';
    return { causes: walk(id, ancestors, false), effects: walk(id, descendants, true), note: statuses };
  }

  function selectionHighlight(id, reach) {
    const h = emptyHighlight();
    h.selected = id;
    h.causes = reach.causes;
    h.effects = reach.effects;
    const up = new Set([...reach.causes, id]);
    const down = new Set([...reach.effects, id]);
    for (const link of data.viewLinks) {
      if (!DIRECTED_KINDS.includes(link.kind)) continue;
      if (reach.causes.has(link.from) && up.has(link.to)) h.linkRoles.set(link.id, 'cause');
      else if (down.has(link.from) && reach.effects.has(link.to)) h.linkRoles.set(link.id, 'effect');
    }
    return h;
  }

  /** Select an event (or clear with null): details, causes and effects in both views, URL. */
  async function selectEvent(id, opts) {
    const options = opts || {};
    const seq = ++selectSeq;
    if (!id) {
      state.event = null;
      if (!options.keepChain) clearChainChoice();
      applyHighlight(emptyHighlight());
      renderEmptyDetails();
      writeUrl();
      return;
    }
    state.event = id;
    if (!options.keepChain) clearChainChoice();
    if (!graph.cy.getElementById(id).length && data.selection.has(id)) graph.setData(data.selection, data.viewLinks, id);
    if (options.from !== 'url') showTab('details');
    writeUrl();
    const details = $('details');
    details.setAttribute('aria-busy', 'true');
    try {
      const [event, reach] = await Promise.all([
        getJSON(API + '/events/' + encodeURIComponent(id)),
        reachOf(id),
      ]);
      if (seq !== selectSeq) return;
      for (const link of [...(event.causes || []), ...(event.effects || []), ...(event.similar || [])]) {
        if (link.note) data.notes.set(link.link_id, link.note);
      }
      applyHighlight(selectionHighlight(id, reach));
      data.reach = reach;
      if (options.from !== 'graph') graph.fit([id, ...reach.causes, ...reach.effects]);
      details.replaceChildren(...EKG.panels.renderDetails(event, {
        onSelect: (other) => selectEvent(other, { from: 'details' }),
        onChainFrom: (from) => startChain(from, null),
        onChainTo: (to) => startChain(null, to),
        articleLinks: new Set([...data.links.values()].filter((l) => l.articleOnly).map((l) => l.id)),
        reach: { causes: reach.causes.size, effects: reach.effects.size, note: reach.note },
        eventUrl: API + '/events/' + encodeURIComponent(id),
      }));
      details.dataset.empty = '0';
      $('panel-details').scrollTop = 0;
      if (!data.selection.has(id)) {
        details.prepend(el('p', { class: 'notice', text: 'This event is hidden by the filters: it is not on the timeline or in the graph.' }));
      }
      if (options.from === 'list' || options.from === 'details') {
        const title = $('details-title');
        if (title && options.from === 'details') title.focus();
      }
      if (options.reveal && data.selection.has(id)) revealEvents([id]);
    } catch (err) {
      if (seq !== selectSeq) return;
      details.replaceChildren(el('p', { class: 'notice', text: 'Could not load the event: ' + err.message }));
      details.dataset.empty = '0';
    } finally {
      if (seq === selectSeq) details.removeAttribute('aria-busy');
    }
  }

  function renderEmptyDetails() {
    const details = $('details');
    if (details.dataset.empty === '1') return;
    details.replaceChildren(emptyDetailsTemplate.cloneNode(true));
    details.dataset.empty = '1';
    wireQuickPicks(details);
  }

  let emptyDetailsTemplate = null;

  function wireQuickPicks(root) {
    for (const button of root.querySelectorAll('[data-select]')) {
      button.addEventListener('click', () => selectEvent(button.dataset.select, { from: 'details', reveal: true }));
    }
  }

  /** Move the timeline window so that all of `ids` are in it (keeps the span if they fit). */
  function revealEvents(ids) {
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

  // -- chain explorer -------------------------------------------------------------------------

  function clearChainChoice() {
    if (state.path === null) return;
    state.path = null;
    for (const button of document.querySelectorAll('.chain-btn')) button.setAttribute('aria-pressed', 'false');
  }

  function startChain(source, target) {
    if (source) setCombo('source', source);
    if (target) setCombo('target', target);
    showTab('chains');
    const other = source ? $('chain-target') : $('chain-source');
    other.focus();
  }

  function setCombo(role, id) {
    const event = data.all.get(id);
    combos[role].set(id, event ? event.label : id);
    state[role] = id;
  }

  async function searchEvents(text) {
    const result = await getJSON(API + '/events' + query({ q: text, limit: 12 }));
    return (result.events || []).map((e) => ({ id: e.id, label: e.label, date: e.date && e.date.display }));
  }

  /** Resolve the text of a combobox to an event id (first match) when none was picked. */
  async function resolveCombo(role) {
    const combo = combos[role];
    if (combo.id) return combo.id;
    const text = combo.input.value.trim();
    if (!text) return null;
    const found = await searchEvents(text);
    const exact = found.find((f) => f.label.toLowerCase() === text.toLowerCase()) || found[0];
    if (!exact) return null;
    combo.set(exact.id, exact.label);
    return exact.id;
  }

  async function findChains(opts) {
    const options = opts || {};
    const results = $('chain-results');
    const source = await resolveCombo('source');
    const target = await resolveCombo('target');
    state.source = source;
    state.target = target;
    if (!source || !target) {
      results.replaceChildren(el('p', { class: 'notice', text: 'Choose two events: type part of a name and pick one from the suggestions.' }));
      writeUrl();
      return;
    }
    const depth = Number($('chain-depth').value) || 6;
    const kinds = state.kinds.filter((k) => DIRECTED_KINDS.includes(k));
    results.setAttribute('aria-busy', 'true');
    try {
      const answer = kinds.length && state.statuses.length
        ? await getJSON(API + '/chains' + query({ source, target, max_depth: depth, limit: 25, status: state.statuses, kind: kinds }))
        : { chains: [] };
      const chains = answer.chains.filter((c) => c.weakest_confidence === null || c.weakest_confidence === undefined || c.weakest_confidence + 1e-9 >= state.conf);
      data.chains = { chains, hidden: answer.chains.length - chains.length, source, target, depth };
      if (options.path !== undefined && options.path !== null && chains[options.path]) {
        chooseChain(options.path, { quiet: true });
      } else {
        state.path = null;
        if (data.highlight.chain.size) applyHighlight(emptyHighlight());
        renderChainList();
      }
    } catch (err) {
      results.replaceChildren(el('p', { class: 'notice', text: 'Could not find chains: ' + err.message }));
    } finally {
      results.removeAttribute('aria-busy');
      writeUrl();
    }
  }

  function renderChainList() {
    if (!data.chains) return;
    $('chain-results').replaceChildren(...EKG.panels.renderChains(Object.assign({ labels: label, chosen: state.path }, data.chains), {
      links: data.links,
      onChoose: (index) => chooseChain(index),
    }));
  }

  /** Highlight chain number `index` in both views. */
  function chooseChain(index, opts) {
    const chain = data.chains && data.chains.chains[index];
    if (!chain) return;
    selectSeq += 1; // drop a pending event selection
    state.path = index;
    state.event = null;
    if (state.tab !== 'chains') showTab('chains');
    const h = emptyHighlight();
    chain.events.forEach((id) => h.chain.add(id));
    chain.links.forEach((id) => h.linkRoles.set(id, 'chain'));
    applyHighlight(h);
    renderChainList();
    const shown = chain.events.filter((id) => data.selection.has(id));
    revealEvents(shown);
    graph.fit(shown);
    const hidden = chain.events.length - shown.length;
    if (hidden) {
      $('chain-results').prepend(el('p', { class: 'notice', text: hidden + (hidden === 1 ? ' event' : ' events') + ' of this chain ' + (hidden === 1 ? 'is' : 'are') + ' hidden by the lane or date filters.' }));
    }
    renderEmptyDetails();
    writeUrl();
    if (!(opts && opts.quiet)) {
      const pressed = document.querySelector('.chain-btn[aria-pressed="true"]');
      if (pressed) pressed.focus();
    }
  }

  // -- comparison ----------------------------------------------------------------------------

  let compareLoaded = false;

  async function loadCompare() {
    if (compareLoaded) return;
    compareLoaded = true;
    const box = $('compare');
    try {
      const [cmp, a, b] = await Promise.all([
        getJSON(API + '/compare' + query(COMPARE)),
        getJSON(API + '/events/' + COMPARE.a),
        getJSON(API + '/events/' + COMPARE.b),
      ]);
      for (const link of [...(a.similar || []), ...(b.similar || [])]) if (link.note) data.notes.set(link.link_id, link.note);
      box.replaceChildren(...EKG.panels.renderCompare(cmp, { a, b }, {
        onSelect: (id) => selectEvent(id, { from: 'details', reveal: true }),
        labels: label,
        notes: data.notes,
      }));
    } catch (err) {
      compareLoaded = false;
      box.replaceChildren(el('p', { class: 'notice', text: 'Could not load the comparison: ' + err.message }));
    }
  }

  // -- tabs ----------------------------------------------------------------------------------

  const TABS = ['details', 'chains', 'compare'];

  function showTab(name, focus) {
    if (!TABS.includes(name)) name = 'details';
    state.tab = name;
    for (const tab of TABS) {
      const button = $('tab-' + tab);
      const on = tab === name;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      $('panel-' + tab).hidden = !on;
    }
    if (focus) $('tab-' + name).focus();
    if (name === 'compare') loadCompare();
    writeUrl();
  }

  function wireTabs() {
    const list = $('side-tabs');
    list.addEventListener('click', (e) => {
      const tab = e.target.closest('[role="tab"]');
      if (tab) showTab(tab.id.slice(4));
    });
    list.addEventListener('keydown', (e) => {
      const index = TABS.indexOf(state.tab);
      let next = null;
      if (e.key === 'ArrowRight') next = TABS[(index + 1) % TABS.length];
      else if (e.key === 'ArrowLeft') next = TABS[(index + TABS.length - 1) % TABS.length];
      else if (e.key === 'Home') next = TABS[0];
      else if (e.key === 'End') next = TABS[TABS.length - 1];
      if (next) {
        e.preventDefault();
        showTab(next, true);
      }
    });
  }

  // -- filters and the URL ------------------------------------------------------------------

  let filterForm = null;

  function onFilterChange(filters, change) {
    Object.assign(state, filters);
    return change.eventsChanged ? refreshSelection({ datesChanged: change.datesChanged }) : refreshLinks();
  }

  function resetFilters() {
    Object.assign(state, EKG.urlState.defaults(CHOICES));
    filterForm.write(state);
    return refreshSelection({ datesChanged: true });
  }

  async function refreshSelection(opts) {
    const seq = ++selectionSeq;
    try {
      await loadSelection();
    } catch (err) {
      $('timeline-caption').textContent = 'Could not load the events: ' + err.message;
      return;
    }
    if (seq !== selectionSeq) return;
    renderViews();
    // New dates with nothing of them in the window: show the whole selection.
    if (opts && opts.datesChanged && data.selection.size && !eventsInWindow().length) timeline.fit();
    await refreshHighlight();
    writeUrl();
  }

  async function refreshLinks() {
    renderLinksOnly();
    await refreshHighlight();
    writeUrl();
  }

  /** Recompute the highlight after a filter change (the chains and causes depend on the links). */
  async function refreshHighlight() {
    if (state.event) await selectEvent(state.event, { from: 'url', keepChain: true });
    else if (data.chains && state.source && state.target) await findChains({ path: state.path });
    else applyHighlight(emptyHighlight());
  }

  function writeUrl() {
    if (!ready) return;
    const url = location.pathname + EKG.urlState.format(state, CHOICES, timeline.getWindow(), TABS[0]) + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, '', url);
  }

  const writeUrlSoon = EKG.debounce(writeUrl, 150);

  /** Ids of the selected events that start or end inside the timeline window. */
  function eventsInWindow() {
    const w = timeline.getWindow();
    return [...data.selection.values()].filter((e) => (e.end || e.start) >= w.start && e.start <= w.end).map((e) => e.id);
  }

  function onWindow() {
    updateTimelineCaption();
    renderEventListSoon();
    writeUrlSoon();
  }

  // -- keyboard and toolbar ------------------------------------------------------------------

  function zoomTo(name) {
    if (PRESETS[name]) timeline.setWindow(PRESETS[name][0], PRESETS[name][1]);
    else if (name === 'in') timeline.zoom(0.5);
    else if (name === 'out') timeline.zoom(2);
    else if (name === 'fit') timeline.fit();
    onWindow();
  }

  function wireToolbar() {
    $('zoom-bar').addEventListener('click', (e) => {
      const button = e.target.closest('[data-zoom]');
      if (button) zoomTo(button.dataset.zoom);
    });
    $('graph-fit').addEventListener('click', () => graph.fit());
    $('list-all').addEventListener('change', () => renderEventList());
    $('timeline-wrap').addEventListener('keydown', (e) => {
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        e.preventDefault();
        timeline.pan(e.key === 'ArrowLeft' ? -0.2 : 0.2);
      }
    });
    document.addEventListener('keydown', (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
      const keys = { 1: 'history', 2: 'year', 3: 'crisis', 4: 'hours', '+': 'in', '=': 'in', '-': 'out' };
      if (keys[e.key]) {
        e.preventDefault();
        zoomTo(keys[e.key]);
      } else if (e.key === 'Escape' && (state.event || state.path !== null)) {
        state.path = null;
        selectEvent(null);
        renderChainList();
      }
    });
  }

  function wireChains() {
    combos.source = new EKG.Combobox($('chain-source'), $('chain-source-list'), searchEvents, (id) => { state.source = id; });
    combos.target = new EKG.Combobox($('chain-target'), $('chain-target-list'), searchEvents, (id) => { state.target = id; });
    $('chain-form').addEventListener('submit', (e) => {
      e.preventDefault();
      findChains();
    });
    $('chain-swap').addEventListener('click', () => {
      const s = combos.source.id;
      const t = combos.target.id;
      const sText = combos.source.input.value;
      const tText = combos.target.input.value;
      combos.source.set(t, tText);
      combos.target.set(s, sText);
      state.source = t;
      state.target = s;
      if (s && t) findChains();
    });
    $('chain-clear').addEventListener('click', () => {
      combos.source.set(null, '');
      combos.target.set(null, '');
      Object.assign(state, { source: null, target: null, path: null });
      data.chains = null;
      $('chain-results').replaceChildren();
      if (data.highlight.chain.size) applyHighlight(emptyHighlight());
      writeUrl();
    });
    $('chain-example').addEventListener('click', () => {
      setCombo('source', CHAIN_EXAMPLE.source);
      setCombo('target', CHAIN_EXAMPLE.target);
      findChains();
    });
  }

  // -- start ---------------------------------------------------------------------------------

  function nextFrame() {
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }

  async function init() {
    emptyDetailsTemplate = $('details').firstElementChild.cloneNode(true);
    $('details').dataset.empty = '1';
    wireQuickPicks($('details'));
    Object.assign(state, EKG.urlState.parse(location.search, CHOICES, TABS));
    filterForm = new EKG.FilterForm({ choices: CHOICES, onChange: onFilterChange, onReset: resetFilters });
    filterForm.write(state);
    timeline = new EKG.TimelineView({
      container: $('timeline'),
      wrap: $('timeline-wrap'),
      overlay: $('tl-arrows'),
      onSelect: (id) => {
        if (id || state.event) selectEvent(id, { from: 'timeline' });
      },
      onWindow: () => onWindow(),
      onDraw: (ids) => {
        data.drawnLinks = ids;
        updateTimelineCaption();
      },
    });
    graph = new EKG.GraphView({
      container: $('graph'),
      onSelect: (id) => {
        if (id || state.event) selectEvent(id, { from: 'graph', reveal: true });
      },
    });
    wireToolbar();
    wireTabs();
    wireChains();
    try {
      await loadAll();
      await loadSelection();
    } catch (err) {
      $('timeline-caption').textContent = 'Could not load the events: ' + err.message;
      document.body.dataset.ready = 'error';
      return;
    }
    renderViews();
    const [start, end] = state.window || PRESETS.crisis;
    timeline.setWindow(start, end);
    if (!state.window && data.selection.size && !eventsInWindow().length) timeline.fit();
    ready = true;
    if (state.source) setCombo('source', state.source);
    if (state.target) setCombo('target', state.target);
    showTab(state.tab);
    if (state.event) await selectEvent(state.event, { from: 'url' });
    else if (state.source && state.target) await findChains({ path: state.path });
    else applyHighlight(emptyHighlight());
    await nextFrame();
    if (!state.event && state.path === null) graph.fit(eventsInWindow());
    timeline.drawArrows();
    updateTimelineCaption();
    renderEventList();
    writeUrl();
    document.body.dataset.ready = '1';
  }

  window.app = {
    state,
    data,
    get timeline() { return timeline; },
    get graph() { return graph; },
    select: (id) => selectEvent(id, { from: 'details', reveal: true }),
    findChains: (source, target) => {
      setCombo('source', source);
      setCombo('target', target);
      return findChains();
    },
    chooseChain: (index) => chooseChain(index),
    zoom: zoomTo,
    /** Ids of the events drawn inside the timeline window. */
    visibleIds: () => timeline.visibleIds(),
    /** Ids of the links drawn as arrows on the timeline. */
    arrowIds: () => [...document.querySelectorAll('#tl-arrows .tl-link')].map((g) => g.dataset.linkId),
    /** Class list of the timeline item of an event (null when it is not drawn). */
    itemClasses: (id) => {
      const node = document.querySelector('#timeline .ti[data-item-id="' + CSS.escape(id) + '"]');
      const item = node && node.closest('.vis-item');
      return item ? [...item.classList] : null;
    },
    /** Class list of the graph node of an event (null when it is not in the graph). */
    nodeClasses: (id) => graph.classesOf(id),
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
