"""Reference pages generated from the code itself: the error-code catalogue and the field reference.

CONTRIBUTING.md embeds the same field reference between markers; a test fails when it drifts
(regenerate with ``python -m generator.render.reference CONTRIBUTING.md``).
"""

from __future__ import annotations

import html
import sys
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.codes import CODES
from generator.schema import Actor, Incident, Place, Vocabulary

START, END = "<!-- field-reference:start -->", "<!-- field-reference:end -->"


def _cell(text: str) -> str:
    # `<script>` in prose would be raw HTML (a real script element); inside `code spans` Markdown escapes it
    parts = text.split("`")
    parts[::2] = [html.escape(part, quote=False) for part in parts[::2]]
    return "`".join(parts).replace("|", "\\|").replace("\n", " ")


def error_codes_markdown() -> str:
    """The catalogue of diagnostic codes as a Markdown page."""
    lines = [
        "---",
        'title: "Error codes"',
        'description: "Every diagnostic faultlines check can report, why, and how to fix it."',
        "---",
        "",
        "# Error codes",
        "",
        "`faultlines check` (and `mkdocs build`) report problems as `path:line:col: severity CODE message`.",
        "Warnings become errors with `--strict`. This page is generated from `generator/codes.py`.",
        "",
        "| Code | Name | Severity | What it means | How to fix it |",
        "| --- | --- | --- | --- | --- |",
    ]
    for code in CODES.values():
        lines.append(
            f"| <span id='{code.code.lower()}'>{code.code}</span> | `{code.name}` | {code.severity} | "
            f"{_cell(code.explanation)} | {_cell(code.fix)} |"
        )
    return "\n".join(lines) + "\n"


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (list, tuple):
        if origin is tuple:
            return "[latitude, longitude]"
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of {_type_name(args[1])}"
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return " or ".join(_type_name(a) for a in args)
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in typing.get_args(annotation))
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return f"{annotation.__name__} (see below)"
        return {"str": "text", "int": "whole number", "float": "number", "bool": "true/false",
                "PartialDate": "date"}.get(annotation.__name__, annotation.__name__)  # fmt: skip
    return str(annotation)


def _constraints(info: FieldInfo) -> str:
    notes = []
    for meta in info.metadata:
        for attr, label in (
            ("min_length", "min length"),
            ("max_length", "max length"),
            ("ge", "≥"),
            ("le", "≤"),
        ):
            value = getattr(meta, attr, None)
            if value is not None:
                notes.append(f"{label} {value}")
    return ", ".join(notes)


def model_table(model: type[BaseModel]) -> list[str]:
    """One Markdown table of a model's fields."""
    lines = ["| Field | Type | Required | Description |", "| --- | --- | --- | --- |"]
    for name, info in model.model_fields.items():
        field = info.alias or name
        required = "yes" if info.is_required() else "no"
        constraints = _constraints(info)
        description = (info.description or "") + (f" ({constraints})" if constraints else "")
        lines.append(
            f"| `{field}` | {_cell(_type_name(info.annotation))} | {required} | {_cell(description)} |"
        )
    return lines


def _nested(model: type[BaseModel], seen: set[type[BaseModel]]) -> list[type[BaseModel]]:
    found = []
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            current = stack.pop()
            if isinstance(current, type) and issubclass(current, BaseModel) and current not in seen:
                seen.add(current)
                found.append(current)
                found.extend(_nested(current, seen))
            stack.extend(typing.get_args(current))
    return found


def field_reference_markdown(heading_level: int = 2) -> str:
    """The field reference of every content file, generated from the pydantic schema."""
    hashes = "#" * heading_level
    out: list[str] = []
    for title, model, where in (
        ("Incident", Incident, "`content/incidents/<year>/<date>-<slug>.md`"),
        ("Actor", Actor, "`content/actors/<id>.md`"),
        ("Place", Place, "`content/places/<id>.md`"),
        ("Vocabulary", Vocabulary, "`content/vocabulary.yml`"),
    ):
        # docstrings are prose: `<year>` in them would be read as an HTML tag and vanish from the page
        out += [f"{hashes} {title}", "", f"File: {where}. {_cell(model.__doc__.splitlines()[0])}", ""]
        out += model_table(model)
        out.append("")
        for nested in _nested(model, {model}):
            out += [f"{hashes}# {title}: `{nested.__name__}`", "", _cell(nested.__doc__.splitlines()[0]), ""]
            out += model_table(nested)
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def limits_markdown() -> list[str]:
    """The limits the loader and the rules enforce beyond each field's own (those are in the tables)."""
    from generator.check.bodies import MAX_BODY_CHARACTERS, MAX_BRACKET_SCAN, MAX_NESTING
    from generator.check.identity import MAX_ID_LENGTH
    from generator.check.warnings import TITLE_SIMILARITY
    from generator.load import MAX_DEPTH, MAX_FILE_BYTES

    return [
        "Limits enforced for every file: at most "
        f"{MAX_FILE_BYTES:,} bytes (FL111) and {MAX_DEPTH} levels of nesting (FL114); UTF-8 text without NUL "
        "bytes or control characters; no YAML tags or aliases; `.md` files in their folder (FL113). An incident's "
        "summary is one paragraph; `series_number` needs `series`; `replaced_by` is for a retracted incident; an "
        "incident is not related to itself (FL308). Titles on overlapping dates at least "
        f"{TITLE_SIMILARITY:.0%} alike are flagged as possible duplicates (FL606). Ids (file names) have at most "
        f"{MAX_ID_LENGTH} characters and are never `index` (FL401); no text holds invisible format characters "
        "such as U+202E or U+200B (FL308). A Markdown body has at most "
        f"{MAX_BODY_CHARACTERS:,} characters (FL510) and {MAX_NESTING} levels of lists or quotes (FL511), at most "
        f"{MAX_BRACKET_SCAN:,} characters of scanning for unclosed brackets (FL512), and nothing the sanitiser "
        "would remove (FL514).",
        "",
    ]


def fields_page_markdown() -> str:
    """The field reference as a site page."""
    head = [
        "---",
        'title: "Field reference"',
        'description: "Every field of incidents, actors, places and the vocabulary."',
        "---",
        "",
        "# Field reference",
        "",
        "Generated from `generator/schema.py`, the same schema `faultlines check` validates with. Unknown fields "
        "are errors (FL302). Dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and keep their precision.",
        "",
        *limits_markdown(),
        "",
    ]
    return "\n".join(head) + field_reference_markdown()


def embed(document: str) -> str:
    """``document`` with the text between the field-reference markers replaced by the current reference."""
    start, end = document.index(START) + len(START), document.index(END)
    return document[:start] + "\n\n" + field_reference_markdown(heading_level=3) + "\n" + document[end:]


def main(argv: list[str]) -> int:
    """Rewrite the field reference inside the given Markdown files (CONTRIBUTING.md)."""
    for name in argv:
        path = Path(name)
        path.write_text(embed(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
