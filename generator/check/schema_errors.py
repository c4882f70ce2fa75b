"""Validate each document against its schema, turning pydantic's errors into diagnostics at the YAML node."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.diagnostics import Diagnostic
from generator.load import Document, KeyPath
from generator.schema import (
    COLOR_PATTERN,
    COUNTRY_PATTERN,
    EXCERPT_MAX,
    EXCERPTS_PER_SOURCE,
    LANGUAGE_PATTERN,
    SCHEMAS,
    SLUG_PATTERN,
    Model,
)

_TYPE_ERRORS = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date",
}
_LENGTH_ERRORS = {"string_too_short", "string_too_long", "too_short", "too_long"}
_RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than", "literal_error"}
_PATTERN_NAMES = {
    SLUG_PATTERN: ("FL307", "a lowercase slug such as 'joint-patrol' (a-z, 0-9 and single hyphens)"),
    LANGUAGE_PATTERN: ("FL308", "a BCP 47 language tag such as 'ja', 'zh-Hant' or 'ko'"),
    COUNTRY_PATTERN: ("FL308", "an ISO 3166-1 alpha-2 country code such as 'JP'"),
    COLOR_PATTERN: ("FL308", "a colour such as '#1e88e5'"),
}


def describe(value: Any) -> str:
    """How a YAML value reads to a contributor: ``text 'yes'``, ``a number``, ``a list``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text '{shown}'"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def field_name(loc: KeyPath) -> str:
    """``sources[0].url`` from ``('sources', 0, 'url')``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "front matter"


def _model_at(model: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of ``loc`` (for did-you-mean suggestions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if info is None:
            return None
        current = _innermost_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _innermost_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or getattr(annotation, "__metadata__", ()):
        found = _innermost_model(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    return _innermost_model(origin) if origin not in (None, annotation) else None


def field_names(model: type[BaseModel]) -> list[str]:
    """The names a contributor writes (aliases where set)."""
    return [f.alias or n for n, f in model.model_fields.items()]


def suggest(word: str, choices: list[str] | Any) -> str | None:
    """The closest choice to ``word``, if any is close enough."""
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def closest(word: str, ids: Iterable[str], names: Mapping[str, Iterable[str]] | None = None) -> list[str]:
    """Every id as close to ``word`` as the closest (at least 0.6 alike), by the id itself or by one of its
    names and aliases (``names``: id → names): ``east-sea`` finds ``sea-of-japan`` by its alias "East Sea",
    ``JASDF`` finds ``jasdf``. An exact name or alias wins outright."""
    folded = _fold(word)
    best: dict[str, float] = {}
    for id_ in ids:
        texts = [id_, *((names or {}).get(id_, ()))]
        if any(_fold(text) == folded for text in texts):
            best[id_] = 2.0  # exact, ignoring case, spaces and punctuation
            continue
        matcher = difflib.SequenceMatcher(None, "", folded)  # b (the word) is analysed once
        score = 0.0
        for text in texts:
            matcher.set_seq1(_fold(text))
            if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                score = max(score, matcher.ratio())
        if score >= 0.6:
            best[id_] = score
    if not best:
        return []
    top = max(best.values())
    return sorted(id_ for id_, score in best.items() if score == top)


def _fold(text: str) -> str:
    """``East Sea`` → ``east-sea``: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-")


def did_you_mean(candidates: list[str]) -> str:
    """``; did you mean 'a'?`` or ``; did you mean 'a' or 'b'?`` (empty without candidates)."""
    if not candidates:
        return ""
    quoted = [f"'{c}'" for c in candidates]
    return (
        "; did you mean "
        + (quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1])
        + "?"
    )


