"""A synthetic but valid content tree of N incidents, for the benchmark and its guard test.

Deterministic: the same N gives the same bytes. Proportions follow a real chronology: about N/20 actors,
N/50 places (all with coordinates), a dozen incident types, two series, related links, claims, figures,
two or three sources per incident (all archived and keyed, the figure's source with an excerpt giving the
number), and bodies of about 250 words with ``[[links]]``, each paragraph citing a source (``[^key]``).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

_TEXT = """
aircraft patrol ministry statement defence coast guard vessel strait island zone radar flight fighter scramble
bomber drone destroyer frigate surveillance reported according officials said the a of and to in near over
around from its their was were had after before during while northern southern eastern western waters
airspace exercise drills warning protest envoy embassy government spokesperson response military naval air
force maritime territorial identification formation helicopter carrier submarine crossed entered left
returned monitored tracked approached
"""
WORDS = tuple(_TEXT.split())

TYPES = {
    "joint-patrol": ("Joint patrol", "#8e1b1b"),
    "airspace-violation": ("Airspace violation", "#b3261e"),
    "adiz-entry": ("ADIZ entry and scramble", "#a04a00"),
    "radar-lock": ("Radar lock-on", "#6a1b9a"),
    "close-approach": ("Close approach", "#ad1457"),
    "territorial-waters": ("Territorial waters", "#00695c"),
    "exercise": ("Exercise", "#1565c0"),
    "statement": ("Statement", "#4e5b31"),
    "diplomatic-protest": ("Diplomatic protest", "#5d4037"),
    "call-meeting": ("Call or meeting", "#283593"),
}
ROLES = ("participant", "asset", "responder", "target", "protester", "statement")
ACTOR_KINDS = ("state", "armed-force", "ministry", "agency", "person", "aircraft", "ship")
PLACE_KINDS = ("sea", "strait", "island", "zone", "area")
SERIES = {
    "synthetic-air-patrols": "Synthetic joint air patrols",
    "synthetic-naval-patrols": "Synthetic naval patrols",
}
PUBLISHERS = ("Ministry of Defense", "Kyodo News", "Yonhap", "Reuters", "The Japan Times", "Xinhua")
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)


def _vocabulary() -> str:
    def terms(keys, label=lambda k: k.replace("-", " ").capitalize()):
        return "".join(f"  {k}:\n    label: {label(k)}\n    description: Synthetic {k}.\n" for k in keys)

    types = "".join(
        f'  {k}:\n    label: {label}\n    description: Synthetic {k}.\n    color: "{color}"\n'
        for k, (label, color) in TYPES.items()
    )
    series = "".join(
        f"  {k}:\n    label: {label}\n    numbering: Synthetic count\n" for k, label in SERIES.items()
    )
    return (
        "title: Synthetic chronology\ndefault_timezone: Asia/Tokyo\n\n"
        f"incident_types:\n{types}\nroles:\n{terms(ROLES)}\nactor_kinds:\n{terms(ACTOR_KINDS)}\n"
        f"place_kinds:\n{terms(PLACE_KINDS)}\nstatuses:\n{terms(('confirmed', 'reported', 'disputed'))}\n"
        f"series:\n{series}\nsource_kinds:\n{terms(('official', 'wire', 'newspaper'))}\n"
        f"relations:\n{terms(('responds-to', 'follows'))}"
    )


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random, links: list[str], words: int = 250, cite: list[str] | None = None) -> str:
    """About ``words`` words in three paragraphs, the links spread through them; each paragraph ends with a
    citation of one of the source keys ``cite``, in turn, when given."""
    sentences, count = [], 0
    pending = list(links)
    while count < words:
        n = rng.randint(8, 16)
        sentence = _sentence(rng, n)
        if pending and rng.random() < 0.35:
            sentence = sentence[:-1] + f" near [[{pending.pop()}]]."
            n += 2
        sentences.append(sentence)
        count += n
    sentences[-1] = sentences[-1][:-1] + "".join(f" and [[{link}]]" for link in pending) + "."
    third = max(1, len(sentences) // 3)
    paragraphs = [" ".join(sentences[i : i + third]) for i in range(0, len(sentences), third)]
    if cite:
        paragraphs = [f"{p}[^{cite[n % len(cite)]}]" for n, p in enumerate(paragraphs)]
    return "\n\n".join(paragraphs) + "\n"


def counts(n: int) -> tuple[int, int]:
    """(actors, places) for ``n`` incidents."""
    return max(8, n // 20), max(4, n // 50)


def incident_id(i: int) -> tuple[str, dt.date]:
    """The (id, date) of synthetic incident ``i``: the same for every N, spread over 2000–2024."""
    span = (LAST_DAY - FIRST_DAY).days + 1
    day = FIRST_DAY + dt.timedelta(days=(i * 7919) % span)
    return f"{day.isoformat()}-synthetic-incident-{i:06d}", day


def write_corpus(root: Path, n: int, seed: int = 9) -> Path:
    """Write ``root/content`` with ``n`` incidents; returns the content folder."""
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    (content / "actors").mkdir(parents=True)
    (content / "places").mkdir()
    (content / "vocabulary.yml").write_text(_vocabulary(), encoding="utf-8")
    n_actors, n_places = counts(n)
    actors = [f"actor-{i:05d}" for i in range(n_actors)]
    places = [f"place-{i:05d}" for i in range(n_places)]
    for i, actor in enumerate(actors):
        rng = random.Random(f"{seed}-actor-{i}")
        kind = ACTOR_KINDS[i % len(ACTOR_KINDS)]
        parent = f"parent: {actors[i % 7]}\n" if i >= 7 else ""
        (content / "actors" / f"{actor}.md").write_text(
            f"---\nname: Synthetic actor {i:05d}\nkind: {kind}\ncountry: JP\n{parent}"
            f"aliases: [SA{i:05d}]\n---\n"
            f"{_sentence(rng, 20)}\n",
            encoding="utf-8",
        )
    for i, place in enumerate(places):
        rng = random.Random(f"{seed}-place-{i}")
        lat = 20 + (i * 7919 % 2500) / 100
        lon = 120 + (i * 104729 % 2500) / 100
        (content / "places" / f"{place}.md").write_text(
            f"---\nname: Synthetic place {i:05d}\nkind: {PLACE_KINDS[i % len(PLACE_KINDS)]}\n"
            f"coordinates: [{lat:.2f}, {lon:.2f}]\n---\n{_sentence(rng, 15)}\n",
            encoding="utf-8",
        )
    types = list(TYPES)
    for i in range(n):
        rng = random.Random(f"{seed}-incident-{i}")
        incident, day = incident_id(i)
        year_dir = content / "incidents" / str(day.year)
        year_dir.mkdir(parents=True, exist_ok=True)
        # distinct (n_actors >= 8, n_places >= 4): every incident has the same shape at every N
        a1, a2, a3 = (actors[(i + k) % n_actors] for k in range(3))
        p1, p2 = places[i % n_places], places[(i + 1) % n_places]
        sources = [
            (
                f"news{k}-{day:%m%d}",
                f"https://news{k}.example.org/{day.year}/{i:06d}/report-{k}",
                PUBLISHERS[(i + k) % len(PUBLISHERS)],
            )
            for k in range(2 + i % 2)
        ]
        aircraft = 1 + i % 12
        lines = [
            "---",
            f"title: Incident {i:06d} — {_sentence(rng, 6)[:-1]}",
            f"date: {day.isoformat()}",
            f"type: {types[i % len(types)]}",
            f"status: {('confirmed', 'reported', 'disputed')[i % 3]}",
            "summary: >-",
            f"  {_sentence(rng, 25)}",
            f"  {_sentence(rng, 15)}",
            "actors:",
            f"  - actor: {a1}\n    role: participant",
            f"  - actor: {a2}\n    role: responder",
            f"  - actor: {a3}\n    role: statement",
            f"places: [{p1}, {p2}]",
        ]
        for k, key in enumerate(SERIES):
            if i % (10 + 5 * k) == 0:
                lines += [f"series: {key}", f"series_number: {i // (10 + 5 * k) + 1}"]
                break
        lines += [
            "claims:",
            f"  - actor: {a2}",
            f"    text: {_sentence(rng, 18)}",
            f"    date: {day.isoformat()}",
            f"    source: {sources[0][0]}",
            "figures:",
            "  - what: aircraft",
            f"    value: {aircraft}",
            f"    source: {sources[-1][0]}",
            "sources:",
        ]
        for key, url, publisher in sources:
            lines += [
                f"  - key: {key}",
                f"    url: {url}",
                f"    publisher: {publisher}",
                f"    title: {_sentence(rng, 8)[:-1]}",
                f"    published: {day.isoformat()}",
                "    kind: wire",
                f"    archive_url: https://web.archive.org/web/2025/{url}",
            ]
            if key == sources[-1][0]:  # the figure's source quotes the number
                lines += [
                    "    excerpts:",
                    f"      - text: The ministry said {aircraft} aircraft were tracked.",
                ]
        related = [incident_id(j)[0] for j in (i - 1, i - 7) if j >= 0]
        if related:
            lines.append(f"related: [{', '.join(related)}]")
        lines.append("tags: [synthetic]")
        lines.append("---")
        links = [a1, p1] + ([related[0]] if related else [])
        text = "\n".join(lines) + "\n" + _body(rng, links, cite=[key for key, _, _ in sources])
        (year_dir / f"{incident}.md").write_text(text, encoding="utf-8")
    return content


def write_plain_pages(docs: Path, n: int, seed: int = 9) -> None:
    """``n`` plain Markdown pages of about the same length as an incident page: the bare MkDocs floor."""
    pages = docs / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        rng = random.Random(f"{seed}-incident-{i}")
        sources = "\n".join(
            f"- [{_sentence(rng, 8)[:-1]}](https://news{k}.example.org/{i:06d}) — {PUBLISHERS[k]}"
            for k in range(3)
        )
        facts = "\n".join(f"| {k} | {_sentence(rng, 3)} |" for k in ("Date", "Type", "Status", "Places"))
        text = (
            f"# Plain page {i}\n\n{_sentence(rng, 40)}\n\n| Fact | Value |\n|---|---|\n{facts}\n\n"
            + _body(rng, [], 250).replace("[[", "").replace("]]", "")
            + f"\n## Sources\n\n{sources}\n"
        )
        (pages / f"page-{i:06d}.md").write_text(text, encoding="utf-8")
