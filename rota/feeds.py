"""Reading an iCalendar on-call feed as a schedule (SPEC §9), for `check` and `report`.

Paging platforms publish who is on call as VEVENTs: single UTC events (PagerDuty,
GoAlert, Grafana OnCall's export) or, for schedules kept in a calendar app, recurring
events with a TZID, EXDATEs, RDATEs and moved occurrences (RECURRENCE-ID). Recurrences
are expanded with dateutil over the horizon only, in the event's own wall-clock time.
An event's engineer is found by ATTENDEE or ORGANIZER e-mail, else by a name, id or
e-mail in its SUMMARY; an event that matches nobody becomes a row of an unknown engineer
named after the event, which `check` reports as `unknown_engineer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.rrule import MINUTELY, rruleset, rrulestr
from icalendar import Calendar

from rota.assignment import Assignment
from rota.errors import Problem, ScheduleError
from rota.problem import Engineer, Team
from rota.timeline import Span, from_minute, iso_utc, localize, to_minute, zone


class _Bad(Exception):
    """A problem with one event."""


@dataclass(frozen=True)
class _Occurrence:
    start: int
    end: int
    event: object  # the VEVENT whose people and summary it carries


def read_feed(path: str | Path, team: Team, tier: str | None = None) -> list[Assignment]:
    """The feed's events over the team's horizon as assignments of `tier`."""
    name = str(path)
    tier = _tier(team, tier, name)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ScheduleError([Problem(name, f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        cal = Calendar.from_ical(raw)
    except ValueError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise ScheduleError([Problem(name, f"not a valid iCalendar file: {first}")]) from None
    if cal.name != "VCALENDAR":
        raise ScheduleError([Problem(name, f"not an iCalendar feed: it holds a {cal.name}")])
    span = Span.of(team.horizon)
    problems: list[Problem] = []
    found: list[_Occurrence] = []
    masters, moved = _by_uid(cal)
    for uid, event in masters.items():
        try:
            found += _expand(event, moved.get(uid, []), span, team.horizon.timezone)
        except _Bad as exc:
            problems.append(Problem(name, str(exc), key_path=_label(event)))
    for uid, events in moved.items():  # moved occurrences of a series the feed lacks
        if uid not in masters:
            for event in events:
                try:
                    found += _single(event, span, team.horizon.timezone)
                except _Bad as exc:
                    problems.append(Problem(name, str(exc), key_path=_label(event)))
    if problems:
        raise ScheduleError(problems)
    if not found:
        raise ScheduleError([Problem(name, f"no event falls in the horizon "
                                           f"{iso_utc(span.start)}..{iso_utc(span.end)}")])
    matcher = _Matcher(team)
    out = []
    for occ in sorted(found, key=lambda o: (o.start, o.end)):
        for who in matcher.who(occ.event):
            out.append(Assignment(who, tier, occ.start, occ.end, "feed"))
    return out


def _tier(team: Team, tier: str | None, name: str) -> str:
    if tier is None:
        if len(team.tiers) == 1:
            return team.tiers[0]
        raise ScheduleError([Problem(name, f"the team has demand for tiers "
                                           f"{', '.join(team.tiers)}: give --tier")])
    if not any(tier in eng.tiers for eng in team.engineers):
        raise ScheduleError([Problem(name, f"--tier {tier}: no engineer holds tier '{tier}'")])
    return tier


def _by_uid(cal: Calendar) -> tuple[dict[str, object], dict[str, list[object]]]:
    """(UID → the series or single event, UID → its moved occurrences)."""
    masters: dict[str, object] = {}
    moved: dict[str, list[object]] = {}
    for i, event in enumerate(cal.walk("VEVENT")):
        uid = str(event.get("UID") or f"#{i + 1}")
        if "RECURRENCE-ID" in event:
            moved.setdefault(uid, []).append(event)
        else:
            masters[uid if uid not in masters else f"{uid}#{i + 1}"] = event
    return masters, moved


def _label(event) -> str:
    return f'event "{event.get("SUMMARY", "")}" (UID {event.get("UID", "none")})'


def _cancelled(event) -> bool:
    return str(event.get("STATUS", "")).upper() == "CANCELLED"


# ----- times ---------------------------------------------------------------------------------

def _moment(event, key: str, default_tz: str) -> datetime:
    """An aware date-time of property `key`: a TZID from tzdata; floating times and dates in
    the horizon's zone."""
    prop = event.get(key)
    if prop is None:
        raise _Bad(f"no {key}")
    value = getattr(prop, "dt", None)
    tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
    return _aware(value, tzid, key, default_tz)


def _aware(value, tzid: str | None, key: str, default_tz: str) -> datetime:
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if not isinstance(value, datetime):
        raise _Bad(f"bad {key} value")
    if value.tzinfo is None:
        if tzid:
            try:
                return value.replace(tzinfo=zone(tzid))
            except (ValueError, KeyError, OSError):
                raise _Bad(f"unknown time zone '{tzid}' in the TZID of {key}") from None
        return value.replace(tzinfo=zone(default_tz))
    if isinstance(value.tzinfo, ZoneInfo) and value.tzinfo.key:
        return value.replace(tzinfo=zone(value.tzinfo.key))  # tzdata's rules (SPEC §1)
    return value


