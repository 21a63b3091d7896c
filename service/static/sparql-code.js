/*
 * SPARQL query page: the "Code" result view, a YASR plugin that gives the tab's query as
 * three snippets to run elsewhere -- curl, Python (SPARQLWrapper) and JavaScript fetch --
 * each POSTing it to this server's absolute /sparql URL, each with a copy button.
 *
 * The query and the endpoint come from the tab (yasr.config.getPlainQueryLinkToEndpoint()),
 * so the snippets are what the editor holds. Strings are escaped for each language: single
 * quotes for the shell, JSON string literals (valid in Python and JavaScript) line by line.
 * SELECT and ASK ask for SPARQL JSON results; CONSTRUCT and DESCRIBE for Turtle.
 */
(function () {
  'use strict';

  if (!window.EKGSparql || typeof window.Yasgui !== 'function') return;
  var ICON =
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true">' +
    '<path d="M8 6l-6 6 6 6M16 6l6 6-6 6" fill="none" stroke="currentColor" stroke-width="2"/></svg>';
  var JSON_RESULTS = 'application/sparql-results+json';

  /** SELECT, ASK, CONSTRUCT or DESCRIBE: the query's form (comments and IRIs ignored). */
  function queryForm(query) {
    var text = query.replace(/#[^\n]*/g, ' ').replace(/<[^<>\s]*>/g, ' ');
    var match = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(text);
    return match ? match[1].toUpperCase() : 'SELECT';
  }

  /** A POSIX shell word that holds `text` exactly. */
  function shellQuote(text) {
    return "'" + text.replace(/'/g, "'\\''") + "'";
  }

  /** The query as string literals, one per line, for Python's implicit concatenation. */
  function lineLiterals(query, indent) {
    var lines = query.split('\n');
    return lines.map(function (line, index) {
      return indent + JSON.stringify(index < lines.length - 1 ? line + '\n' : line);
    }).join('\n');
  }

  function curlSnippet(endpoint, query, accept) {
    return 'curl -sS ' + shellQuote(endpoint) + ' \\\n' +
      '  -H ' + shellQuote('Accept: ' + accept) + ' \\\n' +
      '  --data-urlencode ' + shellQuote('query=' + query) + '\n';
  }

  function pythonSnippet(endpoint, query, form) {
    var graph = form === 'CONSTRUCT' || form === 'DESCRIBE';
    return [
      '# pip install sparqlwrapper',
      'from SPARQLWrapper import ' + (graph ? 'TURTLE' : 'JSON') + ', POST, SPARQLWrapper',
      '',
      'query = (',
      lineLiterals(query, '    '),
      ')',
      'sparql = SPARQLWrapper(' + JSON.stringify(endpoint) + ')',
      'sparql.setMethod(POST)',
      'sparql.setReturnFormat(' + (graph ? 'TURTLE' : 'JSON') + ')',
      'sparql.setQuery(query)',
      'results = sparql.queryAndConvert()',
    ].concat(graph ? ['print(results.decode() if isinstance(results, bytes) else results)'] : form === 'ASK' ? [
      'print(results["boolean"])',
    ] : [
      'rows = results["results"]["bindings"]',
      'for row in rows:',
      '    print({name: cell["value"] for name, cell in row.items()})',
    ]).join('\n') + '\n';
  }

  function javascriptSnippet(endpoint, query, form, accept) {
    var read = form === 'CONSTRUCT' || form === 'DESCRIBE' ? [
      'console.log(await response.text());',
    ] : form === 'ASK' ? [
      'console.log((await response.json()).boolean);',
    ] : [
      'const results = await response.json();',
      'console.table(results.results.bindings.map((row) =>',
      '  Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, cell.value]))));',
    ];
    return [
      '// In a module or the browser console (top-level await).',
      'const query = [',
      query.split('\n').map(function (line) { return '  ' + JSON.stringify(line) + ','; }).join('\n'),
      '].join("\\n");',
      'const response = await fetch(' + JSON.stringify(endpoint) + ', {',
      '  method: "POST",',
      '  headers: { Accept: ' + JSON.stringify(accept) + ' },',
      '  body: new URLSearchParams({ query }),',
      '});',
      'if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);',
    ].concat(read).join('\n') + '\n';
  }

  /** The snippets for `query` sent to `endpoint`: [{id, title, code}]. */
  function snippets(endpoint, query) {
    var form = queryForm(query);
    var accept = form === 'CONSTRUCT' || form === 'DESCRIBE' ? 'text/turtle' : JSON_RESULTS;
    return [
      { id: 'curl', title: 'curl', code: curlSnippet(endpoint, query, accept) },
      { id: 'python', title: 'Python (SPARQLWrapper)', code: pythonSnippet(endpoint, query, form) },
      { id: 'javascript', title: 'JavaScript (fetch)', code: javascriptSnippet(endpoint, query, form, accept) },
    ];
  }

  /** The tab's endpoint (absolute, without a query string) and query text, or null. */
  function tabQuery(yasr) {
    var link = yasr.config && typeof yasr.config.getPlainQueryLinkToEndpoint === 'function'
      ? yasr.config.getPlainQueryLinkToEndpoint() : null;
    if (!link) return null;
    var url = new URL(link, window.location.href);
    var query = url.searchParams.get('query');
    if (!query) return null;
    url.search = '';
    url.hash = '';
    return { endpoint: url.href, query: query.replace(/\s+$/, '') };
  }

  function copyButton(code, status) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'ekg-code-copy';
    button.textContent = 'Copy';
    button.addEventListener('click', function () {
      var done = function (text) { status.textContent = text; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code).then(
          function () { done('Copied.'); },
          function () { done('Select the code and copy it.'); }
        );
      } else {
        done('Select the code and copy it.');
      }
    });
    return button;
  }

  function CodeView(yasr) {
    this.yasr = yasr;
    this.label = 'Code';
    this.priority = 1;
    this.helpReference = null;
  }

  CodeView.prototype.canHandleResults = function () {
    return !!this.yasr.results && tabQuery(this.yasr) !== null;
  };

  CodeView.prototype.getIcon = function () {
    return window.EKGSparql.viewIcon(ICON);
  };

  CodeView.prototype.draw = function () {
    var root = window.EKGSparql.viewRoot(this.yasr, 'ekg-code-view');
    var current = tabQuery(this.yasr);
    if (!current) {
      root.appendChild(window.EKGSparql.note('Run a query first: the snippets send the query of this tab.'));
      return;
    }
    root.appendChild(window.EKGSparql.note('This tab\'s query, sent to ' + current.endpoint + ':', 'ekg-view-summary'));
    snippets(current.endpoint, current.query).forEach(function (snippet) {
      var section = document.createElement('section');
      section.className = 'ekg-code-snippet';
      section.dataset.lang = snippet.id;
      var head = document.createElement('div');
      head.className = 'ekg-code-head';
      var title = document.createElement('h3');
      title.textContent = snippet.title;
      var status = document.createElement('span');
      status.className = 'ekg-code-status';
      status.setAttribute('aria-live', 'polite');
      head.append(title, copyButton(snippet.code, status), status);
      var pre = document.createElement('pre');
      var code = document.createElement('code');
      code.textContent = snippet.code;
      pre.appendChild(code);
      section.append(head, pre);
      root.appendChild(section);
    });
  };

  window.EKGSparql.snippets = snippets;
  window.Yasgui.Yasr.registerPlugin('code', CodeView);
})();
