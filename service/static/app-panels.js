/*
 * Side panels and lists of the home page, built with DOM calls (no innerHTML): the event details,
 * the chain list, the 1998 vs 2014 comparison, the list of events, and the search combobox of the
 * chain explorer (ARIA 1.2 combobox + listbox, keyboard: arrows, Enter, Escape).
 * Plain ES2017 script; exports EKG.panels and EKG.Combobox.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el, formatNumber, humanKind } = EKG;

  const VERDICTS = { verified: 'Verified', 'partly-supported': 'Partly supported', 'article-only': 'Article only', misstated: 'Misstated', opinion: 'Opinion' };
  const WARN_STATUSES = ['contested', 'unsupported'];

  function eventButton(id, label, onSelect) {
    return el('button', { type: 'button', class: 'linklike', dataset: { select: id }, onclick: () => onSelect(id) }, label);
  }

  function statusBadge(status) {
    const s = status || 'unknown';
    return el('span', { class: 'badge badge-' + s },
      WARN_STATUSES.includes(s) ? el('span', { 'aria-hidden': 'true', text: '⚠ ' }) : null, s);
  }

  function amount(value, unit) {
    return el('span', { class: 'amount' }, formatNumber(value) + (unit ? (unit === '%' ? ' %' : ' ' + unit) : ''));
  }

  function quantityValue(q) {
    const unit = q.unit_symbol || q.unit || '';
    const parts = [];
    if (q.previous !== null && q.previous !== undefined && q.value !== null && q.value !== undefined) {
      parts.push(el('span', { class: 'previous' }, amount(q.previous, unit)), el('span', { 'aria-hidden': 'true', text: ' → ' }),
        el('span', { class: 'visually-hidden', text: ' to ' }), amount(q.value, unit));
    } else if (q.value !== null && q.value !== undefined) parts.push(amount(q.value, unit));
    if (q.low !== null && q.low !== undefined && q.high !== null && q.high !== undefined) {
      parts.push(' (range ' + formatNumber(q.low) + '–' + formatNumber(q.high) + ' ' + unit + ')');
    } else if (q.low !== null && q.low !== undefined) parts.push(' (at least ' + formatNumber(q.low) + ' ' + unit + ')');
    else if (q.high !== null && q.high !== undefined) parts.push(' (at most ' + formatNumber(q.high) + ' ' + unit + ')');
    return parts;
  }

  function dateLine(date) {
    const p = EKG.precisionPhrase(date);
    return el('p', { class: 'd-date' },
      el('strong', {}, (p.coarse ? 'Some time in ' : '') + (date.display || date.edtf)),
      el('span', { class: 'd-precision' }, ' — ' + p.phrase + (p.qualifier ? ' (' + p.qualifier + ')' : '')));
  }

  function linkList(items, heading, empty, ctx, role) {
    const section = el('section', { class: 'd-links d-' + role }, el('h4', {}, heading, role !== 'similar' ? el('span', { class: 'hl-word hl-' + role, text: role === 'cause' ? 'upstream' : 'downstream' }) : null));
    if (!items || !items.length) {
      section.appendChild(el('p', { class: 'muted', text: empty }));
      return section;
    }
    section.appendChild(el('ul', { class: 'links' }, items.map((link) => el('li', { class: 'link status-' + (link.status || 'unknown') },
      el('p', { class: 'link-head' }, eventButton(link.event_id, link.label, ctx.onSelect)),
      el('p', { class: 'link-meta' },
        el('span', { class: 'kind kind-' + link.kind, text: humanKind(link.kind) }),
        link.confidence !== null && link.confidence !== undefined ? el('span', { class: 'confidence', text: 'confidence ' + formatNumber(link.confidence) }) : null,
        statusBadge(link.status),
        role !== 'similar' && (ctx.outside ? ctx.outside.has(link.link_id) : !['supported', 'qualified'].includes(link.status)) ? el('span', { class: 'not-counted', title: 'Drawn, but not counted as a cause or effect: the chosen lens does not follow this link', text: 'not counted' }) : null,
        ctx.articleLinks.has(link.link_id) ? el('span', { class: 'badge badge-article', title: 'Only the article asserts this link' }, el('span', { class: 'article-mark', 'aria-hidden': 'true', text: 'A' }), ' article only') : null),
      link.note ? el('p', { class: 'link-note', text: link.note }) : null))));
    return section;
  }

  /**
   * The details of one event (GET /api/events/<id>). ctx: {onSelect(id), onChainFrom(id),
   * onChainTo(id), articleLinks: Set, outside: Set (link ids the lens does not follow),
   * reach: {causes, effects, note}, eventUrl}
   */
  function renderDetails(event, ctx) {
    const facts = [];
    if (event.place_label) facts.push(['Place', event.place_label]);
    if (event.actor_labels && event.actor_labels.length) facts.push(['Actors', event.actor_labels.join(', ')]);
    facts.push(['Date (EDTF)', el('code', { text: event.date.edtf })]);
    const reach = ctx.reach;
    const nodes = [
      el('p', { class: 'eyebrow' }, (event.type_label || event.type || '') + ' · ' + (event.lane_label || event.lane || '')),
      el('h3', { class: 'd-title', id: 'details-title', tabindex: '-1', text: event.label }),
      dateLine(event.date),
      reach ? el('p', { class: 'd-reach' },
        el('span', { class: 'hl-word hl-cause', text: reach.causes + (reach.causes === 1 ? ' cause' : ' causes') }), ' upstream and ',
        el('span', { class: 'hl-word hl-effect', text: reach.effects + (reach.effects === 1 ? ' effect' : ' effects') }), ' downstream are highlighted',
        reach.note ? ' ' + reach.note : '', '.') : null,
      el('div', { class: 'd-actions' },
        el('button', { type: 'button', onclick: () => ctx.onChainFrom(event.id) }, 'Chains from here'),
        el('button', { type: 'button', onclick: () => ctx.onChainTo(event.id) }, 'Chains to here'),
        el('a', { href: ctx.eventUrl, class: 'd-page-link' }, 'Event page')),
      el('dl', { class: 'facts' }, facts.map(([k, v]) => el('div', {}, el('dt', { text: k }), el('dd', {}, v)))),
      event.description ? el('p', { class: 'd-description', text: event.description }) : null,
    ];
    if (event.quantities && event.quantities.length) {
      nodes.push(el('h4', { text: 'Quantities' }), el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Quantities' },
        el('table', { class: 'quantities' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Quantity' }), el('th', { scope: 'col', text: 'Value' }), el('th', { scope: 'col', text: 'Note' }))),
          el('tbody', {}, event.quantities.map((q) => el('tr', {},
            el('th', { scope: 'row', text: q.kind_label || q.kind }),
            el('td', { class: 'value' }, quantityValue(q)),
            el('td', { text: [q.according_to ? 'according to ' + q.according_to : null, q.note].filter(Boolean).join('; ') })))))));
    }
    nodes.push(linkList(event.causes, 'Causes ', 'No recorded causes.', ctx, 'cause'));
    nodes.push(linkList(event.effects, 'Effects ', 'No recorded effects.', ctx, 'effect'));
    if (event.similar && event.similar.length) nodes.push(linkList(event.similar, 'Similar events', '', ctx, 'similar'));
    if (event.claims && event.claims.length) {
      nodes.push(el('h4', { text: 'Claims about it' }), el('ul', { class: 'claims' }, event.claims.map((claim) => {
        const verdict = VERDICTS[claim.verdict] ? claim.verdict : 'unknown';
        return el('li', { class: 'claim' },
          el('p', { class: 'claim-head' },
            el('span', { class: 'badge verdict verdict-' + verdict }, el('span', { class: 'visually-hidden', text: 'Verdict: ' }), VERDICTS[claim.verdict] || claim.verdict || 'no verdict'),
            claim.ref ? el('span', { class: 'claim-ref', text: ' ' + claim.ref }) : null),
          el('blockquote', { class: 'claim-text' }, el('p', { text: claim.text })),
          claim.evidence ? el('p', { class: 'claim-evidence', text: claim.evidence }) : null);
      })));
    }
    if (event.sources && event.sources.length) {
      nodes.push(el('h4', { text: 'Sources' }), el('ol', { class: 'sources' }, event.sources.map((source) => {
        const web = /^https?:\/\//.test(source.url || '');
        return el('li', {},
          web ? el('a', { href: source.url, rel: 'noopener noreferrer', target: '_blank', text: source.title || source.url }) : el('span', { text: source.title || source.url || '' }),
          source.publisher || source.via ? el('span', { class: 'publisher', text: (source.publisher ? ' — ' + source.publisher : '') + (source.via ? (source.publisher ? ', ' : ' — ') + 'via ' + source.via : '') }) : null);
      })));
    }
    return nodes.filter(Boolean); // replaceChildren would write a null as the text "null"
  }

  /** The list of chains (GET /api/chains), each a toggle button. */
  function renderChains(result, ctx) {
    const { chains, hidden, labels, chosen, source, target, depth } = result;
    if (!chains.length) {
      return [el('p', { class: 'muted' }, 'No chain of at most ' + depth + ' links leads from “' + labels(source) + '” to “' + labels(target) + '” under the current filters' +
        (hidden ? ' (' + hidden + ' hidden below the minimum confidence)' : '') + '.')];
    }
    const head = el('p', { class: 'chain-count' }, chains.length + (chains.length === 1 ? ' chain' : ' chains') + ' found' +
      (hidden ? ', ' + hidden + ' more below the minimum confidence' : '') + '. Choose one to highlight it.');
    const list = el('ol', { class: 'chain-list' }, chains.map((chain, index) => {
      const steps = [];
      chain.events.forEach((id, i) => {
        if (i) {
          // A part_of edge (id "part-of:<link id>"): that link leads to a part of the next event.
          const id = String(chain.links[i - 1]);
          const link = ctx.links.get(id.replace(/^part-of:/, ''));
          const kind = link ? humanKind(link.kind) + (id.startsWith('part-of:') ? ' a part of' : '') : '';
          steps.push(el('span', { class: 'chain-arrow' }, el('span', { 'aria-hidden': 'true', text: ' → ' }), el('span', { class: 'chain-kind', text: kind }), ' '));
        }
        steps.push(el('span', { class: 'chain-event', text: labels(id) }));
      });
      const weakest = ctx.links.get(chain.weakest_link);
      return el('li', {}, el('button', {
        type: 'button', class: 'chain-btn', 'aria-pressed': String(index === chosen), dataset: { index: String(index) },
        onclick: () => ctx.onChoose(index),
      },
      el('span', { class: 'chain-head' },
        el('span', { class: 'chain-rank', text: String(index + 1) }),
        el('span', { class: 'chain-len', text: chain.links.length + (chain.links.length === 1 ? ' link' : ' links') }),
        el('span', { class: 'strength' },
          el('span', { class: 'strength-bar', 'aria-hidden': 'true' }, strengthFill(chain.strength)),
          'strength ' + formatNumber(Math.round(chain.strength * 1000) / 1000))),
      el('span', { class: 'chain-path' }, steps),
      el('span', { class: 'chain-weakest', text: 'weakest link: ' + (weakest ? labels(weakest.from) + ' → ' + labels(weakest.to) : chain.weakest_link) + ' (' + formatNumber(chain.weakest_confidence) + ')' })));
    }));
    return [head, list];
  }

  function strengthFill(strength) {
    const fill = el('span', { class: 'strength-fill' });
    fill.style.width = Math.round(Math.max(0, Math.min(1, strength)) * 100) + '%';
    return fill;
  }

  /** The comparison (GET /api/compare plus both events' details for labels and units). */
  function renderCompare(data, details, ctx) {
    const card = (side) => {
      const summary = data[side];
      const event = details[side] || {};
      const date = Object.assign({}, summary.date, event.date || {});
      const quantities = event.quantities || summary.quantities || [];
      const rate = quantities.find((q) => q.kind === 'key-rate' && q.previous !== null && q.previous !== undefined);
      return el('article', { class: 'cmp-card cmp-' + side },
        el('p', { class: 'eyebrow', text: date.display ? String(date.display).replace(/^.*(\d{4}).*$/, '$1') : '' }),
        el('h4', {}, eventButton(summary.id, summary.label, ctx.onSelect)),
        dateLine(date),
        rate ? el('p', { class: 'cmp-rate' },
          el('span', { class: 'cmp-big' }, amount(rate.previous, rate.unit_symbol || '%'), ' → ', amount(rate.value, rate.unit_symbol || '%')),
          el('span', { class: 'cmp-sub', text: '×' + formatNumber(Math.round((rate.value / rate.previous) * 100) / 100) + ', +' + formatNumber(Math.round((rate.value - rate.previous) * 100) / 100) + ' percentage points' })) : null,
        el('ul', { class: 'cmp-quantities' }, quantities.filter((q) => q !== rate).map((q) => el('li', {}, (q.kind_label || humanKind(q.kind)) + ': ', quantityValue(q), q.note ? ' (' + q.note + ')' : ''))),
        el('p', { class: 'cmp-links' },
          'Causes: ', summary.causes.length ? summary.causes.map((l, i) => [i ? ', ' : '', eventButton(l.cause, ctx.labels(l.cause), ctx.onSelect)]) : 'none recorded', '. ',
          'Effects: ', summary.effects.length ? summary.effects.map((l, i) => [i ? ', ' : '', eventButton(l.effect, ctx.labels(l.effect), ctx.onSelect)]) : 'none recorded', '.'));
    };
    const relation = data.relation || {};
    const similar = (data.similar_links || []).map((l) => el('li', {},
      humanKind(l.kind) + ', confidence ' + formatNumber(l.confidence) + ' ', statusBadge(l.status),
      ctx.notes.get(l.id) ? el('span', { class: 'link-note', text: ' ' + ctx.notes.get(l.id) }) : null));
    return [
      el('p', { class: 'panel-intro' }, 'The first event comes ', relation.phrase || 'before', ' the second.',
        similar.length ? ' The dataset records them as similar:' : ''),
      similar.length ? el('ul', { class: 'cmp-similar' }, similar) : el('p', { class: 'muted', text: 'No similarity link is recorded between them.' }),
      el('div', { class: 'cmp-grid' }, card('a'), card('b')),
    ];
  }

  /** The accessible list of events: one button per event, with its highlight role in words. */
  function renderEventList(events, ctx) {
    return events.map((event) => {
      const roles = [];
      if (ctx.highlight.selected === event.id) roles.push(['selected', 'selected']);
      if (ctx.highlight.causes.has(event.id)) roles.push(['cause', 'cause']);
      if (ctx.highlight.effects.has(event.id)) roles.push(['effect', 'effect']);
      if (ctx.highlight.chain.has(event.id)) roles.push(['chain', 'in chain']);
      const when = event.precision === 'instant' ? EKG.instantText(event.start) : event.display;
      return el('li', {}, el('button', {
        type: 'button', class: ['ev-btn'].concat(roles.map((r) => 'is-' + r[0])), 'aria-pressed': String(ctx.highlight.selected === event.id),
        dataset: { id: event.id }, onclick: () => ctx.onSelect(event.id),
      },
      el('span', { class: 'ev-date', text: when }),
      el('span', { class: 'ev-lane' }, el('span', { class: 'lane-swatch lane-bg-' + EKG.laneKey(event.lane) }), ctx.laneLabel(event.lane)),
      el('span', { class: 'ev-label', text: event.label }),
      roles.length ? el('span', { class: 'ev-roles' }, roles.map((r) => el('span', { class: 'hl-word hl-' + r[0], text: r[1] }))) : null));
    });
  }

  /**
   * Search box with a suggestion list (ARIA combobox). search(text, signal) ->
   * Promise<[{id, label, date}]> (a newer lookup aborts the signal of the one before);
   * onChange(id|null, option) when an event is chosen or the text no longer names it.
   */
  class Combobox {
    constructor(input, list, search, onChange) {
      this.input = input;
      this.list = list;
      this.search = search;
      this.onChange = onChange || (() => {});
      this.options = [];
      this.active = -1;
      this.id = null;
      this.label = '';
      this.seq = 0;
      this.controller = null;
      const lookup = EKG.debounce(() => this.lookup(), 120);
      input.addEventListener('input', () => {
        if (this.id && input.value !== this.label) {
          this.id = null;
          this.onChange(null);
        }
        lookup();
      });
      input.addEventListener('keydown', (e) => this.key(e));
      input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
      list.addEventListener('mousedown', (e) => e.preventDefault());
      list.addEventListener('click', (e) => {
        const option = e.target.closest('[role="option"]');
        if (option) this.choose(Number(option.dataset.index));
      });
    }

    set(id, label) {
      this.id = id;
      this.label = label || '';
      this.input.value = this.label;
      this.close();
    }

    async lookup() {
      const text = this.input.value.trim();
      const seq = ++this.seq;
      if (this.controller) this.controller.abort();
      if (!text) return this.close();
      const controller = (this.controller = new AbortController());
      let found = [];
      try {
        found = await this.search(text, controller.signal);
      } catch (err) {
        found = [];
      }
      if (seq !== this.seq) return;
      this.open(found);
    }

    open(options) {
      this.options = options;
      this.active = options.length ? 0 : -1;
      while (this.list.firstChild) this.list.removeChild(this.list.firstChild);
      if (!options.length) {
        this.list.appendChild(el('li', { class: 'combo-empty', role: 'option', 'aria-disabled': 'true', id: this.list.id + '-none', text: 'No matching event' }));
      }
      options.forEach((option, index) => {
        this.list.appendChild(el('li', { role: 'option', id: this.list.id + '-' + index, dataset: { index: String(index), id: option.id }, 'aria-selected': 'false' },
          el('span', { class: 'combo-label', text: option.label }), el('span', { class: 'combo-date', text: option.date || '' })));
      });
      this.list.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
      this.mark();
    }

    close() {
      this.list.hidden = true;
      this.input.setAttribute('aria-expanded', 'false');
      this.input.removeAttribute('aria-activedescendant');
      this.active = -1;
    }

    isOpen() {
      return !this.list.hidden;
    }

    mark() {
      [...this.list.querySelectorAll('[role="option"][data-index]')].forEach((node) => {
        const on = Number(node.dataset.index) === this.active;
        node.setAttribute('aria-selected', String(on));
        node.classList.toggle('is-active', on);
        if (on) {
          this.input.setAttribute('aria-activedescendant', node.id);
          node.scrollIntoView({ block: 'nearest' });
        }
      });
    }

    choose(index) {
      const option = this.options[index];
      if (!option) return;
      this.set(option.id, option.label);
      this.onChange(option.id, option);
    }

    key(e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (!this.isOpen()) {
          this.lookup();
          return;
        }
        if (!this.options.length) return;
        const step = e.key === 'ArrowDown' ? 1 : -1;
        this.active = (this.active + step + this.options.length) % this.options.length;
        this.mark();
      } else if (e.key === 'Enter') {
        if (this.isOpen() && this.active >= 0) {
          e.preventDefault();
          this.choose(this.active);
        }
      } else if (e.key === 'Escape') {
        if (this.isOpen()) {
          e.preventDefault();
          e.stopPropagation();
          this.close();
        }
      }
    }
  }

  EKG.panels = { renderDetails, renderChains, renderCompare, renderEventList, statusBadge, VERDICTS };
  EKG.Combobox = Combobox;
})();
