/*
 * Home page controller, part 7 of 8: the Claims tab. Every claim of the seed article
 * (GET /api/claims, loaded once by app-data.js) with its reference (A1-A24), verdict, evidence,
 * sources, the events it is about (buttons that select them) and the causal links it asserts;
 * claims tied to no event (opinions such as A23 and A24) are listed too. A row of toggle
 * buttons filters by verdict, kept in the URL (verdict). Adds its functions to EKG.home.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el } = EKG;
  const home = EKG.home;
  const { $, state, data, label } = home;

  /** "A2" < "A10": claims in the article's order, then by id. */
  function byRef(a, b) {
    const n = (c) => Number(String(c.ref || '').replace(/\D+/g, '')) || 1e9;
    return n(a) - n(b) || String(a.id).localeCompare(String(b.id));
  }

  function verdicts() {
    const known = Object.keys(EKG.panels.VERDICTS);
    const present = [...new Set(data.claims.map((c) => c.verdict))];
    return known.filter((v) => present.includes(v)).concat(present.filter((v) => !known.includes(v)));
  }

  function initClaims() {
    if (state.verdict && !verdicts().includes(state.verdict)) state.verdict = '';
    $('claims-filter').addEventListener('click', (e) => {
      const button = e.target.closest('[data-verdict]');
      if (!button) return;
      state.verdict = button.dataset.verdict;
      renderClaims();
      home.writeUrl();
    });
    renderClaims();
  }

  function renderFilter() {
    const count = (v) => data.claims.filter((c) => !v || c.verdict === v).length;
    const button = (v, text) => el('button', {
      type: 'button', class: 'verdict-filter' + (v ? ' verdict-' + v : ''), dataset: { verdict: v },
      'aria-pressed': String(state.verdict === v),
    }, text + ' ', el('span', { class: 'count', text: '(' + count(v) + ')' }));
    $('claims-filter').replaceChildren(button('', 'Every verdict'),
      ...verdicts().map((v) => button(v, EKG.panels.VERDICTS[v] || v)));
  }

  function linkLine(id) {
    const link = data.links.get(id);
    if (!link) return el('li', { text: id });
    return el('li', { class: 'claim-link' + (link.outside ? ' is-outside' : ''), dataset: { link: id } },
      el('span', {}, eventButton(link.from), ' → ', eventButton(link.to), ' ', EKG.panels.statusBadge(link.status),
        link.outside ? el('span', { class: 'not-counted', text: ' not followed under this lens' }) : null));
  }

  function eventButton(id) {
    return el('button', { type: 'button', class: 'linklike', dataset: { select: id }, onclick: () => home.selectEvent(id, { from: 'details', reveal: true }) }, label(id));
  }

  function claimItem(claim) {
    const verdict = EKG.panels.VERDICTS[claim.verdict] ? claim.verdict : 'unknown';
    const about = claim.about || [];
    const links = claim.asserts_links || [];
    const sources = (claim.sources || []).filter((s) => /^https?:\/\//.test(s.url || ''));
    return el('li', { class: 'claim claim-card', dataset: { claim: claim.id, verdict: claim.verdict } },
      el('p', { class: 'claim-head' },
        claim.ref ? el('span', { class: 'claim-ref', text: claim.ref }) : null,
        el('span', { class: 'badge verdict verdict-' + verdict }, el('span', { class: 'visually-hidden', text: 'Verdict: ' }), EKG.panels.VERDICTS[claim.verdict] || claim.verdict || 'no verdict')),
      el('blockquote', { class: 'claim-text' }, el('p', { text: claim.text })),
      claim.evidence ? el('p', { class: 'claim-evidence', text: claim.evidence }) : null,
      about.length
        ? el('div', { class: 'claim-about' }, el('span', { class: 'claim-key', text: 'About:' }), el('ul', {}, about.map((id) => el('li', {}, eventButton(id)))))
        : el('p', { class: 'claim-about' }, el('span', { class: 'claim-key', text: 'About: ' }), el('span', { class: 'muted', text: 'no event (an opinion or a general statement)' })),
      links.length ? el('div', { class: 'claim-links' }, el('span', { class: 'claim-key', text: 'Asserts the links:' }), el('ul', {}, links.map(linkLine))) : null,
      sources.length ? el('p', { class: 'claim-sources' }, el('span', { class: 'claim-key', text: 'Evidence: ' }),
        ...sources.flatMap((s, i) => [i ? ' · ' : '', el('a', { href: s.url, rel: 'noopener noreferrer', target: '_blank', text: s.publisher || s.title || s.url })])) : null);
  }

  function renderClaims() {
    renderFilter();
    const shown = data.claims.filter((c) => !state.verdict || c.verdict === state.verdict).sort(byRef);
    $('claims-list').replaceChildren(...shown.map(claimItem));
    $('claims-caption').textContent = data.claims.length
      ? shown.length + ' of ' + data.claims.length + ' claims' + (state.verdict ? ' (' + (EKG.panels.VERDICTS[state.verdict] || state.verdict).toLowerCase() + ')' : '') + '.'
      : 'No claims could be loaded.';
  }

  Object.assign(home, { initClaims, renderClaims });
})();
