"""`generate` refuses a config that preflight says will not start, unless --force."""

from pathlib import Path

from launchdeck.app.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "example" / "launchdeck.yaml"


def _worker_declared_web(tmp_path: Path) -> Path:
    """The example with its Celery worker declared `web`: a Cloud Run service that never listens."""
    text = EXAMPLE.read_text().replace("  worker:\n    role: worker\n", "  worker:\n    role: web\n")
    assert "role: web\n    build: ./backend\n    command: [celery" in text
    path = tmp_path / "launchdeck.yaml"
    path.write_text(text)
    return path


def test_generate_refuses_a_worker_that_will_not_start(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["generate", str(_worker_declared_web(tmp_path)), "--target", "cloud-run", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 1
    assert "cr-worker-deployed-as-service" in err
    assert "--force" in err
    assert not out.exists() or not any(out.iterdir())


def test_generate_with_force_writes_despite_findings(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["generate", str(_worker_declared_web(tmp_path)), "--target", "cloud-run", "--out", str(out),
               "--force", "--format", "json"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "despite preflight errors" in captured.err
    assert (out / "terraform" / "services.tf").is_file()


def test_a_worker_declared_worker_is_not_refused_on_cloud_run(tmp_path, capsys):
    # role: worker on cloud-run becomes a worker pool: preflight has nothing that stops it starting.
    out = tmp_path / "out"
    rc = main(["generate", str(EXAMPLE), "--target", "cloud-run", "--out", str(out), "--format", "json"])
    captured = capsys.readouterr()
    assert "cr-worker-deployed-as-service" not in captured.err
    assert "--force" not in captured.err
    assert rc in (0, 1), captured.err  # 1 only for a validator verdict, never a refusal
    assert (out / "terraform").is_dir()


def test_generate_for_a_target_that_fits_runs_without_refusal(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["generate", str(EXAMPLE), "--target", "cloud-run-jobs", "--out", str(out), "--format", "json"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "preflight" not in captured.err
    assert (out / "terraform" / "jobs.tf").is_file()
