/*
 * Home page controller, part 5 of 8: what the user sets outside the views, and the URL. The
 * filter form (lanes and dates reload the selection, link filters only redraw the links; both
 * recompute the highlight), the URL query string that mirrors the state (history.replaceState,
 * format in app-state.js), the zoom toolbar and the keyboard (1-9 the story's zoom presets, +, -,
 * arrows, Escape). Adds
 * its functions to EKG.home (see app-data.js).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const home = EKG.home;
  const { $, CHOICES, TABS, state, data, emptyHighlight } = home;

  let filterForm = null;
  let selectionSeq = 0;

  // -- filters and the URL ------------------------------------------------------------------

  /** The filter form, showing the state (call once the URL has been read into it). */
  function initFilters() {
    filterForm = new EKG.FilterForm({ choices: CHOICES, onChange: onFilterChange, onReset: resetFilters });
    filterForm.write(state);
  }

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
      await home.loadSelection();
    } catch (err) {
      $('timeline-caption').textContent = 'Could not load the events: ' + err.message;
      return;
    }
    if (seq !== selectionSeq) return;
    home.renderViews();
    // New dates with nothing of them in the window: show the whole selection.
    if (opts && opts.datesChanged && data.selection.size && !home.eventsInWindow().length) home.timeline.fit();
    await refreshHighlight();
    writeUrl();
  }

  async function refreshLinks() {
    home.renderLinksOnly();
    await refreshHighlight();
    writeUrl();
  }

  /** Recompute the highlight after a filter change (the chains and causes depend on the links). */
  async function refreshHighlight() {
    if (state.event) await home.selectEvent(state.event, { from: 'url', keepChain: true });
    else if (data.chains && state.source && state.target) await home.findChains({ path: state.path });
    else home.applyHighlight(emptyHighlight());
  }

  function writeUrl() {
    if (!home.ready) return;
    const url = location.pathname + EKG.urlState.format(state, CHOICES, home.timeline.getWindow(), TABS[0]) + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, '', url);
  }

  const writeUrlSoon = EKG.debounce(writeUrl, 150);

  // -- keyboard and toolbar ------------------------------------------------------------------

  function wireToolbar() {
    $('zoom-bar').addEventListener('click', (e) => {
      const button = e.target.closest('[data-zoom]');
      if (button) home.zoomTo(button.dataset.zoom);
    });
    $('graph-fit').addEventListener('click', () => home.graph.fit());
    $('graph-expand').addEventListener('click', () => {
      setGraphWide(!state.graphWide);
      writeUrl();
    });
    setGraphWide(Boolean(state.graphWide));
    $('list-all').addEventListener('change', () => home.renderEventList());
    $('timeline-wrap').addEventListener('keydown', (e) => {
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        e.preventDefault();
        home.timeline.pan(e.key === 'ArrowLeft' ? -0.2 : 0.2);
      }
    });
    document.addEventListener('keydown', (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
      const keys = { '+': 'in', '=': 'in', '-': 'out' };
      const zoom = home.PRESETS[e.key] ? e.key : keys[e.key];
      if (zoom) {
        e.preventDefault();
        home.zoomTo(zoom);
      } else if (e.key === 'Escape' && (state.event || state.path !== null)) {
        state.path = null;
        home.selectEvent(null);
        home.renderChainList();
      }
    });
  }

  /** The causal graph across the whole page (the Expand button), or beside the side panel. */
  function setGraphWide(wide) {
    state.graphWide = wide;
    document.querySelector('.app-layout').classList.toggle('graph-wide', wide);
    const button = $('graph-expand');
    button.setAttribute('aria-pressed', String(wide));
  }

  Object.assign(home, { initFilters, setGraphWide, writeUrl, writeUrlSoon, wireToolbar, refreshHighlight });
})();
