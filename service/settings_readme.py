"""The settings table in README.md, made from :data:`service.settings.SETTINGS` (a test keeps
it current). Regenerate it with
``.venv/bin/python -c 'import service.settings_readme as s; s.write_readme()'``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from service.settings import SETTINGS


def markdown_table() -> str:
    """The settings as the Markdown table README.md shows."""
    lines = ["| variable | flag | default | what |", "|---|---|---|---|"]
    for each in SETTINGS:
        flag = f"`{each.flag}`" if each.flag else "—"
        lines.append(f"| `{each.env}` | {flag} | {_shown(each.default)} | {each.help} |")
    return "\n".join(lines) + "\n"


def _shown(default: Any) -> str:
    if default is None or default == ():
        return "—"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, float):
        return f"`{default:g}`"
    return f"`{default}`"


#: The comments around the generated table in README.md.
START, END = "<!-- settings:start -->", "<!-- settings:end -->"
_BLOCK = re.compile(f"(?<={re.escape(START)}\n).*?(?={re.escape(END)})", re.DOTALL)


def with_table(readme: str) -> str:
    """``readme`` with the text between :data:`START` and :data:`END` replaced by the
    current :func:`markdown_table` (``ValueError`` if the markers are missing)."""
    if _BLOCK.search(readme) is None:
        raise ValueError(f"no {START} ... {END} block")
    return _BLOCK.sub(lambda _: markdown_table(), readme, count=1)


def write_readme(path: str | Path = "README.md") -> None:
    """Bring the settings table in the README at ``path`` up to date (:func:`with_table`)."""
    readme = Path(path)
    readme.write_text(with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
