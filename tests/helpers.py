"""Builders for content trees, shared by every test module (checks, site, exports).

A tree is a mapping from a path relative to the project root to the file's content:

- a ``dict`` is front matter (dumped as YAML) for ``.md`` files, with the Markdown body under ``"__body__"``,
  and the whole file for ``.yml`` files;
- a ``str`` is written as UTF-8 text, exactly as given;
- ``bytes`` are written as they are.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

BODY = "__body__"
PROBLEM_LINE = re.compile(r"^\S.*:\d+:\d+: (error|warning) FL\d{3} ")

INCIDENT_DIR = "content/incidents/2025"
ACTOR_DIR = "content/actors"
PLACE_DIR = "content/places"
VOCABULARY = "content/vocabulary.yml"

Files = dict[str, "str | bytes | dict[str, Any]"]


def valid_vocabulary(**overrides: Any) -> dict[str, Any]:
    """A small vocabulary with every section an incident, actor or place of the builders below needs."""
    vocabulary: dict[str, Any] = {
        "title": "Test Chronology",
        "default_timezone": "Asia/Tokyo",
        "incident_types": {
            "joint-patrol": {"label": "Joint patrol", "color": "#8e1b1b"},
            "radar-lock": {"label": "Radar lock-on", "description": "Radar aimed at a ship or aircraft."},
        },
        "roles": {
            "participant": {"label": "Participant"},
            "responder": {"label": "Responder"},
        },
        "actor_kinds": {
            "armed-force": {"label": "Armed force"},
            "ministry": {"label": "Ministry"},
        },
        "place_kinds": {"sea": {"label": "Sea"}},
        "statuses": {
            "confirmed": {"label": "Confirmed"},
            "reported": {"label": "Reported"},
            "retracted": {"label": "Retracted"},
        },
        "series": {"joint-air-patrols": {"label": "Joint air patrols"}},
        "source_kinds": {
            "official": {"label": "Official"},
            "aggregator": {"label": "Aggregator", "aggregator": True},
        },
        "relations": {"responds-to": {"label": "Responds to"}},
    }
    vocabulary.update(overrides)
    return vocabulary


def valid_source(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """A complete source (key ``pub-N``, with an archive copy), numbered so that several differ."""
    source = {
        "key": f"pub-{n}",
        "url": f"https://www.mod.go.jp/news/{n}.html",
        "publisher": f"Publisher {n}",
        "archive_url": f"https://web.archive.org/web/2025/https://www.mod.go.jp/news/{n}.html",
    }
    source.update(overrides)
    return source


def valid_incident(**overrides: Any) -> dict[str, Any]:
    """Front matter of a valid incident of 2025-12-09 (two archived sources; actors jasdf, pla-air-force).

    Pass ``__body__`` for a Markdown body; a value of ``None`` removes a field.
    """
    incident: dict[str, Any] = {
        "title": "Joint bomber patrol over the East China Sea",
        "date": "2025-12-09",
        "type": "joint-patrol",
        "summary": "Two Chinese and two Russian bombers flew together over the East China Sea.",
        "actors": [
            {"actor": "pla-air-force", "role": "participant"},
            {"actor": "jasdf", "role": "responder"},
        ],
        "places": ["east-china-sea"],
        "sources": [valid_source(1), valid_source(2)],
    }
    incident.update(overrides)
    return {k: v for k, v in incident.items() if v is not None}


def valid_actor(name: str = "Japan Air Self-Defense Force", **overrides: Any) -> dict[str, Any]:
    """Front matter of a valid actor (an armed force)."""
    actor: dict[str, Any] = {"name": name, "kind": "armed-force"}
    actor.update(overrides)
    return {k: v for k, v in actor.items() if v is not None}


def valid_place(
    name: str = "East China Sea", coordinates: Sequence[float] | None = (29.0, 125.0), **overrides: Any
) -> dict[str, Any]:
    """Front matter of a valid place (a sea) with coordinates."""
    place: dict[str, Any] = {"name": name, "kind": "sea"}
    if coordinates is not None:
        place["coordinates"] = list(coordinates)
    place.update(overrides)
    return {k: v for k, v in place.items() if v is not None}


def incident_path(incident_id: str) -> str:
    """``content/incidents/<year>/<id>.md`` for an incident id starting with its date."""
    return f"content/incidents/{incident_id[:4]}/{incident_id}.md"


def minimal_files() -> Files:
    """A small valid project: vocabulary, three actors, two places, three incidents; checks clean."""
    return {
        VOCABULARY: valid_vocabulary(),
        f"{ACTOR_DIR}/jasdf.md": valid_actor(
            "Japan Air Self-Defense Force", __body__="Japan's air force. See [[east-china-sea]].\n"
        ),
        f"{ACTOR_DIR}/pla-air-force.md": valid_actor("PLA Air Force", country="CN"),
        f"{ACTOR_DIR}/japan-ministry-of-defense.md": valid_actor(
            "Japan Ministry of Defense", kind="ministry"
        ),
        f"{PLACE_DIR}/east-china-sea.md": valid_place("East China Sea", (29.0, 125.0)),
        f"{PLACE_DIR}/sea-of-japan.md": valid_place("Sea of Japan", (40.0, 135.0)),
        incident_path("2025-12-09-joint-bomber-patrol"): valid_incident(
            __body__="The [[jasdf]] scrambled fighters.[^pub-1]\n"
        ),
        incident_path("2025-12-06-radar-lock-on"): valid_incident(
            title="Chinese carrier aircraft aim radar at Japanese fighters",
            date="2025-12-06",
            type="radar-lock",
            summary="J-15 fighters from the Liaoning locked their radar on JASDF F-15s near Okinawa.",
            places=["sea-of-japan"],
            sources=[valid_source(3), valid_source(4)],
        ),
        incident_path("2025-12-10-defense-ministry-statement"): valid_incident(
            title="Japan's defense ministry protests the joint patrol",
            date="2025-12-10",
            type="radar-lock",
            summary="The ministry said the flights were a show of force aimed at Japan.",
            actors=[{"actor": "japan-ministry-of-defense", "role": "participant"}],
            related=["2025-12-09-joint-bomber-patrol"],
            sources=[valid_source(5), valid_source(6)],
        ),
    }


def front_matter(data: Mapping[str, Any], body: str = "") -> str:
    """``---``, the mapping as YAML, ``---``, then the body."""
    dumped = yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{dumped}---\n{body}"


def render_file(path: str, content: str | bytes | Mapping[str, Any]) -> bytes:
    """The bytes a tree entry is written as."""
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode("utf-8")
    data = dict(content)
    body = data.pop(BODY, "")
    if path.endswith((".yml", ".yaml")):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    else:
        text = front_matter(data, body)
    return text.encode("utf-8")


def write_tree(root: Path, files: Mapping[str, str | bytes | Mapping[str, Any]]) -> Path:
    """Write ``files`` (paths relative to ``root``) and return ``root``; a value of ``None`` is skipped."""
    for relative, content in files.items():
        if content is None:
            continue
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_file(relative, content))
    for folder in ("content/actors", "content/places", "content/incidents"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    return root


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run ``faultlines`` in-process: (exit status, stdout, stderr)."""
    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def problem_lines(output: str) -> list[str]:
    """The ``path:line:col: severity CODE message`` lines of text output (no hints, no summary)."""
    return [line for line in output.splitlines() if PROBLEM_LINE.match(line)]


def check_tree(root: Path, *options: str) -> list[str]:
    """Run ``faultlines check ROOT --format concise`` and return the problem lines of its output."""
    _, out, _ = run_cli("check", str(root), "--format", "concise", *options)
    return problem_lines(out)


def check_json(root: Path, *options: str) -> list[dict[str, Any]]:
    """Run ``faultlines check ROOT --format json`` and return the parsed records."""
    _, out, _ = run_cli("check", str(root), "--format", "json", *options)
    return json.loads(out)


def with_changes(root: Path, **files: object) -> Path:
    """The minimal project with some files replaced or added, written under ``root``."""
    tree = minimal_files()
    tree.update(files)
    return write_tree(root, tree)
