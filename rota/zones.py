"""Suggesting a time zone for a name that is not one: by city, country, abbreviation or
spelling. The zone-to-country tables come with the `tzdata` package."""

from __future__ import annotations

import difflib
from functools import cache
from importlib import resources
from zoneinfo import available_timezones

# Cities people name that are not the city of their zone.
CITIES = {
    "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
    "chennai": "Asia/Kolkata", "hyderabad": "Asia/Kolkata", "pune": "Asia/Kolkata",
    "calcutta": "Asia/Kolkata", "austin": "America/Chicago", "dallas": "America/Chicago",
    "houston": "America/Chicago", "seattle": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "portland": "America/Los_Angeles",
    "boston": "America/New_York", "washington": "America/New_York",
    "atlanta": "America/New_York", "miami": "America/New_York", "toronto": "America/Toronto",
    "montreal": "America/Toronto", "munich": "Europe/Berlin", "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin", "barcelona": "Europe/Madrid", "milan": "Europe/Rome",
    "geneva": "Europe/Zurich", "edinburgh": "Europe/London", "manchester": "Europe/London",
    "beijing": "Asia/Shanghai", "shenzhen": "Asia/Shanghai", "hangzhou": "Asia/Shanghai",
    "osaka": "Asia/Tokyo", "canberra": "Australia/Sydney", "wellington": "Pacific/Auckland",
    "sao paulo": "America/Sao_Paulo", "rio de janeiro": "America/Sao_Paulo",
    "tel aviv": "Asia/Jerusalem", "dubai": "Asia/Dubai", "abu dhabi": "Asia/Dubai",
    "ho chi minh": "Asia/Ho_Chi_Minh", "saigon": "Asia/Ho_Chi_Minh", "hanoi": "Asia/Bangkok",
    "cape town": "Africa/Johannesburg", "kathmandu": "Asia/Kathmandu",
}
# Abbreviations that name no zone, or more than one.
ABBREVIATIONS = {
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "cst": ("America/Chicago", "Asia/Shanghai", "America/Havana"),
    "bst": ("Europe/London", "Asia/Dhaka"),
    "ast": ("America/Halifax", "Asia/Riyadh"),
    "pst": ("America/Los_Angeles", "Asia/Manila"), "pdt": ("America/Los_Angeles",),
    "edt": ("America/New_York",), "cdt": ("America/Chicago",), "mdt": ("America/Denver",),
    "cest": ("Europe/Paris",), "eest": ("Europe/Athens",), "jst": ("Asia/Tokyo",),
    "kst": ("Asia/Seoul",), "sgt": ("Asia/Singapore",), "hkt": ("Asia/Hong_Kong",),
    "aest": ("Australia/Sydney", "Australia/Brisbane"), "aedt": ("Australia/Sydney",),
    "acst": ("Australia/Adelaide", "Australia/Darwin"), "awst": ("Australia/Perth",),
    "nzst": ("Pacific/Auckland",), "nzdt": ("Pacific/Auckland",), "npt": ("Asia/Kathmandu",),
    "pkt": ("Asia/Karachi",), "brt": ("America/Sao_Paulo",),
    "art": ("America/Argentina/Buenos_Aires",),
}


@cache
def zones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def _countries() -> dict[str, tuple[str, ...]]:
    """Country name or ISO code (lower case) → its zones, from tzdata's zone.tab."""
    names: dict[str, str] = {}
    for line in _table("iso3166.tab"):
        code, name = line.split("\t")[:2]
        names[code] = name
    by_code: dict[str, list[str]] = {}
    for line in _table("zone.tab"):
        code, _, zone = line.split("\t")[:3]
        by_code.setdefault(code, []).append(zone)
    out = {}
    for code, found in by_code.items():
        out[code.lower()] = tuple(found)
        if code in names:
            out[names[code].lower()] = tuple(found)
    return out


def _table(name: str) -> list[str]:
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def suggest(name: str, extra: frozenset[str] = frozenset()) -> str:
    """' (did you mean ...?)' for an unknown zone name, or ''."""
    choices = _candidates(name, zones() | extra)
    if not choices:
        return ""
    if len(choices) == 1:
        return f" (did you mean '{choices[0]}'?)"
    return f" (did you mean one of {', '.join(repr(c) for c in choices)}?)"


def _candidates(name: str, known: frozenset[str]) -> list[str]:
    key = name.strip().lower()
    place = key.rsplit("/", 1)[-1].replace("_", " ").replace("-", " ").strip()
    if key in ABBREVIATIONS:
        return list(ABBREVIATIONS[key])
    if place in CITIES:
        return [CITIES[place]]
    countries = _countries()
    if place in countries and len(place) > 2:
        return list(countries[place][:5])
    by_lower = {z.lower(): z for z in known}
    by_city = {z.rsplit("/", 1)[-1].replace("_", " ").lower(): z for z in known if "/" in z}
    match = difflib.get_close_matches(key, list(by_lower), n=1, cutoff=0.6)
    if match:
        return [by_lower[match[0]]]
    match = difflib.get_close_matches(place, list(by_city), n=1, cutoff=0.75)
    return [by_city[match[0]]] if match else []
