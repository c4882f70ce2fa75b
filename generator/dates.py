"""Dates at their own precision: ``2025``, ``2025-12`` or ``2025-12-09``."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")  # fullmatch: `$` passes a final newline
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ValueError with a readable reason.

        Dates repeat across files (every source has one), and a PartialDate is immutable: a text parsed
        once is answered from ``_PARSED`` (the schema check called this 45,000 times for 10,000 incidents)."""
        if isinstance(value, str) and cls is PartialDate:
            known = _PARSED.get(value)
            if known is None:
                known = cls._parse(value)
                if len(_PARSED) >= _PARSED_LIMIT:  # a bound for long `mkdocs serve` sessions
                    _PARSED.clear()
                _PARSED[value] = known
            return known
        return cls._parse(value)

    @classmethod
    def _parse(cls, value: object) -> PartialDate:
        if isinstance(value, bool):
            raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
        if isinstance(value, int):
            value = str(value)
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if not isinstance(value, str):
            raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {type(value).__name__}")
        match = _DATE_RE.fullmatch(value.strip())
        if not match:
            raise ValueError(f"'{value}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if year < 1000:
            raise ValueError(f"'{value}' has an impossible year")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{value}' is an impossible date: there is no month {month}")
        if day is not None and month is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(
                    f"'{value}' is an impossible date: {MONTHS[month - 1]} {year} has {last} days"
                )
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        """``day``, ``month`` or ``year``."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def iso(self) -> str:
        """The date as written: ``2025``, ``2025-12`` or ``2025-12-09``."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def first_day(self) -> dt.date:
        """The first calendar day the date covers (for sorting)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last calendar day the date covers."""
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def human(self) -> str:
        """``9 December 2025``, ``December 2025`` or ``2025`` — never a day that is not known."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(lambda d: d.iso())
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": "A date at its own precision: YYYY, YYYY-MM or YYYY-MM-DD.",
        }


_PARSED: dict[str, PartialDate] = {}
_PARSED_LIMIT = 100_000


def human_range(start: PartialDate, end: PartialDate | None) -> str:
    """Format a date or a range compactly: ``6–9 December 2025``, ``30 November – 2 December 2025``."""
    if end is None or end == start:
        return start.human()
    if start.precision == end.precision == "day" and start.year == end.year:
        assert start.month and end.month
        if start.month == end.month:
            return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"
        return f"{start.day} {MONTHS[start.month - 1]} – {end.day} {MONTHS[end.month - 1]} {end.year}"
    if start.precision == end.precision == "month" and start.year == end.year:
        assert start.month and end.month
        return f"{MONTHS[start.month - 1]}–{MONTHS[end.month - 1]} {end.year}"
    return f"{start.human()} – {end.human()}"
