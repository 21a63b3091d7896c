/*
 * Home page controller, part 6 of 8: whose account the page follows. The lens switch (#lens-bar)
 * picks "as the evidence shows it" (supported and qualified links, the default), every link, or
 * one narrative (the seed article, each analyst: the links it asserts, whatever their status);
 * the timeline arrows, the graph, the highlighted causes and effects, the chains and the counts
 * follow that lens, and links outside it are drawn muted and never counted. "Compare with" a
 * second lens turns on diff mode: links only in the first lens, only in the second and in both
 * are drawn in distinct colours (see the legend). Both are kept in the URL (lens, vs). Adds its
 * functions to EKG.home (see app-data.js).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el } = EKG;
  const home = EKG.home;
  const { $, state, data } = home;

  const lensLabel = (id) => (data.lenses.find((l) => l.id === id) || { label: id }).label;

  /** Fill the two selects from data.lenses; drop a lens from the URL that does not exist. */
  function initLens() {
    const ids = data.lenses.map((l) => l.id);
    if (!ids.includes(state.lens)) state.lens = 'evidence';
    if (!ids.includes(state.vs) || state.vs === state.lens) state.vs = '';
    home.markLens();
    const option = (l) => el('option', { value: l.id, text: l.label });
    $('lens-select').replaceChildren(...data.lenses.map(option));
    $('lens-vs').replaceChildren(el('option', { value: '', text: 'nothing (no diff)' }), ...data.lenses.map(option));
    $('lens-select').addEventListener('change', () => setLens($('lens-select').value, state.vs === $('lens-select').value ? '' : state.vs));
    $('lens-vs').addEventListener('change', () => setLens(state.lens, $('lens-vs').value));
    writeLens();
  }

  /** Show the lens in the selects, the summary line and the legend. */
  function writeLens() {
    $('lens-select').value = state.lens;
    $('lens-vs').value = state.vs;
    for (const option of $('lens-vs').options) option.disabled = option.value !== '' && option.value === state.lens;
    const links = [...data.links.values()];
    const followed = links.filter((l) => !l.outside).length;
    const a = lensLabel(state.lens);
    const summary = $('lens-summary');
    if (state.vs) {
      const n = (d) => links.filter((l) => l.diff === d).length;
      const part = (d, text) => el('span', { class: 'diff-key diff-key-' + d }, el('span', { class: 'diff-swatch', 'aria-hidden': 'true' }), text);
      summary.replaceChildren('Diff: ',
        part('a', n('a') + ' links only in "' + a + '"'), ', ',
        part('b', n('b') + ' only in "' + lensLabel(state.vs) + '"'), ', ',
        part('both', n('both') + ' in both'), '. Causes, effects and chains follow "' + a + '".');
    } else {
      summary.textContent = a + ': ' + followed + ' of ' + links.length + ' links followed; the other ' + (links.length - followed) + ' are drawn grey and never counted.';
    }
    document.body.dataset.lens = state.lens;
    document.body.classList.toggle('diff-mode', Boolean(state.vs));
    for (const item of document.querySelectorAll('#legend-lens .lg-diff')) item.hidden = !state.vs;
    $('legend-outside').textContent = state.vs ? 'grey, faint: in neither lens' : 'grey: outside the lens "' + a + '", drawn but never counted';
    $('legend-diff-a').textContent = 'only in "' + a + '"';
    $('legend-diff-b').textContent = 'only in "' + (state.vs ? lensLabel(state.vs) : 'B') + '"';
  }

  /** Follow `lens` (and compare with `vs`, '' for none): redraw the links, the highlight, the URL. */
  async function setLens(lens, vs) {
    state.lens = lens || 'evidence';
    state.vs = vs && vs !== state.lens ? vs : '';
    home.markLens();
    writeLens();
    home.renderLinksOnly();
    await home.refreshHighlight();
    home.writeUrl();
  }

  Object.assign(home, { initLens, setLens, writeLens, lensLabel });
})();
