"""Data shipped with launchdeck (price snapshot, hint and preflight catalogs, schemas, the example).

Where each file lives is defined here once; code asks for `EXAMPLE_PLAN`, not for a path of its own.
"""

from pathlib import Path

ASSETS = Path(__file__).resolve().parent
EXAMPLE_DIR = ASSETS / "example"
EXAMPLE_PLAN = EXAMPLE_DIR / "launchdeck.yaml"
DEMO_LOG = ASSETS / "demo.log"
HINTS_YAML = ASSETS / "hints.yaml"
PREFLIGHT_YAML = ASSETS / "preflight.yaml"
# import name -> distribution (pipreqs' maintained mapping), for preflight's import checks.
IMPORT_MAPPING = ASSETS / "import_mapping.txt"
PRICES_DIR = ASSETS / "prices"
SCHEMAS_DIR = ASSETS / "schemas"
