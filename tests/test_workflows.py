"""Checks for the GitHub side of the project: workflows, issue forms and pre-commit hooks.

The linters (actionlint and zizmor) are real tools installed with the ``test`` extra.  When one of
them is missing the test is skipped locally, but under ``CI=true`` a missing linter is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS_DIR = GITHUB / "workflows"
ISSUE_TEMPLATES = GITHUB / "ISSUE_TEMPLATE"

WORKFLOW_FILES = sorted([*WORKFLOWS_DIR.glob("*.yml"), *WORKFLOWS_DIR.glob("*.yaml")])

SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(?:\.\d+){0,2}\b")

# The only job allowed to hold write permissions, and the only scopes it may write.
DEPLOY_JOB = ("publish.yml", "deploy")
DEPLOY_WRITE_SCOPES = {"pages", "id-token"}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _find_tool(name: str) -> str | None:
    """Find a console script on PATH or next to the running interpreter (the venv's bin dir)."""
    found = shutil.which(name)
    if found:
        return found
    candidate = Path(sys.executable).parent / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return None


def _require_tool(name: str, install_hint: str) -> str:
    path = _find_tool(name)
    if path is None:
        message = f"{name} is not installed ({install_hint})"
        if _in_ci():
            pytest.fail(f"{message}; it is required when CI=true")
        pytest.skip(f"{message}; skipped because CI is not 'true'")
    return path


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _triggers(workflow: dict[str, Any]) -> set[str]:
    # PyYAML (YAML 1.1) reads the bare key ``on`` as the boolean True.
    raw = workflow.get("on", workflow.get(True))
    if isinstance(raw, str):
        return {raw}
    if isinstance(raw, list):
        return set(raw)
    if isinstance(raw, dict):
        return set(raw)
    raise AssertionError(f"unrecognised 'on:' value {raw!r}")


def _jobs(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    jobs = workflow.get("jobs")
    assert isinstance(jobs, dict) and jobs, "workflow has no jobs"
    return jobs


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def _all_uses(workflow: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for job in _jobs(workflow).values():
        if "uses" in job:  # reusable workflow call
            found.append(job["uses"])
        found.extend(step["uses"] for step in _steps(job) if "uses" in step)
    return found


def _run_commands(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for job in _jobs(workflow).values() for step in _steps(job) if "run" in step]


def _is_read_only(permissions: Any) -> bool:
    if permissions in ("read-all", {}):
        return True
    if isinstance(permissions, dict):
        return all(value in ("read", "none") for value in permissions.values())
    return False


@pytest.fixture(scope="module")
def workflows() -> dict[str, dict[str, Any]]:
    return {path.name: _load(path) for path in WORKFLOW_FILES}


def test_expected_workflows_exist() -> None:
    names = {path.name for path in WORKFLOW_FILES}
    assert {"validate.yml", "publish.yml"} <= names


# --- real linters -------------------------------------------------------------------------------


def test_actionlint_reports_nothing() -> None:
    actionlint = _require_tool("actionlint", "pip install -e '.[test]'")
    result = subprocess.run(
        [actionlint, "-no-color", "-oneline", *(str(p) for p in WORKFLOW_FILES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and not result.stdout.strip(), f"actionlint findings:\n{output}"


def test_zizmor_offline_reports_nothing() -> None:
    zizmor = _require_tool("zizmor", "pip install -e '.[test]'")
    targets = [str(GITHUB)]
    targets += [
        str(p) for p in (ROOT / ".pre-commit-config.yaml", ROOT / ".pre-commit-hooks.yaml") if p.exists()
    ]
    env = {**os.environ, "NO_COLOR": "1"}
    # Never send a token: the audit must stay offline.
    for variable in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"):
        env.pop(variable, None)
    result = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--format", "json", *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    try:
        findings = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        pytest.fail(
            f"zizmor did not print JSON (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    summary = [
        f"{f.get('ident')} [{f.get('determinations', {}).get('severity')}]: {f.get('desc')}" for f in findings
    ]
    assert findings == [], "zizmor findings:\n" + "\n".join(summary)
    assert result.returncode == 0, f"zizmor exited {result.returncode}:\n{result.stderr}"


# --- structural checks on the workflows -----------------------------------------------------------


def test_no_workflow_uses_pull_request_target(workflows: dict[str, dict[str, Any]]) -> None:
    for name, workflow in workflows.items():
        assert "pull_request_target" not in _triggers(workflow), name


def test_third_party_actions_are_pinned_to_full_sha(workflows: dict[str, dict[str, Any]]) -> None:
    for name, workflow in workflows.items():
        for ref in _all_uses(workflow):
            if ref.startswith("./"):
                continue
            if ref.startswith("docker://"):
                assert "@sha256:" in ref, f"{name}: docker action not pinned by digest: {ref}"
                continue
            assert SHA_PIN.match(ref), f"{name}: action not pinned to a 40-hex commit SHA: {ref}"


def test_pinned_actions_carry_a_version_comment() -> None:
    for path in WORKFLOW_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = USES_LINE.match(line)
            if not match or match["ref"].startswith(("./", "docker://")):
                continue
            assert VERSION_COMMENT.search(match["rest"]), f"{path.name}:{number}: missing '# vX.Y.Z' comment"


def test_top_level_permissions_are_read_only(workflows: dict[str, dict[str, Any]]) -> None:
    for name, workflow in workflows.items():
        assert "permissions" in workflow, f"{name}: top-level permissions must be declared"
        assert _is_read_only(workflow["permissions"]), f"{name}: {workflow['permissions']!r}"


def test_only_the_deploy_job_may_write(workflows: dict[str, dict[str, Any]]) -> None:
    for name, workflow in workflows.items():
        for job_id, job in _jobs(workflow).items():
            permissions = job.get("permissions")
            if permissions is None:
                continue
            assert permissions != "write-all", f"{name}:{job_id} uses write-all"
            if (name, job_id) == DEPLOY_JOB:
                continue
            assert _is_read_only(permissions), f"{name}:{job_id} has write permissions {permissions!r}"

    deploy = _jobs(workflows[DEPLOY_JOB[0]])[DEPLOY_JOB[1]]
    written = {scope for scope, value in deploy["permissions"].items() if value == "write"}
    assert written == DEPLOY_WRITE_SCOPES
    assert all(value in ("read", "none", "write") for value in deploy["permissions"].values())


def test_no_expressions_inside_run_scripts(workflows: dict[str, dict[str, Any]]) -> None:
    # Template injection: values reach shell scripts only through env variables.
    for name, workflow in workflows.items():
        for script in _run_commands(workflow):
            assert "${{" not in script, f"{name}: expression interpolated in run: {script!r}"


def test_checkouts_do_not_persist_credentials(workflows: dict[str, dict[str, Any]]) -> None:
    for name, workflow in workflows.items():
        for job in _jobs(workflow).values():
            for step in _steps(job):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert (step.get("with") or {}).get("persist-credentials") is False, name


def test_validate_workflow_shape(workflows: dict[str, dict[str, Any]]) -> None:
    workflow = workflows["validate.yml"]
    assert {"push", "pull_request"} <= _triggers(workflow)
    assert workflow["concurrency"]["group"] == "validate-${{ github.ref }}"
    assert workflow["concurrency"]["cancel-in-progress"] is True

    steps = [step for job in _jobs(workflow).values() for step in _steps(job)]
    scripts = "\n".join(step.get("run", "") for step in steps)
    for command in (
        "pip install -c constraints.txt -e '.[test]'",
        "faultlines check --format github",
        "faultlines check --format text",
        "GITHUB_STEP_SUMMARY",
        "faultlines sources",
        "mkdocs build --strict",
        'python -m pytest -q -m "not browser"',
        "ruff check .",
        "ruff format --check .",
    ):
        assert command in scripts, f"validate.yml does not run {command!r}"
    assert "make test" not in scripts

    base_steps = [step for step in steps if "--base" in step.get("run", "")]
    assert len(base_steps) == 1
    base = base_steps[0]
    assert "pull_request" in base.get("if", "")
    # a pull request's own files get GitHub's few annotations first; the whole tree is checked after them
    runs = [step.get("run", "") for step in steps]
    changed = next(i for i, run in enumerate(runs) if "--changed" in run)
    assert "--format github" in runs[changed] and base is steps[changed]
    whole = next(i for i, run in enumerate(runs) if run.strip() == "faultlines check --quiet")
    assert changed < whole and "pull_request" in steps[whole]["if"]
    assert base["env"]["BASE_REF"] == "${{ github.base_ref }}"

    checkout = next(step for step in steps if str(step.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0

    setup = next(step for step in steps if str(step.get("uses", "")).startswith("actions/setup-python@"))
    assert str(setup["with"]["python-version"]) == "3.11"
    assert setup["with"]["cache"] == "pip"
    assert set(setup["with"]["cache-dependency-path"].split()) == {"pyproject.toml", "constraints.txt"}


def test_publish_workflow_shape(workflows: dict[str, dict[str, Any]]) -> None:
    workflow = workflows["publish.yml"]
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}

    jobs = _jobs(workflow)
    build, deploy = jobs["build"], jobs["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["needs"] == "build" or deploy["needs"] == ["build"]
    assert deploy["environment"]["name"] == "github-pages"
    assert "url" in deploy["environment"]

    build_steps = _steps(build)
    checkout = next(s for s in build_steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any("mkdocs build --strict" in s.get("run", "") for s in build_steps)
    upload = next(s for s in build_steps if "upload-pages-artifact@" in str(s.get("uses", "")))
    assert upload["with"]["path"] == "site"
    assert any("actions/deploy-pages@" in str(s.get("uses", "")) for s in _steps(deploy))


# --- issue forms and pull request template --------------------------------------------------------

ISSUE_FORM_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def _form_items(path: Path) -> dict[str, dict[str, Any]]:
    form = _load(path)
    assert isinstance(form, dict), path.name
    for key in ("name", "description", "body"):
        assert form.get(key), f"{path.name}: missing {key}"
    items: dict[str, dict[str, Any]] = {}
    for item in form["body"]:
        assert item["type"] in ISSUE_FORM_TYPES, f"{path.name}: unknown type {item['type']!r}"
        if item["type"] == "markdown":
            assert item["attributes"]["value"].strip()
            continue
        assert "id" in item, f"{path.name}: body item without id: {item}"
        assert re.fullmatch(r"[A-Za-z0-9_-]+", item["id"]), item["id"]
        assert item["id"] not in items, f"{path.name}: duplicate id {item['id']}"
        assert item["attributes"]["label"].strip()
        items[item["id"]] = item
    return items


def _required(item: dict[str, Any]) -> bool:
    return bool((item.get("validations") or {}).get("required"))


def _checkbox_required(items: dict[str, dict[str, Any]], label: str) -> bool:
    for item in items.values():
        if item["type"] == "checkboxes":
            for option in item["attributes"]["options"]:
                if option["label"] == label and option.get("required") is True:
                    return True
    return False


def test_suggest_incident_form() -> None:
    items = _form_items(ISSUE_TEMPLATES / "suggest-incident.yml")
    for required_id in ("date", "what-happened", "sources"):
        assert required_id in items, required_id
        assert _required(items[required_id]), f"{required_id} must have validations: required: true"
    assert items["sources"]["type"] == "textarea"
    sources_help = items["sources"]["attributes"]["description"].lower()
    for word in ("url", "publisher", "headline exactly as published"):
        assert word in sources_help
    for optional_id in ("actors", "places"):
        assert optional_id in items and not _required(items[optional_id])
    assert _checkbox_required(items, "I did not invent any fact, URL or quote")


def test_report_error_form() -> None:
    items = _form_items(ISSUE_TEMPLATES / "report-error.yml")
    assert "incident" in items and _required(items["incident"])
    assert "what-is-wrong" in items
    assert "correction" in items and _required(items["correction"])
    assert "source" in items["correction"]["attributes"]["label"].lower()


def test_issue_template_config() -> None:
    config = _load(ISSUE_TEMPLATES / "config.yml")
    assert config["blank_issues_enabled"] is False


def test_pull_request_template_checklist() -> None:
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(boxes) >= 7
    lowered = text.lower()
    for phrase in (
        "at least one real source",
        "only as published",
        "attributed to their actor",
        "`figures`",
        "invented",
        "`faultlines check` passes",
        "archive links",
    ):
        assert phrase.lower() in lowered, phrase


# --- pre-commit -----------------------------------------------------------------------------------


def test_pre_commit_hooks_definition() -> None:
    hooks = _load(ROOT / ".pre-commit-hooks.yaml")
    assert isinstance(hooks, list)
    hook = next(h for h in hooks if h["id"] == "faultlines-check")
    assert hook["entry"] == "faultlines check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True  # only the files being committed are reported
    assert hook["require_serial"] is True  # one whole-tree load, not one per batch of files
    assert hook["files"] == "^content/"
    assert hook["name"]


def test_pre_commit_config_is_local_and_needs_no_path() -> None:
    config = _load(ROOT / ".pre-commit-config.yaml")
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # offline: nothing to clone
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert set(hooks) == {"ruff", "ruff-format", "faultlines-check"}
    for hook in hooks.values():
        assert hook["entry"].startswith(".venv/bin/"), hook  # works without .venv/bin on PATH
        assert hook["language"] == "system"
    local = hooks["faultlines-check"]
    assert local["entry"] == ".venv/bin/faultlines check"
    assert local.get("pass_filenames", True) is True
    assert local["files"] == "^content/"


def test_dependabot_config() -> None:
    config = _load(GITHUB / "dependabot.yml")
    assert config["version"] == 2
    ecosystems = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(ecosystems) >= {"pip", "github-actions"}
    for update in ecosystems.values():
        assert update["schedule"]["interval"] == "weekly"


def test_publish_builds_with_the_commit_time_as_source_date_epoch(tmp_path: Path) -> None:
    """Issue 19: publish.yml did not set SOURCE_DATE_EPOCH, so the sitemap carried the build date and two builds
    of one commit differed. The build step, run in a repository with a stand-in mkdocs, passes the commit's time."""
    publish = _load(WORKFLOWS_DIR / "publish.yml")
    (step,) = [
        s for job in _jobs(publish).values() for s in _steps(job) if "mkdocs build" in s.get("run", "")
    ]
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_COMMITTER_DATE": "2025-12-09T00:00:00+00:00",
           "GIT_AUTHOR_DATE": "2025-12-09T00:00:00+00:00"}  # fmt: skip
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "x"], cwd=repo, check=True, env=env)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "mkdocs").write_text('#!/bin/sh\necho "epoch=$SOURCE_DATE_EPOCH args=$*"\n')
    (bin_dir / "mkdocs").chmod(0o755)
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "epoch=1765238400 args=build --strict"
