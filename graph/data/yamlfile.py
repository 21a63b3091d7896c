"""Read a YAML file into plain Python values that remember their line numbers.

Hand-edited data needs errors that point at a line, so mappings and sequences come back as
:class:`LocatedDict` / :class:`LocatedList`, which carry the 1-based line of the node and of
each key or item. The loader is stricter than PyYAML's default in ways that protect curated
data:

- dates stay strings (``2014-12-16`` is EDTF text, not a ``datetime.date``);
- only ``true``/``false`` are booleans (``no`` -- Norway -- stays a string);
- a duplicate key is a problem, not a silent overwrite.

That loader is exact but slow (about 55 s per 100 k events). :func:`parse_yaml_fast` reads big
files with the Rust parser ``yaml-rs`` into plain dicts and lists instead -- no lines -- and
answers ``None`` whenever its reading could differ from the located loader's, so the caller
falls back to :func:`parse_yaml`. Callers re-read a file with :func:`parse_yaml` as soon as it
has a problem, to report the problem's line.

>>> data, problems = parse_yaml("a: 1\\nwhen: 2014-12-16\\nflag: no\\na: 2\\n", "x.yaml")
>>> data["when"], data["flag"], data.key_lines["when"]
('2014-12-16', 'no', 2)
>>> [str(p) for p in problems]
["x.yaml:4: duplicate key 'a' (first at line 1)"]
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from typing import Any

import yaml
import yaml_rs

from graph.errors import Problem

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class LocatedDict(dict):
    """A mapping with the line of its node (``line``) and of each key (``key_lines``)."""

    line: int = 0

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """Line of ``key`` if present, else the line of the mapping itself."""
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A sequence with the line of its node (``line``) and of each item (``item_lines``)."""

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    problems: list[Problem]
    file_name: str


# Copy the resolver table before editing it: it is a class attribute shared with PyYAML.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            first = result.key_lines[key]
            loader.problems.append(
                Problem(loader.file_name, line, f"duplicate key {key!r} (first at line {first})")
            )
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(node.start_mark.line + 1)
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(item.start_mark.line + 1)
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def parse_yaml(text: str | bytes, file_name: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; return its located value and the problems found.

    A syntax error is returned as a single problem at its line, with ``None`` as the value.

    >>> parse_yaml("a: 1\\nb: [1, 2\\n", "bad.yaml")[1][0].line  # where '[' opened
    2
    """
    loader = _Loader(text)
    loader.problems = []
    loader.file_name = file_name
    try:
        value = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, file_name)]
    except yaml.YAMLError as exc:
        return None, [Problem(file_name, 1, f"YAML error: {exc}")]
    except RecursionError:
        return None, [Problem(file_name, 1, "YAML document is nested too deeply")]
    finally:
        loader.dispose()
    return value, loader.problems


#: Contexts of PyYAML errors that name where a construct opened: a bracket or a quote.
_OPENERS = ("while parsing a flow", "while scanning a quoted scalar")


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str | bytes, file_name: str) -> Problem:
    """A syntax error as a problem at the line of the mistake.

    An unclosed bracket or quote makes the parser read on, often for many lines, and give up
    far from the mistake: the problem is then put where the bracket or quote opened, and says
    where the parser gave up.

    >>> print(parse_yaml("a: 1\\nb: [unclosed\\nc: 2\\nd: 3\\n", "x.yaml")[1][0])
    x.yaml:2: YAML syntax error: '[' opened here is never closed (the parser gave up at \
line 3: did not find expected ',' or ']')
    """
    problem, context = exc.problem_mark, exc.context_mark
    if (
        problem is not None
        and context is not None
        and context.line < problem.line
        and str(exc.context).startswith(_OPENERS)
        and ("flow" in str(exc.context) or "end of stream" in str(exc.problem))
    ):
        lines = (text.decode("utf-8", "replace") if isinstance(text, bytes) else text).split("\n")
        opener = lines[context.line][context.column : context.column + 1] or "?"
        return Problem(
            file_name,
            context.line + 1,
            f"YAML syntax error: {opener!r} opened here is never closed (the parser gave up at "
            f"line {problem.line + 1}: {exc.problem})",
        )
    mark = problem or context
    line = mark.line + 1 if mark is not None else 1
    message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
    return Problem(file_name, line, f"YAML syntax error: {message}")


# Mapping values the two parsers read differently (YAML 1.1 in PyYAML, 1.2 in yaml-rs) where
# it matters: octal-looking numbers (017, 0o17), a leading underscore, base-60 numbers (1:30)
# and the "=" value key. Only mapping values matter: the lists of the format hold ids, URLs
# and records. The pattern starts with a literal ":" so the scan is quick (0.2 s per 60 MB);
# a false alarm only costs a slower, exact parse.
_RISKY_VALUE = re.compile(
    r":\s+(?:[-+]?(?:0[0-7_o]|_|[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?[ \t]*(?:$|[,}#]))"
    r"|=[ \t]*(?:$|[,}#]))",
    re.MULTILINE,
)
_TAG = re.compile(r"(?:^|[\s\[{,])!", re.MULTILINE)


def parse_yaml_fast(text: str) -> Any | None:
    """Parse one YAML document with ``yaml-rs`` into plain values, without line numbers.

    Returns ``None`` when the text must go through :func:`parse_yaml` instead: a syntax
    error, a duplicate key, a merge key, several documents, or a scalar the two parsers
    could read differently. Otherwise the values equal :func:`parse_yaml`'s, except that keys
    which are not text stay as they are (validation refuses them either way).

    >>> parse_yaml_fast("a: [1, 2]\\nwhen: 2014-12-16\\nflag: no\\n")
    {'a': [1, 2], 'when': '2014-12-16', 'flag': 'no'}
    >>> parse_yaml_fast("a: 1\\na: 2\\n") is None, parse_yaml_fast("n: 017\\n") is None
    (True, True)
    """
    text = text.removeprefix("\ufeff")
    if "<<" in text or ("!" in text and _TAG.search(text)) or _RISKY_VALUE.search(text):
        return None
    try:
        value = yaml_rs.loads(text, parse_datetime=False)
    except (yaml_rs.YAMLDecodeError, RecursionError):
        return None
    if isinstance(value, list) and "\n---" in text:
        return None  # perhaps several documents, which the located loader refuses
    return value


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector (if it runs) while data is read or built. Parsed YAML and
    records hold no reference cycles, and a read makes millions of objects, all kept: the
    collector would only scan them again and again (a fifth of the CPU time of a big read).
    Other threads' cyclic garbage waits until the end."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
