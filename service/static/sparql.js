/*
 * SPARQL query page: YASGUI 4.6.2 (@zazuko/yasgui, global `Yasgui`) pointed at this service.
 *
 * Reads the JSON block #sparql-config that templates/sparql.html writes:
 *   {"endpoint": "/sparql", "prefixes": {prefix: namespace IRI}, "examples": [{name, title, query}]}
 * Opens one tab per example, the first selected. Every tab declares the project prefixes.
 * Sends no requests except POSTs to the endpoint. Stores nothing in localStorage, so each load
 * shows the current examples and no stale tabs.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  var DEFAULT_QUERY = 'SELECT ?s ?p ?o WHERE {\n  ?s ?p ?o .\n} LIMIT 10\n';

  function hasOwn(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  /** Prefix names the query already declares (comments are ignored). */
  function declaredPrefixes(query) {
    var text = query.replace(/(^|\s)#.*$/gm, '$1');
    var names = new Set();
    var re = /(?:^|[\s}])PREFIX\s+([A-Za-z][\w.-]*)?\s*:/gi;
    var match;
    while ((match = re.exec(text)) !== null) names.add(match[1] || '');
    return names;
  }

  /**
   * The query with a PREFIX line for every project prefix it does not declare yet. The lines go
   * after the query's leading comment block, so its description stays on top.
   */
  function withPrefixes(query, prefixes) {
    var declared = declaredPrefixes(query);
    var lines = Object.keys(prefixes)
      .filter(function (name) { return !declared.has(name); })
      .map(function (name) { return 'PREFIX ' + name + ': <' + prefixes[name] + '>'; });
    if (!lines.length) return query;
    var rows = query.split('\n');
    var start = 0;
    while (start < rows.length && /^\s*#/.test(rows[start])) start += 1;
    return rows.slice(0, start).concat(lines, rows.slice(start)).join('\n');
  }

  /**
   * Project prefixes come first in the "prefixes" autocompleter and replace bundled entries with
   * the same name. So typing `sem:` adds this project's namespace, not a prefix.cc guess. The
   * list is not cached in localStorage under the shared key "prefixes".
   */
  function completeProjectPrefixes(Yasqe, prefixes) {
    var completer = Yasqe.Autocompleters && Yasqe.Autocompleters.prefixes;
    if (!completer || typeof completer.get !== 'function') return;
    var bundledGet = completer.get;
    completer.persistenceId = null;
    completer.get = function (yasqe, token) {
      return Promise.resolve(bundledGet.call(this, yasqe, token)).then(function (bundled) {
        var ours = Object.keys(prefixes).map(function (name) {
          return name + ': <' + prefixes[name] + '>';
        });
        var others = (bundled || []).filter(function (entry) {
          return !hasOwn(prefixes, entry.split(':')[0]);
        });
        return ours.concat(others).sort();
      });
    };
  }

  /** A tab id made from the example name. It must be unique and work as an HTML id. */
  function tabId(name, taken) {
    var base = 'example-' + String(name || 'query').replace(/[^A-Za-z0-9_-]+/g, '-');
    var id = base;
    for (var n = 2; taken.has(id); n += 1) id = base + '-' + n;
    taken.add(id);
    return id;
  }

  function init() {
    var host = document.getElementById('yasgui');
    var configEl = document.getElementById('sparql-config');
    if (!host || !configEl) return;
    if (typeof window.Yasgui !== 'function') {
      host.textContent = 'The query editor could not be loaded.';
      return;
    }
    var config = JSON.parse(configEl.textContent);
    var prefixes = config.prefixes || {};
    var examples = config.examples || [];
    // YASGUI calls new URL(endpoint) in places, so the endpoint must be absolute.
    var endpoint = new URL(config.endpoint || '/sparql', window.location.href).href;

    // Set the defaults before construction. Passed as config, lodash merge would only overwrite
    // by index and keep the LOV class/property completers, which call lov.linkeddata.es.
    Yasgui.Yasqe.defaults.autocompleters = ['variables', 'prefixes'];
    completeProjectPrefixes(Yasgui.Yasqe, prefixes);

    var yasgui = new Yasgui(host, {
      requestConfig: { endpoint: endpoint, method: 'POST' },
      copyEndpointOnNewTab: false,
      persistenceId: null,
      autoAddOnInit: false,
      autofocus: false,
      // A share link (#query=...) opens as an extra tab, always against this endpoint.
      populateFromUrl: function (tab) {
        tab.requestConfig.endpoint = endpoint;
        return tab;
      },
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      // `value` is the text of every new tab ("+").
      yasqe: { value: withPrefixes(DEFAULT_QUERY, prefixes), collapsePrefixesOnLoad: true },
      yasr: { prefixes: prefixes }
    });

    var sharedTab = yasgui.getTab();
    var taken = new Set();
    examples.forEach(function (example, index) {
      yasgui.addTab(!sharedTab && index === 0, {
        id: tabId(example.name, taken),
        name: example.title || example.name,
        yasqe: { value: withPrefixes(example.query || '', prefixes) }
      });
    });
    if (!sharedTab && !examples.length) yasgui.addTab(true);
    // Long titles are cut with an ellipsis (sparql.css): the tooltip has all of it.
    host.querySelectorAll('.tabsList .tab a > span').forEach(function (label) {
      label.parentNode.title = label.textContent.trim();
    });
    if (window.EKGSparql) window.EKGSparql.yasgui = yasgui;  // for the views and for tests

    document.body.dataset.ready = '1';
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
