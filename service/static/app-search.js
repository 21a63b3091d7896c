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
  const home = EKG.home;
  const { $, STORY } = home;
  const LIMIT = 8;

  const search = (text, signal) => home.searchEvents(text, signal, { limit: LIMIT, everyStory: true });

  function choose(id, option) {
    if (!id) return;
    if (option && option.story && STORY.id && option.story !== STORY.id) {
      location.assign('?' + new URLSearchParams({ story: option.story, event: id }).toString());
      return;
    }
    if (home.ready) home.selectEvent(id, { from: 'search', reveal: true });
  }

  const input = $('event-search');
  if (input) home.search = new EKG.Combobox(input, $('event-search-list'), search, choose);
})();
