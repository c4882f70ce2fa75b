"""The record over time, against real git repositories in temporary folders: redirects for renamed incidents,
``check --base`` catching vanished ids, tombstones, each page's History, the Changes page and its feeds, and
shallow clones that say so."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import feedparser
import pytest
from helpers import (
    incident_path,
    minimal_files,
    problem_lines,
    render_file,
    run_cli,
    valid_incident,
    valid_source,
    write_tree,
)

from generator.history import NO_GIT_NOTE, HistoryError, file_history, removed_ids
from generator.pipeline import run
from generator.render.site import render_site

PATROL = "2025-12-09-joint-bomber-patrol"
RADAR = "2025-12-06-radar-lock-on"


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed identity and no user or system git configuration, so the tests run the same on CI."""
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "Fault Lines Test")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "test@example.org")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(root: Path, *args: str, date: str = "") -> str:
    env = None
    if date:
        import os

        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


def commit(root: Path, message: str, date: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the minimal valid project, committed once on 2025-12-11."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_tree(root, minimal_files())
    commit(root, "Add the first incidents", "2025-12-11T10:00:00+00:00")
    return root


def write(root: Path, path: str, data: dict) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render_file(path, data))


def rename_patrol(root: Path) -> str:
    """Rename the patrol incident to a new id that lists the old one, fixing the reference to it."""
    new_id = "2025-12-09-china-russia-joint-bomber-patrol"
    git(root, "mv", incident_path(PATROL), incident_path(new_id))
    write(root, incident_path(new_id), valid_incident(previous_ids=[PATROL], __body__="Renamed.[^pub-1]\n"))
    statement = minimal_files()[incident_path("2025-12-10-defense-ministry-statement")]
    write(root, incident_path("2025-12-10-defense-ministry-statement"), {**statement, "related": [new_id]})
    return new_id


# --- stable ids -------------------------------------------------------------------------------------------


def test_renamed_incident_keeps_its_old_url(repo: Path, tmp_path: Path) -> None:
    new_id = rename_patrol(repo)
    commit(repo, "Rename the patrol incident", "2025-12-12T09:00:00+00:00")

    status, out, _ = run_cli("check", str(repo), "--base", "HEAD~1")
    assert status == 0, out
    assert "FL405" not in out

    status, out, err = run_cli("build", str(repo), "--out", str(tmp_path / "out"))
    assert status == 0, err
    old_page = (tmp_path / "out" / "incidents" / f"{PATROL}.md").read_text()
    assert f'redirect: "../{new_id}/"' in old_page
    assert f'href="../{new_id}/"' in old_page


def test_deleted_incident_without_tombstone_fails_check_base(repo: Path) -> None:
    (repo / incident_path(RADAR)).unlink()
    commit(repo, "Remove the radar incident", "2025-12-12T09:00:00+00:00")

    status, out, err = run_cli("check", str(repo), "--base", "HEAD~1", "--format", "concise")

    assert status == 1, err
    assert [line for line in problem_lines(out) if "FL405" in line] == [
        f"{incident_path(RADAR)}:0:0: error FL405 incident '{RADAR}' exists at HEAD~1 but is gone now, and "
        "no incident lists it in previous_ids; its published URL would break"
    ]
    assert "previous_ids" in out and "status: retracted" in out  # the hint says what to do


def test_vanished_id_is_reported_even_when_other_checks_fail(repo: Path) -> None:
    (repo / incident_path(RADAR)).unlink()
    (repo / incident_path(PATROL)).write_text("---\ntitle: [broken\n---\n")  # a YAML error: no chronology
    status, out, _ = run_cli("check", str(repo), "--base", "HEAD", "--format", "json")
    assert status == 1
    assert [d["path"] for d in json.loads(out) if d["code"] == "FL405"] == [incident_path(RADAR)]


