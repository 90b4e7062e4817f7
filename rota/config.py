"""YAML → Team. The only module that imports yaml.

Every problem is collected with its line, column and key path, and raised together as
one ConfigError, so a user fixes the whole file in one pass.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rota.errors import ConfigError, Problem
from rota.limits import (
    MAX_ALIAS_NODES,
    MAX_CONFIG_BYTES,
    MAX_COUNT,
    MAX_COVERAGE_MIN,
    MAX_DEPTH,
    MAX_FAIRNESS_WEEKS,
    MAX_SECONDS,
    MAX_WEEK_HOURS,
    MAX_WORKERS,
    MIN_STEP_MINUTES,
    read_capped,
)
from rota.problem import (
    DAY_NAMES,
    DEFAULT_FAIRNESS_WEEKS,
    FIRST_YEAR,
    LAST_YEAR,
    MINUTES_PER_DAY,
    OBJECTIVE_NAMES,
    CoverageRule,
    Engineer,
    Flexible,
    History,
    HistoryFile,
    Horizon,
    Rules,
    ShiftTemplate,
    SolverSettings,
    Team,
    Unavailable,
    WeeklyPattern,
    Window,
)
from rota.rules import KEYS
from rota.zones import suggest as zone_suggestion
from rota.zones import zones

Path_ = tuple[str | int, ...]
Sites = dict[str, dict[str, Any] | None]

RULE_KEYS = tuple(key.name for key in KEYS)
TOP_KEYS = ("version", "team", "horizon", "sites", "engineers", "shifts", "flexible",
            "coverage", "rules", "solver", "objective", "history")
SITE_KEYS = ("timezone", "holidays", "weekend", "availability", "prefer", "avoid", "tiers",
             *RULE_KEYS)
ENGINEER_KEYS = ("name", "id", "site", "email", "unavailable", *SITE_KEYS)
RECURRING_KEYS = ("rrule", "start", "hours")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_HORIZON_DAYS = 366
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_SINGLE_DATETIME = ("a single date and time is not a range; "
                    "use a range like 2026-03-05T14:00..2026-03-05T18:00")


def load_team(path: str | Path, max_candidates: int | None = None) -> Team:
    """Read and validate a team file; raise ConfigError listing every problem. With
    `max_candidates`, also refuse a team whose candidate count would pass it."""
    raw = read_capped(path, MAX_CONFIG_BYTES, ConfigError)
    return parse_team(raw, str(path), max_candidates)


def parse_team(raw: bytes | str, name: str = "<string>",
               max_candidates: int | None = None) -> Team:
    """Validate YAML text (bytes or str) into a Team."""
    text = _decode(raw, name)
    doc = _Document.compose(text, name)
    reader = _Reader(doc)
    team = reader.team()
    if team is not None and max_candidates is not None:
        reader.size(team, max_candidates)
    if reader.problems:
        raise ConfigError(_in_file_order(reader.problems))
    assert team is not None
    return team


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems sorted by line and column; unlocated ones first, ties in the order found."""
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


# ----- pieces of a team, read as the team file reads them (rota what-if) ------------------

def parse_rule_value(key: str, text: str, source: str) -> Any:
    """One rule key's value from its text (`--set KEY=VALUE`), as `rules:` reads it; an
    unknown key or a bad value raises ConfigError located at `source`."""
    if key not in RULE_KEYS:
        raise ConfigError([Problem(source, f"unknown rule '{key}'{_suggest(key, RULE_KEYS)}")])
    try:
        value = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError:
        value = text
    doc = _Document(source)
    doc.data = {key: value}
    reader = _Reader(doc)
    rules = reader.rules((), Rules(), doc.data)
    if reader.problems or rules is None:
        raise ConfigError(reader.problems)
    return getattr(rules, key)


def parse_unavailable(text: str, source: str) -> Unavailable:
    """One `unavailable` entry (a date, a range of dates or a local time range)."""
    doc = _Document(source)
    doc.data = [text]
    reader = _Reader(doc)
    entry = reader.unavailable_entry(text, (0,))
    if reader.problems or entry is None:
        raise ConfigError([Problem(p.file, p.message) for p in reader.problems])
    return entry


def parse_engineers(raw: bytes | str, name: str, team_path: str | Path, team: Team
                    ) -> list[Engineer]:
    """The `engineers:` list of a file (`what-if --add FILE`), read as in a team file:
    they may name the sites of the team file at `team_path` and inherit `team`'s rules."""
    team_doc = _Document.compose(
        _decode(read_capped(team_path, MAX_CONFIG_BYTES, ConfigError), str(team_path)),
        str(team_path))
    site_reader = _Reader(team_doc)
    sites = site_reader.sites() if isinstance(site_reader.get(("sites",)), dict) else {}
    doc = _Document.compose(_decode(raw, name), name)
    reader = _Reader(doc)
    top = reader.mapping((), ("engineers",), "the file")
    engineers: list[Engineer] = []
    if top is not None:
        if "engineers" not in top:
            reader.missing((), "engineers")
        else:
            doc.data = {**doc.data, "sites": site_reader.get(("sites",))}  # read, not located
            start = team.horizon.start
            reader.span_dates = (start - timedelta(days=2),
                                 start + timedelta(days=team.horizon.days + 2))
            engineers = reader.engineers(sites, team.rules)
    if reader.problems:
        raise ConfigError(_in_file_order(reader.problems))
    return engineers


