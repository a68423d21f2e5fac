"""docker-compose → launchdeck plan.

`import_compose(path)` reads a compose file; `looks_like_compose(doc)` tells a compose document from a
plan without importing anything (the plan loader asks it). The steps live in their own modules:
parts (field readers), roles (rule tables), classify, env, datastores, service (one app service),
fit (Cloud Run shapes) and importer (the pipeline).
"""

from __future__ import annotations

from launchdeck.app.compose.env import split_env
from launchdeck.app.compose.importer import (
           import_compose,
           import_doc,
           load_plan_or_compose,
           plan_service_name,
)
from launchdeck.app.compose.model import ImportResult, ImportRow
from launchdeck.app.compose.shape import looks_like_compose

__all__ = ["ImportResult", "ImportRow", "import_compose", "import_doc", "load_plan_or_compose", "looks_like_compose",
           "plan_service_name", "split_env"]