def _diagnose(document: Document, model: type[Model], error: dict[str, Any]) -> Diagnostic:
    kind = error["type"]
    loc = _data_loc(document.data, tuple(error["loc"]), keep_last=kind == "missing")
    name = field_name(loc)
    value = error.get("input")
    line, column = document.position(loc)
    if kind == "missing":
        parent = loc[:-1]
        line, column = (
            document.key_position(parent) if parent else (2 if document.kind != "vocabulary" else 1, 1)
        )
        where = f" in {field_name(parent)}" if parent else ""
        hint = "see the field reference for what it holds"
        if len(loc) == 3 and loc[0] == "sources" and loc[2] == "key":
            hint = "give the source a short key to cite it by: " + _key_example(document.data, loc[1])
        return Diagnostic(
            document.path, line, column, "FL301", f"missing required field '{loc[-1]}'{where}", hint
        )
    if kind == "extra_forbidden":
        line, column = document.key_position(loc)
        owner = _model_at(model, loc)
        guesses = closest(str(loc[-1]), field_names(owner)) if owner else []
        message = f"unknown field '{loc[-1]}'" + did_you_mean(guesses)
        allowed = ", ".join(field_names(owner)) if owner else ""
        return Diagnostic(
            document.path,
            line,
            column,
            "FL302",
            message,
            f"allowed fields here: {allowed}" if allowed else "",
        )
    if kind in _TYPE_ERRORS:
        expected = _TYPE_ERRORS[kind]
        hint = "write true or false without quotes" if kind == "bool_type" else ""
        if kind == "int_type" and isinstance(value, str) and value.strip().isdigit():
            hint = "remove the quotes around the number"
        if kind == "string_type" and isinstance(value, bool | int | float):
            hint = "YAML reads this as a number or true/false; put it in quotes to keep it as text"
        return Diagnostic(
            document.path, line, column, "FL303", f"'{name}' must be {expected}, not {describe(value)}", hint
        )
    if kind == "string_too_long" and len(loc) >= 3 and loc[-3] == "excerpts" and loc[-1] == "text":
        return Diagnostic(
            document.path,
            line,
            column,
            "FL304",
            f"'{name}' is {len(value)} characters; an excerpt may have at most {EXCERPT_MAX}",
            "quote only the passage that supports the incident: short passages are fair quotation, "
            "longer ones copy the publisher's work (an ellipsis ... may join two short passages)",
        )
    if kind == "too_long" and loc and loc[-1] == "excerpts":
        return Diagnostic(
            document.path,
            line,
            column,
            "FL304",
            f"'{name}' has {len(value)} passages; a source may have at most {EXCERPTS_PER_SOURCE} excerpts",
            "keep the passages that support the incident's claims, figures and text: fair quotation "
            "takes short passages, not the article",
        )
    if kind in _LENGTH_ERRORS:
        return Diagnostic(document.path, line, column, "FL304", f"'{name}': {error['msg'].lower()}")
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if pattern in _PATTERN_NAMES:
            code, expected = _PATTERN_NAMES[pattern]
            return Diagnostic(
                document.path, line, column, code, f"'{name}' must be {expected}, not {describe(value)}"
            )
        return Diagnostic(
            document.path,
            line,
            column,
            "FL502",
            f"'{name}' must be an absolute http(s) URL, not {describe(value)}",
            "write the full address, starting with https://",
        )
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        code = "FL305" if "date" in message else "FL308"
        return Diagnostic(document.path, line, column, code, f"'{name}': {message}")
    if kind in _RANGE_ERRORS:
        return Diagnostic(document.path, line, column, "FL308", f"'{name}': {error['msg'].lower()}")
    return Diagnostic(document.path, line, column, "FL303", f"'{name}': {error['msg']}")


def _key_example(data: Any, index: Any) -> str:
    """``key: jiji-1210`` for a source of Jiji Press published on 10 December (the key convention)."""
    try:
        source = data["sources"][index]
        publisher = str(source.get("publisher", "source"))
        published = str(source.get("published", ""))
    except (KeyError, IndexError, TypeError, AttributeError):
        return "key: publisher-mmdd (for example jiji-1210)"
    inner = publisher[publisher.find("(") + 1 : publisher.find(")")] if "(" in publisher else publisher
    words = re.findall(r"[a-z0-9]+", inner.lower()) or ["source"]
    day = published[5:7] + published[8:10] if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", published) else ""
    return f"key: {words[0]}{'-' + day if day else ''} (the publisher's short name and the month and day)"


def _data_loc(data: Any, loc: tuple[Any, ...], keep_last: bool) -> KeyPath:
    """``loc`` without pydantic's own steps (union members such as ``int`` or ``function-before[...]``).

    A step stays when it is a key (or index) of the data at that point, so a contributor's key that happens to
    look like one of pydantic's steps is kept; a missing field's name is kept as the last step."""
    path: list[str | int] = []
    current = data
    for part in loc[:-1] if keep_last else loc:
        is_key = isinstance(current, dict) and isinstance(part, str) and part in current
        is_index = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if is_key or is_index:
            current = current[part]
            path.append(part)
    if keep_last and loc:
        path.append(loc[-1])
    return tuple(path)


def validate(document: Document) -> tuple[Model | None, list[Diagnostic]]:
    """The document's front matter as its kind's model, or ``None`` and the problems found."""
    model = SCHEMAS[document.kind]
    try:
        return model.model_validate(document.data), []
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False) if not _refused(document, e["loc"])]
        return None, [_diagnose(document, model, error) for error in errors]  # type: ignore[arg-type]


def _refused(document: Document, loc: tuple[Any, ...]) -> bool:
    """True when the loader already reported (and dropped) the value at ``loc`` or around it."""
    return any(loc[: len(path)] == path for path in document.refused)
