/*
 * Home page controller: the event search in the tools bar. As you type (debounced by
 * EKG.Combobox), GET <api>/search?q=<words>&limit=8 offers the best matches of every story,
 * best first (more words in the label, whole words before word starts before parts of words;
 * the API ranks), each with its date and, when the dataset holds several stories, its story.
 * Arrow keys move through the offers, Enter or a click chooses, Escape closes (ARIA combobox
 * and listbox, as the chain explorer's pickers). Choosing an event of the story shown selects
 * it (home.selectEvent: details, causes and effects) and brings it into view on the timeline;
 * an event of another story opens that story's page with the event selected (?story=&event=).
 * Plain ES2017 script, no modules, no build step. Runs under CSP script-src 'self'.
 */
(function () {
  'use strict';

  const EKG = window.EKG;
  const { getJSON, query } = EKG;
  const home = EKG.home;
  const { $, API, STORY } = home;
  const LIMIT = 8;

  let found = new Map(); // id -> match of the last answer

  function storyTitle(id) {
    if (!id || STORY.stories.length < 2) return '';
    const story = STORY.stories.find((s) => s.id === id);
    return story ? story.title : id;
  }

  async function search(text) {
    if (!/[\p{L}\p{N}_]{2}/u.test(text)) return []; // the API needs a word of 2+ characters
    const answer = await getJSON(API + '/search' + query({ q: text, limit: LIMIT }));
    const matches = answer.matches || [];
    found = new Map(matches.map((m) => [m.id, m]));
    return matches.map((m) => ({
      id: m.id,
      label: m.label,
      date: [m.date && m.date.display, storyTitle(m.story)].filter(Boolean).join(' · '),
    }));
  }

  function choose(id) {
    if (!id) return;
    const match = found.get(id);
    if (match && match.story && STORY.id && match.story !== STORY.id) {
      location.assign('?' + new URLSearchParams({ story: match.story, event: id }).toString());
      return;
    }
    if (home.ready) home.selectEvent(id, { from: 'search', reveal: true });
  }

  const input = $('event-search');
  if (input) home.search = new EKG.Combobox(input, $('event-search-list'), search, choose);
})();