def test_retracted_incident_is_a_tombstone_not_a_404(repo: Path, tmp_path: Path) -> None:
    write(repo, incident_path(RADAR), valid_incident(
        title="Chinese carrier aircraft aim radar at Japanese fighters",
        date="2025-12-06", type="radar-lock", status="retracted",
        status_note="The report was a duplicate of the 9 December patrol.", replaced_by=PATROL,
        summary="J-15 fighters from the Liaoning locked their radar on JASDF F-15s near Okinawa.",
        sources=[valid_source(3), valid_source(4)],
    ))  # fmt: skip
    commit(repo, "Retract the radar incident", "2025-12-12T09:00:00+00:00")

    status, out, _ = run_cli("check", str(repo), "--base", "HEAD~1")
    assert status == 0, out

    result = run(repo)
    assert result.chronology is not None
    page = render_site(result.chronology, history=file_history(repo)).pages[f"incidents/{RADAR}.md"].markdown
    assert "withdrawn from the chronology" in page
    assert "The report was a duplicate of the 9 December patrol." in page
    assert f'See instead: <a href="../{PATROL}/">Joint bomber patrol over the East China Sea</a>' in page
    assert "## Claims" not in page and "## Sources" not in page
    timeline = render_site(result.chronology).pages["timeline.md"].markdown
    assert 'data-status="retracted"' in timeline  # still listed, marked
    assert 'fl-status--retracted" title="">Retracted</span>' in timeline


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("no-such-branch", "unknown git revision 'no-such-branch'"),
        ("--output=/tmp/x", "is not a git revision"),
        ("-h", "is not a git revision"),
    ],
)
def test_bad_base_ref_is_a_one_line_usage_error(repo: Path, ref: str, expected: str) -> None:
    status, _, err = run_cli("check", str(repo), f"--base={ref}")
    assert status == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_base_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "plain", minimal_files())
    status, _, err = run_cli("check", str(root), "--base", "main")
    assert status == 2
    assert "is not inside a git repository" in err


def test_removed_ids_raises_history_error_not_a_traceback(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "plain", minimal_files())
    with pytest.raises(HistoryError, match="not inside a git repository"):
        removed_ids(root, "HEAD", run(root))


# --- history on incident pages ----------------------------------------------------------------------------


