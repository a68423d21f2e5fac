"""The README stays true: its error table, its commands and the CI test command."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _script():
    spec = importlib.util.spec_from_file_location("readme_errors", ROOT / "scripts" / "readme_errors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_known_errors_table_is_generated_from_the_catalogs():
    assert _script().splice(README) == README, "run: python scripts/readme_errors.py --write README.md"


def test_every_catalog_id_is_in_the_readme():
    for row in _script().rows():
        assert f"| `{row['id']}` |" in README


def test_readme_lists_every_command():
    from launchdeck.app.commands import COMMAND_NAMES

    for name in COMMAND_NAMES:
        assert f"| `{name}` |" in README, name


def test_ci_runs_the_readme_test_command():
    assert "make test" in README
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make test" in [line.strip() for line in ci]
