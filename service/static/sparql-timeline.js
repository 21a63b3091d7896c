/*
 * SPARQL query page: the "Timeline" result view, a YASR plugin drawn with the vendored
 * vis-timeline (global `vis`; no <style> injected, so it runs under CSP style-src 'self').
 *
 * It offers itself for SELECT results with at least one date column (every bound value an
 * xsd:date or xsd:dateTime). Each row with such a value is one item at that date; a column
 * named ?end or ?<x>End (a date too) makes the item a span. The item's text is the row's
 * label column (?label, ?<x>Label) or the local name of its first IRI, and it links to the
 * IRI's page on this server where there is one (EKGSparql.hrefOf). At most EKGSparql.MAX_ROWS
 * rows are drawn; the view says when it left rows out.
 */
(function () {
  'use strict';

  var S = window.EKGSparql;
  if (!S || typeof window.Yasgui !== 'function') return;
  var ICON =
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true">' +
    '<path d="M2 12h20M6 7v10M12 9v6M18 5v14" fill="none" stroke="currentColor" stroke-width="2"/></svg>';

  /** The date columns of the results; the first is where items start. */
  function dateColumns(data) {
    return S.columnsWhere(data.variables, data.rows, S.isDate);
  }

  function endColumn(columns) {
    for (var i = 1; i < columns.length; i += 1) {
      if (/^end$|End$/.test(columns[i])) return columns[i];
    }
    return null;
  }

  /** vis items for the rows: [{id, start, end?, content (an element), title}]. */
  function items(data, columns) {
    var start = columns[0];
    var end = endColumn(columns);
    var iris = S.columnsWhere(data.variables, data.rows, S.isIri);
    var subject = iris[0] || null;
    var labelVar = subject ? S.labelColumn(data.variables, subject, true) : S.labelColumn(data.variables, '', true);
    var out = [];
    data.rows.forEach(function (row, index) {
      var when = row[start] || (end ? row[end] : null);
      if (!when) return;
      var startDate = new Date(when.value);
      if (isNaN(startDate)) return;
      var term = subject ? row[subject] : null;
      var text = term ? S.labelOf(row, labelVar, term) : labelVar && row[labelVar] ? row[labelVar].value : when.value;
      var content = term ? S.linkTo(term.value, text) : document.createElement('span');
      content.textContent = text;
      var item = { id: index, start: startDate, content: content, title: text + ' (' + when.value + ')' };
      var endDate = end && row[end] ? new Date(row[end].value) : null;
      if (endDate && !isNaN(endDate) && endDate > startDate) {
        item.end = endDate;
        item.type = 'range';
      } else {
        item.type = 'box';
      }
      out.push(item);
    });
    return out;
  }

  /**
   * The window to open on: where the middle 90 % of the items start, padded, so a few far
   * outliers (a century earlier) do not squeeze the rest into a line. Null: fit them all.
   */
  function openingWindow(list) {
    if (list.length < 20) return null;
    var starts = list.map(function (item) { return item.start.getTime(); }).sort(function (a, b) { return a - b; });
    var low = starts[Math.floor(starts.length * 0.05)];
    var high = starts[Math.ceil(starts.length * 0.95) - 1];
    if (!(high > low)) return null;
    var pad = (high - low) * 0.05;
    return { start: new Date(low - pad), end: new Date(high + pad) };
  }

  function TimelineView(yasr) {
    this.yasr = yasr;
    this.label = 'Timeline';
    this.priority = 5;
    this.helpReference = null;
    this.timeline = null;
  }

  TimelineView.prototype.canHandleResults = function () {
    var data = S.resultRows(this.yasr);
    return data.rows.length > 0 && dateColumns(data).length > 0;
  };

  TimelineView.prototype.getIcon = function () {
    return S.viewIcon(ICON);
  };

  TimelineView.prototype.draw = function () {
    this.destroy();
    var data = S.resultRows(this.yasr);
    var columns = dateColumns(data);
    var root = S.viewRoot(this.yasr, 'ekg-timeline-view');
    if (!columns.length) {
      root.appendChild(S.note('No date column in these results: the timeline needs a column of xsd:date or xsd:dateTime values.'));
      return;
    }
    var list = items(data, columns);
    var limit = S.limitNote(data);
    if (limit) root.appendChild(limit);
    root.appendChild(
      S.note(list.length + (list.length === 1 ? ' row' : ' rows') + ' on the timeline, dated by ?' + columns[0] +
        (endColumn(columns) ? ' to ?' + endColumn(columns) : '') + '.' +
        (openingWindow(list) ? ' It opens on where most of them are: drag to move, Ctrl + wheel or pinch to zoom.' : ''),
        'ekg-view-summary')
    );
    var box = document.createElement('div');
    box.className = 'ekg-timeline-box';
    root.appendChild(box);
    if (typeof window.vis === 'undefined' || !window.vis.Timeline) {
      box.appendChild(S.note('The timeline library could not be loaded.'));
      return;
    }
    var window0 = openingWindow(list);
    this.timeline = new window.vis.Timeline(box, new window.vis.DataSet(list), {
      start: window0 ? window0.start : undefined,
      end: window0 ? window0.end : undefined,
      stack: true,
      maxHeight: 600,
      minHeight: 240,
      zoomKey: 'ctrlKey',
      orientation: { axis: 'top' },
      margin: { item: { horizontal: 4, vertical: 6 } },
    });
  };

  TimelineView.prototype.destroy = function () {
    if (this.timeline) {
      this.timeline.destroy();
      this.timeline = null;
    }
  };

  window.Yasgui.Yasr.registerPlugin('timeline', TimelineView);
})();
