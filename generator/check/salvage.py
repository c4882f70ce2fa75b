"""Whatever parsed: a record of the fields of a document that failed its schema, so that its references and
identity are checked in the same run as its schema errors (every problem in one pass).

A salvaged record is never published and never checked for warnings: it only feeds the reference and identity
checks. Each field that is valid on its own keeps its value; a list of mappings keeps each entry, salvaged the
same way; a field that fails keeps its text when it is text (so ``actor: JASDF`` is still looked up and gets a
suggestion), else its default (``None``, or an empty list).
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.functional_validators import BeforeValidator


def salvage(model: type[BaseModel], data: Any) -> Any:
    """An instance of ``model`` (never validated as a whole) holding what of ``data`` is usable."""
    record = model.model_construct()
    for name, info in model.model_fields.items():
        record.__dict__.setdefault(name, [] if _list_item(info.annotation) is not None else None)
    if not isinstance(data, dict):
        return record
    by_key = {(info.alias or name): name for name, info in model.model_fields.items()}
    validator = model.__pydantic_validator__
    for key, value in data.items():
        name = by_key.get(key)
        if name is None:
            continue
        try:
            validator.validate_assignment(record, name, value)
        except ValidationError:  # (a successful assignment replaces __dict__: never keep a reference to it)
            default = record.__dict__[name]
            record.__dict__[name] = _salvage_value(model.model_fields[name].annotation, value, default)
    return record


def _salvage_value(annotation: Any, value: Any, default: Any) -> Any:
    item = _list_item(annotation)
    if item is not None:
        if not isinstance(value, list):
            return []
        inner, before = _unwrap(item)
        return [_salvage_value(inner, _apply(before, entry), None) for entry in value]
    inner, before = _unwrap(annotation)
    value = _apply(before, value)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return salvage(inner, value) if isinstance(value, dict) else salvage(inner, {})
    return value if inner is str and isinstance(value, str) else default


def _apply(validators: list[Any], value: Any) -> Any:
    for func in validators:
        try:
            value = func(value)
        except Exception:  # a before-validator that refuses the value: keep it as written
            return value
    return value


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The type inside ``Annotated[...]`` and ``X | None``, and the BeforeValidator functions met on the way."""
    before: list[Any] = []
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            before += [m.func for m in annotation.__metadata__ if isinstance(m, BeforeValidator)]
            annotation = annotation.__origin__
        elif typing.get_origin(annotation) in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation, before
            annotation = members[0]
        else:
            return annotation, before


def _list_item(annotation: Any) -> Any:
    """The item type when ``annotation`` is a list (possibly annotated or optional), else ``None``."""
    inner, _ = _unwrap(annotation)
    if typing.get_origin(inner) is list:
        return typing.get_args(inner)[0]
    return None
