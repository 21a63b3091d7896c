/*
 * Home page controller: the Analogies tab. GET /api/analogies (every story, loaded the first
 * time the tab is shown) aligns the stories by stage: a table with a row per stage and a column
 * per story (the column heads are the story titles of /api/stories, the current story marked),
 * each cell the stage's events as buttons and the figures read from them, each figure with its
 * sources as small links. A figure computed here (a range) comes first; when there is one, or
 * many figures, the figures as recorded fold into a <details> ("all N recorded rates"). Above
 * the table, a compact row per story: days from the first shock to the emergency hike, default
 * or not, recovery. Below the table, "Chains from the first shock": a row per story with a
 * chain (figures[story].chain), its events as chips in order with arrows between them, each
 * chip in the column of its stage (a CSS grid whose columns are the API's stages, so the rows
 * align by stage; an event without a stage sits in the column of the nearest staged event
 * before it, else after it; a stage no chain reaches keeps a narrow column); in its own
 * sideways-scrolling box. Then, folded, the cross-story
 * similar_to links with the stage they compare.
 * An event of the current story is selected (home.selectEvent); an event of another story
 * loads that story's page with the event selected (?story=<id>&event=<event id>).
 * Adds loadAnalogies to EKG.home (see app-data.js).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el, getJSON } = EKG;
  const home = EKG.home;
  const { $, API, STORY } = home;

  const SHOWN_SOURCES = 2; // sources shown at once; the rest fold into a <details>
  const SHOWN_FIGURES = 4; // figures shown at once when none is computed
  let loading = null; // the load, once started

  const titleOf = (id) => {
    const story = STORY.stories.find((s) => s.id === id);
    return story ? story.title || id : id;
  };

  /** Every event label the answer names, id -> {label, story}. */
  function eventIndex(body) {
    const index = new Map();
    for (const row of body.stages || []) {
      for (const [story, cell] of Object.entries(row.cells || {})) {
        for (const e of cell.events || []) index.set(e.id, { label: e.label, story, date: e.display_date });
      }
    }
    return index;
  }

  /** Select `id`: here if it is the current story's, else on its story's page. */
  function go(story, id) {
    if (story === STORY.id) {
      home.selectEvent(id, { from: 'details', reveal: true });
      return;
    }
    location.assign(location.pathname + '?' + new URLSearchParams({ story, event: id }).toString());
  }

  function eventButton(story, ref) {
    const other = story !== STORY.id;
    return el('button', {
      type: 'button', class: 'linklike an-event' + (other ? ' is-other-story' : ''),
      dataset: { select: ref.id, story },
      title: other ? 'Open ' + titleOf(story) + ' with this event selected' : 'Select this event',
      onclick: () => go(story, ref.id),
    }, ref.label, ref.display_date ? el('span', { class: 'an-date', text: ' · ' + ref.display_date }) : null);
  }

  function sourceLink(s) {
    return el('a', { href: s.url, rel: 'noopener noreferrer', target: '_blank', title: s.title || s.url, text: s.publisher || s.title || s.url });
  }

  function sources(list) {
    const usable = (list || []).filter((s) => /^https?:\/\//.test(s.url || ''));
    if (!usable.length) return null;
    const links = (items) => items.flatMap((s, i) => [i ? ' · ' : '', sourceLink(s)]);
    const rest = usable.slice(SHOWN_SOURCES);
    return el('span', { class: 'an-sources' }, links(usable.slice(0, SHOWN_SOURCES)),
      rest.length ? el('details', { class: 'an-more' }, el('summary', { text: '+' + rest.length + ' more' }), links(rest)) : null);
  }

  function figureItem(f) {
    return el('li', { class: 'an-figure' + (f.computed ? ' is-computed' : ''), dataset: { figure: f.name || '' } },
      el('span', { class: 'an-figure-text', text: f.text }),
      f.according_to ? el('span', { class: 'an-according', text: ' (' + f.according_to + ')' }) : null,
      ' ', sources(f.sources));
  }

  /** Computed figures first; the recorded ones folded when there is a range or many of them. */
  function figures(list) {
    if (!list.length) return null;
    const computed = list.filter((f) => f.computed);
    const recorded = list.filter((f) => !f.computed);
    if (!computed.length && recorded.length <= SHOWN_FIGURES) return el('ul', { class: 'an-figures' }, recorded.map(figureItem));
    const rates = recorded.every((f) => /^exchange-rate/.test(f.name || ''));
    return [
      computed.length ? el('ul', { class: 'an-figures' }, computed.map(figureItem)) : null,
      recorded.length ? el('details', { class: 'an-recorded' },
        el('summary', { text: 'all ' + recorded.length + ' recorded ' + (rates ? 'rates' : 'figures') }),
        el('ul', { class: 'an-figures' }, recorded.map(figureItem))) : null,
    ];
  }

  function cell(story, data) {
    const events = (data && data.events) || [];
    const figs = (data && data.figures) || [];
    return el('td', { class: story === STORY.id ? 'is-current' : null, dataset: { story } },
      events.length ? el('ul', { class: 'an-events' }, events.map((e) => el('li', {}, eventButton(story, e)))) : null,
      figures(figs),
      !events.length && !figs.length ? el('span', { class: 'muted', text: '—' }) : null);
  }

  function table(body) {
    const stories = body.stories || [];
    return el('div', { class: 'an-scroll', tabindex: '0', role: 'group', 'aria-label': 'The stories by stage (scrolls sideways)' },
      el('table', { class: 'an-table', id: 'analogies-table' },
        el('caption', { class: 'visually-hidden', text: 'Each stage of a crisis, one column per story' }),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Stage' }),
          stories.map((id) => el('th', { scope: 'col', class: id === STORY.id ? 'is-current' : null, dataset: { story: id } },
            titleOf(id), id === STORY.id ? el('span', { class: 'an-here', text: ' (shown)' }) : null)))),
        el('tbody', {}, (body.stages || []).map((row) => el('tr', { dataset: { stage: row.id } },
          el('th', { scope: 'row', title: row.description || null, text: row.label || row.id }),
          stories.map((id) => cell(id, row.cells && row.cells[id])))))));
  }

  const days = (f) => (f.value !== null && f.value !== undefined ? String(f.value) : f.low + '–' + f.high) + ' days';

  /** A compact row per story: shock to hike, default, recovery. */
  function summary(body) {
    const part = (key, value, title) => el('span', { class: 'an-fact', title: title || null },
      el('span', { class: 'an-key', text: key + ' ' }), value);
    return el('ul', { class: 'an-summary', id: 'analogies-summary' }, (body.stories || []).map((id) => {
      const f = (body.figures || {})[id] || {};
      const hike = f.days_first_shock_to_hike;
      const recovery = f.recovery;
      return el('li', { class: id === STORY.id ? 'is-current' : null, dataset: { story: id } },
        el('strong', { class: 'an-story', text: titleOf(id) }), ' ',
        part('shock → hike:', hike ? days(hike) : 'no hike recorded', hike && hike.text), ' ',
        part('default:', f.defaulted ? 'yes' : 'no', f.default && f.default.text), ' ',
        part('recovery:', recovery ? days(recovery) + ' after the hike' : 'none recorded', recovery && recovery.text));
    }));
  }

  function linkList(body, index) {
    const links = body.links || [];
    if (!links.length) return null;
    const stageLabel = new Map((body.stages || []).map((s) => [s.id, s.label]));
    const end = (id, story) => {
      const known = index.get(id);
      return el('button', { type: 'button', class: 'linklike an-event', dataset: { select: id, story }, onclick: () => go(story, id) },
        known ? known.label : EKG.humanKind(id), el('span', { class: 'an-date', text: ' · ' + titleOf(story) }));
    };
    return el('details', { class: 'an-links-box' },
      el('summary', { text: links.length + ' analogies recorded between the stories' }),
      el('ul', { class: 'an-links', id: 'analogies-links' }, links.map((link) => el('li', { dataset: { link: link.id } },
        el('span', { class: 'an-aspect', text: stageLabel.get(link.aspect) || EKG.humanKind(link.aspect) }), ' ',
        end(link.cause, link.stories[0]), ' ~ ', end(link.effect, link.stories[1]), ' ',
        EKG.panels.statusBadge(link.status),
        link.note ? el('span', { class: 'an-note', text: ' ' + link.note }) : null, ' ', sources(link.sources)))));
  }

  /** Each chain event's column (index into `stages`): its stage's, else the nearest staged
   * event's before it, else after it, else the first. */
  function chainColumns(events, stages) {
    const own = events.map((e) => (e.stage ? stages.indexOf(e.stage) : -1));
    return own.map((col, i) => {
      if (col >= 0) return col;
      const before = own.slice(0, i).reverse().find((c) => c >= 0);
      if (before !== undefined) return before;
      const after = own.slice(i + 1).find((c) => c >= 0);
      return after !== undefined ? after : 0;
    });
  }

  function placed(node, row, col) {
    node.style.gridRow = String(row);
    node.style.gridColumn = String(col);
    return node;
  }

  /** "Chains from the first shock": one grid row per story with a chain, aligned by stage. */
  function chainSection(body) {
    const stories = body.stories || [];
    const stages = (body.stages || []).map((s) => s.id);
    const chainOf = (id) => ((body.figures || {})[id] || {}).chain;
    const withChain = stories.filter((id) => chainOf(id) && (chainOf(id).events || []).length);
    const without = stories.filter((id) => withChain.indexOf(id) < 0);
    // A stage no chain reaches keeps its column, narrow, so that the rest fit.
    const used = new Set(withChain.flatMap((id) => chainColumns(chainOf(id).events, stages)));
    const grid = el('div', { class: 'an-chain-grid', id: 'analogies-chains', role: 'list' },
      placed(el('span', { class: 'an-chain-head', text: 'Story' }), 1, 1),
      (body.stages || []).map((s, i) => placed(used.has(i)
        ? el('span', { class: 'an-chain-head', title: s.description || null, text: s.label || s.id })
        : el('span', { class: 'an-chain-head is-unused', title: (s.label || s.id) + ': no chain event', text: '·' }), 1, i + 2)));
    grid.style.gridTemplateColumns = 'minmax(6rem, max-content) ' + stages.map((s, i) => (used.has(i) ? '9rem' : '1.4rem')).join(' ');
    withChain.forEach((id, r) => {
      const chain = chainOf(id);
      const cols = chainColumns(chain.events, stages);
      const cells = new Map(); // column -> its cell
      chain.events.forEach((e, i) => {
        if (!cells.has(cols[i])) cells.set(cols[i], placed(el('div', { class: 'an-chain-cell' }), r + 2, cols[i] + 2));
        const link = i ? chain.links[i - 1] : null;
        const arrow = link ? el('span', { class: 'an-chain-arrow', title: 'link ' + link, 'aria-label': 'leads to', text: '→' }) : null;
        cells.get(cols[i]).append(...[arrow, el('button', {
            type: 'button', class: 'an-chip' + (id !== STORY.id ? ' is-other-story' : ''),
            dataset: { select: e.id, story: id, stage: e.stage || '' },
            title: (e.display_date || '') + (id !== STORY.id ? ' · open ' + titleOf(id) + ' with this event selected' : ' · select this event'),
            onclick: () => go(id, e.id),
          }, e.label)].filter(Boolean));
      });
      grid.append(el('div', { class: 'an-chain-row' + (id === STORY.id ? ' is-current' : ''), role: 'listitem', dataset: { story: id } },
        placed(el('span', { class: 'an-chain-story' }, el('strong', { text: titleOf(id) }),
          el('span', { class: 'an-date', text: ' strength ' + chain.strength.toFixed(2) })), r + 2, 1),
        Array.from(cells.values())));
    });
    return el('section', { class: 'an-chains', 'aria-labelledby': 'analogies-chains-title' },
      el('h3', { id: 'analogies-chains-title', text: 'Chains from the first shock' }),
      el('p', { class: 'caption', text: 'The strongest chain of supported or qualified links from each story\'s first shock (or, when none leaves it, the first shock-stage event that reaches the end) to its emergency hike, or to its currency fall where no shock reaches the hike, each event under its stage.' }),
      withChain.length ? el('div', { class: 'an-chains-scroll', tabindex: '0', role: 'group', 'aria-label': 'The chains by stage (scrolls sideways)' }, grid) : null,
      without.length ? el('p', { class: 'muted an-no-chain', text: 'No such chain recorded: ' + without.map(titleOf).join(', ') + '.' }) : null);
  }

  function render(body) {
    const box = $('analogies');
    if (!(body.stages || []).length) {
      box.replaceChildren(el('p', { class: 'muted', text: 'No stage is recorded for these stories.' }));
      return;
    }
    box.replaceChildren(
      summary(body),
      table(body),
      el('p', { class: 'caption', text: 'Figures computed here (a range of the recorded rates) say so; the rest are as recorded, each with its sources.' }),
      chainSection(body),
      linkList(body, eventIndex(body)));
  }

  /** Load the table once (the first time the tab is shown). */
  function loadAnalogies() {
    if (!loading) loading = fetchAndRender();
    return loading;
  }

  async function fetchAndRender() {
    const box = $('analogies');
    box.setAttribute('aria-busy', 'true');
    const ids = STORY.stories.map((s) => s.id).filter(Boolean);
    try {
      render(await getJSON(API + '/analogies' + EKG.query({ stories: ids.length ? ids.join(',') : null })));
    } catch (err) {
      loading = null; // try again the next time the tab is shown
      box.replaceChildren(el('p', { class: 'notice', text: 'Could not load the analogies: ' + err.message }));
    } finally {
      box.removeAttribute('aria-busy');
    }
  }

  Object.assign(home, { loadAnalogies });
})();