def test_page_history_lists_every_commit_newest_first(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    patrol = minimal_files()[incident_path(PATROL)]
    write(
        repo,
        incident_path(PATROL),
        {**patrol, "summary": "Two Chinese H-6 and two Russian Tu-95 bombers flew."},
    )
    second = commit(repo, "Correct the aircraft types", "2025-12-14T08:30:00+09:00")
    new_id = rename_patrol(repo)
    third = commit(repo, "Rename the patrol incident", "2025-12-20T09:00:00+00:00")

    history = file_history(repo)
    result = run(repo)
    assert result.chronology is not None
    page = render_site(result.chronology, history=history).pages[f"incidents/{new_id}.md"].markdown
    history_section = page.split("## History", 1)[1]
    lines = [line for line in history_section.splitlines() if line.startswith("<li>")]
    # what each commit changed, in a reader's words (read from the file's versions), not its message
    assert lines == [
        f'<li><time datetime="{day}">{when}</time>: {note}</li>'
        for day, when, note in [
            ("2025-12-20", "20 December 2025", "Moved to a new address; the old one still leads here"),
            ("2025-12-14", "14 December 2025", "Summary corrected"),
            ("2025-12-11", "11 December 2025", "Added"),
        ]
    ]
    assert [c.commit for c in history.of(incident_path(new_id), [incident_path(PATROL)])] == [
        third,
        second,
        first,
    ]
    assert "Correct the aircraft types" not in page and "fl-commit" not in page


def test_history_is_the_same_for_the_same_commit(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    result = run(repo)
    assert result.chronology is not None
    one = render_site(result.chronology, history=file_history(repo))
    two = render_site(result.chronology, history=file_history(clone))
    assert one.pages == two.pages and one.files == two.files


def test_shallow_clone_says_history_is_unavailable(repo: Path, tmp_path: Path) -> None:
    write(
        repo,
        incident_path(PATROL),
        valid_incident(summary="Two Chinese H-6 and two Russian Tu-95 bombers flew."),
    )
    commit(repo, "Correct the aircraft types", "2025-12-14T08:30:00+00:00")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)

    history = file_history(shallow)
    assert history.unavailable.startswith("history unavailable in a shallow clone")
    assert len(history) == 0
    result = run(shallow)
    assert result.chronology is not None
    site = render_site(result.chronology, history=history)
    assert "History unavailable in a shallow clone" in site.pages[f"incidents/{PATROL}.md"].markdown
    assert "History unavailable in a shallow clone" in site.pages["changes.md"].markdown
    data = json.loads(site.files["changes.json"])
    assert data["complete"] is False and data["changes"] == []


def test_tree_outside_git_has_no_history(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "plain", minimal_files())
    assert file_history(root).unavailable == NO_GIT_NOTE


def test_uncommitted_incident_says_so(repo: Path) -> None:
    write(repo, incident_path("2025-12-15-new-patrol"), valid_incident(date="2025-12-15"))
    result = run(repo)
    assert result.chronology is not None
    page = render_site(result.chronology, history=file_history(repo)).pages[
        "incidents/2025-12-15-new-patrol.md"
    ]
    assert "no recorded history" in page.markdown


def test_file_history_runs_git_log_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.history as history_module

    calls: list[tuple[str, ...]] = []
    real = history_module.git

    def counting(root: Path, *args: str) -> str:
        calls.append(args)
        return real(root, *args)

    monkeypatch.setattr(history_module, "git", counting)
    history_module.file_history(repo)
    assert sum(args[0] == "log" for args in calls) == 1
    assert len(calls) <= 3


# --- the Changes page and its feeds -----------------------------------------------------------------------


def test_changes_feed_lists_new_corrected_and_retracted(repo: Path) -> None:
    write(
        repo,
        incident_path(PATROL),
        valid_incident(summary="Two Chinese H-6 and two Russian Tu-95 bombers flew."),
    )
    corrected = commit(repo, "Correct the aircraft types", "2025-12-14T08:30:00+00:00")
    write(repo, incident_path(RADAR), valid_incident(
        title="Chinese carrier aircraft aim radar at Japanese fighters",
        date="2025-12-06", type="radar-lock", status="retracted", status_note="Duplicate report.",
        summary="J-15 fighters from the Liaoning locked their radar on JASDF F-15s near Okinawa.",
        sources=[valid_source(3), valid_source(4)],
    ))  # fmt: skip
    retracted = commit(repo, "Retract the radar incident", "2025-12-15T08:30:00+00:00")

    result = run(repo)
    assert result.chronology is not None
    site = render_site(result.chronology, history=file_history(repo), site_url="https://example.org/fl/")

    feed = feedparser.parse(site.files["changes.xml"])
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Test Chronology: changes"
    titles = [e.title for e in feed.entries]
    assert titles[:2] == [
        "Retracted: Chinese carrier aircraft aim radar at Japanese fighters",
        "Corrected: Joint bomber patrol over the East China Sea",
    ]
    assert sorted(titles[2:]) == sorted(f"New: {r.data.title}" for r in result.chronology.incidents)
    assert feed.entries[0].link == f"https://example.org/fl/incidents/{RADAR}/"
    assert feed.entries[0].id == f"urn:fault-lines:change:{retracted}:{RADAR}"

    data = json.loads(site.files["changes.json"])
    assert data["complete"] is True and data["commit"] == retracted
    assert [(c["kind"], c["incident"], c["commit"]) for c in data["changes"][:2]] == [
        ("retracted", RADAR, retracted),
        ("corrected", PATROL, corrected),
    ]
    assert {c["kind"] for c in data["changes"][2:]} == {"new"}

    page = site.pages["changes.md"]
    assert page.in_nav
    assert "Correct the aircraft types" not in page.markdown  # the commit's message is for developers
    # valid_incident's body differs from the first version's too
    assert "Joint bomber patrol over the East China Sea</a> — Summary corrected; account revised</li>" in (
        page.markdown
    )
    assert data["changes"][1]["note"] == "Summary corrected; account revised"
    assert data["changes"][1]["message"] == "Correct the aircraft types"  # kept in the data
    assert data["changes"][0]["note"].startswith("Retracted")
    assert feed.entries[1].summary == "Summary corrected; account revised"
    assert 'href="../changes.json"' in page.markdown and 'href="../changes.xml"' in page.markdown


def test_without_history_there_is_no_changes_page(repo: Path) -> None:
    result = run(repo)
    assert result.chronology is not None
    site = render_site(result.chronology)
    assert "changes.md" not in site.pages and "changes.json" not in site.files
    assert "## History" not in site.pages[f"incidents/{PATROL}.md"].markdown


def test_hostile_commit_message_is_text_everywhere(repo: Path) -> None:
    write(
        repo,
        incident_path(PATROL),
        valid_incident(summary="Two Chinese H-6 and two Russian Tu-95 bombers flew."),
    )
    commit(repo, 'Fix <script>alert(1)</script> & "quotes" \x02done', "2025-12-14T08:30:00+00:00")
    result = run(repo)
    assert result.chronology is not None
    site = render_site(result.chronology, history=file_history(repo))

    for page in (site.pages[f"incidents/{PATROL}.md"], site.pages["changes.md"]):
        assert "<script>" not in page.markdown and "alert(1)" not in page.markdown  # pages say what changed
        assert "Summary corrected" in page.markdown
    feed = feedparser.parse(site.files["changes.xml"])
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries[0].summary == "Summary corrected; account revised"
    data = json.loads(site.files["changes.json"])
    assert data["changes"][0]["message"] == 'Fix <script>alert(1)</script> & "quotes" \x02done'


# --- corrections visible to machines (feeds, calendar, sitemap) ---------------------------------------------


def test_a_correction_reaches_feeds_calendar_and_page_dates_as_an_update(repo: Path) -> None:
    import icalendar

    write(
        repo,
        incident_path(PATROL),
        valid_incident(summary="Two Chinese H-6 and two Russian Tu-95 bombers flew."),
    )
    commit(repo, "Correct the aircraft types", "2025-12-14T08:30:00+02:00")
    result = run(repo)
    assert result.chronology is not None
    site = render_site(result.chronology, history=file_history(repo), site_url="https://example.org/fl/")

    atom = feedparser.parse(site.files["feed.xml"])
    assert not atom.bozo, atom.bozo_exception
    entries = {e.link.rstrip("/").rsplit("/", 1)[-1]: e for e in atom.entries}
    patrol, other = entries[PATROL], entries["2025-12-10-defense-ministry-statement"]
    assert patrol.published == "2025-12-11T10:00:00+00:00"  # first committed
    assert patrol.updated == "2025-12-14T06:30:00+00:00"  # corrected (08:30 at +02:00), in UTC
    assert other.updated == other.published == "2025-12-11T10:00:00+00:00"
    assert atom.feed.updated == "2025-12-14T06:30:00+00:00"  # the feed changed when an entry did

    items = {i["url"].rstrip("/").rsplit("/", 1)[-1]: i for i in json.loads(site.files["feed.json"])["items"]}
    assert (items[PATROL]["date_published"], items[PATROL]["date_modified"]) == (
        "2025-12-11T10:00:00Z",
        "2025-12-14T06:30:00Z",
    )

    calendar = icalendar.Calendar.from_ical(site.files["incidents.ics"])
    events = {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert int(events[PATROL]["sequence"]) == 1 and int(events[RADAR]["sequence"]) == 0
    assert events[PATROL].decoded("last-modified").isoformat() == "2025-12-14T06:30:00+00:00"
    assert events[PATROL].decoded("created").isoformat() == "2025-12-11T10:00:00+00:00"

    assert site.modified[f"incidents/{PATROL}.md"].isoformat() == "2025-12-14"
    assert site.modified[f"incidents/{RADAR}.md"].isoformat() == "2025-12-11"
    assert site.modified["actors/jasdf.md"].isoformat() == "2025-12-14"  # it lists the corrected incident
    assert site.modified["timeline.md"].isoformat() == "2025-12-14"


def test_without_history_feeds_keep_the_content_dates(repo: Path) -> None:
    result = run(repo)
    assert result.chronology is not None
    site = render_site(result.chronology)
    entries = {
        e.link.rstrip("/").rsplit("/", 1)[-1]: e for e in feedparser.parse(site.files["feed.xml"]).entries
    }
    assert entries[PATROL].updated == "2025-12-09T00:00:00+00:00"
    assert site.modified == {}
    assert b"SEQUENCE" not in site.files["incidents.ics"]


def test_the_sitemap_dates_each_page_by_its_last_change_not_the_build(repo: Path) -> None:
    import xml.etree.ElementTree as ET

    from mkdocs_project import make_project, mkdocs_build

    write(
        repo,
        incident_path(PATROL),
        valid_incident(summary="Two Chinese H-6 and two Russian Tu-95 bombers flew."),
    )
    make_project(repo, {})
    commit(repo, "Correct the aircraft types", "2025-12-14T08:30:00+00:00")
    mkdocs_build(repo)  # SOURCE_DATE_EPOCH is 2025-12-09: the build date would say that
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.parse(repo / "site" / "sitemap.xml").getroot().findall("s:url", namespace)
    lastmod = {
        u.findtext("s:loc", namespaces=namespace): u.findtext("s:lastmod", namespaces=namespace) for u in urls
    }
    base = "https://fault-lines.github.io/fault-lines/"
    assert lastmod[f"{base}incidents/{PATROL}/"] == "2025-12-14"
    assert lastmod[f"{base}incidents/{RADAR}/"] == "2025-12-11"
    assert lastmod[base] == "2025-12-14"  # the home page shows the latest incidents
    assert lastmod[f"{base}about/"] == "2025-12-14"  # a hand-written page: its file's last commit

    # every page says the same day under its content, in words
    from html.parser import HTMLParser

    class LastChanged(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside, self.text, self.datetime = False, "", None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "aside" and "fl-last-changed" in (dict(attrs).get("class") or ""):
                self.inside = True
            if self.inside and tag == "time":
                self.datetime = dict(attrs).get("datetime")

        def handle_endtag(self, tag: str) -> None:
            self.inside = self.inside and tag != "aside"

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.text += data

    for loc, day in lastmod.items():
        parser = LastChanged()
        parser.feed((repo / "site" / loc.removeprefix(base) / "index.html").read_text())
        said = " ".join(parser.text.split())
        if day is None:  # only the pages the generator writes from its own code, not committed here
            assert loc.removeprefix(base) in ("reference/error-codes/", "reference/fields/"), loc
            assert said.endswith("this page's file has no commit in this repository, so when it last changed "
                                 "is not known."), loc  # fmt: skip
            continue
        assert parser.datetime == day, loc
        assert said.startswith("Last changed "), loc
    patrol = LastChanged()
    patrol.feed((repo / "site" / "incidents" / PATROL / "index.html").read_text())
    assert " ".join(patrol.text.split()) == "Last changed 14 December 2025 · what changed"


def test_without_history_every_page_says_it_knows_only_the_build_date(tmp_path: Path) -> None:
    from mkdocs_project import make_project, mkdocs_build

    root = make_project(tmp_path / "plain", minimal_files())  # not a git repository
    mkdocs_build(root)  # SOURCE_DATE_EPOCH: 9 December 2025
    for page in ("", "about/", f"incidents/{PATROL}/", "actors/jasdf/"):
        html = (root / "site" / page / "index.html").read_text()
        assert (
            '<p>Built <time datetime="2025-12-09">9 December 2025</time> from a copy without git history, so '
            "when this page last changed is not known.</p>"
        ) in html, page


FORGED = "f" * 40


@pytest.mark.parametrize(
    "subject",
    [
        # the separators the log used to be split on: a record end and a field end
        f"Fix typo\x1e{FORGED}\x1f2031-01-01T00:00:00+00:00\x1fForged correction\ncontent/incidents/2025/{PATROL}.md",
        "Broken \x1e record",
        "Broken \x1f field \x1f and another",
        f"Looks like a record: {FORGED}\x002031-01-01T00:00:00+00:00\x00Forged",
        f"\n{FORGED}",
    ],
)
def test_no_commit_subject_breaks_or_forges_history(repo: Path, subject: str) -> None:
    """A subject holding git log's old separators once failed every build (a short record) or added a fake
    commit and date to the page, the Changes page and both feeds."""
    write(
        repo,
        incident_path(PATROL),
        valid_incident(summary="Two Chinese H-6 and two Russian Tu-95 bombers flew."),
    )
    message_file = repo.parent / "message"
    message_file.write_bytes(subject.replace("\x00", "").encode())  # git refuses a NUL in a message
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-F", str(message_file), date="2025-12-14T08:30:00+00:00")
    real = git(repo, "rev-parse", "HEAD").strip()
    history = file_history(repo)
    changes = history[incident_path(PATROL)]
    assert [c.commit for c in changes] == [real, git(repo, "rev-parse", "HEAD~1").strip()]
    assert changes[0].date == "2025-12-14" and all(c.commit != FORGED for cs in history.values() for c in cs)
    assert set(history) == {path for path in minimal_files() if path.startswith("content/")}
    result = run(repo)
    assert result.chronology is not None
    site = render_site(result.chronology, history=history)
    for text in (site.pages[f"incidents/{PATROL}.md"].markdown, site.pages["changes.md"].markdown):
        # the subject shows as the text it is; no entry carries the forged commit or date
        assert f'fl-commit">{FORGED[:12]}' not in text and 'datetime="2031' not in text
    entries = json.loads(site.files["changes.json"])
    entries = entries["changes"] if isinstance(entries, dict) else entries
    assert FORGED not in json.dumps([{k: v for k, v in e.items() if k != "message"} for e in entries])
    feed = feedparser.parse(site.files["changes.xml"])
    assert not feed.bozo and all(FORGED not in e.link and "2031" not in e.updated for e in feed.entries)


# --- what each change did, in a reader's words (generator/changenotes.py) -----------------------------------


def test_each_commit_is_described_by_what_it_changed_in_the_file(repo: Path) -> None:
    path = incident_path(PATROL)
    patrol = minimal_files()[path]
    steps = [
        ({**patrol, "sources": [*patrol["sources"], valid_source(9, published="2025-12-10")]}, "source"),
        ({**patrol, "sources": [*patrol["sources"], valid_source(9, published="2025-12-10")], "date": "2025-12-08"},
         "date"),
    ]  # fmt: skip
    commits = []
    for index, (data, message) in enumerate(steps):
        write(repo, path, data)
        commits.append(commit(repo, f"step {message}", f"2025-12-1{2 + index}T09:00:00+00:00"))
    text = (repo / path).read_text()
    (repo / path).write_text(text.replace("---\n", "---\n# a comment\n", 1))  # nothing a reader sees
    commits.append(commit(repo, "comment", "2025-12-14T09:00:00+00:00"))
    (repo / path).write_text("---\ntitle: [broken\n---\n")  # a commit that broke the file...
    commits.append(commit(repo, "oops", "2025-12-15T09:00:00+00:00"))
    write(repo, path, {**steps[-1][0], "status": "disputed", "status_note": "Sources differ on the date."})
    commits.append(commit(repo, "...and the next that fixed it", "2025-12-16T09:00:00+00:00"))

    notes = [(c.commit, c.note) for c in file_history(repo)[path]]
    assert [c for c, _ in notes][:-1] == list(reversed(commits))
    assert [n for _, n in notes] == [
        "Corrected",  # against a version that does not parse: no guess
        "Corrected",
        "Formatting only; nothing a reader sees changed",
        "Date corrected",
        "Source added: Publisher 9, 10 Dec 2025",
        "Added",
    ]
    # the same commits give the same notes
    assert [c.note for c in file_history(repo)[path]] == [n for _, n in notes]


def test_a_status_change_and_new_excerpts_are_named(repo: Path) -> None:
    path = incident_path(PATROL)
    patrol = minimal_files()[path]
    sources = [dict(s) for s in patrol["sources"]]
    sources[0]["excerpts"] = [{"text": "Four bombers flew."}]
    write(repo, path, {**patrol, "sources": sources, "status": "disputed", "status_note": "Counts differ."})
    commit(repo, "evidence", "2025-12-12T09:00:00+00:00")
    assert file_history(repo)[path][0].note == "Now marked disputed; excerpts from the sources added"


def test_the_changes_page_groups_a_commit_that_added_many_incidents(repo: Path) -> None:
    """An import of many incidents is one entry with the list folded under it, not one identical line each."""
    from generator.render.changes import GROUP_ABOVE

    for n in range(GROUP_ABOVE + 2):
        write(repo, incident_path(f"2025-11-0{n + 1}-imported-patrol"), valid_incident(
            title=f"Imported patrol number {n + 1}", date=f"2025-11-0{n + 1}",
        ))  # fmt: skip
    commit(repo, "Import the fact base", "2025-12-12T09:00:00+00:00")
    result = run(repo)
    assert result.chronology is not None
    page = render_site(result.chronology, history=file_history(repo)).pages["changes.md"].markdown
    day = page.split("## 12 December 2025", 1)[1].split("## ", 1)[0]
    entries = [line for line in day.splitlines() if line.startswith("<li class=")]
    assert len(entries) == 1
    assert f"<strong>{GROUP_ABOVE + 2} incidents added</strong>" in entries[0]
    assert day.count('<li><a href="../incidents/2025-11-0') == GROUP_ABOVE + 2  # each still linked
    assert "Import the fact base" not in page
    # the first commit added three incidents: three entries, each saying "New"
    first = page.split("## 11 December 2025", 1)[1]
    assert first.count('<li class="fl-change fl-change--new">') == 3


def test_what_a_note_quotes_of_a_file_is_escaped_on_pages(repo: Path) -> None:
    path = incident_path(PATROL)
    patrol = minimal_files()[path]
    hostile = valid_source(9, publisher='<img src=x onerror=alert(1)> & "Co"')
    # the check refuses such a file, but a commit may have held one: the next commit's note quotes it
    write(repo, path, {**patrol, "sources": [*patrol["sources"], hostile]})
    commit(repo, "add", "2025-12-12T09:00:00+00:00")
    write(repo, path, patrol)
    commit(repo, "remove", "2025-12-13T09:00:00+00:00")
    result = run(repo)
    assert result.chronology is not None
    site = render_site(result.chronology, history=file_history(repo))
    for page in (site.pages[f"incidents/{PATROL}.md"], site.pages["changes.md"]):
        assert "<img" not in page.markdown
        assert "Source removed: &lt;img src=x onerror=alert(1)&gt; &amp; &#34;Co&#34;" in page.markdown


def test_file_versions_reads_many_versions_in_one_call(repo: Path) -> None:
    from generator.history import file_versions

    head = git(repo, "rev-parse", "HEAD").strip()
    found = file_versions(
        repo, [f"{head}:{incident_path(PATROL)}", f"{head}:content/missing.md", f"{head}:content"]
    )
    assert found[f"{head}:{incident_path(PATROL)}"] == (repo / incident_path(PATROL)).read_text()
    assert found[f"{head}:content/missing.md"] is None
    assert found[f"{head}:content"] is None  # a folder is not a file's version


def test_history_is_read_again_only_after_a_new_commit(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `mkdocs serve` rebuilds at every save: the same commit gives the same history, so git's log and every
    # version's text are read once per commit, not once per save; a new commit is seen at the next build
    import generator.history as history_module

    logs: list[tuple[str, ...]] = []
    real = history_module.git

    def counting(root: Path, *args: str) -> str:
        if args[0] == "log":
            logs.append(args)
        return real(root, *args)

    monkeypatch.setattr(history_module, "git", counting)
    first = history_module.file_history(repo)
    write(repo, incident_path(PATROL), valid_incident(summary="Saved, not committed: history is the same."))
    again = history_module.file_history(repo)
    assert again is first and len(logs) == 1
    dates = history_module.last_changed(repo, ["content/vocabulary.yml"])
    assert history_module.last_changed(repo, ["content/vocabulary.yml"]) == dates and len(logs) == 2

    commit(repo, "Correct the summary", "2025-12-14T08:30:00+00:00")
    after = history_module.file_history(repo)
    assert len(logs) == 3
    changes = after[incident_path(PATROL)]
    assert [c.message for c in changes] == ["Correct the summary", "Add the first incidents"]
    assert changes[0].note.startswith("Summary corrected")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Touch", date="2025-12-15T08:30:00+00:00")
    history_module.last_changed(repo, ["content/vocabulary.yml"])
    assert len(logs) == 4  # a new commit: read again
