/*
 * Home page controller: the story. Everything story-specific comes from GET /api/stories: the
 * list of stories (the switcher in the page head, one link per story, `?story=<id>`: switching
 * loads the page again for that story, and app-data.js passes `story=` to every API call), the
 * chosen story's title and intro (a small Markdown subset: paragraphs, *em*, **strong** and
 * [links](https://...), built as DOM nodes, never as HTML), its guided steps (each step's
 * events as buttons that select them), lanes in display order, time zone (EKG.zone), zoom
 * presets (number keys 1-9) and default window, the timeline's bounds and the example chain.
 * Adds loadStory, renderSteps and markdown to EKG.home (see app-data.js).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el, getJSON, DAY } = EKG;
  const home = EKG.home;
  const { $, API, LANES, DATASET_LANES, PRESETS, CHAIN_EXAMPLE, STORY } = home;
  const NUMBERS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

  /** Inline Markdown as nodes: **strong**, *em*, [text](http(s)://...); the rest is text. */
  function inline(text) {
    const nodes = [];
    const re = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g;
    let last = 0;
    let m;
    while ((m = re.exec(text))) {
      if (m.index > last) nodes.push(text.slice(last, m.index));
      if (m[1] !== undefined) nodes.push(el('strong', { text: m[1] }));
      else if (m[2] !== undefined) nodes.push(el('em', { text: m[2] }));
      else nodes.push(el('a', { href: m[4], rel: 'noopener noreferrer', text: m[3] }));
      last = re.lastIndex;
    }
    if (last < text.length) nodes.push(text.slice(last));
    return nodes;
  }

  /** Paragraphs (blank-line separated) of inline Markdown, as <p> elements. */
  function markdown(text) {
    return String(text || '').split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean)
      .map((p) => el('p', {}, inline(p)));
  }

  /** "1998", "1917–2015": the years of a story's span. */
  function spanText(span) {
    if (!span || !span.start) return '';
    const a = String(span.start).slice(0, 4);
    const b = String(span.end || span.start).slice(0, 4);
    return a === b ? a : a + '–' + b;
  }

  const range = (p) => [EKG.zone.day(p.start), EKG.zone.day(p.end)];

  /** The earliest and latest day the story names, padded: the timeline cannot pan beyond. */
  function bounds(story) {
    const days = [story.span, story.window, ...(story.presets || [])].filter(Boolean)
      .flatMap((p) => [EKG.zone.day(p.start), EKG.zone.day(p.end)]).filter(Boolean).map((d) => d.getTime());
    if (!days.length) return [new Date(Date.UTC(1900, 0, 1)), new Date(Date.UTC(2100, 0, 1))];
    const lo = Math.min(...days);
    const hi = Math.max(...days);
    const pad = Math.max((hi - lo) * 0.05, 30 * DAY);
    return [new Date(lo - pad), new Date(hi + pad)];
  }

  /** Load the stories and take `wanted` (else the first) as the page's story. */
  async function loadStory(wanted) {
    const answer = await getJSON(API + '/stories');
    const stories = answer.stories || [];
    const story = stories.find((s) => s.id === wanted) || stories[0] || { id: null, title: '', presets: [], lanes: [], steps: [] };
    Object.assign(STORY, { id: story.id, record: story, stories, unknown: wanted && wanted !== story.id ? wanted : null });
    EKG.zone.set(story.time_zone);
    // Lanes: the story's, in its order (the loader checks they hold every event of the story);
    // a story that lists none gets the dataset's, drawn only if they hold its events.
    const byId = new Map(DATASET_LANES.map((l) => [l.id, l]));
    const listed = (story.lanes || []).map((id) => byId.get(id) || { id, label: EKG.humanKind(id) });
    STORY.listed = new Set(listed.map((l) => l.id));
    LANES.splice(0, LANES.length, ...(listed.length ? listed : DATASET_LANES));
    if (!listed.length) STORY.listed = new Set(LANES.map((l) => l.id));
    EKG.setLanes(LANES.map((l) => l.id));
    for (const key of Object.keys(PRESETS)) delete PRESETS[key];
    (story.presets || []).slice(0, 9).forEach((p, i) => {
      PRESETS[String(i + 1)] = { label: p.label || spanText(p), range: range(p) };
    });
    STORY.window = story.window ? range(story.window) : PRESETS[1] ? PRESETS[1].range : null;
    STORY.bounds = bounds(story);
    Object.assign(CHAIN_EXAMPLE, story.example_chain || { source: null, target: null });
    renderHead(story);
    renderZoom();
    return story;
  }

  /** The switcher (every story, the current one marked), the story's title and intro. */
  function renderHead(story) {
    const href = (id) => location.pathname + '?' + new URLSearchParams({ story: id }).toString();
    const item = (s) => el('li', {}, s.id === story.id
      ? el('span', { class: 'story-pick is-current', 'aria-current': 'page' }, el('span', { class: 'story-pick-title', text: s.title }), ' ', el('span', { class: 'story-span', text: spanText(s.span) }))
      : el('a', { class: 'story-pick', href: href(s.id) }, el('span', { class: 'story-pick-title', text: s.title }), ' ', el('span', { class: 'story-span', text: spanText(s.span) })));
    $('story-list').replaceChildren(...STORY.stories.map(item));
    $('story-switcher').hidden = STORY.stories.length < 2;
    $('story-title').textContent = story.title || '';
    $('story-intro').replaceChildren(...markdown(story.intro));
    $('story-note').textContent = STORY.unknown ? 'There is no story “' + STORY.unknown + '”: showing “' + story.title + '”.' : '';
    $('story-note').hidden = !STORY.unknown;
    document.title = (story.title ? story.title + ' – ' : '') + document.title;
    $('zone-note').textContent = EKG.zone.describe(STORY.window ? STORY.window[0] : new Date());
  }

  /** One zoom button per preset, keys 1-9. */
  function renderZoom() {
    $('zoom-presets').replaceChildren(...Object.entries(PRESETS).map(([key, p]) => el('button', {
      type: 'button', class: 'zoom-btn', dataset: { zoom: key }, 'aria-keyshortcuts': key,
    }, p.label + ' ', el('kbd', { text: key }))));
  }

  /** The guided steps in the Event panel (before it is kept as the panel's empty state). */
  function renderSteps() {
    const steps = (STORY.record && STORY.record.steps) || [];
    const title = STORY.record && STORY.record.title;
    $('story-steps-heading').textContent = steps.length
      ? (title || 'The story') + ' in ' + (NUMBERS[steps.length] || steps.length) + (steps.length === 1 ? ' step' : ' steps')
      : 'Where to start';
    $('story-steps').replaceChildren(...steps.map((step) => el('li', {},
      step.title ? el('strong', { class: 'step-title', text: step.title + '. ' }) : null,
      inline(String(step.text || '').replace(/\s+/g, ' ')),
      (step.events || []).filter((id) => home.data.all.has(id)).length
        ? el('span', { class: 'step-events' }, ' ', (step.events || []).filter((id) => home.data.all.has(id)).map((id, i) => [
          i ? ' · ' : '', el('button', { type: 'button', class: 'linklike', dataset: { select: id }, text: home.label(id) })]))
        : null)));
    $('story-steps').hidden = !steps.length;
  }

  Object.assign(home, { loadStory, renderSteps, markdown, spanText });
})();
