/*
 * Home page helpers shared by the other app-*.js scripts (namespace window.EKG).
 * DOM building without innerHTML, JSON fetching, dates at their precision, link styling rules.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = (window.EKG = window.EKG || {});

  const DAY = 24 * 3600 * 1000;
  const DIRECTED_KINDS = ['causes', 'enables', 'prevents', 'contributes_to'];
  // Lane colours by the lane's place in the story's lane order (the data gives lanes no colour):
  // app.css has the same palette as --lane-c0 .. --lane-c7. Filled by setLanes().
  const PALETTE = ['#9a5b00', '#0b5cad', '#7b3294', '#b3261e', '#2e7d32', '#59636e', '#00796b', '#ad1457'];
  const LANE_COLOURS = {};
  const LANE_KEYS = {};
  const KIND_COLOURS = {
    causes: '#1f4e79',
    enables: '#2e7d32',
    prevents: '#b71c1c',
    contributes_to: '#4a6fa5',
    correlates_with: '#7a7a7a',
    similar_to: '#7a7a7a',
    part_of: '#b0b0b0',
  };
  const HIGHLIGHT = { selected: '#111827', cause: '#c2410c', effect: '#1d4ed8', chain: '#a16207' };
  // Diff mode: links only in lens A, only in lens B (the lens compared with).
  const DIFF_COLOURS = { a: '#0e7490', b: '#a21caf', both: '#4b5563' };
  const DIFF_WORDS = { a: 'only in the chosen lens', b: 'only in the lens compared with', both: 'in both lenses', none: 'in neither lens' };
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  /**
   * el('a', {href: url, class: 'x', dataset: {id}}, 'text', child) -> HTMLElement.
   * Attributes are set with setAttribute (never a style attribute), children are text or nodes.
   */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'class') node.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(key, String(value));
    }
    return node;
  }

  /** The text of an HTML-escaped string (the API escapes timeline labels). No script runs. */
  function unescapeHtml(text) {
    if (!text || text.indexOf('&') < 0) return text || '';
    return new DOMParser().parseFromString('<!doctype html><p>' + text, 'text/html').body.textContent;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[c]);
  }

  class ApiError extends Error {}

  /** GET a JSON document from this host; problem+json errors become ApiError(detail). */
  async function getJSON(url, signal) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, signal });
    if (EKG.version) await EKG.version.check(response); // another data version: never drawn (app-version.js)
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = null;
    }
    if (!response.ok) {
      const detail = body && (body.detail || body.title);
      throw new ApiError(detail || 'HTTP ' + response.status + ' for ' + url);
    }
    return body;
  }

  /** A query string from {key: value | [values]}; empty values are left out, lists joined with ",". */
  function query(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === null || value === undefined || value === '') continue;
      if (Array.isArray(value)) {
        if (value.length) search.set(key, value.join(','));
      } else search.set(key, String(value));
    }
    const text = search.toString().replace(/%2C/gi, ',');
    return text ? '?' + text : '';
  }

  /** A date/time string of the API as a Date: a bare day (or a local time) is in the story's zone. */
  function parseDate(text) {
    if (!text) return null;
    const m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
    if (!m) return new Date(text);
    return EKG.zone.at(Number(m[1]), Number(m[2] || 1) - 1, Number(m[3] || 1), Number(m[4] || 0), Number(m[5] || 0), Number(m[6] || 0));
  }

  const pad = (n) => String(n).padStart(2, '0');

  function shortDate(date) {
    const p = EKG.zone.parts(date);
    return p.day + ' ' + MONTHS[p.month] + ' ' + p.year;
  }

  function clockTime(date) {
    const p = EKG.zone.parts(date);
    return pad(p.hour) + ':' + pad(p.minute);
  }

  /** "16 Dec 2014, 01:00 CET": an instant in the story's zone, with the zone's short name. */
  function instantText(date) {
    return shortDate(date) + ', ' + clockTime(date) + ' ' + EKG.zone.name(date);
  }

  /** YYYY-MM-DD of a Date in the story's zone (for <input type=date>). */
  function isoDay(date) {
    const p = EKG.zone.parts(date);
    return p.year + '-' + pad(p.month + 1) + '-' + pad(p.day);
  }

  /** "2014-12-16T01:00:00Z" style, whole seconds, for the URL. */
  function isoInstant(date) {
    return new Date(Math.round(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  /** The wording of a date's precision, as on the event page. */
  function precisionPhrase(date) {
    const precision = date.precision;
    const qualifier = /%/.test(date.edtf || '') ? 'approximate and uncertain'
      : /~/.test(date.edtf || '') ? 'approximate'
        : /\?/.test(date.edtf || '') ? 'uncertain' : null;
    let phrase;
    if (precision === 'year') phrase = 'year precision: the month and day are not recorded';
    else if (precision === 'month') phrase = 'month precision: the day is not recorded';
    else if (precision === 'day') phrase = 'day precision: no time of day recorded';
    else if (precision === 'second' || precision === 'instant') {
      const begin = date.begin || '';
      const tail = begin.slice(-6);
      phrase = 'an instant, ' + (begin.endsWith('Z') ? 'in UTC'
        : /^[+-]\d\d:\d\d$/.test(tail) ? 'UTC offset ' + tail : 'no UTC offset recorded');
    } else if (precision === 'interval') phrase = 'an interval from ' + date.begin + ' to ' + date.end;
    else phrase = precision || '';
    return { phrase, qualifier, coarse: precision === 'year' || precision === 'month' };
  }

  function formatNumber(value) {
    if (typeof value !== 'number') return value === null || value === undefined ? '' : String(value);
    return value.toLocaleString('en-GB', { maximumFractionDigits: 4 });
  }

  function humanKind(kind) {
    return (kind || 'related').replace(/_/g, ' ');
  }

  /** Normalise a config list of strings or {id, label} objects to [{id, label}]. */
  function choices(list, fallback) {
    return (Array.isArray(list) && list.length ? list : fallback).map((item) =>
      typeof item === 'string' ? { id: item, label: humanKind(item) } : { id: item.id, label: item.label || humanKind(item.id) });
  }

  /** The lanes of the story, in display order: each gets the next colour of the palette. */
  function setLanes(ids) {
    for (const key of Object.keys(LANE_COLOURS)) delete LANE_COLOURS[key];
    ids.forEach((id, index) => {
      LANE_COLOURS[id] = PALETTE[index % PALETTE.length];
      LANE_KEYS[id] = 'c' + (index % PALETTE.length);
    });
  }

  /** The colour class suffix of a lane ("c0".."c7"; lane-c0, lane-bg-c0, lane-sw-c0 in CSS). */
  const laneKey = (lane) => LANE_KEYS[lane] || 'cx';

  function laneColour(lane, index) {
    return LANE_COLOURS[lane] || PALETTE[(index || 0) % PALETTE.length];
  }

  /** Stroke width of a link from its confidence (0..1). */
  function linkWidth(confidence) {
    const c = typeof confidence === 'number' ? confidence : 0.5;
    return 1.2 + 3 * c;
  }

  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  Object.assign(EKG, {
    DAY, DIRECTED_KINDS, LANE_COLOURS, KIND_COLOURS, HIGHLIGHT, DIFF_COLOURS, DIFF_WORDS, MONTHS,
    el, append, svg, unescapeHtml, escapeHtml, ApiError, getJSON, query, parseDate, pad,
    shortDate, clockTime, instantText, isoDay, isoInstant, precisionPhrase, formatNumber, humanKind, choices,
    setLanes, laneKey, laneColour, linkWidth, debounce,
  });
})();
