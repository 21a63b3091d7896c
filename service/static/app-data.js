/*
 * Home page controller, part 1 of 8: the shared context EKG.home. It reads #app-config (see
 * templates/index.html for the contract) and holds the constants, the page state (the filters
 * and the view, mirrored in the URL) and the data loaded from the JSON API: every event and
 * link, the selection the event filters keep and the links the link filters keep.
 *
 * The controller is split by concern, loaded in this order, each adding its functions to
 * EKG.home: app-data.js (this file), app-views.js (timeline, graph and list rendering),
 * app-selection.js (selected event, causes and effects), app-chains.js (chain explorer,
 * comparison, tabs), app-controls.js (filters, URL, toolbar and keys), app-lens.js (the lens
 * switch and diff mode), app-claims.js (the Claims tab), app-analogies.js (the Analogies tab) and app.js (start-up and window.app). They call each other through EKG.home only once the page runs, so the order
 * matters only for EKG.home itself, created here.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { getJSON, query } = EKG;

  const DEFAULT_STATUSES = ['supported', 'qualified', 'contested', 'unsupported'];
  // The statuses the page reckons with "as the evidence shows it": only these links make causes,
  // effects and chains (as the API's analyses do by default); contested and unsupported links
  // are drawn, muted and dashed, with who asserts them, but never followed.
  const EVIDENCE_STATUSES = ['supported', 'qualified'];
  const DEFAULT_KINDS = ['causes', 'contributes_to', 'enables', 'prevents', 'correlates_with', 'similar_to'];
  // Filled from the story (GET /api/stories) by app-story.js before anything is drawn: the zoom
  // presets ('1'..'9' -> {label, range: [start, end]}), the default window, the example chain
  // and the story itself. LANES is the story's lanes in its order (the dataset's if it names none).
  const PRESETS = {};
  const CHAIN_EXAMPLE = { source: null, target: null };
  const STORY = { id: null, record: null, stories: [], window: null, bounds: null };
  const TABS = ['details', 'chains', 'claims', 'compare', 'analogies'];

  const config = readConfig();
  const API = (config.api || '/api').replace(/\/$/, '');
  const DATASET_LANES = EKG.choices(config.lanes, []);
  const LANES = DATASET_LANES.slice();
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
    lens: 'evidence',
    vs: '',
    verdict: '',
    story: null,
    ca: null,
    cb: null,
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
    claims: [], // the claims of /api/claims
    narratives: [], // the accounts of /api/narratives
    lenses: [], // [{id, label}]: the lens choices (evidence, all, each narrative)
  };

  function readConfig() {
    const node = document.getElementById('app-config');
    try {
      return node ? JSON.parse(node.textContent) : {};
    } catch (err) {
      return {};
    }
  }

  /** GET <api><path> with `params` and the story: every answer the page draws is the story's. */
  function api(path, params) {
    return getJSON(API + path + query(Object.assign({}, params || {}, { story: STORY.id })));
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
      partOf: item.part_of || null,
      importance: typeof item.importance === 'number' ? item.importance : 0,
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
      // lens=all: every link is drawn; the page reckons (follows, counts) only its lens's links.
      const page = await api('/timeline', Object.assign({ limit: 1000, next, lens: 'all' }, filters));
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
    if (EKG.home.loadWindowed && (await EKG.home.loadWindowed())) return; // app-window.js
    const [timelineAll, claims, info, narratives] = await Promise.all([
      fetchTimeline({}),
      api('/claims').catch(() => ({ claims: [] })),
      fetchLinkInfo().catch(() => new Map()),
      api('/narratives').catch(() => ({ narratives: [], lenses: [] })),
    ]);
    data.claims = claims.claims || [];
    data.narratives = narratives.narratives || [];
    data.lenses = EKG.lensChoices(narratives);
    const articleEvents = new Set();
    const assertions = new Map();
    for (const claim of data.claims) {
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
      const more = info.get(link.id) || {};
      link.articleVerdicts = verdicts;
      link.articleOnly = verdicts.length > 0 && !verdicts.includes('verified');
      link.disputed = isDisputed(link);
      link.asserters = more.asserters || [];
      link.disputedBy = more.disputedBy || [];
      link.narratives = link.narratives || more.narratives || [];
      data.links.set(link.id, link);
    }
    markLens();
  }

  /** Who asserts each link, who disputes it and the accounts it belongs to (/api/links). */
  async function fetchLinkInfo() {
    const found = new Map();
    let next = null;
    let guard = 0;
    do {
      const page = await api('/links', { limit: 500, next });
      for (const link of page.links || []) {
        found.set(link.id, {
          asserters: (link.asserted_by || []).map((a) => a.label),
          disputedBy: (link.disputed_by || []).map((d) => d.publisher || d.title || d.url),
          narratives: link.narratives || [],
        });
      }
      next = page.next;
      guard += 1;
    } while (next && guard < 20);
    return found;
  }

  /** A link the evidence does not bear out (contested, unsupported or of no known status). */
  const isDisputed = (link) => !EVIDENCE_STATUSES.includes(link.status);

  /**
   * Whether `link` belongs to `lens`: "evidence" keeps supported and qualified links, "all"
   * every link, a narrative the links it asserts (link.narratives), whatever their status.
   */
  function inLens(link, lens) {
    if (lens === 'all') return true;
    if (lens === 'evidence' || !lens) return !isDisputed(link);
    return (link.narratives || []).includes(lens);
  }

  /**
   * Mark every link for the lens (and the lens compared with): link.outside when the lens does
   * not follow it (drawn muted, never counted), link.diff 'a' | 'b' | 'both' | 'none' in diff mode.
   */
  function markLens() {
    for (const link of data.links.values()) {
      const a = inLens(link, state.lens);
      link.outside = !a;
      if (!state.vs) link.diff = null;
      else {
        const b = inLens(link, state.vs);
        link.diff = a && b ? 'both' : a ? 'a' : b ? 'b' : 'none';
      }
    }
  }

  /** The statuses causes, effects and chains follow: those the filters keep that the lens follows. */
  const reckonedStatuses = () => (state.lens === 'evidence' ? state.statuses.filter((s) => EVIDENCE_STATUSES.includes(s)) : state.statuses.slice());

  /** A drawn link that counts as a cause-effect step (link filters and the lens). */
  const linkReckoned = (link) => linkPasses(link) && !link.outside;

  function eventFiltersActive() {
    return state.lanes.length !== LANES.length || state.from || state.to;
  }

  /** The selection: every event unless lanes or dates are filtered, then what the API returns. */
  async function loadSelection() {
    if (EKG.home.windowed && EKG.home.windowed.on) return EKG.home.windowSelection(); // app-window.js
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

  /**
   * The shared context. timeline and graph (EKG.TimelineView, EKG.GraphView) are set by init()
   * in app.js; ready turns true once the first view is drawn (the URL is written from then on);
   * selectSeq counts event selections, so that a late answer for an older one is dropped.
   */
  EKG.home = {
    API, LANES, DATASET_LANES, STATUSES, KINDS, CHOICES, EVIDENCE_STATUSES, TABS, PRESETS, CHAIN_EXAMPLE, STORY,
    state, data, api,
    timeline: null,
    graph: null,
    ready: false,
    selectSeq: 0,
    $: (id) => document.getElementById(id),
    emptyHighlight, loadAll, loadSelection, linkPasses, computeViewLinks, label,
    isDisputed, reckonedStatuses, linkReckoned, inLens, markLens, toEvent,
  };
})();
