"""Nothing story-specific in the page's static files and templates: the page reads each story
from /api/stories, so no file under service/static (vendored libraries aside) or
service/templates names a shipped story's id, title or events, its dates, its time zone's
offset, or repeats its intro or guided steps."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from graph.data.loader import load_dataset
from graph.data.model import Story

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "service"
PHRASE = 6  # words: a run this long from an intro or a step is the story's text, not chance


def page_files() -> list[Path]:
    files = [
        path
        for folder in (SERVICE / "static", SERVICE / "templates")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in {".js", ".css", ".html", ".json", ".svg", ".txt"}
    ]
    return [path for path in files if "vendor" not in path.relative_to(SERVICE).parts]


def normalise(text: str) -> str:
    """Lower case, tags dropped, entities decoded, dashes and quotes plain, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u201c\u201d]", "'", text).replace('"', "'")
    return " ".join(text.split())


def phrases(text: str) -> set[str]:
    words = normalise(text).split()
    return {" ".join(words[i : i + PHRASE]) for i in range(max(0, len(words) - PHRASE + 1))}


def forbidden(story: Story) -> dict[str, re.Pattern[str]]:
    """What may not appear, each with the pattern that finds it (a whole id, not a part)."""
    words = {
        f"story id {story.id}": story.id,
        f"story title {story.title!r}": story.title,
        **{f"event id {event}": event for event in story.events},
    }
    found = {
        what: re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])", re.IGNORECASE)
        for what, text in words.items()
    }
    for preset in (story.window, *story.presets):
        if preset is None:
            continue
        for day in (preset.start, preset.end):
            found[f"date {day}"] = re.compile(rf"(?<!\d){re.escape(str(day)[:10])}(?!\d)")
    found["the offset +03:00"] = re.compile(re.escape("+03:00"))
    found["MSK"] = re.compile(r"\bMSK\b")
    return found


STORIES = load_dataset(ROOT / "events.yaml").stories
FILES = page_files()


def test_the_page_files_are_found():
    names = {path.name for path in FILES}
    assert {"index.html", "app.js", "app-data.js", "app-util.js"} <= names
    assert not any("vendor" in path.parts for path in FILES)


@pytest.mark.parametrize("story", STORIES, ids=[story.id for story in STORIES])
def test_no_story_is_written_into_the_page(story: Story):
    assert story.events, "the story holds events, so the test checks their ids"
    hits = []
    patterns = forbidden(story)
    texts = [story.intro or "", *(step.text for step in story.steps)]
    story_phrases = set().union(*(phrases(text) for text in texts))
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        hits += [f"{name}: {what}" for what, pattern in patterns.items() if pattern.search(text)]
        flat = " ".join(normalise(text).split())
        hits += [f"{name}: phrase {p!r}" for p in sorted(story_phrases) if p in flat]
    assert not hits, "story-specific text in the page files:\n" + "\n".join(hits)
