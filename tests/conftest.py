"""Shared test setup. Fake Google API servers live in tests/fakes/ (one module per API)."""

import os

# grpc-core logs "Got goaway" noise when a fake stops under open channels; must be set before import.
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
# Tests never look for real credentials or a metadata server.
os.environ.setdefault("NO_GCE_CHECK", "true")
os.environ.pop("LAUNCHDECK_EMULATOR_HOST", None)
# Report tables wrap at the terminal width; make it the same wherever the suite runs.
os.environ["COLUMNS"] = "200"
os.environ.pop("NO_COLOR", None)
