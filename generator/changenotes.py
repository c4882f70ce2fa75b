"""What a commit changed in an incident, in a reader's words ("Sources added: Jiji Press, 10 Dec 2025; summary
corrected"), from the file before and after it: the site's History lists and the Changes page say this instead of
the commit's message, which is written for the project's developers.

The two versions are compared field by field (their YAML front matter, then the Markdown body). The note is a
function of the two texts alone, so the same commits always give the same notes. A version that does not parse
(a commit that broke the file, fixed by the next one) is described as "Corrected" rather than guessed at.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import yaml

try:  # libyaml when PyYAML was built with it: a large history parses many versions
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

ADDED = "Added"
REMOVED = "Moved to a new address"
RENAMED = "Moved to a new address; the old one still leads here"
UNREADABLE = "Corrected"
FORMATTING = "Formatting only; nothing a reader sees changed"
MAX_NAMED = 2  # sources named in one note; more are counted
_MARKER = re.compile(r"\[\^[^\[\]\n]{0,100}\]")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# fields whose change a reader sees, in the order a note names them, and how it is said
_DATE_FIELDS = ("date", "end_date", "date_precision", "time", "timezone")
_SIMPLE = (
    ("title", "title changed"),
    ("summary", "summary corrected"),
    ("type", "type changed"),
    ("series", "series changed"),
    ("actors", "actors changed"),
    ("places", "places changed"),
    ("related", "related incidents changed"),
)


def split(text: str) -> tuple[dict[str, Any] | None, str]:
    """(front matter as data, body) of an incident file; ``None`` when its front matter does not parse."""
    if not text.startswith("---"):
        return None, text
    end = re.search(r"^---[ \t]*$", text[3:], re.MULTILINE)
    if end is None:
        return None, text
    try:
        data = yaml.load(text[3 : 3 + end.start()], Loader=_Loader)
    except yaml.YAMLError:
        return None, text
    return (data if isinstance(data, dict) else None), text[3 + end.end() :]


def _day(value: Any) -> str:
    """``10 Dec 2025`` for a date, ``Dec 2025`` for a month; the value as written otherwise."""
    if isinstance(value, dt.date):
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    text = str(value)
    parts = text.split("-")
    if not all(p.isdigit() for p in parts) or not 2 <= len(parts) <= 3 or not 1 <= int(parts[1]) <= 12:
        return text
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"


def _source_name(source: Any) -> str:
    if not isinstance(source, dict):
        return "a source"
    name = " ".join(str(source.get("publisher") or "a source").split())
    if len(name) > 40:
        name = name[:39].rstrip() + "…"
    published = source.get("published")
    return f"{name}, {_day(published)}" if published else name


def _names(sources: Iterable[Any]) -> str:
    names = [_source_name(s) for s in sources]
    if len(names) > MAX_NAMED:
        return "; ".join(names[:MAX_NAMED]) + f" and {len(names) - MAX_NAMED} more"
    return "; ".join(names)


def _by_url(sources: Any) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for source in sources if isinstance(sources, list) else ():
        if isinstance(source, dict):
            found.setdefault(str(source.get("url") or source.get("key") or len(found)), source)
    return found


def _sources(old: Any, new: Any) -> list[str]:
    before, after = _by_url(old), _by_url(new)
    parts = []
    added = [s for url, s in after.items() if url not in before]
    removed = [s for url, s in before.items() if url not in after]
    moved = 0  # a source whose address changed: the same key, or the same publisher and date
    for source in list(added):
        twin = next((r for r in removed if _same_source(r, source)), None)
        if twin is not None:
            added.remove(source)
            removed.remove(twin)
            moved += 1
    if added:
        parts.append(f"source{'s' if len(added) > 1 else ''} added: {_names(added)}")
    if removed:
        parts.append(f"source{'s' if len(removed) > 1 else ''} removed: {_names(removed)}")
    kept = [url for url in after if url in before]
    quoted = [u for u in kept if (before[u].get("excerpts") or []) != (after[u].get("excerpts") or [])]
    if quoted:
        grew = any(len(after[u].get("excerpts") or []) > len(before[u].get("excerpts") or []) for u in quoted)
        parts.append("excerpts from the sources added" if grew else "excerpts from the sources corrected")
    other = [
        u
        for u in kept
        if {k: v for k, v in before[u].items() if k != "excerpts"}
        != {k: v for k, v in after[u].items() if k != "excerpts"}
    ]
    if other or moved:
        count = len(other) + moved
        parts.append(
            f"details of {count} sources corrected" if count > 1 else "details of a source corrected"
        )
    return parts


def _same_source(old: dict[str, Any], new: dict[str, Any]) -> bool:
    if old.get("key") and old.get("key") == new.get("key"):
        return True
    return bool(old.get("publisher")) and (old.get("publisher"), old.get("published")) == (
        new.get("publisher"),
        new.get("published"),
    )


def _listed(field: str, old: Any, new: Any, noun: str) -> str:
    """ "claims added" when the list grew, "claims corrected" otherwise."""
    before = old.get(field) or []
    after = new.get(field) or []
    if not before:
        return f"{noun} added"
    if not after:
        return f"{noun} removed"
    return f"{noun} added" if len(after) > len(before) else f"{noun} corrected"


def _body(old: str, new: str) -> str:
    if old.strip() == new.strip():
        return ""
    if " ".join(_MARKER.sub("", old).split()) == " ".join(_MARKER.sub("", new).split()):
        return "citations in the account changed"
    if not old.strip():
        return "account added"
    return "account revised"


def describe(old_text: str | None, new_text: str | None) -> str:
    """What changed from ``old_text`` to ``new_text`` (an incident file's two versions; ``None``: absent)."""
    if new_text is None:
        return REMOVED
    if old_text is None:
        return ADDED
    old, old_body = split(old_text)
    new, new_body = split(new_text)
    if old is None or new is None:
        return UNREADABLE
    parts: list[str] = []
    if old.get("status") != new.get("status"):
        status = str(new.get("status") or "confirmed")
        parts.append("retracted" if status == "retracted" else f"now marked {status}")
    elif old.get("status_note") != new.get("status_note"):
        parts.append("status note changed")
    if any(old.get(f) != new.get(f) for f in _DATE_FIELDS):
        parts.append("date corrected")
    for field, said in _SIMPLE:
        if old.get(field) != new.get(field):
            parts.append(said)
    if old.get("location") != new.get("location"):
        parts.append("location added" if not old.get("location") else "location corrected")
    body = _body(old_body, new_body)
    if body:
        parts.append(body)
    if old.get("claims") != new.get("claims"):
        parts.append(_listed("claims", old, new, "statements"))
    if old.get("figures") != new.get("figures"):
        parts.append(_listed("figures", old, new, "figures"))
    if old.get("sources") != new.get("sources"):
        parts.extend(_sources(old.get("sources"), new.get("sources")) or ["sources corrected"])
    named = {"status", "status_note", "location", "claims", "figures", "sources", *_DATE_FIELDS}
    named.update(field for field, _ in _SIMPLE)
    if any(old.get(k) != new.get(k) for k in (old.keys() | new.keys()) - named):
        parts.append("other details updated")
    if not parts:
        return FORMATTING
    note = "; ".join(parts)
    return note[:1].upper() + note[1:]
