/*
 * Home page controller: the Compare tab. Two events chosen on the page (two search
 * comboboxes, or "Compare with…" from the chain explorer's pair), compared side by side with
 * GET /api/compare plus both events' details (labels, dates, quantities, causes and effects).
 * No pair is built in: the tab starts empty (the URL's `ca` and `cb` restore a pair), and
 * offers the story's example chain ends as a one-click example. Adds loadCompare and
 * wireCompare to EKG.home (see app-data.js).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el, getJSON } = EKG;
  const home = EKG.home;
  const { $, API, CHAIN_EXAMPLE, state, data, label } = home;

  const combos = {};
  let shown = null; // "a|b" of the pair on show

  function setPick(role, id) {
    const event = id && data.all.get(id);
    combos[role].set(id, id ? (event ? event.label : id) : '');
    state[role] = id || null;
  }

  /** Compare the pair in the comboboxes (`force`: even if it is already on show). */
  async function loadCompare(force) {
    const box = $('compare');
    const a = state.ca;
    const b = state.cb;
    if (!a || !b) {
      shown = null;
      box.replaceChildren(el('p', { class: 'muted', text: 'Choose two events to compare: type part of a name and pick one from the suggestions.' }));
      return;
    }
    if (!force && shown === a + '|' + b) return;
    shown = a + '|' + b;
    box.setAttribute('aria-busy', 'true');
    try {
      const [cmp, first, second] = await Promise.all([
        getJSON(API + '/compare' + EKG.query({ a, b })),
        getJSON(API + '/events/' + encodeURIComponent(a)),
        getJSON(API + '/events/' + encodeURIComponent(b)),
      ]);
      if (shown !== a + '|' + b) return;
      for (const link of [...(first.similar || []), ...(second.similar || [])]) if (link.note) data.notes.set(link.link_id, link.note);
      box.replaceChildren(...EKG.panels.renderCompare(cmp, { a: first, b: second }, {
        onSelect: (id) => home.selectEvent(id, { from: 'details', reveal: true }),
        labels: label,
        notes: data.notes,
      }));
    } catch (err) {
      shown = null;
      box.replaceChildren(el('p', { class: 'notice', text: 'Could not load the comparison: ' + err.message }));
    } finally {
      box.removeAttribute('aria-busy');
    }
  }

  async function resolve(role) {
    const combo = combos[role];
    if (combo.id) return combo.id;
    const text = combo.input.value.trim();
    if (!text) return null;
    const found = await home.searchEvents(text);
    const hit = found.find((f) => f.label.toLowerCase() === text.toLowerCase()) || found[0];
    if (hit) combo.set(hit.id, hit.label);
    return hit ? hit.id : null;
  }

  async function submit() {
    state.ca = await resolve('ca');
    state.cb = await resolve('cb');
    home.writeUrl();
    return loadCompare(true);
  }

  function wireCompare() {
    combos.ca = new EKG.Combobox($('compare-a'), $('compare-a-list'), home.searchEvents, (id) => { state.ca = id; });
    combos.cb = new EKG.Combobox($('compare-b'), $('compare-b-list'), home.searchEvents, (id) => { state.cb = id; });
    $('compare-form').addEventListener('submit', (e) => {
      e.preventDefault();
      submit();
    });
    $('compare-swap').addEventListener('click', () => {
      const [a, b] = [state.ca, state.cb];
      setPick('ca', b);
      setPick('cb', a);
      submit();
    });
    const example = $('compare-example');
    example.addEventListener('click', () => {
      setPick('ca', CHAIN_EXAMPLE.source);
      setPick('cb', CHAIN_EXAMPLE.target);
      submit();
    });
  }

  /** Show the pair of the URL and the example (once the events and the story are loaded). */
  function initCompare() {
    if (state.ca) setPick('ca', state.ca);
    if (state.cb) setPick('cb', state.cb);
    // The story's example chain: the Chains tab's example, and the Compare tab's.
    for (const [id, arrow] of [['compare-example', ' ↔ '], ['chain-example', ' → ']]) {
      const example = $(id);
      example.parentNode.hidden = !CHAIN_EXAMPLE.source;
      if (CHAIN_EXAMPLE.source) example.textContent = label(CHAIN_EXAMPLE.source) + arrow + label(CHAIN_EXAMPLE.target);
    }
  }

  Object.assign(home, { loadCompare, wireCompare, initCompare });
})();
