/*
 * Home page controller: the side panel where the reader is looking. At phone width (the page's
 * one-column layout, max-width 700px, as app-list.css) selecting an event or a chain turns the
 * side panel itself (the same element, tabs and all, restyled by app-sheet.css) into a bottom
 * sheet over the page: a bar with a handle (tap: full height or back; drag: up to expand, down to
 * close) and a close button; Escape closes it too and focus goes back to what was tapped. While
 * it is open a placeholder keeps its place in the page, so nothing behind it moves; closed, the
 * panel is back in the page and nothing holds the page's scroll. Wider, the panel is left where
 * it is and only scrolled into view when it is out of it.
 * Adds home.showPanel(kind, from) and home.hidePanel() to EKG.home (see app-data.js).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el } = EKG;
  const home = EKG.home;

  const PHONE = window.matchMedia('(max-width: 700px)');
  const LABELS = { details: 'Event details', chains: 'Chain' };
  const sheet = { open: false, opener: null, openerTop: null, label: null, placeholder: null, bar: null, handle: null };
  let lastOpener = () => null;
  let lastTop = null;

  const side = () => document.querySelector('.app .side');

  /** What to give focus back to: the control that was used, found again if it was redrawn. */
  function openerOf(target) {
    const node = target && target.closest ? target : null;
    if (!node) return () => null;
    const item = node.closest('#event-list [data-id]');
    if (item) return () => document.querySelector('#event-list .ev-btn[data-id="' + CSS.escape(item.dataset.id) + '"]');
    const chain = node.closest('.chain-btn[data-index]');
    if (chain) return () => document.querySelector('.chain-btn[data-index="' + CSS.escape(chain.dataset.index) + '"]');
    if (node.closest('#timeline-wrap')) return () => document.getElementById('timeline-wrap');
    if (node.closest('#graph')) {
      return () => {
        const graph = document.getElementById('graph');
        if (!graph.hasAttribute('tabindex')) graph.tabIndex = -1;
        return graph;
      };
    }
    const control = node.closest('button, a[href], input, select, [tabindex]');
    return () => (control && control.isConnected ? control : null);
  }

  function ensureBar(panel) {
    if (sheet.bar) return;
    sheet.handle = el('button', {
      type: 'button', class: 'sheet-handle', 'aria-expanded': 'false', 'aria-label': 'Show the panel at full height',
      onclick: () => setFull(panel.dataset.sheet !== 'full'),
    }, el('span', { class: 'sheet-grip', 'aria-hidden': 'true' }));
    sheet.bar = el('div', { class: 'sheet-bar' }, sheet.handle,
      el('button', { type: 'button', class: 'sheet-close', 'aria-label': 'Close the panel', onclick: () => hidePanel(true) },
        el('span', { 'aria-hidden': 'true', text: '×' }), el('span', { class: 'sheet-close-text', text: 'Close' })));
    panel.prepend(sheet.bar);
    wireDrag(panel, sheet.bar);
  }

  function setFull(full) {
    const panel = side();
    if (!sheet.open || !panel) return;
    panel.dataset.sheet = full ? 'full' : 'open';
    sheet.handle.setAttribute('aria-expanded', String(full));
    sheet.handle.setAttribute('aria-label', full ? 'Show the panel at half height' : 'Show the panel at full height');
  }

  /** Drag the bar: up to expand, down to collapse or close; a short move is a tap. */
  function wireDrag(panel, bar) {
    let start = null;
    let moved = 0;
    let draggedAt = 0;
    bar.addEventListener('pointerdown', (e) => {
      if (!sheet.open || e.target.closest('.sheet-close')) return;
      start = e.clientY;
      moved = 0;
    });
    bar.addEventListener('pointermove', (e) => {
      if (start === null) return;
      moved = e.clientY - start;
      // Captured once it is a drag: a tap stays a click of the handle.
      if (Math.abs(moved) > 6 && !bar.hasPointerCapture(e.pointerId)) bar.setPointerCapture(e.pointerId);
      panel.style.transform = moved > 0 ? 'translateY(' + moved + 'px)' : '';
    });
    const end = () => {
      if (start === null) return;
      start = null;
      panel.style.transform = '';
      if (moved > 80) {
        if (panel.dataset.sheet === 'full') setFull(false);
        else hidePanel(true);
      } else if (moved < -40) setFull(true);
      if (Math.abs(moved) > 6) draggedAt = Date.now();
    };
    bar.addEventListener('pointerup', end);
    bar.addEventListener('pointercancel', end);
    // A drag is not a tap of the handle (a mouse drag ends with a click, a touch drag not).
    bar.addEventListener('click', (e) => {
      if (Date.now() - draggedAt < 400) e.stopPropagation();
    }, true);
  }

  function openSheet(panel, kind) {
    ensureBar(panel);
    if (!sheet.open) {
      sheet.opener = lastOpener;
      sheet.openerTop = lastTop;
      sheet.placeholder = el('div', { class: 'sheet-placeholder' },
        el('p', { class: 'muted', text: 'The panel is open at the bottom of the screen.' }));
      sheet.placeholder.style.height = panel.offsetHeight + 'px';
      panel.before(sheet.placeholder);
      sheet.open = true;
      panel.dataset.sheet = 'open';
      panel.classList.add('is-sheet');
      panel.setAttribute('role', 'region');
      sheet.handle.setAttribute('aria-expanded', 'false');
    }
    panel.setAttribute('aria-label', LABELS[kind] || 'Panel');
  }

  /**
   * Show the panel after `kind` ('details' or 'chains') was selected from `from`. Phone: open
   * the sheet (focus goes to the event's title; a chosen chain keeps its focus). Wider: scroll
   * the panel into view when it is out of view. A selection restored from the URL shows nothing.
   */
  function showPanel(kind, from) {
    const panel = side();
    if (!panel || from === 'url') return;
    if (PHONE.matches) {
      openSheet(panel, kind);
      const title = document.getElementById('details-title');
      if (kind === 'details' && title && from !== 'details') title.focus({ preventScroll: true });
      const pressed = kind === 'chains' && panel.querySelector('.chain-btn[aria-pressed="true"]');
      if (pressed) {
        pressed.scrollIntoView({ block: 'start' });
        // The chain is highlighted in the graph: bring it above the sheet.
        const graph = document.getElementById('graph');
        if (graph) window.scrollTo(0, window.scrollY + graph.getBoundingClientRect().top - 8);
      }
      return;
    }
    const target = kind === 'details' ? document.getElementById('details-title') || panel : panel;
    const box = target.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 40) panel.scrollIntoView({ block: 'start' });
  }

  /** Close the sheet; with `giveBack`, focus returns to what opened it, the page unmoved. */
  function hidePanel(giveBack) {
    const panel = side();
    if (!sheet.open || !panel) return;
    const back = giveBack ? sheet.opener() : null;
    sheet.open = false;
    panel.classList.remove('is-sheet');
    delete panel.dataset.sheet;
    panel.style.transform = '';
    panel.removeAttribute('role');
    panel.setAttribute('aria-label', sheet.label);
    if (sheet.placeholder) sheet.placeholder.remove();
    sheet.placeholder = null;
    // The page as it was when the control was used (the list may have been redrawn since).
    if (back && !panel.contains(back) && sheet.openerTop !== null) {
      const shift = back.getBoundingClientRect().top - sheet.openerTop;
      if (shift) window.scrollBy(0, shift);
    }
    if (!back) return;
    back.focus({ preventScroll: true });
    // A control partly out of view is brought into it; a tall one (the timeline, which may have
    // grown while the sheet was open to show the selection's whole labels) only when none shows.
    const box = back.getBoundingClientRect();
    const outside = box.height > window.innerHeight / 2
      ? box.bottom <= 0 || box.top >= window.innerHeight
      : box.top < 0 || box.bottom > window.innerHeight;
    if (outside) back.scrollIntoView({ block: 'nearest' });
  }

  function init() {
    const panel = side();
    if (!panel) return;
    sheet.label = panel.getAttribute('aria-label');
    // The control used last, the opener of the sheet if that use opens it: found at once, as
    // the list and the chains are redrawn before the sheet opens.
    const remember = (e) => {
      lastOpener = openerOf(e.target);
      const node = lastOpener();
      lastTop = node ? node.getBoundingClientRect().top : null;
    };
    document.addEventListener('pointerdown', remember, true);
    document.addEventListener('keydown', (e) => {
      remember(e);
      if (e.key !== 'Escape' || !sheet.open) return;
      // An open suggestion list closes first (the combobox handles that Escape).
      if (e.target.getAttribute && e.target.getAttribute('aria-expanded') === 'true' && e.target.getAttribute('role') === 'combobox') return;
      e.preventDefault();
      e.stopPropagation();
      hidePanel(true);
    }, true);
    const onChange = () => {
      if (!PHONE.matches) hidePanel(false);
    };
    if (PHONE.addEventListener) PHONE.addEventListener('change', onChange);
  }

  Object.assign(home, { showPanel, hidePanel });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
