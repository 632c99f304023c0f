"""Typed reads from a composed YAML node tree, with ``file:line:col`` on every problem.

PyYAML's loaders turn ``No`` into ``False`` and ``2024`` into an int before we can see it.
We compose the document instead (nodes only; no object is ever constructed, so no tag can
run code) and read each value as the type the schema wants, reporting a mismatch where it
was written. The reader collects problems instead of raising, so one run lists them all.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable

import yaml

from cleaner.errors import Problem
from cleaner.model import Location

_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (
    _TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)
SEQ, MAP = _TAG + "seq", _TAG + "map"
_SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL, TIMESTAMP}
_TAG_NAMES = {
    INT: "an integer",
    FLOAT: "a number",
    BOOL: "a boolean",
    NULL: "null",
    TIMESTAMP: "a date",
    SEQ: "a list",
    MAP: "a mapping",
    STR: "a string",
}

#: Node budget per file: aliases can make a tiny file expand enormously ("billion laughs").
MAX_NODES = 200_000


def compose(text: str, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML into nodes; a syntax error becomes one :class:`Problem`."""
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.compose(text, Loader=loader_cls), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = f"YAML syntax: {exc.problem or exc.context}"
        return None, [Problem(path, line, col, msg)]
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors on odd bytes
        return None, [Problem(path, 1, 1, f"YAML: {exc}")]


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    hits = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return hits[0] if hits else None


class NodeReader:
    """Reads typed values from nodes of one file, recording problems as it goes."""

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text
        self.problems: list[Problem] = []
        self.rule_id: str | None = None
        self._visited = 0

    # -- bookkeeping -------------------------------------------------------------------
    def loc(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def error(self, node: yaml.Node, message: str, col_offset: int = 0) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.path, mark.line + 1, mark.column + 1 + col_offset, message, self.rule_id),
        )

    def _kind_name(self, node: yaml.Node) -> str:
        return _TAG_NAMES.get(node.tag, f"tag {node.tag}")

    def check_tag(self, node: yaml.Node) -> bool:
        self._visited += 1
        if self._visited > MAX_NODES:
            if self._visited == MAX_NODES + 1:
                self.error(node, f"file expands to more than {MAX_NODES} YAML nodes")
            return False
        if isinstance(node, yaml.ScalarNode) and node.tag not in _SCALAR_TAGS:
            self.error(node, f"YAML tag {node.tag!r} is not allowed in a rule pack")
            return False
        if isinstance(node, yaml.SequenceNode) and node.tag != SEQ:
            self.error(node, f"YAML tag {node.tag!r} is not allowed in a rule pack")
            return False
        if isinstance(node, yaml.MappingNode) and node.tag != MAP:
            self.error(node, f"YAML tag {node.tag!r} is not allowed in a rule pack")
            return False
        return True

    # -- structures --------------------------------------------------------------------
    def mapping(
        self,
        node: yaml.Node,
        allowed: Iterable[str],
        what: str,
    ) -> dict[str, yaml.Node] | None:
        """A mapping with string keys from ``allowed``; unknown keys get a did-you-mean."""
        if not self.check_tag(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping, not {self._kind_name(node)}")
            return None
        allowed = tuple(allowed)
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":merge"):
                self.error(key_node, "YAML merge keys ('<<') are not supported in rule packs")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != STR:
                self.error(key_node, f"keys of {what} must be plain words")
                continue
            key = key_node.value
            if key in out:
                self.error(key_node, f"duplicate key '{key}' in {what}")
                continue
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                extra = f" (did you mean '{hint}'?)" if hint else ""
                self.error(key_node, f"unknown key '{key}' in {what}{extra}")
                continue
            out[key] = value_node
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node] | None:
        if not self.check_tag(node):
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not {self._kind_name(node)}")
            return None
        return list(node.value)

    # -- scalars -----------------------------------------------------------------------
    def string(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str | None:
        if not self.check_tag(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != STR:
            raw = node.value if isinstance(node, yaml.ScalarNode) else None
            hint = f"; quote it: '{raw}'" if isinstance(raw, str) and raw else ""
            self.error(
                node,
                f"{what} must be a string, but YAML reads {raw!r} as {self._kind_name(node)}{hint}"
                if raw is not None
                else f"{what} must be a string, not {self._kind_name(node)}",
            )
            return None
        value: str = node.value
        if not allow_empty and not value.strip():
            self.error(node, f"{what} must not be empty")
            return None
        return value

    def strings(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]] | None:
        """A string or a list of strings, each with its node (for precise messages)."""
        if isinstance(node, yaml.SequenceNode):
            items = self.sequence(node, what)
            if items is None:
                return None
            if not items:
                self.error(node, f"{what} must not be an empty list")
                return None
            out = []
            for item in items:
                value = self.string(item, f"each item of {what}")
                if value is not None:
                    out.append((value, item))
            return out
        value = self.string(node, what)
        return None if value is None else [(value, node)]

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        if not self.check_tag(node):
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL:
            if node.value in ("true", "false"):
                return bool(node.value == "true")
            self.error(node, f"{what}: write true or false, not {node.value!r}")
            return None
        self.error(node, f"{what} must be true or false, not {self._kind_name(node)}")
        return None

    def integer(self, node: yaml.Node, what: str, minimum: int = 1) -> int | None:
        if not self.check_tag(node):
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == INT:
            try:
                value = int(node.value.replace("_", ""), 0)
            except ValueError:
                value = None
            if value is not None and value >= minimum:
                return value
            self.error(node, f"{what} must be a whole number >= {minimum}, not {node.value}")
            return None
        self.error(node, f"{what} must be a whole number, not {self._kind_name(node)}")
        return None

    def share(self, node: yaml.Node, what: str) -> float | None:
        if not self.check_tag(node):
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag in (INT, FLOAT):
            try:
                value = float(node.value)
            except ValueError:
                value = -1.0
            if 0.0 < value <= 1.0:
                return value
            self.error(node, f"{what} must be a share in (0, 1], not {node.value}")
            return None
        self.error(node, f"{what} must be a number, not {self._kind_name(node)}")
        return None

    def date(self, node: yaml.Node, what: str) -> dt.date | None:
        if not self.check_tag(node):
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag in (STR, TIMESTAMP):
            value = node.value.strip()
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
            try:  # a full timestamp is fine; trailing junk after a date is not
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            except ValueError:
                pass
        raw = node.value if isinstance(node, yaml.ScalarNode) else self._kind_name(node)
        self.error(node, f"{what} must be a date YYYY-MM-DD, not {raw!r}")
        return None