def _decode(raw: bytes | str, name: str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        msg = f"not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded)"
        raise ConfigError([Problem(name, msg, line, column)]) from None


class _Document:
    """Plain Python data built from YAML nodes, with the mark of every key and value."""

    def __init__(self, name: str):
        self.name = name
        self.data: Any = None
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.key_marks: dict[Path_, tuple[int, int]] = {}
        self.raw: dict[Path_, str] = {}
        self.problems: list[Problem] = []
        self.walking: set[int] = set()  # ids of the collection nodes being walked
        self.flow: set[Path_] = set()  # mappings written in flow style, {a: b}

    @classmethod
    def compose(cls, text: str, name: str) -> _Document:
        doc = cls(name)
        try:
            _check_shape(text, name)
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
            what = exc.problem or exc.context or "invalid YAML"
            raise ConfigError([Problem(name, f"YAML syntax error: {what}", line, col)]) from None
        except yaml.reader.ReaderError as exc:
            raise ConfigError([_reader_problem(exc, text, name)]) from None
        except yaml.YAMLError as exc:
            first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
            raise ConfigError([Problem(name, f"YAML error: {first}")]) from None
        if node is None:
            raise ConfigError([Problem(name, "the file is empty; expected a YAML mapping", 1, 1)])
        doc.data = doc._walk(node, (), yaml.SafeLoader(""))
        if doc.problems:
            raise ConfigError(_in_file_order(doc.problems))
        return doc

    def _walk(self, node: yaml.Node, path: Path_, loader: yaml.SafeLoader) -> Any:
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self.walking:
            self._problem(node.start_mark, "an alias refers to a node that contains it", path)
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.walking.add(id(node))
            try:
                return self._walk_collection(node, path, loader)
            finally:
                self.walking.discard(id(node))
        self.raw[path] = node.value
        try:
            return loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            self._problem(node.start_mark, _constructor_message(exc, node), path)
            return node.value
        except Exception:  # noqa: BLE001 - a tag's constructor can fail any way (!!bool A)
            if node.tag.startswith("tag:yaml.org,2002:") and not _implicit(node):
                tag = node.tag.replace("tag:yaml.org,2002:", "!!")
                self._problem(node.start_mark, f"'{node.value}' is not a valid {tag}", path)
            return node.value

    def _problem(self, mark: yaml.Mark, message: str, path: Path_) -> None:
        self.problems.append(Problem(self.name, message, mark.line + 1, mark.column + 1,
                                     _fmt(path)))

    def _walk_collection(self, node: yaml.Node, path: Path_, loader: yaml.SafeLoader) -> Any:
        if isinstance(node, yaml.MappingNode):
            if node.flow_style:
                self.flow.add(path)
            try:
                loader.flatten_mapping(node)
            except yaml.MarkedYAMLError as exc:
                self._problem(exc.problem_mark or node.start_mark, f"YAML error: {exc.problem}",
                              path)
                return {}
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self._problem(key_node.start_mark, "a mapping key must be a plain value", path)
                    continue
                key = key_node.value
                sub = (*path, key)
                if key in out:
                    self._problem(key_node.start_mark, f"duplicate key '{key}'", sub)
                    continue
                self.key_marks[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self._walk(value_node, sub, loader)
            return out
        return [self._walk(item, (*path, i), loader) for i, item in enumerate(node.value)]


def _implicit(node: yaml.ScalarNode) -> bool:
    """Whether the node's tag is the one YAML would resolve for its plain text."""
    return node.style is None and node.tag == yaml.SafeLoader("").resolve(
        yaml.ScalarNode, node.value, (True, False))


def _check_shape(text: str, name: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH and aliases expanding to more than
    MAX_ALIAS_NODES nodes, from the event stream, before any node is built."""
    sizes: dict[str, int] = {}  # anchor → nodes its value expands to
    stack: list[list[Any]] = [[None, 0]]  # [anchor, nodes so far] per open collection
    expanded = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) > MAX_DEPTH:
                raise _limit_error(name, event, f"nesting deeper than {MAX_DEPTH} levels")
            stack.append([event.anchor, 1])
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, count = stack.pop()
            stack[-1][1] += count
            if anchor is not None:
                sizes[anchor] = count
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1][1] += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            count = sizes.get(event.anchor, 1)
            expanded += count
            stack[-1][1] += count
            if expanded > MAX_ALIAS_NODES:
                raise _limit_error(name, event, f"aliases expand to more than "
                                                f"{MAX_ALIAS_NODES:,} nodes")


def _limit_error(name: str, event: yaml.Event, what: str) -> ConfigError:
    mark = event.start_mark
    return ConfigError([Problem(name, f"refused: {what}", mark.line + 1, mark.column + 1)])


def _constructor_message(exc: yaml.constructor.ConstructorError, node: yaml.Node) -> str:
    if "could not determine a constructor" in (exc.problem or ""):
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        return f"YAML error: unsupported tag '{tag}'"
    return f"YAML error: {exc.problem}"


def _reader_problem(exc: yaml.reader.ReaderError, text: str, name: str) -> Problem:
    """A character YAML refuses (a control character), located by line and column."""
    before = text[: exc.position]
    line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
    char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
    return Problem(name, f"YAML syntax error: character {char} is not allowed ({exc.reason})",
                   line, column)


def _fmt(path: Path_) -> str:
    """('engineers', 2, 'timezone') → 'engineers[2].timezone'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _closest(word: str, choices: Any) -> str | None:
    """The choice most like `word`, ignoring case ('utc' → 'UTC'), or None."""
    by_lower = {str(c).lower(): str(c) for c in choices}
    match = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[match[0]] if match else None


def _suggest(word: str, choices: Any) -> str:
    match = _closest(word, choices)
    return f" (did you mean '{match}'?)" if match else ""


@cache
def _holiday_regions() -> dict[str, tuple[str, ...]]:
    import holidays

    return {code: tuple(subs) for code, subs in holidays.list_supported_countries().items()}


def slug(name: str) -> str:
    """A stable id from a display name: 'Zoë Smith' → 'zoe-smith'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "engineer"


class _Reader:
    """Typed accessors over a _Document that record problems instead of raising."""

    def __init__(self, doc: _Document):
        self.doc = doc
        self.problems: list[Problem] = []
        self.misspelt: set[Path_] = set()  # keys an unknown key was probably meant to be
        self.held: dict[int, tuple[str, ...]] = {}  # engineer index → tiers, once known
        self.span_dates: tuple[date, date] | None = None  # local dates recurring entries fill

    # ----- plumbing -------------------------------------------------------------------
    def error(self, path: Path_, message: str, *, at_key: bool = False) -> None:
        marks = self.doc.key_marks if at_key else self.doc.marks
        probe = path
        while probe not in marks and probe:
            probe = probe[:-1]
        line, col = marks.get(probe) or self.doc.marks.get(probe, (None, None))
        problem = Problem(self.doc.name, message, line, col, _fmt(path))
        if problem not in self.problems:  # a site's value is read once per engineer
            self.problems.append(problem)

    def missing(self, path: Path_, key: str) -> None:
        """Report a missing required key, unless a misspelling of it was reported."""
        if (*path, key) not in self.misspelt:
            self.error(path, f"missing required key '{key}'")

    def get(self, path: Path_) -> Any:
        node = self.doc.data
        for part in path:
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return None
        return node

    def has(self, path: Path_) -> bool:
        parent = self.get(path[:-1])
        return isinstance(parent, dict) and path[-1] in parent

    def mapping(self, path: Path_, allowed: tuple[str, ...], what: str) -> dict[str, Any] | None:
        value = self.get(path)
        if not isinstance(value, dict):
            self.error(path, f"{what} must be a mapping, not {_kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                match = _closest(key, allowed)
                hint = f" (did you mean '{match}'?)" if match else ""
                self.error((*path, key), f"unknown key '{key}'{hint}", at_key=True)
                if match and match not in value:
                    self.misspelt.add((*path, match))
        return value

    def text(self, path: Path_) -> str | None:
        """A string; plain scalars YAML read as numbers or booleans keep their text."""
        value = self.get(path)
        if isinstance(value, str):
            return value
        if path in self.doc.raw and not isinstance(value, (dict, list)) and value is not None:
            return self.doc.raw[path]
        self.error(path, f"expected a string, not {_kind(value)}")
        return None

    def name(self, path: Path_) -> str | None:
        """A name (engineer, id, site, tier, shift, team): stripped, not empty, and free of
        control characters, so every output can hold it on one line."""
        text = self.text(path)
        if text is None:
            return None
        text = text.strip()
        if _control(text):
            self.error(path, _control(text) or "")
            return None
        if not text:
            self.error(path, "must not be empty")
            return None
        return text

    def integer(self, path: Path_, minimum: int = 0, nullable: bool = False,
                maximum: int = MAX_COUNT) -> int | None:
        value = self.get(path)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"expected a whole number, not {_kind(value)}")
            return None
        if value < minimum:
            self.error(path, f"must be at least {minimum}, not {_short(value)}")
            return None
        if value > maximum:
            self.error(path, f"must be at most {maximum}, not {_short(value)}")
            return None
        return value

    def number(self, path: Path_, *, maximum: float, minimum: float = 0,
               nullable: bool = False, positive: bool = False) -> float | None:
        value = self.get(path)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(path, f"expected a number, not {_kind(value)}")
            return None
        if not math.isfinite(value):
            hint = "; null means no limit" if nullable else ""
            self.error(path, f"expected a finite number, not {value}{hint}")
            return None
        if value < minimum or (positive and value <= 0):
            bound = "greater than 0" if positive else f"at least {minimum:g}"
            self.error(path, f"must be {bound}, not {value:g}")
            return None
        if value > maximum:
            self.error(path, f"must be at most {maximum:g}, not {value:g}")
            return None
        if abs(value * 60 - round(value * 60)) > 1e-9:
            self.error(path, f"{value:g} hours is not a whole number of minutes")
            return None
        return value

    def boolean(self, path: Path_) -> bool | None:
        value = self.get(path)
        if not isinstance(value, bool):
            self.error(path, f"expected true or false, not {_kind(value)}")
            return None
        return value

    def a_date(self, path: Path_) -> date | None:
        value = self.get(path)
        if isinstance(value, datetime):
            self.error(path, "expected a date like 2026-03-02, not a date and time")
            return None
        day = value if isinstance(value, date) else None
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                pass
        if day is None:
            self.error(path, f"expected a date like 2026-03-02, not {_repr(value)}")
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.error(path, f"{day} is out of range: years {FIRST_YEAR}..{LAST_YEAR} only")
            day = None
        return day

    def timezone(self, path: Path_, allow_local: bool = False) -> str | None:
        name = self.text(path)
        if name is None:
            return None
        if allow_local and name == "local":
            return name
        if name not in zones():
            extra = frozenset({"local"} if allow_local else ())
            self.error(path, f"unknown time zone '{name}'{zone_suggestion(name, extra)}")
            return None
        return name

    # ----- small value parsers ----------------------------------------------------------
    def clock(self, text: str, path: Path_, allow_24: bool) -> int | None:
        match = _TIME.match(text.strip())
        if not match:
            self.error(path, f"expected a time like 09:00, not '{text}'")
            return None
        hours, minutes = int(match[1]), int(match[2])
        if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not allow_24)):
            self.error(path, f"impossible time '{text.strip()}'")
            return None
        return hours * 60 + minutes

    def window(self, text: str, path: Path_) -> Window | None:
        parts = text.split("-")
        if len(parts) != 2 or not all(_TIME.match(part.strip()) for part in parts):
            self.error(path, f"expected a window like \"09:00-17:00\", not '{text}'")
            return None
        start = self.clock(parts[0], path, allow_24=False)
        end = self.clock(parts[1], path, allow_24=True)
        if start is None or end is None:
            return None
        if end <= start:
            end += MINUTES_PER_DAY  # runs past midnight into the next day
        return (start, end)

    def windows(self, path: Path_) -> tuple[Window, ...] | None:
        """`"HH:MM-HH:MM"`, a list of those, or `off`."""
        value = self.get(path)
        if value is False or (isinstance(value, str) and value.strip().lower() == "off"):
            return ()
        items = value if isinstance(value, list) else [value]
        paths = [(*path, i) for i in range(len(items))] if isinstance(value, list) else [path]
        out: list[Window] = []
        for item_path in paths:
            item = self.get(item_path)
            if item is None or isinstance(item, (dict, list)):
                self.error(item_path, "expected a window like \"09:00-17:00\", a list of those, "
                                      f"or off, not {_kind(item)}")
                continue
            win = self.window(self.text(item_path) or "", item_path)
            if win is not None:
                out.append(win)
        return tuple(sorted(out))

    def days(self, text: str, path: Path_, at_key: bool = False) -> frozenset[int] | None:
        """`mon`, `mon-fri`, `fri-mon`, `mon,wed`, `daily`."""
        spec = text.strip().lower()
        if spec in ("daily", "all", "every day"):
            return frozenset(range(7))
        out: set[int] = set()
        for part in spec.split(","):
            ends = [p.strip() for p in part.split("-")]
            if len(ends) > 2 or not all(e in DAY_NAMES for e in ends):
                self.error(path, f"expected days like mon-fri, sat,sun or daily, not '{text}'",
                           at_key=at_key)
                return None
            first, last = DAY_NAMES.index(ends[0]), DAY_NAMES.index(ends[-1])
            out.update((first + i) % 7 for i in range((last - first) % 7 + 1))
        return frozenset(out)

    def day_list(self, path: Path_) -> frozenset[int] | None:
        value = self.get(path)
        if isinstance(value, list):
            out: set[int] = set()
            for i in range(len(value)):
                item = self.text((*path, i))
                got = self.days(item, (*path, i)) if item is not None else None
                if got is None:
                    return None
                out |= got
            return frozenset(out)
        item = self.text(path)
        return self.days(item, path) if item is not None else None

    def pattern(self, path: Path_) -> WeeklyPattern | None:
        value = self.get(path)
        if not isinstance(value, dict):
            self.error(path, f"expected a weekly pattern like {{mon-fri: \"09:00-17:00\"}}, "
                             f"not {_kind(value)}")
            return None
        week: list[tuple[Window, ...]] = [()] * 7
        for i, key in enumerate(value):
            days = self.days(key, (*path, key), at_key=True)
            if value[key] is None and path in self.doc.flow and i < len(value) - 1:
                self.error((*path, key), f"no hours for '{key}': in {{...}} a comma ends a key; "
                                         f"quote days with commas, like "
                                         f"{{\"mon,wed\": \"09:00-17:00\"}}", at_key=True)
                continue
            wins = self.windows((*path, key))
            if days is None or wins is None:
                continue
            for day in days:
                week[day] = wins
        return tuple(week)

    def holidays(self, path: Path_) -> str | None:
        code = self.text(path)
        if code is None:
            return None
        country, _, subdiv = code.strip().upper().partition("-")
        regions = _holiday_regions()
        if country not in regions:
            self.error(path, f"unknown holiday country '{code}'{_suggest(country, regions)}")
            return None
        if subdiv and subdiv not in {s.upper() for s in regions[country]}:
            self.error(path, f"unknown subdivision '{subdiv}' of {country}"
                             f"{_suggest(subdiv, regions[country]) or _known(regions[country])}")
            return None
        return f"{country}-{subdiv}" if subdiv else country

    def unavailable(self, path: Path_) -> tuple[Unavailable, ...]:
        value = self.get(path)
        if not isinstance(value, list):
            self.error(path, f"expected a list of dates or ranges, not {_kind(value)}")
            return ()
        out: list[Unavailable] = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.extend(self.recurring((*path, i)))
                continue
            entry = self.unavailable_entry(item, (*path, i))
            if entry is not None:
                out.append(entry)
        return tuple(out)

    def recurring(self, path: Path_) -> tuple[Unavailable, ...]:
        """`{rrule: ..., start: DATE, hours: "HH:MM-HH:MM"}` expanded over the horizon."""
        from rota import recurrence

        item = self.mapping(path, RECURRING_KEYS, "a recurring entry")
        if item is None:
            return ()
        if "rrule" not in item or "start" not in item:
            self.missing(path, "rrule" if "rrule" not in item else "start")
            return ()
        text, start = self.text((*path, "rrule")), self.a_date((*path, "start"))
        window = self.window(self.text((*path, "hours")) or "", (*path, "hours")) \
            if "hours" in item else None
        if text is None or start is None or ("hours" in item and window is None):
            return ()
        bad = recurrence.rrule_problem(text.strip(), start)
        if bad:
            self.error((*path, "rrule"), bad)
            return ()
        if self.span_dates is None:
            return ()  # the horizon is reported
        return recurrence.expand(text.strip(), start, *self.span_dates, window)

    def unavailable_entry(self, item: Any, path: Path_) -> Unavailable | None:
        if isinstance(item, datetime):
            self.error(path, _SINGLE_DATETIME)
            return None
        if isinstance(item, date):
            return self.in_range(Unavailable(item, item), str(item), path)
        text = item if isinstance(item, str) else None
        if text is None:
            self.error(path, f"expected a date or a range A..B, not {_kind(item)}")
            return None
        first, sep, last = text.partition("..")
        if not sep:
            last = first
        try:
            if "T" in first or "T" in last:
                if not sep:
                    self.error(path, _SINGLE_DATETIME)
                    return None
                start: date = datetime.fromisoformat(first.strip())
                end: date = datetime.fromisoformat(last.strip())
                if start.tzinfo or end.tzinfo:  # type: ignore[attr-defined]
                    raise ValueError
            else:
                start, end = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
        except ValueError:
            self.error(path, f"expected a date (2026-03-04), a range (2026-03-10..2026-03-12) "
                             f"or a local time range (2026-03-05T14:00..2026-03-05T18:00), "
                             f"not '{text}'")
            return None
        if isinstance(start, datetime) and end <= start:
            self.error(path, f"'{text}': the end must be after the start")
            return None
        if end < start:
            self.error(path, f"'{text}': the range ends before it starts")
            return None
        return self.in_range(Unavailable(start, end), text, path)

    def in_range(self, entry: Unavailable, text: str, path: Path_) -> Unavailable | None:
        if not all(FIRST_YEAR <= d.year <= LAST_YEAR for d in (entry.start, entry.end)):
            self.error(path, f"'{text}' is out of range: years {FIRST_YEAR}..{LAST_YEAR} only")
            return None
        return entry

    # ----- sections ---------------------------------------------------------------------
    def team(self) -> Team | None:
        top = self.mapping((), TOP_KEYS, "the file")
        if top is None:
            return None
        if "version" in top and top["version"] != 1:
            self.error(("version",), f"unsupported version {_repr(top['version'])}; "
                                     "this rota reads version 1")
        name = self.name(("team",)) if "team" in top else Path(self.doc.name).stem
        horizon = self.horizon() if self.require(top, "horizon") else None
        if horizon is not None:  # every zone lies within a day of the horizon's own dates
            self.span_dates = (horizon.start - timedelta(days=2),
                               horizon.start + timedelta(days=horizon.days + 2))
        rules = self.rules(("rules",), Rules()) if "rules" in top else Rules()
        sites = self.sites() if "sites" in top else {}
        engineers = (self.engineers(sites, rules or Rules())
                     if self.require(top, "engineers") else [])
        shifts = self.shifts() if "shifts" in top else ()
        flexible = self.flexible() if "flexible" in top else None
        self.schedulable(top)
        coverage = self.coverage() if self.require(top, "coverage") else ()
        solver = self.solver() if "solver" in top else SolverSettings()
        history = self.history() if "history" in top else None
        objective = self.objective() if "objective" in top else None
        self.check_tiers(shifts, coverage)
        if self.problems or horizon is None or rules is None:
            return None
        return Team(name=name or "", horizon=horizon, engineers=tuple(engineers),
                    coverage=coverage, rules=rules, shifts=shifts, flexible=flexible,
                    solver=solver or SolverSettings(), source=self.doc.name, history=history,
                    objective=objective)

    def require(self, mapping: dict[str, Any], key: str) -> bool:
        if key not in mapping:
            self.missing((), key)
            return False
        return True

    def schedulable(self, top: dict[str, Any]) -> None:
        """At least one of `shifts` and `flexible` must offer something to assign."""
        if "flexible" in top or self.misspelt & {("shifts",), ("flexible",)}:
            return
        if "shifts" not in top:
            self.error((), "neither `shifts` nor `flexible` is given: nothing can be scheduled")
        elif top["shifts"] == []:
            self.error(("shifts",), "no shifts and no `flexible`: nothing can be scheduled")

    def horizon(self) -> Horizon | None:
        path: Path_ = ("horizon",)
        value = self.mapping(path, ("start", "weeks", "days", "timezone"), "horizon")
        if value is None:
            return None
        if "start" not in value:
            self.missing(path, "start")
            return None
        start = self.a_date((*path, "start"))
        if "weeks" in value and "days" in value:
            self.error((*path, "days"), "give `weeks` or `days`, not both", at_key=True)
            return None
        if "days" in value:
            days = self.integer((*path, "days"), minimum=1)
        elif "weeks" in value:
            weeks = self.integer((*path, "weeks"), minimum=1)
            days = None if weeks is None else weeks * 7
        else:
            days = 7
        if days is not None and days > MAX_HORIZON_DAYS:
            self.error((*path, "days" if "days" in value else "weeks"),
                       f"the horizon is {days} days; at most {MAX_HORIZON_DAYS} are allowed")
            return None
        tz = self.timezone((*path, "timezone")) if "timezone" in value else "UTC"
        if start is None or days is None or tz is None:
            return None
        return Horizon(start=start, days=days, timezone=tz)

    def rules(self, path: Path_, base: Rules,
              mapping: dict[str, Any] | None = None) -> Rules | None:
        """Rules from `path` (a rules mapping) or from the rule keys of `mapping`."""
        if mapping is None:
            mapping = self.mapping(path, RULE_KEYS, "rules")
            if mapping is None:
                return None
        values: dict[str, Any] = {}
        for key in KEYS:
            if key.name not in mapping:
                continue
            sub = (*path, key.name)
            got = self.rule_value(sub, key.kind)
            if got is None and mapping.get(key.name) is not None:
                continue  # reported
            values[key.name] = got
        return Rules(**{**base.__dict__, **values})

    def rule_value(self, path: Path_, kind: str) -> Any:
        """One rule key's value, read as its kind (`rota.rules.Key.kind`) says."""
        if kind == "flag":
            return self.boolean(path)
        if kind == "window":
            return self.window(self.text(path) or "", path)
        if kind == "hours":
            return self.number(path, maximum=MAX_HORIZON_DAYS * 24)
        if kind == "shift_hours":
            return self.number(path, positive=True, maximum=24)
        if kind == "week_hours":
            return self.number(path, nullable=True, positive=True, maximum=MAX_WEEK_HOURS)
        return self.integer(path, minimum=0, nullable=True)  # count

    def sites(self) -> Sites | None:
        """Site name → its mapping (None if the site is malformed); None if `sites` is."""
        path: Path_ = ("sites",)
        value = self.get(path)
        if not isinstance(value, dict):
            self.error(path, f"sites must be a mapping of site names, not {_kind(value)}")
            return None
        out: Sites = {}
        for site in value:
            if _control(site):
                self.error((*path, site), _control(site) or "", at_key=True)
                continue
            out[site] = self.mapping((*path, site), SITE_KEYS, f"site '{site}'")
            if out[site] is not None:
                self.site((*path, site), out[site] or {})
        return out

    def site(self, path: Path_, value: dict[str, Any]) -> None:
        """Check a site's values, whether or not an engineer inherits them."""
        parsers = {"timezone": self.timezone, "holidays": self.holidays, "tiers": self.tier_list,
                   "weekend": self.day_list, "availability": self.pattern,
                   "prefer": self.pattern, "avoid": self.pattern}
        for key, parse in parsers.items():
            if key in value:
                parse((*path, key))
        self.rules(path, Rules(), value)

    def engineers(self, sites: Sites | None, team_rules: Rules) -> list[Engineer]:
        path: Path_ = ("engineers",)
        value = self.get(path)
        if not isinstance(value, list) or not value:
            self.error(path, f"engineers must be a non-empty list, not {_kind(value)}")
            return []
        out: list[Engineer] = []
        seen: dict[str, tuple[int, str]] = {}
        for i in range(len(value)):
            eng = self.engineer((*path, i), sites, team_rules)
            if eng is None:
                continue
            self.unique(eng, (*path, i), seen)
            out.append(eng)
        return out

    def unique(self, eng: Engineer, path: Path_, seen: dict[str, tuple[int, str]]) -> None:
        """Report the first clash of this engineer's name or id with an earlier engineer's:
        `rota check` finds engineers by either."""
        explicit_id = self.has((*path, "id"))
        for key, label in ((eng.name, "name"), (eng.id, "id")):
            if key not in seen:
                continue
            first, other = seen[key]
            if label == "id" and not explicit_id:
                self.error((*path, "name"), f"the id '{key}' made from this name is already the "
                                            f"{other} of engineers[{first}]; give one an `id`")
            elif label == other:
                self.error((*path, label), f"duplicate engineer {label} '{key}' "
                                           f"(also engineers[{first}])")
            else:
                self.error((*path, label), f"engineer {label} '{key}' is already the {other} "
                                           f"of engineers[{first}]")
            break
        for key, label in ((eng.name, "name"), (eng.id, "id")):
            seen.setdefault(key, (path[-1], label))

    def engineer(self, path: Path_, sites: Sites | None, team_rules: Rules) -> Engineer | None:
        own = self.mapping(path, ENGINEER_KEYS, "an engineer")
        if own is None:
            return None
        if "name" not in own:
            self.missing(path, "name")
            return None
        name = self.name((*path, "name"))
        eng_id = self.name((*path, "id")) if "id" in own else (slug(name) if name else None)
        site_name = self.name((*path, "site")) if "site" in own else None
        site: dict[str, Any] = {}
        site_path: Path_ = ()
        if "site" in own:
            if site_name is None or sites is None or sites.get(site_name, {}) is None:
                return None  # the value, `sites` or the site itself is reported
            if site_name not in sites:
                known = _known(tuple(sites)) if sites else ""
                self.error((*path, "site"), f"unknown site '{site_name}'"
                                            f"{_suggest(site_name, sites) or known}")
                return None
            site, site_path = sites[site_name] or {}, ("sites", site_name)

        def source(key: str) -> Path_ | None:
            """Where `key` comes from: the engineer, else the site, else nowhere."""
            if key in own:
                return (*path, key)
            if key in site:
                return (*site_path, key)
            return None

        tz_at = source("timezone")
        tz = self.timezone(tz_at) if tz_at else "UTC"
        tiers_at = source("tiers")
        tiers = self.tier_list(tiers_at) if tiers_at else ()
        if tiers_at is None:
            self.error(path, "no `tiers`: give the tiers this engineer may staff, e.g. [tier2]")
        if tiers is not None:
            self.held[int(path[-1])] = tiers
        hol_at = source("holidays")
        holidays = self.holidays(hol_at) if hol_at else None
        weekend_at = source("weekend")
        weekend = self.day_list(weekend_at) if weekend_at else frozenset({5, 6})
        patterns = {}
        for key in ("availability", "prefer", "avoid"):
            at = source(key)
            patterns[key] = self.pattern(at) if at else None
        unavailable = self.unavailable((*path, "unavailable")) if "unavailable" in own else ()
        email = self.email((*path, "email")) if "email" in own else None
        rules = self.rules(site_path, team_rules, site) or team_rules
        rules = self.rules(path, rules, own) or rules
        if name is None or eng_id is None or tz is None or tiers is None:
            return None
        return Engineer(id=eng_id, name=name, timezone=tz, tiers=tiers, rules=rules,
                        site=site_name, holidays=holidays, weekend=weekend or frozenset(),
                        availability=patterns["availability"], unavailable=unavailable,
                        prefer=patterns["prefer"], avoid=patterns["avoid"], email=email)

    def email(self, path: Path_) -> str | None:
        text = self.text(path)
        if text is not None and not _EMAIL.match(text.strip()):
            self.error(path, f"expected an e-mail address like ann@example.com, not '{text}'")
            return None
        return None if text is None else text.strip()

    def objective(self) -> tuple[str, ...] | None:
        """`objective:`: stages 2-6 by name, in the order wanted (SPEC §3)."""
        path: Path_ = ("objective",)
        value = self.get(path)
        if not isinstance(value, list):
            self.error(path, f"objective must be a list of stage names, not {_kind(value)}")
            return None
        out: list[str] = []
        for i, item in enumerate(value):
            at: Path_ = (*path, i)
            if item == "uncovered" and i == 0:
                continue  # always first anyway
            if not isinstance(item, str) or item not in OBJECTIVE_NAMES:
                hint = (" (it is always first)" if item == "uncovered" else "")
                self.error(at, f"unknown stage {item!r}{hint}; expected one of "
                               f"{', '.join(OBJECTIVE_NAMES)}")
            elif item in out:
                self.error(at, f"stage '{item}' is named twice")
            else:
                out.append(item)
        return tuple(out)

    def tier_list(self, path: Path_) -> tuple[str, ...] | None:
        """A tier name or a non-empty list of them; None if any is malformed."""
        value = self.get(path)
        if isinstance(value, str):
            one = self.name(path)
            return None if one is None else (one,)
        if not isinstance(value, list) or not value:
            self.error(path, f"expected a non-empty list of tier names, not {_kind(value)}")
            return None
        out = [self.name((*path, i)) for i in range(len(value))]
        return None if None in out else tuple(t for t in out if t is not None)

    def shifts(self) -> tuple[ShiftTemplate, ...]:
        path: Path_ = ("shifts",)
        value = self.get(path)
        if not isinstance(value, list):
            self.error(path, f"shifts must be a list, not {_kind(value)}")
            return ()
        out: list[ShiftTemplate] = []
        names: set[str] = set()
        keys = ("name", "start", "end", "timezone", "days", "tiers")
        for i in range(len(value)):
            at: Path_ = (*path, i)
            item = self.mapping(at, keys, "a shift")
            if item is None:
                continue
            missing = [k for k in ("name", "start", "end") if k not in item]
            if missing:
                self.missing(at, missing[0])
                continue
            name = self.name((*at, "name"))
            if name in names:
                self.error((*at, "name"), f"duplicate shift name '{name}'")
            names.add(name or "")
            start_text, end_text = self.text((*at, "start")), self.text((*at, "end"))
            start = self.clock(start_text, (*at, "start"), False) if start_text else None
            end = self.clock(end_text, (*at, "end"), True) if end_text else None
            tz = self.timezone((*at, "timezone"), allow_local=True) if "timezone" in item else "UTC"
            days = self.day_list((*at, "days")) if "days" in item else frozenset(range(7))
            tiers = self.tier_list((*at, "tiers")) if "tiers" in item else None
            if None in (name, start, end, tz, days):
                continue
            assert start is not None and end is not None
            if end <= start:
                end += MINUTES_PER_DAY
            out.append(ShiftTemplate(name=name or "", start=start, end=end, timezone=tz or "UTC",
                                     days=days or frozenset(), tiers=tiers))
        return tuple(out)

    def flexible(self) -> Flexible | None:
        path: Path_ = ("flexible",)
        value = self.mapping(path, ("min_hours", "max_hours", "step_minutes"), "flexible")
        if value is None:
            return None
        lo = (self.number((*path, "min_hours"), positive=True, maximum=24)
              if "min_hours" in value else 4)
        hi = (self.number((*path, "max_hours"), positive=True, maximum=24)
              if "max_hours" in value else None)
        step = (self.integer((*path, "step_minutes"), MIN_STEP_MINUTES, maximum=MINUTES_PER_DAY)
                if "step_minutes" in value else 60)
        if lo is None or step is None or ("max_hours" in value and hi is None):
            return None
        if hi is not None and hi < lo:
            self.error((*path, "max_hours"), f"max_hours {hi:g} is below min_hours {lo:g}")
            return None
        return Flexible(min_minutes=round(lo * 60),
                        max_minutes=None if hi is None else round(hi * 60), step_minutes=step)

    def coverage(self) -> tuple[CoverageRule, ...]:
        path: Path_ = ("coverage",)
        value = self.get(path)
        if not isinstance(value, list) or not value:
            self.error(path, f"coverage must be a non-empty list of rules, not {_kind(value)}")
            return ()
        out: list[CoverageRule] = []
        for i in range(len(value)):
            at: Path_ = (*path, i)
            item = self.mapping(at, ("tier", "min", "days", "hours", "timezone"), "a coverage rule")
            if item is None:
                continue
            if "tier" not in item or "min" not in item:
                self.missing(at, "tier" if "tier" not in item else "min")
                continue
            tier = self.name((*at, "tier"))
            count = self.integer((*at, "min"), minimum=0, maximum=MAX_COVERAGE_MIN)
            days = self.day_list((*at, "days")) if "days" in item else frozenset(range(7))
            windows = self.windows((*at, "hours")) if "hours" in item else ((0, MINUTES_PER_DAY),)
            tz = self.timezone((*at, "timezone")) if "timezone" in item else "UTC"
            if None in (tier, count, days, windows, tz):
                continue
            out.append(CoverageRule(tier=tier or "", min=count or 0, days=days or frozenset(),
                                    windows=windows or (), timezone=tz or "UTC"))
        return tuple(out)

    def solver(self) -> SolverSettings | None:
        path: Path_ = ("solver",)
        value = self.mapping(path, ("time_limit_seconds", "workers", "seed", "reproducible"),
                             "solver")
        if value is None:
            return None
        base = SolverSettings()
        limit = (self.number((*path, "time_limit_seconds"), positive=True, maximum=MAX_SECONDS)
                 if "time_limit_seconds" in value else base.time_limit_seconds)
        workers = (self.integer((*path, "workers"), 0, maximum=MAX_WORKERS)
                   if "workers" in value else base.workers)
        seed = self.integer((*path, "seed"), 0) if "seed" in value else base.seed
        reproducible = (self.boolean((*path, "reproducible")) if "reproducible" in value
                        else base.reproducible)
        if limit is None or workers is None or seed is None or reproducible is None:
            return None
        return SolverSettings(time_limit_seconds=limit, workers=workers, seed=seed,
                              reproducible=reproducible)

    def history(self) -> History | None:
        """`history`: `schedules` (a file or a list, relative to this file's folder) and
        `fairness_weeks`. Only names are read here; `rota.history` reads the files."""
        path: Path_ = ("history",)
        value = self.mapping(path, ("schedules", "fairness_weeks"), "history")
        if value is None:
            return None
        files: list[HistoryFile] = []
        at: Path_ = (*path, "schedules")
        entries = value.get("schedules", [])
        if isinstance(entries, list):
            where = [(*at, i) for i in range(len(entries))]
        elif isinstance(entries, str):
            where = [at]
        else:
            self.error(at, f"expected a list of schedule files, not {_kind(entries)}")
            where = []
        folder = Path(self.doc.name).parent
        for item in where:
            name = self.name(item)
            if name is not None:
                line, column = self.doc.marks.get(item, (None, None))
                files.append(HistoryFile(os.path.normpath(folder / name), line, column,
                                         _fmt(item)))
        weeks = (self.integer((*path, "fairness_weeks"), 0, maximum=MAX_FAIRNESS_WEEKS)
                 if "fairness_weeks" in value else DEFAULT_FAIRNESS_WEEKS)
        if weeks is None or len(files) < len(where):
            return None
        return History(tuple(files), weeks)

    def size(self, team: Team, limit: int) -> None:
        """Refuse a team whose candidates `plan` would build pass `limit`, naming the
        settings that drive the count."""
        from rota.candidates import estimate
        from rota.timeline import Span

        fixed, flexible = estimate(team, Span.of(team.horizon))
        if fixed + flexible <= limit:
            return
        drivers = [f"{len(team.engineers)} engineers", f"{team.horizon.days} days of horizon"]
        if flexible >= fixed and team.flexible is not None:
            has_step = self.has(("flexible", "step_minutes"))
            path: Path_ = ("flexible", "step_minutes") if has_step else ("flexible",)
            flex = team.flexible
            drivers.append(f"flexible.step_minutes {flex.step_minutes} with lengths from "
                           f"{flex.min_minutes / 60:g} h to the longest shift")
            advice = "raise step_minutes, narrow min_hours..max_hours"
        else:
            path = ("shifts",)
            drivers.append(f"{len(team.shifts)} shift templates")
            advice = "use fewer shift templates"
        self.error(path, f"refused: about {fixed + flexible:,} candidate shifts, more than the "
                         f"limit of {limit:,}; they grow with {', '.join(drivers)}; {advice}, "
                         f"shorten the horizon or plan fewer engineers at once")

    def check_tiers(self, shifts: tuple[ShiftTemplate, ...],
                    coverage: tuple[CoverageRule, ...]) -> None:
        """Every tier named in coverage or shifts is held by someone, once all tiers are known."""
        entries = self.get(("engineers",))
        if not isinstance(entries, list) or not entries or len(self.held) < len(entries):
            return  # an engineer's tiers are unreadable: no guessing who holds what
        held = {t for tiers in self.held.values() for t in tiers}
        for i, rule in enumerate(coverage):
            if rule.tier not in held:
                self.error(("coverage", i, "tier"),
                           f"no engineer holds tier '{rule.tier}'{_suggest(rule.tier, held)}")
        for i, shift in enumerate(shifts):
            for j, tier in enumerate(shift.tiers or ()):
                if tier not in held:
                    self.error(("shifts", i, "tiers", j),
                               f"no engineer holds tier '{tier}'{_suggest(tier, held)}")


def _known(choices: tuple[str, ...], shown: int = 12) -> str:
    more = ", ..." if len(choices) > shown else ""
    return f" (known: {', '.join(choices[:shown])}{more})"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return _repr(value)


_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control(text: str) -> str | None:
    """What is wrong with a name holding a control, line-separator or bidi-override
    character, or None."""
    for char in text:
        if char in _BIDI or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            return f"contains the control character U+{ord(char):04X}; names may not"
    return None


def _short(number: int) -> str:
    """An integer as text, shortened if it is huge (Python refuses to print 4,300 digits)."""
    digits = len(str(abs(number))) if abs(number) < 10**4000 else 4001
    return str(number) if digits <= 20 else f"a number of {digits} digits"


def _repr(value: Any) -> str:
    text = f"'{value}'" if isinstance(value, (str, date)) else repr(value)
    return text if len(text) <= 80 else text[:76] + "...'"
