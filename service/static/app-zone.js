/*
 * The story's time zone (EKG.zone): every instant of the home page is shown in the IANA zone
 * the story names (GET /api/stories, `time_zone`), through Intl.DateTimeFormat, and labelled
 * with the zone's short name ("CET") or, where the browser knows none, its UTC offset
 * ("UTC+05:30"). Offsets follow the zone's rules at each instant (summer time included), so
 * the timeline axis (vis-timeline's `moment` option), the node and list labels and the bare
 * days of the data ("2014-12-16": midnight in the zone) agree. UTC until set() is called.
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const HOUR = 3600 * 1000;
  let id = 'UTC';
  let partsFormat = null;
  let nameFormat = null;
  const offsets = new Map(); // hour number -> offset in minutes (the zone's rules, cached)

  /** Use the IANA zone `tz` (an unknown or empty one falls back to UTC). */
  function set(tz) {
    const options = {
      hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    };
    try {
      partsFormat = new Intl.DateTimeFormat('en-GB', Object.assign({ timeZone: tz || 'UTC' }, options));
      id = partsFormat.resolvedOptions().timeZone;
    } catch (err) {
      partsFormat = new Intl.DateTimeFormat('en-GB', Object.assign({ timeZone: 'UTC' }, options));
      id = 'UTC';
    }
    nameFormat = new Intl.DateTimeFormat('en-GB', { timeZone: id, timeZoneName: 'short' });
    offsets.clear();
  }

  /** {year, month (0-11), day, hour, minute, second} of a Date in the zone. */
  function parts(date) {
    const p = {};
    for (const part of partsFormat.formatToParts(date)) p[part.type] = part.value;
    return { year: Number(p.year), month: Number(p.month) - 1, day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second) };
  }

  /** A wall-clock time as if it were UTC, in milliseconds (years before 100 kept as they are). */
  function utcWall(year, month, day, hour, minute, second) {
    const d = new Date(0);
    d.setUTCFullYear(year, month, day);
    d.setUTCHours(hour || 0, minute || 0, second || 0, 0);
    return d.getTime();
  }

  /** The zone's offset from UTC at `date`, in minutes (east positive). */
  function offset(date) {
    const time = date instanceof Date ? date.getTime() : Number(date);
    const hour = Math.floor(time / HOUR);
    if (offsets.has(hour)) return offsets.get(hour);
    const at = new Date(hour * HOUR);
    const p = parts(at);
    const minutes = Math.round((utcWall(p.year, p.month, p.day, p.hour, p.minute, p.second) - at.getTime()) / 60000);
    if (offsets.size > 5000) offsets.clear();
    offsets.set(hour, minutes);
    return minutes;
  }

  /** "+01:00" style offset at `date`. */
  function offsetText(date) {
    const minutes = offset(date);
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return sign + EKG.pad(Math.floor(abs / 60)) + ':' + EKG.pad(abs % 60);
  }

  /** The zone's short name at `date` ("CET", "EST"), else "UTC+05:30". */
  function name(date) {
    const part = nameFormat.formatToParts(date).find((p) => p.type === 'timeZoneName');
    const text = part ? part.value : '';
    if (text && !/^(GMT|UTC)/.test(text)) return text;
    return offset(date) === 0 ? 'UTC' : 'UTC' + offsetText(date);
  }

  /** "Europe/Berlin (CET, UTC+01:00)": the zone as a caption names it. */
  function describe(date) {
    const short = name(date);
    const utc = 'UTC' + offsetText(date);
    return id + (short === utc ? ' (' + utc + ')' : ' (' + short + ', ' + utc + ')');
  }

  /** The instant of a wall-clock time in the zone (month 0-11). */
  function at(year, month, day, hour, minute, second) {
    const wall = utcWall(year, month, day, hour, minute, second);
    let time = wall - offset(wall) * 60000;
    time = wall - offset(time) * 60000;
    return new Date(time);
  }

  /** A YYYY-MM-DD day as the instant of its midnight in the zone. */
  function day(text) {
    const m = /^(-?\d{4})-(\d{2})-(\d{2})/.exec(text || '');
    return m ? at(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
  }

  set('UTC');
  EKG.zone = { set, parts, offset, offsetText, name, describe, at, day, get id() { return id; } };
})();
