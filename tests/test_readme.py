"""The README's plugin example is the plugin's real configuration: every option, no other, valid as written."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.mkdocs_plugin import FaultLinesPlugin

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_every_plugin_option_with_a_valid_value() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The MkDocs plugin", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "the plugin section has a yaml example"
    [options] = [
        entry["fault-lines"] for entry in yaml.safe_load(block.group(1))["plugins"] if "fault-lines" in entry
    ]
    plugin = FaultLinesPlugin()
    assert sorted(options) == sorted(name for name, _ in plugin.config_scheme)
    errors, warnings = plugin.load_config(options)
    assert errors == [] and warnings == []
