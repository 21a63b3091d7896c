/*
 * Home page state that lives outside the views: the filter form and the URL query string.
 *
 * Filters: {lanes, statuses, kinds: [ids in config order], from, to: 'YYYY-MM-DD' | '',
 * conf: 0..1}. The URL holds the filters that differ from the defaults plus the view:
 *   lane, status, kind   comma lists ("none" for an empty list)
 *   from, to             YYYY-MM-DD
 *   conf                 minimum confidence
 *   w                    timeline window, "<ISO instant>..<ISO instant>"
 *   event                selected event id
 *   source, target, path chain explorer: the two events and the index of the chosen chain
 *   tab                  side panel tab other than "details"
 *   lens                 the account the page reckons with, other than "evidence" (a lens id)
 *   vs                   diff mode: the lens compared with (links only in lens, only in vs, both)
 *   verdict              claims tab: the verdict shown (every verdict when absent)
 *   story                the story shown (always written; the first story when absent)
 *   ca, cb               compare tab: the two events compared
 *   graph                "wide" when the causal graph takes the full width of the page
 * Plain ES2017 script; exports EKG.FilterForm, EKG.urlState and EKG.lensChoices.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el } = EKG;
  const $ = (id) => document.getElementById(id);
  const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
  const ID_RE = /^[A-Za-z0-9_.-]{1,80}$/;
  const LENS_FALLBACK = [
    { id: 'evidence', label: 'As the evidence shows it' },
    { id: 'all', label: 'Every link, whatever its status' },
  ];

  /** The lens choices of an /api/narratives answer: its lenses, or evidence, all and each narrative. */
  function lensChoices(answer) {
    const lenses = (answer && answer.lenses) || [];
    if (lenses.length) return lenses.map((l) => ({ id: l.id, label: l.label || l.id }));
    return LENS_FALLBACK.concat(((answer && answer.narratives) || []).map((n) => ({ id: n.id, label: n.label || n.id })));
  }

  /** The unfiltered state for choices {lanes, statuses, kinds} (lists of {id, label}). */
  function defaults(choices) {
    return {
      lanes: choices.lanes.map((c) => c.id),
      statuses: choices.statuses.map((c) => c.id),
      kinds: choices.kinds.map((c) => c.id),
      from: '',
      to: '',
      conf: 0,
    };
  }

  /** The filter form (#filter-form): checkboxes per lane, status and kind, dates, confidence. */
  class FilterForm {
    /** options: {choices, onChange(filters, {eventsChanged, datesChanged, linksOnly}), onReset()} */
    constructor(options) {
      this.choices = options.choices;
      this.onChange = options.onChange;
      const box = (name, item) => el('label', { class: 'choice' },
        el('input', { type: 'checkbox', name, value: item.id }),
        el('span', { class: 'choice-swatch ' + name + '-sw-' + (name === 'lane' ? EKG.laneKey(item.id) : item.id), 'aria-hidden': 'true' }), item.label);
      $('lane-choices').replaceChildren(...this.choices.lanes.map((c) => box('lane', c)));
      $('status-choices').replaceChildren(...this.choices.statuses.map((c) => box('status', c)));
      $('kind-choices').replaceChildren(...this.choices.kinds.map((c) => box('kind', c)));
      const form = $('filter-form');
      form.addEventListener('submit', (e) => e.preventDefault());
      form.addEventListener('change', (e) => this.changed(e.target));
      $('filter-conf').addEventListener('input', () => {
        $('conf-output').value = Number($('filter-conf').value).toFixed(2);
      });
      $('filter-reset').addEventListener('click', () => options.onReset());
      $('copy-link').addEventListener('click', () => this.copyLink());
      this.last = defaults(this.choices);
    }

    /** Show `filters` in the form (no change event). */
    write(filters) {
      for (const input of document.querySelectorAll('#filter-form input[type="checkbox"]')) {
        const list = input.name === 'lane' ? filters.lanes : input.name === 'status' ? filters.statuses : filters.kinds;
        input.checked = list.includes(input.value);
      }
      $('filter-from').value = filters.from;
      $('filter-to').value = filters.to;
      $('filter-conf').value = String(filters.conf);
      $('conf-output').value = Number(filters.conf).toFixed(2);
      this.last = Object.assign({}, filters);
      this.summarise(filters);
    }

    /** The filters the form shows. */
    read() {
      const checked = (name) => new Set([...document.querySelectorAll('#filter-form input[name="' + name + '"]:checked')].map((i) => i.value));
      const lanes = checked('lane');
      const statuses = checked('status');
      const kinds = checked('kind');
      const day = (id) => (DAY_RE.test($(id).value) ? $(id).value : '');
      return {
        lanes: this.choices.lanes.map((c) => c.id).filter((id) => lanes.has(id)),
        statuses: this.choices.statuses.map((c) => c.id).filter((id) => statuses.has(id)),
        kinds: this.choices.kinds.map((c) => c.id).filter((id) => kinds.has(id)),
        from: day('filter-from'),
        to: day('filter-to'),
        conf: Math.max(0, Math.min(1, Number($('filter-conf').value) || 0)),
      };
    }

    changed() {
      const before = this.last;
      const now = this.read();
      this.last = now;
      this.summarise(now);
      const datesChanged = before.from !== now.from || before.to !== now.to;
      const eventsChanged = datesChanged || before.lanes.join() !== now.lanes.join();
      this.onChange(now, { eventsChanged, datesChanged });
    }

    /** The one-line summary next to "Filters". */
    summarise(f) {
      const c = this.choices;
      const parts = [
        f.lanes.length === c.lanes.length ? 'all lanes' : f.lanes.length + ' of ' + c.lanes.length + ' lanes',
        f.from || f.to ? (f.from || '…') + ' to ' + (f.to || '…') : 'all dates',
        f.statuses.length === c.statuses.length ? 'every link status' : f.statuses.join(', ') || 'no link status',
        f.kinds.length === c.kinds.length ? 'every link kind' : f.kinds.length + ' of ' + c.kinds.length + ' link kinds',
      ];
      if (f.conf > 0) parts.push('confidence ≥ ' + f.conf);
      $('filter-summary').textContent = '(' + parts.join(' · ') + ')';
    }

    async copyLink() {
      const status = $('copy-status');
      try {
        await navigator.clipboard.writeText(location.href);
        status.textContent = 'Link copied.';
      } catch (err) {
        status.textContent = 'Copy the address from the address bar: it holds this view.';
      }
      setTimeout(() => {
        status.textContent = '';
      }, 4000);
    }
  }

  /** State from a query string; unknown ids and malformed values are dropped. */
  function parse(search, choices, tabs) {
    const params = new URLSearchParams(search);
    const list = (key, allowed) => {
      if (!params.has(key)) return allowed.map((c) => c.id);
      const wanted = new Set(params.get(key).split(',').map((s) => s.trim()));
      return allowed.map((c) => c.id).filter((id) => wanted.has(id));
    };
    const day = (key) => (DAY_RE.test(params.get(key) || '') ? params.get(key) : '');
    const conf = Number(params.get('conf'));
    const path = params.get('path');
    const source = params.get('source') || null;
    const target = params.get('target') || null;
    const event = params.get('event') || null;
    const tab = tabs.includes(params.get('tab')) ? params.get('tab') : (source && target && !event ? 'chains' : tabs[0]);
    const id = (key) => (ID_RE.test(params.get(key) || '') ? params.get(key) : '');
    const w = (params.get('w') || '').split('..');
    const start = w.length === 2 ? new Date(w[0]) : null;
    const end = w.length === 2 ? new Date(w[1]) : null;
    return {
      lanes: list('lane', choices.lanes),
      statuses: list('status', choices.statuses),
      kinds: list('kind', choices.kinds),
      from: day('from'),
      to: day('to'),
      conf: Number.isFinite(conf) ? Math.max(0, Math.min(1, conf)) : 0,
      event,
      source,
      target,
      path: path !== null && /^\d+$/.test(path) ? Number(path) : null,
      tab,
      lens: id('lens') || 'evidence',
      vs: id('vs'),
      verdict: id('verdict'),
      story: id('story') || null,
      ca: id('ca') || null,
      cb: id('cb') || null,
      graphWide: params.get('graph') === 'wide',
      window: start && end && !isNaN(start) && !isNaN(end) && end > start ? [start, end] : null,
    };
  }

  /** The query string ("?..." or "") for `state` and the timeline window {start, end}. */
  function format(state, choices, window, defaultTab) {
    const params = { story: state.story };
    const list = (values, all) => (values.length === all.length ? null : values.length ? values : 'none');
    params.lane = list(state.lanes, choices.lanes);
    params.from = state.from;
    params.to = state.to;
    params.status = list(state.statuses, choices.statuses);
    params.kind = list(state.kinds, choices.kinds);
    if (state.conf > 0) params.conf = String(Math.round(state.conf * 100) / 100);
    params.w = EKG.isoInstant(window.start) + '..' + EKG.isoInstant(window.end);
    params.event = state.event;
    params.source = state.source;
    params.target = state.target;
    if (state.path !== null && state.source && state.target) params.path = String(state.path);
    if (state.tab !== defaultTab) params.tab = state.tab;
    if (state.lens && state.lens !== 'evidence') params.lens = state.lens;
    params.vs = state.vs || null;
    params.verdict = state.verdict || null;
    params.ca = state.ca || null;
    params.cb = state.cb || null;
    params.graph = state.graphWide ? 'wide' : null;
    return EKG.query(params);
  }

  EKG.FilterForm = FilterForm;
  EKG.urlState = { defaults, parse, format };
  EKG.lensChoices = lensChoices;
})();
