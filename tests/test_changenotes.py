"""What a change did to an incident file, in a reader's words (generator/changenotes.py), from two versions of
the file as git holds them. The git side (reading the versions, renames, the pages) is tested on real
repositories in test_history.py."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import front_matter, valid_incident, valid_source

from generator.changenotes import ADDED, FORMATTING, REMOVED, UNREADABLE, describe


def text(data: dict[str, Any], body: str = "The patrol.[^pub-1]\n") -> str:
    return front_matter(data, body)


BASE = valid_incident()


@pytest.mark.parametrize(
    ("change", "note"),
    [
        ({"title": "Another title"}, "Title changed"),
        ({"summary": "Another summary."}, "Summary corrected"),
        ({"date": "2025-12-08"}, "Date corrected"),
        ({"type": "radar-lock"}, "Type changed"),
        ({"status": "disputed", "status_note": "Accounts differ."}, "Now marked disputed"),
        ({"status": "retracted", "status_note": "A duplicate."}, "Retracted"),
        ({"location": {"description": "Off Shikoku", "coordinates": [32.0, 133.5]}}, "Location added"),
        ({"claims": [{"actor": "jasdf", "text": "Fighters scrambled.", "source": "pub-1"}]}, "Statements added"),
        ({"figures": [{"what": "bombers", "value": 4, "source": "pub-1"}]}, "Figures added"),
        ({"related": ["2025-12-06-radar-lock-on"]}, "Related incidents changed"),
        ({"sources": [*BASE["sources"], valid_source(9, published="2025-12-10")]},
         "Source added: Publisher 9, 10 Dec 2025"),
        ({"sources": BASE["sources"][:1]}, "Source removed: Publisher 2"),
        ({"sources": [valid_source(1, url="https://www.mod.go.jp/other.html"), BASE["sources"][1]]},
         "Details of a source corrected"),  # the same key at a new address: not a new source
        ({"sources": [{**BASE["sources"][0], "excerpts": [{"text": "Four bombers."}]}, BASE["sources"][1]]},
         "Excerpts from the sources added"),
        ({"previous_ids": ["2025-12-09-old-id"]}, "Other details updated"),
    ],
)  # fmt: skip
def test_each_field_is_named_in_a_readers_words(change: dict[str, Any], note: str) -> None:
    assert describe(text(BASE), text({**BASE, **change})) == note


def test_several_changes_are_listed_in_one_note_in_a_fixed_order() -> None:
    after = {**BASE, "summary": "Another summary.", "title": "Another title", "date": "2025-12-08"}
    assert describe(text(BASE), text(after)) == "Date corrected; title changed; summary corrected"


def test_many_added_sources_are_named_then_counted() -> None:
    added = [valid_source(n, published=f"2025-12-1{n}") for n in range(3, 7)]
    note = describe(text(BASE), text({**BASE, "sources": [*BASE["sources"], *added]}))
    assert note == "Sources added: Publisher 3, 13 Dec 2025; Publisher 4, 14 Dec 2025 and 2 more"


def test_the_account_revised_or_only_its_citations() -> None:
    assert describe(text(BASE, "The patrol.\n"), text(BASE, "The patrol flew.\n")) == "Account revised"
    assert describe(text(BASE, "The patrol.\n"), text(BASE, "The patrol.[^pub-1]\n")) == (
        "Citations in the account changed"
    )
    assert describe(text(BASE, ""), text(BASE, "The patrol.\n")) == "Account added"


def test_added_removed_unreadable_and_unchanged() -> None:
    assert describe(None, text(BASE)) == ADDED
    assert describe(text(BASE), None) == REMOVED
    assert describe("---\ntitle: [broken\n---\n", text(BASE)) == UNREADABLE
    assert describe(text(BASE), "no front matter at all") == UNREADABLE
    commented = text(BASE).replace("---\n", "---\n# a comment\n", 1)
    assert describe(text(BASE), commented) == FORMATTING


def test_the_same_versions_always_give_the_same_note() -> None:
    after = text({**BASE, "summary": "Another.", "sources": [*BASE["sources"], valid_source(5)]})
    assert len({describe(text(BASE), after) for _ in range(3)}) == 1
