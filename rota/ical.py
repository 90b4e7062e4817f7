"""`rota export --to ics`: one iCalendar file per engineer and one for the team (SPEC §9).

Events are UTC instants; a UID depends only on (team, engineer id, tier, start), so a
calendar that imports a file again updates its events. Imports `icalendar`, so only
`export` loads this module.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from rota.assignment import Assignment, sort_key
from rota.errors import Problem, ScheduleError
from rota.problem import Engineer, Team
from rota.timeline import from_minute, iso_utc, zone

PRODID = "-//rota//on-call rota export//EN"
ENGINEER_ID = re.compile(r"^[a-z0-9-]+$")


def uid(team: Team, engineer_id: str, tier: str, start: int) -> str:
    """Stable across re-exports: a hash of team, engineer id, tier and start_utc."""
    key = "\x1f".join((team.name, engineer_id, tier, iso_utc(start)))
    return hashlib.sha256(key.encode()).hexdigest()[:32] + "@rota"


def export_ics(team: Team, assignments: list[Assignment], previous: list[Assignment] = (),
               source: str = "schedule", now: datetime | None = None) -> dict[str, bytes]:
    """File name → calendar bytes: `<engineer id>.ics` for every engineer, and `team.ics`.

    Assignments of `previous` whose UID is gone are added as STATUS:CANCELLED events."""
    stamp = now or datetime.now(UTC).replace(microsecond=0)
    current = _resolve(team, assignments, source)
    old = {_key(team, e, a): (e, a) for e, a in _resolve(team, previous, "previous")}
    new_keys = {_key(team, e, a): a for e, a in current}
    events: dict[str, list[Event]] = defaultdict(list)
    edges = Handovers(current)
    for eng, a in current:
        was = old.get(_key(team, eng, a))
        changed = was is not None and was[1].end != a.end
        events[eng.id].append(_event(team, eng, a, edges, stamp, sequence=int(changed)))
    for key, (eng, a) in sorted(old.items(), key=lambda kv: sort_key(kv[1][1])):
        if key not in new_keys:
            events[eng.id].append(_event(team, eng, a, None, stamp, sequence=1, cancelled=True))
    files = {f"{eng.id}.ics": _calendar(f"{team.name}: {eng.name}", events[eng.id])
             for eng in team.engineers}
    everyone = sorted((e for eng in team.engineers for e in events[eng.id]),
                      key=lambda e: (e.decoded("dtstart"), str(e["uid"])))
    files["team.ics"] = _calendar(team.name, everyone)
    return files


def _resolve(team: Team, assignments: list[Assignment], source: str
             ) -> list[tuple[Engineer, Assignment]]:
    """Each assignment with its engineer; unknown engineers or unusable ids are bad input."""
    problems, out = [], []
    for a in sorted(assignments, key=sort_key):
        eng = team.engineer(a.engineer)
        if eng is None:
            problems.append(Problem(source, f"unknown engineer '{a.engineer}'", a.row))
        elif not ENGINEER_ID.match(eng.id):
            problems.append(Problem(team.source, f"engineer id '{eng.id}' cannot name a file: "
                                                 "ids for export must match [a-z0-9-]+"))
        else:
            out.append((eng, a))
    if problems:
        raise ScheduleError(list(dict.fromkeys(problems)))
    return out


def _key(team: Team, eng: Engineer, a: Assignment) -> str:
    return uid(team, eng.id, a.tier, a.start)


def _calendar(name: str, events: list[Event]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"On call: {name}")
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def _event(team: Team, eng: Engineer, a: Assignment, edges: Handovers | None,
           stamp: datetime, sequence: int, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", _key(team, eng, a))
    event.add("dtstamp", stamp)
    event.add("dtstart", from_minute(a.start))
    event.add("dtend", from_minute(a.end))
    event.add("sequence", sequence)
    shift = f", {a.shift} shift" if a.shift else ""
    event.add("summary", f"{eng.name} on call: {a.tier}{shift}")
    event.add("description", description(eng, a, edges) if edges else
              f"Cancelled: {eng.name} is no longer on call {a.tier} "
              f"{iso_utc(a.start)}..{iso_utc(a.end)}.")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("categories", [a.tier])
    if eng.email:
        attendee = vCalAddress(f"mailto:{eng.email}")
        attendee.params["cn"] = vText(eng.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    return event


class Handovers:
    """Who of a tier goes off or comes on duty at an instant."""

    def __init__(self, pairs: list[tuple[Engineer, Assignment]]):
        self.ending: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.starting: dict[tuple[str, int], set[str]] = defaultdict(set)
        for eng, a in pairs:
            self.ending[a.tier, a.end].add(eng.name)
            self.starting[a.tier, a.start].add(eng.name)

    def around(self, eng: Engineer, a: Assignment) -> tuple[list[str], list[str]]:
        """(who hands over to this assignment, who takes over from it)."""
        return (sorted(self.ending.get((a.tier, a.start), set()) - {eng.name}),
                sorted(self.starting.get((a.tier, a.end), set()) - {eng.name}))


def description(eng: Engineer, a: Assignment, edges: Handovers) -> str:
    """Local times, and who hands over to and from this engineer (same tier, same instant)."""
    before, after = edges.around(eng, a)
    return "\n".join([
        f"On call {a.tier}: {_local(a.start, eng.timezone)} to {_local(a.end, eng.timezone)} "
        f"({eng.timezone})",
        f"UTC: {iso_utc(a.start)} to {iso_utc(a.end)}",
        f"Takes over from: {', '.join(before) or 'nobody (no one of ' + a.tier + ' ends then)'}",
        f"Hands over to: {', '.join(after) or 'nobody (no one of ' + a.tier + ' starts then)'}",
    ])


def _local(minute: int, tz: str) -> str:
    moment = from_minute(minute).astimezone(zone(tz))
    return moment.strftime("%a %Y-%m-%d %H:%M ") + moment.strftime("%Z").replace("+", "UTC+")
