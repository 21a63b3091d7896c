/*
 * Home page controller, part 4 of 8: the side panel beyond the event details. The chain explorer
 * (two search comboboxes, the chains the API finds between the two events, one chain
 * highlighted in both views) and the tabs themselves (ARIA tabs: arrow keys, Home, End). Adds its functions to EKG.home (see
 * app-data.js).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el, DIRECTED_KINDS } = EKG;
  const home = EKG.home;
  const { $, TABS, CHAIN_EXAMPLE, state, data, emptyHighlight, label } = home;

  const combos = {};

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

  /**
   * The events that best match `text` as combobox options {id, label, date, story}, best first
   * (every word must match; the API ranks: more words in the label, whole words before word
   * starts before parts). The story's events, or with `opts.everyStory` every story's (the date
   * then names the story when the dataset holds several). Used by every event combobox.
   */
  async function searchEvents(text, signal, opts) {
    if (!/[\p{L}\p{N}_]{2}/u.test(text)) return []; // the API needs a word of 2+ characters
    const options = opts || {};
    const params = { q: text, limit: options.limit || 12, story: options.everyStory ? null : home.STORY.id };
    const result = await EKG.getJSON(home.API + '/search' + EKG.query(params), signal);
    return (result.matches || []).map((m) => ({
      id: m.id,
      label: m.label,
      story: m.story,
      date: [m.date && m.date.display, options.everyStory ? storyTitle(m.story) : ''].filter(Boolean).join(' · '),
    }));
  }

  function storyTitle(id) {
    const stories = home.STORY.stories || [];
    if (!id || stories.length < 2) return '';
    const story = stories.find((s) => s.id === id);
    return story ? story.title : id;
  }

  /** Resolve the text of a combobox to an event id (the best match) when none was picked. */
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
      home.writeUrl();
      return;
    }
    const depth = Number($('chain-depth').value) || 6;
    const kinds = state.kinds.filter((k) => DIRECTED_KINDS.includes(k));
    results.setAttribute('aria-busy', 'true');
    try {
      // Under the lens: chains run over its links only (evidence: supported and qualified).
      const statuses = home.reckonedStatuses();
      const answer = kinds.length && statuses.length
        ? await home.api('/chains', { source, target, max_depth: depth, limit: 25, lens: state.lens, status: statuses, kind: kinds.concat(['part_of']) })
        : { chains: [] };
      const chains = answer.chains.filter((c) => c.weakest_confidence === null || c.weakest_confidence === undefined || c.weakest_confidence + 1e-9 >= state.conf);
      data.chains = { chains, hidden: answer.chains.length - chains.length, source, target, depth };
      if (options.path !== undefined && options.path !== null && chains[options.path]) {
        chooseChain(options.path, { quiet: true });
      } else {
        state.path = null;
        if (data.highlight.chain.size) home.applyHighlight(emptyHighlight());
        renderChainList();
      }
    } catch (err) {
      results.replaceChildren(el('p', { class: 'notice', text: 'Could not find chains: ' + err.message }));
    } finally {
      results.removeAttribute('aria-busy');
      home.writeUrl();
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
    home.selectSeq += 1; // drop a pending event selection
    state.path = index;
    state.event = null;
    if (state.tab !== 'chains') showTab('chains');
    const h = emptyHighlight();
    chain.events.forEach((id) => h.chain.add(id));
    chain.links.forEach((id) => h.linkRoles.set(id, 'chain'));
    home.applyHighlight(h);
    renderChainList();
    const shown = chain.events.filter((id) => data.selection.has(id));
    home.revealEvents(shown);
    home.graph.fit(shown);
    const hidden = chain.events.length - shown.length;
    if (hidden) {
      $('chain-results').prepend(el('p', { class: 'notice', text: hidden + (hidden === 1 ? ' event' : ' events') + ' of this chain ' + (hidden === 1 ? 'is' : 'are') + ' hidden by the lane or date filters.' }));
    }
    home.renderEmptyDetails();
    home.writeUrl();
    if (!(opts && opts.quiet)) {
      home.showPanel('chains', 'chains'); // phone: the sheet; wider: into view
      const pressed = document.querySelector('.chain-btn[aria-pressed="true"]');
      if (pressed) pressed.focus();
    }
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
      if (data.highlight.chain.size) home.applyHighlight(emptyHighlight());
      home.writeUrl();
    });
    $('chain-example').addEventListener('click', () => {
      if (!CHAIN_EXAMPLE.source) return;
      setCombo('source', CHAIN_EXAMPLE.source);
      setCombo('target', CHAIN_EXAMPLE.target);
      findChains();
    });
  }

  // -- tabs ----------------------------------------------------------------------------------

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
    if (name === 'compare') home.loadCompare();
    if (name === 'analogies') home.loadAnalogies();
    home.writeUrl();
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

  Object.assign(home, {
    clearChainChoice, startChain, setCombo, searchEvents, findChains, renderChainList, chooseChain, wireChains,
    showTab, wireTabs,
  });
})();
