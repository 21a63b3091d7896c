/*
 * Home page controller, part 3 of 8: the selected event. Selecting an event (on the timeline, in
 * the graph, the list, the details or the story) loads its details, asks the API for its causes
 * and effects under the link filters, highlights them in both views and writes the URL; null
 * clears the selection and brings back the story in the Event panel. Adds its functions to
 * EKG.home (see app-data.js).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el, getJSON, DIRECTED_KINDS } = EKG;
  const home = EKG.home;
  const { $, API, EVIDENCE_STATUSES, state, data, emptyHighlight } = home;

  let emptyDetailsTemplate = null;

  /**
   * The causes and effects of `id` under the lens: the API's ancestors and descendants over the
   * lens's links (evidence: supported and qualified; a narrative: the links it asserts; all:
   * every link) that the link filters keep, then what is still reachable over links at or above
   * the minimum confidence. Links outside the lens are drawn muted but never followed, so the
   * counts equal /api/causes and /api/effects with the same lens. With no minimum confidence
   * the API's answer is taken as it is.
   */
  async function reachOf(id) {
    const kinds = state.kinds.filter((k) => DIRECTED_KINDS.includes(k));
    const statuses = home.reckonedStatuses();
    const lensStatuses = state.lens === 'evidence' ? EVIDENCE_STATUSES : home.STATUSES.map((s) => s.id);
    if (!kinds.length) return { causes: new Set(), effects: new Set(), note: '(no directed link kind is selected in the filters)' };
    if (!statuses.length) return { causes: new Set(), effects: new Set(), note: '(no link of this lens is kept by the status filter)' };
    const params = {
      lens: state.lens,
      status: statuses.length === lensStatuses.length ? null : statuses,
      // part_of: the API's structural edge (a cause of a part is a cause of the whole), not a
      // link kind of the filter; a narrowed kind list keeps it, as the API's default does.
      kind: kinds.length === DIRECTED_KINDS.length ? null : kinds.concat(['part_of']),
    };
    const [up, down] = await Promise.all([
      home.api('/causes/' + encodeURIComponent(id), params),
      home.api('/effects/' + encodeURIComponent(id), params),
    ]);
    const ancestors = new Set((up.ancestors || []).map((a) => a.event));
    const descendants = new Set((down.descendants || []).map((d) => d.event));
    // The minimum confidence: keep what is still reachable over links at or above it.
    const followed = [...data.links.values()].filter((l) => home.linkReckoned(l) && DIRECTED_KINDS.includes(l.kind));
    // A cause of a part is a cause of the whole (the API's part_of edges): a link into a
    // sub-event also leads from its cause to the event the sub-event is part of.
    const usable = followed.concat(followed.flatMap((l) => {
      const whole = data.all.has(l.to) ? data.all.get(l.to).partOf : null;
      return whole && whole !== l.from ? [{ from: l.from, to: whole }] : [];
    }));
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
    const narrowed = statuses.length === lensStatuses.length ? '' : ', ' + statuses.join(', ') + ' links only';
    const note = state.lens === 'evidence'
      ? ' (as the evidence shows it: contested and unsupported links are drawn dashed but not followed' + narrowed + ')'
      : ' (' + home.lensLabel(state.lens).replace(/^As /, 'as ') + ': links outside it are drawn muted, not followed' + narrowed + ')';
    // No minimum confidence: the API's answer as it is (it also follows part_of edges).
    if (!(state.conf > 0)) return { causes: ancestors, effects: descendants, note };
    return { causes: walk(id, ancestors, false), effects: walk(id, descendants, true), note };
  }

  function selectionHighlight(id, reach) {
    const h = emptyHighlight();
    h.selected = id;
    h.causes = reach.causes;
    h.effects = reach.effects;
    const up = new Set([...reach.causes, id]);
    const down = new Set([...reach.effects, id]);
    for (const link of data.viewLinks) {
      if (!DIRECTED_KINDS.includes(link.kind) || link.outside) continue;
      if (reach.causes.has(link.from) && up.has(link.to)) h.linkRoles.set(link.id, 'cause');
      else if (down.has(link.from) && reach.effects.has(link.to)) h.linkRoles.set(link.id, 'effect');
    }
    return h;
  }

  /** Select an event (or clear with null): details, causes and effects in both views, URL. */
  async function selectEvent(id, opts) {
    const options = opts || {};
    const seq = ++home.selectSeq;
    if (!id) {
      state.event = null;
      if (!options.keepChain) home.clearChainChoice();
      home.applyHighlight(emptyHighlight());
      renderEmptyDetails();
      home.hidePanel(false);
      home.writeUrl();
      return;
    }
    state.event = id;
    if (!options.keepChain) home.clearChainChoice();
    if (!home.graph.cy.getElementById(id).length && data.selection.has(id)) home.graph.setData(data.selection, data.viewLinks, id);
    if (options.from !== 'url') home.showTab('details');
    home.writeUrl();
    const details = $('details');
    details.setAttribute('aria-busy', 'true');
    try {
      const [event, reach] = await Promise.all([
        getJSON(API + '/events/' + encodeURIComponent(id)),
        reachOf(id),
      ]);
      if (seq !== home.selectSeq) return;
      for (const link of [...(event.causes || []), ...(event.effects || []), ...(event.similar || [])]) {
        if (link.note) data.notes.set(link.link_id, link.note);
      }
      home.applyHighlight(selectionHighlight(id, reach));
      data.reach = reach;
      if (options.from !== 'graph') home.graph.fit([id, ...reach.causes, ...reach.effects]);
      details.replaceChildren(...EKG.panels.renderDetails(event, {
        onSelect: (other) => selectEvent(other, { from: 'details' }),
        onChainFrom: (from) => home.startChain(from, null),
        onChainTo: (to) => home.startChain(null, to),
        articleLinks: new Set([...data.links.values()].filter((l) => l.articleOnly).map((l) => l.id)),
        outside: new Set([...data.links.values()].filter((l) => l.outside).map((l) => l.id)),
        reach: { causes: reach.causes.size, effects: reach.effects.size, note: reach.note },
        eventUrl: API + '/events/' + encodeURIComponent(id),
      }));
      details.dataset.empty = '0';
      $('panel-details').scrollTop = 0;
      const windowed = home.windowed && home.windowed.on; // the selection is the timeline window
      if (!data.selection.has(id) && !windowed) {
        details.prepend(el('p', { class: 'notice', text: 'This event is hidden by the filters: it is not on the timeline or in the graph.' }));
      }
      if (options.from === 'list' || options.from === 'details') {
        const title = $('details-title');
        if (title && options.from === 'details') title.focus();
      }
      if (options.reveal && data.selection.has(id)) home.revealEvents([id]);
      else if (options.reveal && windowed && event.date) home.revealWindowed(id, event.date);
    } catch (err) {
      if (seq !== home.selectSeq) return;
      details.replaceChildren(el('p', { class: 'notice', text: 'Could not load the event: ' + err.message }));
      details.dataset.empty = '0';
    } finally {
      if (seq === home.selectSeq) {
        details.removeAttribute('aria-busy');
        home.showPanel('details', options.from); // phone: the sheet; wider: into view
      }
    }
  }

  /** The Event panel as the page came: keep a copy of the story and wire its event buttons. */
  function initDetails() {
    emptyDetailsTemplate = $('details').firstElementChild.cloneNode(true);
    $('details').dataset.empty = '1';
    wireQuickPicks($('details'));
  }

  function renderEmptyDetails() {
    const details = $('details');
    if (details.dataset.empty === '1') return;
    details.replaceChildren(emptyDetailsTemplate.cloneNode(true));
    details.dataset.empty = '1';
    wireQuickPicks(details);
  }

  function wireQuickPicks(root) {
    for (const button of root.querySelectorAll('[data-select]')) {
      button.addEventListener('click', () => selectEvent(button.dataset.select, { from: 'details', reveal: true }));
    }
  }

  Object.assign(home, { selectEvent, initDetails, renderEmptyDetails });
})();
