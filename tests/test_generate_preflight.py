"""`generate` refuses a config that preflight says will not start, unless --force."""

from pathlib import Path

from launchdeck.app.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "example" / "launchdeck.yaml"


def test_generate_refuses_a_worker_that_will_not_start(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["generate", str(EXAMPLE), "--target", "cloud-run", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 1
    assert "cr-container-failed-to-listen-on-port" in err
    assert "--force" in err
    assert not out.exists() or not any(out.iterdir())


def test_generate_with_force_writes_despite_findings(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["generate", str(EXAMPLE), "--target", "cloud-run", "--out", str(out), "--force", "--format", "json"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "despite preflight errors" in captured.err
    assert (out / "terraform" / "services.tf").is_file()


def test_generate_for_a_target_that_fits_runs_without_refusal(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["generate", str(EXAMPLE), "--target", "cloud-run-jobs", "--out", str(out), "--format", "json"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "preflight" not in captured.err
    assert (out / "terraform" / "jobs.tf").is_file()
