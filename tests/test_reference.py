"""The generated references stay true to the code: CONTRIBUTING's field reference and the error-code page."""

from __future__ import annotations

import html
from pathlib import Path

from generator.codes import CODES
from generator.render.reference import embed, error_codes_markdown, field_reference_markdown
from generator.schema import Incident

ROOT = Path(__file__).resolve().parent.parent


def test_contributing_field_reference_matches_the_schema() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert embed(text) == text, (
        "CONTRIBUTING.md drifted: run python -m generator.render.reference CONTRIBUTING.md"
    )


def test_field_reference_lists_every_incident_field() -> None:
    reference = field_reference_markdown()
    for name, info in Incident.model_fields.items():
        assert f"| `{info.alias or name}` |" in reference


def test_error_code_page_lists_every_code_with_its_fix() -> None:
    page = error_codes_markdown()
    for code in CODES.values():
        assert f">{code.code}</span> | `{code.name}` | {code.severity} |" in page
        assert html.escape(code.fix, quote=False).replace("|", "\\|") in page  # <year> is text, not a tag
