/*
 * Home page: the data version the page shows, so that a live reload of the data never mixes two
 * versions in one view (EKG.version).
 *
 * Every response that read the data names its version in the EKG-Version header (see
 * service/runtime/state.py). The page shows the version it was rendered from (data-version of
 * this script's tag; else the first API answer's). EKG.getJSON passes every answer to check(): an answer
 * from another version is never drawn -- check() returns a promise that never settles, so the
 * view keeps the consistent one it shows -- and a banner says that the data has changed and
 * offers Refresh, which reloads the page; the URL holds the view state, so the same view comes
 * back on the new data. The service answers only from the version it serves now, so the page
 * cannot ask for the old one; the banner says so.
 *
 * New versions are also noticed without a click: /-/status (data-status) is polled every
 * data-poll seconds (the EKG_VERSION_POLL setting; 0: never on a timer), and when the
 * window gets the focus or the tab becomes visible. The poll revalidates (ETag, 304), so an
 * unchanged status costs no body.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { el } = EKG;
  const HEADER = 'EKG-Version';

  // data-status (the URL of /-/status), data-version and data-poll (seconds) of this <script>.
  const config = document.currentScript.dataset;
  let shown = config.version || null; // the version the page shows
  let newer = null; // the other version the service answers from, once seen
  let timer = null;
  let region = null;

  /**
   * Called by EKG.getJSON with every answer before it is read. Null when the answer may be drawn
   * (its version is the one shown, or it names none); for an answer of another version, a promise
   * that never settles, and the banner.
   */
  function check(response) {
    const version = response.headers.get(HEADER);
    if (!version || version === shown) return null;
    if (shown === null) {
      shown = version;
      return null;
    }
    changed(version);
    return new Promise(() => {});
  }

  /** The service now serves `version`: say so once, stop polling, and draw nothing newer. */
  function changed(version) {
    if (newer === version) return;
    newer = version;
    if (timer !== null) clearInterval(timer);
    timer = null;
    document.body.dataset.stale = '1';
    // Nothing is loading any more: the answers that will not be drawn are not awaited.
    for (const node of document.querySelectorAll('[aria-busy="true"]')) node.removeAttribute('aria-busy');
    const refresh = el('button', { type: 'button', class: 'version-refresh', text: 'Refresh' });
    refresh.addEventListener('click', () => location.reload());
    region.replaceChildren(el('div', { class: 'version-banner' }, [
      el('p', {}, [
        'The data has changed (version ', el('code', { text: shown }), ' → ', el('code', { text: version }),
        '). Refresh to see it; until then this view stays as it was.',
      ]),
      refresh,
    ]));
  }

  /** Ask /-/status which version is served now (a 304 while nothing changed). */
  async function poll() {
    if (!config.status || newer !== null || document.hidden) return;
    try {
      const response = await fetch(config.status, { headers: { Accept: 'application/json' }, cache: 'no-cache' });
      if (!response.ok) return;
      const status = await response.json();
      if (shown === null) shown = status.version;
      else if (status.version && status.version !== shown) changed(status.version);
    } catch (err) {
      // The service is restarting or unreachable: the next poll asks again.
    }
  }

  function start() {
    // A live region present from the start, so that what is put in it is announced.
    region = el('div', { id: 'version-status', class: 'version-status', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
    const seconds = Number(config.poll);
    if (seconds > 0) timer = setInterval(poll, seconds * 1000);
    window.addEventListener('focus', poll);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) poll();
    });
  }

  EKG.version = { check, poll, shown: () => shown, newer: () => newer };
  start();
})();
