"""``event.ics``: the event as a calendar entry (RFC 5545), written with the ``icalendar`` library.

The times are in ``event.tz`` (an IANA zone, with its VTIMEZONE in the file, so a calendar in another zone
shows the right hour); without it they are floating (each calendar shows 14:00 in its own zone), and
:func:`calendar_entry` says so in a warning. An event without a start time is an all-day entry; an end
before the start runs past midnight. The same inputs give the same bytes: the UID is derived from the
project, variant and language, and DTSTAMP is the build's date (``SOURCE_DATE_EPOCH``, else the newest
input's time, as for the PDFs), which also moves forward when the text is edited so calendars take the
update.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from pamphlet.source.config import Event


@dataclass(frozen=True)
class EntryFacts:
    """What the calendar entry says, as plain text (no typesetting characters)."""

    slug: str
    lang: str
    variant: str | None
    title: str
    description: str
    place: str | None
    organiser: str | None
    email: str | None
    url: str | None


def uid(facts: EntryFacts) -> str:
    """The same entry keeps its UID across runs and edits (a calendar updates it rather than adding a second)."""
    key = "\0".join((facts.slug, facts.variant or "", facts.lang))
    return hashlib.sha256(key.encode()).hexdigest()[:32] + "@pamphlet"


def floating_warning(config_name: str) -> str:
    return (f"{config_name}: event.tz is not set: event.ics has floating times (a calendar shows them in its own "
            "time zone); set event.tz, like tz: Europe/Berlin")


def calendar_entry(event: Event, facts: EntryFacts, stamp: int) -> bytes:
    """The ``.ics`` file of one language's (and variant's) event."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//pamphlet//share//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    entry = icalendar.Event()
    entry.add("uid", uid(facts))
    entry.add("dtstamp", dt.datetime.fromtimestamp(stamp, tz=dt.UTC))
    entry.add("summary", facts.title)
    if event.start is None:
        entry.add("dtstart", event.date)
        entry.add("dtend", event.date + dt.timedelta(days=1))  # an all-day entry ends the next day (exclusive)
    else:
        zone = _zone(event.tz)
        start = dt.datetime.combine(event.date, event.start, tzinfo=zone)
        entry.add("dtstart", start)
        if event.end is not None:
            end = dt.datetime.combine(event.date, event.end, tzinfo=zone)
            if end <= start:  # 22:00–02:00: the night through
                end = dt.datetime.combine(event.date + dt.timedelta(days=1), event.end, tzinfo=zone)
            entry.add("dtend", end)
    if facts.place:
        entry.add("location", facts.place)
    if facts.description:
        entry.add("description", facts.description)
    if facts.url:
        entry.add("url", facts.url)
    if facts.email:
        organiser = icalendar.vCalAddress(f"mailto:{facts.email}")
        if facts.organiser:
            organiser.params["cn"] = icalendar.vText(facts.organiser)
        entry.add("organizer", organiser)
    elif facts.organiser:
        entry.add("contact", facts.organiser)  # ORGANIZER must be an address; the group's name alone is a CONTACT
    cal.add("x-wr-calname", facts.title)
    entry_lang = icalendar.vText(facts.lang)
    entry["summary"].params["language"] = entry_lang
    cal.add_component(entry)
    if event.start is not None and event.tz:
        # the zone's rules around the event only (a year either side), not every change since 1970
        year = dt.timedelta(days=366)
        cal.add_missing_timezones(first_date=event.date - year, last_date=event.date + year)
    return bytes(cal.to_ical())


def _zone(name: str | None) -> dt.tzinfo | None:
    if not name:
        return None
    import zoneinfo

    return zoneinfo.ZoneInfo(name)
