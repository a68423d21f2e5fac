"""Deploy target names, importable without pydantic (the CLI parser needs them at start-up)."""

TARGETS: tuple[str, ...] = ("cloud-run", "cloud-run-jobs", "gke-autopilot", "gke-standard", "compose")
GCP_TARGETS: tuple[str, ...] = TARGETS[:4]
CLOUD_RUN_TARGETS: tuple[str, ...] = ("cloud-run", "cloud-run-jobs")