def _minute(moment: datetime, key: str) -> int:
    """The instant; a nonexistent wall time moves forward (SPEC §1)."""
    if moment.second or moment.microsecond:
        raise _Bad(f"{key} {moment.isoformat()} is not on a whole minute")
    key_name = getattr(moment.tzinfo, "key", None)
    if key_name:
        return localize(moment.date(), moment.hour * 60 + moment.minute, key_name, is_end=False)
    return to_minute(moment)


def _length(event, start: datetime, default_tz: str) -> int:
    """Minutes from DTSTART to DTEND (or DURATION): the exact length of every occurrence."""
    if "DTEND" in event:
        end = _minute(_moment(event, "DTEND", default_tz), "DTEND")
    elif "DURATION" in event:
        span = event.decoded("DURATION")
        if span.seconds % 60:
            raise _Bad("DURATION is not a whole number of minutes")
        end = _minute(start, "DTSTART") + int(span.total_seconds()) // 60
    else:
        raise _Bad("no DTEND or DURATION: an on-call event needs an end")
    length = end - _minute(start, "DTSTART")
    if length <= 0:
        raise _Bad("DTEND is not after DTSTART")
    return length


def _dates(event, key: str, tz, default_tz: str) -> list[datetime]:
    """RDATE or EXDATE values in the zone `tz` of the series (periods give their start)."""
    values = event.get(key)
    if values is None:
        return []
    out = []
    for group in values if isinstance(values, list) else [values]:
        tzid = group.params.get("TZID") if hasattr(group, "params") else None
        for item in getattr(group, "dts", []):
            value = item.dt[0] if isinstance(item.dt, tuple) else item.dt
            out.append(_aware(value, tzid, key, default_tz).astimezone(tz))
    return out


# ----- expansion -----------------------------------------------------------------------------

def _single(event, span: Span, default_tz: str) -> list[_Occurrence]:
    if _cancelled(event):
        return []
    start = _moment(event, "DTSTART", default_tz)
    first = _minute(start, "DTSTART")
    end = first + _length(event, start, default_tz)
    return [_Occurrence(first, end, event)] if first < span.end and end > span.start else []


def _expand(event, moved: list, span: Span, default_tz: str) -> list[_Occurrence]:
    """A series' occurrences that overlap the horizon, with its moved occurrences."""
    if "RRULE" not in event and "RDATE" not in event:
        out = _single(event, span, default_tz)
    elif _cancelled(event):
        out = []
    else:
        start = _moment(event, "DTSTART", default_tz)
        length = _length(event, start, default_tz)
        tz = start.tzinfo
        series = rruleset()
        for rule in event.get("RRULE") if isinstance(event.get("RRULE"), list) else \
                [event.get("RRULE")] if "RRULE" in event else []:
            series.rrule(_rule(rule, start))
        series.rdate(start)
        for moment in _dates(event, "RDATE", tz, default_tz):
            series.rdate(moment)
        for moment in _dates(event, "EXDATE", tz, default_tz):
            series.exdate(moment)
        for other in moved:
            series.exdate(_moment(other, "RECURRENCE-ID", default_tz).astimezone(tz))
        after = from_minute(span.start - length).astimezone(tz)
        before = from_minute(span.end).astimezone(tz)
        out = []
        for moment in series.between(after, before, inc=True):
            first = _minute(moment, "DTSTART")
            if first < span.end and first + length > span.start:
                out.append(_Occurrence(first, first + length, event))
    for other in moved:
        out += _single(other, span, default_tz)
    return out


def _rule(rule, start: datetime):
    text = rule.to_ical().decode()
    try:
        parsed = rrulestr(text, dtstart=start)
    except (ValueError, TypeError, OverflowError) as exc:
        raise _Bad(f"invalid RRULE '{text}': {exc}") from None
    if parsed._freq >= MINUTELY:
        raise _Bad(f"RRULE '{text}': FREQ=MINUTELY or finer is not an on-call rota")
    return parsed


# ----- who -----------------------------------------------------------------------------------

class _Matcher:
    """Engineers by e-mail, and by the names, ids and e-mails a SUMMARY may hold."""

    def __init__(self, team: Team):
        self.by_email = {eng.email.lower(): eng for eng in team.engineers if eng.email}
        keys = [(key.lower(), eng) for eng in team.engineers
                for key in (eng.name, eng.id, eng.email) if key]
        self.words = sorted(keys, key=lambda k: -len(k[0]))  # longest first

    def who(self, event) -> list[str]:
        """Engineer ids on duty in the event, or the event's label if it matches nobody."""
        found: dict[str, Engineer] = {}
        for key in ("ATTENDEE", "ORGANIZER"):
            values = event.get(key)
            for value in values if isinstance(values, list) else [values] if values else []:
                address = str(value).removeprefix("mailto:").removeprefix("MAILTO:").lower()
                if address in self.by_email:
                    found.setdefault(self.by_email[address].id, self.by_email[address])
        if found:
            return list(found)
        summary = str(event.get("SUMMARY", "")).lower()
        for key, eng in self.words:
            if re.search(rf"(?<![\w@.-]){re.escape(key)}(?![\w@-])", summary):
                return [eng.id]
        return [_label(event)]
