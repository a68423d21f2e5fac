"""The plan outline the TUI paints first, and its cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchdeck.app.outline import CACHE_NAME, outline_of, read_outline, remember
from launchdeck.app.tui import EXAMPLE_PLAN

pytestmark = pytest.mark.usefixtures("isolated")  # tests/conftest.py: the cache lives in tmp_path

PLAN = """\
name: shop
target: cloud-run
services:
  api:
    role: web
    why: publishes port 8000
    env:
      STRIPE_KEY: sk_live_canary_51Hx
  jobs:
    role: job
postgres: {}
buckets:
  media: {storage_gb: 3}
"""


def test_outline_keeps_names_and_roles_only() -> None:
    import yaml

    outline = outline_of(yaml.safe_load(PLAN))
    assert outline == {
        "name": "shop", "target": "cloud-run",
        "services": {"api": {"role": "web", "why": "publishes port 8000"}, "jobs": {"role": "job"}},
        "postgres": {}, "buckets": {"media": {}}, "unmapped": {},
    }
    assert "sk_live_canary" not in json.dumps(outline)


def test_read_outline_is_cached_by_content(tmp_path: Path) -> None:
    plan = tmp_path / "launchdeck.yaml"
    plan.write_text(PLAN)
    outline, key = read_outline(plan)
    assert outline is not None and key is not None  # parsed: the caller remembers it once valid
    remember(key, outline)
    cache = tmp_path / "cache" / CACHE_NAME
    assert "sk_live_canary" not in cache.read_text()
    again, again_key = read_outline(plan)
    assert again == outline and again_key is None  # served from the cache
    plan.write_text(PLAN.replace("role: job", "role: worker"))
    changed, changed_key = read_outline(plan)  # new content: parsed again, not the stale outline
    assert changed is not None and changed_key is not None
    assert changed["services"]["jobs"]["role"] == "worker"


@pytest.mark.parametrize("text", ["- just\n- a list\n", "services: [unclosed\n", "a: \x00\n"])
def test_read_outline_leaves_bad_files_to_load_plan(tmp_path: Path, text: str) -> None:
    plan = tmp_path / "launchdeck.yaml"
    plan.write_text(text)
    assert read_outline(plan) == (None, None)
    assert read_outline(tmp_path / "missing.yaml") == (None, None)


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / CACHE_NAME).write_text("{not json")
    outline, key = read_outline(EXAMPLE_PLAN)
    assert outline is not None and outline["name"] == "rehearsekit" and key is not None
    remember(key, outline)
    assert read_outline(EXAMPLE_PLAN) == (outline, None)
