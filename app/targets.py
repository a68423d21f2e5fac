"""Deploy target names, defined once and importable without pydantic (the CLI parser needs them at start-up)."""

from typing import Literal, get_args

Target = Literal["cloud-run", "cloud-run-jobs", "gke-autopilot", "gke-standard", "compose"]
TARGETS: tuple[str, ...] = get_args(Target)
GCP_TARGETS: tuple[str, ...] = TARGETS[:4]
CLOUD_RUN_TARGETS: tuple[str, ...] = ("cloud-run", "cloud-run-jobs")
