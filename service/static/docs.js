/*
 * API docs page: Swagger UI 5.35.0 (swagger-ui-dist, global `SwaggerUIBundle`) showing this
 * service's OpenAPI document.
 *
 * Reads the JSON block #docs-config that templates/docs.html writes: {"url": "/openapi.json"}.
 * Requests only that document and, after "Try it out" -> "Execute", the operations on this host:
 *   validatorUrl: null         no badge image from validator.swagger.io
 *   queryConfigEnabled: false  a ?url=... in the page address cannot load another document
 * (CSP connect-src 'self' would block other hosts anyway.) Sets body[data-ready="1"] once the
 * document is rendered, for the browser tests.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  function fail(host, message) {
    host.textContent = message;
    document.body.dataset.ready = 'error';
  }

  function init() {
    var host = document.getElementById('swagger-ui');
    var configEl = document.getElementById('docs-config');
    if (!host || !configEl) return;
    if (typeof window.SwaggerUIBundle !== 'function') {
      fail(host, 'The API docs viewer could not be loaded.');
      return;
    }
    var config = JSON.parse(configEl.textContent);
    var url = new URL(config.url || '/openapi.json', window.location.href).href;

    SwaggerUIBundle({
      url: url,
      dom_id: '#swagger-ui',
      validatorUrl: null,
      queryConfigEnabled: false,
      deepLinking: true,
      displayRequestDuration: true,
      presets: [SwaggerUIBundle.presets.apis],
      plugins: [],
      layout: 'BaseLayout',
      onComplete: function () {
        document.body.dataset.ready = '1';
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
