/*
 * SPARQL query page: what the result views share (global `EKGSparql`), and result IRIs that
 * open this server's pages.
 *
 * Loaded after yasgui and before the sparql-*.js views and sparql.js. Reads #sparql-config
 * (templates/sparql.html): "base" is the dataset's base IRI and "pages" maps an IRI section to
 * this server's URL of such a record, "{id}" standing for its id, e.g.
 *   {"event": "/api/events/{id}", "story": "/?story={id}"}
 * so <base>event/<id> in a result table links to /api/events/<id> (the event page). Other IRIs
 * keep their own href.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  /** Rows a timeline or graph view draws at most; the rest are left out, and it says so. */
  var MAX_ROWS = 2000;
  var ID_RE = /^[A-Za-z0-9._~-]+$/;
  var DATE_TYPES = {
    'http://www.w3.org/2001/XMLSchema#date': true,
    'http://www.w3.org/2001/XMLSchema#dateTime': true,
    'http://www.w3.org/2001/XMLSchema#dateTimeStamp': true,
  };

  var cachedConfig = null;

  /** The page's #sparql-config ({} when there is none). */
  function config() {
    if (cachedConfig === null) {
      var el = document.getElementById('sparql-config');
      cachedConfig = el ? JSON.parse(el.textContent) : {};
    }
    return cachedConfig;
  }

  /** This server's page for `iri`, or null when the IRI is not a record with a page here. */
  function localPage(iri) {
    var base = config().base;
    var pages = config().pages || {};
    if (!base || typeof iri !== 'string' || iri.indexOf(base) !== 0) return null;
    var rest = iri.slice(base.length);
    var slash = rest.indexOf('/');
    if (slash < 1) return null;
    var section = rest.slice(0, slash);
    var id = rest.slice(slash + 1);
    if (!Object.prototype.hasOwnProperty.call(pages, section) || !ID_RE.test(id)) return null;
    return pages[section].replace('{id}', encodeURIComponent(id));
  }

  /** Schemes an IRI may be linked with: a query can bind any IRI (<javascript:...> too). */
  var SAFE_SCHEME = /^(https?|urn):/i;

  /** Where a link to `iri` goes: its local page, the IRI itself, or null (not linked). */
  function hrefOf(iri) {
    return localPage(iri) || (SAFE_SCHEME.test(iri) ? iri : null);
  }

  /** `iri` as an element: a link (hrefOf) or, for an unsafe scheme, plain text. */
  function linkTo(iri, text) {
    var href = hrefOf(iri);
    var node = document.createElement(href ? 'a' : 'span');
    if (href) node.href = href;
    node.dataset.iri = iri;
    node.textContent = text;
    return node;
  }

  /** The last segment of an IRI (after the last / or #), for a label. */
  function localName(iri) {
    var match = /[^/#]*$/.exec(iri);
    if (!match || !match[0]) return iri;
    try {
      return decodeURIComponent(match[0]);
    } catch (err) {
      return match[0]; // not UTF-8 percent-encoding (Caf%E9, a lone %)
    }
  }

  function isDate(term) {
    return !!term && term.type !== 'uri' && DATE_TYPES[term.datatype] === true;
  }

  function isIri(term) {
    return !!term && term.type === 'uri';
  }

  /** The variables, the rows (binding objects) and whether there were more than MAX_ROWS. */
  function resultRows(yasr) {
    var results = yasr.results;
    if (!results || results.getType() !== 'json' || typeof results.getBindings !== 'function') {
      return { variables: [], rows: [], truncated: false };
    }
    var rows = results.getBindings() || [];
    return {
      variables: results.getVariables() || [],
      rows: rows.slice(0, MAX_ROWS),
      truncated: rows.length > MAX_ROWS,
      total: rows.length,
    };
  }

  /** The variables whose bound values are all of one kind (`test`), with at least one bound. */
  function columnsWhere(variables, rows, test) {
    return variables.filter(function (name) {
      var bound = 0;
      for (var i = 0; i < rows.length; i += 1) {
        var term = rows[i][name];
        if (!term) continue;
        if (!test(term)) return false;
        bound += 1;
      }
      return bound > 0;
    });
  }

  /**
   * The label column of variable `name`: ?<name>Label, ?<name>_label, or, for the first
   * IRI column, ?label. Null when the query has none.
   */
  function labelColumn(variables, name, first) {
    var candidates = [name + 'Label', name + '_label'];
    if (first) candidates.push('label');
    for (var i = 0; i < candidates.length; i += 1) {
      if (variables.indexOf(candidates[i]) !== -1) return candidates[i];
    }
    return null;
  }

  /** The text of a label cell, or the local name of the IRI. */
  function labelOf(row, labelVar, term) {
    var label = labelVar ? row[labelVar] : null;
    if (label && label.value) return label.value;
    return term.type === 'uri' ? localName(term.value) : term.value;
  }

  /** A paragraph for a view: why it draws nothing, or that it left rows out. */
  function note(text, className) {
    var p = document.createElement('p');
    p.className = 'ekg-view-note' + (className ? ' ' + className : '');
    p.textContent = text;
    return p;
  }

  /** The note that a view drew only the first MAX_ROWS rows (null when it drew all). */
  function limitNote(data) {
    if (!data.truncated) return null;
    return note(
      'Showing the first ' + MAX_ROWS + ' of ' + data.total + ' rows. Add a LIMIT or a ' +
        'FILTER to the query to see the others here; the table shows every row.',
      'ekg-view-limit'
    );
  }

  /**
   * The icon of a view's button, from the view's own SVG markup (a constant of the view's file).
   * A <div>: YASR hides every <span> of the view buttons on narrow screens (the labels).
   */
  function viewIcon(svg) {
    var icon = document.createElement('div');
    icon.className = 'ekg-view-icon';
    icon.innerHTML = svg;
    return icon;
  }

  /** A view's drawing area (class `ekg-view <className>`), appended to the results box. */
  function viewRoot(yasr, className) {
    var root = document.createElement('div');
    root.className = 'ekg-view ' + className;
    yasr.resultsEl.appendChild(root);
    return root;
  }

  function escapeAttribute(text) {
    return String(text).replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;')
      .replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  /**
   * Result tables link record IRIs to this server's pages: the table view's link builder is
   * wrapped, so every page of the table (DataTables draws them lazily) gets the local href.
   */
  function linkTableToLocalPages(Yasr) {
    var Table = Yasr && Yasr.plugins && Yasr.plugins.table;
    if (!Table || !Table.prototype || typeof Table.prototype.getUriLinkFromBinding !== 'function') {
      return;
    }
    var original = Table.prototype.getUriLinkFromBinding;
    Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
      var html = original.call(this, binding, prefixes);
      var local = binding && localPage(binding.value);
      if (!local) return html;
      return html.replace(/href=("[^"]*"|'[^']*')/, function () {
        return 'href="' + escapeAttribute(local) + '" data-iri="' + escapeAttribute(binding.value) + '"';
      });
    };
  }

  window.EKGSparql = {
    MAX_ROWS: MAX_ROWS,
    config: config,
    localPage: localPage,
    hrefOf: hrefOf,
    linkTo: linkTo,
    localName: localName,
    isDate: isDate,
    isIri: isIri,
    resultRows: resultRows,
    columnsWhere: columnsWhere,
    labelColumn: labelColumn,
    labelOf: labelOf,
    note: note,
    limitNote: limitNote,
    viewIcon: viewIcon,
    viewRoot: viewRoot,
  };

  if (typeof window.Yasgui === 'function') linkTableToLocalPages(window.Yasgui.Yasr);
})();
