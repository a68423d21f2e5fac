"""The validators catch real mistakes (each check can fail), on in-memory files."""

from __future__ import annotations

import hcl2

from launchdeck.app.validate import tf_schema_problems, validate_files

GOOD_RUN = '''resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "us-central1"
  template {
    containers {
      image = "nginx"
    }
  }
}
'''


def _problems(text: str) -> list[str]:
    return tf_schema_problems(hcl2.loads(text))


def _by(verdicts, validator):
    return [v for v in verdicts if v.validator == validator]


def test_schema_accepts_valid_resource_and_meta_arguments():
    text = GOOD_RUN.replace('  name     = "api"', '  name     = "api"\n  count    = 1\n  depends_on = []\n'
                            '  lifecycle {\n    ignore_changes = [client]\n  }')
    assert _problems(text) == []
    # Non-google providers are outside the schema and not judged.
    assert _problems('resource "random_password" "x" {\n  length = 3\n  nonsense = 1\n}\n') == []


def test_schema_rejects_unknown_argument_and_block():
    assert any("unknown argument 'cpu_limit'" in p for p in _problems(
        GOOD_RUN.replace('  location = "us-central1"', '  location = "us-central1"\n  cpu_limit = 2')))
    assert any("unknown block 'sidecar'" in p for p in _problems(
        GOOD_RUN.replace("    containers {", "    sidecar {\n    }\n    containers {")))


def test_schema_rejects_read_only_missing_required_and_unknown_type():
    assert any("read-only" in p for p in _problems(GOOD_RUN.replace('  name     = "api"', '  name = "api"\n  uid = "x"')))
    assert any("missing required argument 'location'" in p
               for p in _problems(GOOD_RUN.replace('  location = "us-central1"\n', "")))
    assert any("missing required block 'template'" in p for p in _problems(
        'resource "google_cloud_run_v2_service" "a" {\n  name = "a"\n  location = "x"\n}\n'))
    assert any("unknown resource type" in p for p in _problems('resource "google_cloud_run_service_v9" "a" {}\n'))


def test_schema_block_written_as_argument_and_dynamic_blocks():
    bad = GOOD_RUN.replace('  location = "us-central1"', '  location = "us-central1"\n  traffic = {}')
    assert any("'traffic' is a block" in p for p in _problems(bad))
    dyn = GOOD_RUN.replace('      image = "nginx"', '      image = "nginx"\n      dynamic "env" {\n'
                           '        for_each = var.env\n        content {\n          name = env.key\n'
                           '          valu = env.value\n        }\n      }')
    assert any("unknown argument 'valu'" in p for p in _problems(dyn))
    assert _problems(dyn.replace("valu =", "value =")) == []


def test_hcl_parse_error_and_fmt():
    verdicts = validate_files({"terraform/a.tf": 'resource "x" "y" {\n  a = \n}\n',
                               "terraform/b.tf": 'variable "v" {\n  type = string\n  default   = "x"\n}\n',
                               "terraform/c.tf": GOOD_RUN})
    hcl = {v.path: v.ok for v in _by(verdicts, "hcl2")}
    assert hcl == {"terraform/a.tf": False, "terraform/b.tf": True, "terraform/c.tf": True}
    fmt = {v.path: v.ok for v in _by(verdicts, "terraform-fmt")}
    assert fmt["terraform/b.tf"] is False and fmt["terraform/c.tf"] is True


def test_compose_schema():
    good = "services:\n  web:\n    image: nginx\n    platform: linux/amd64\n"
    bad = "services:\n  web:\n    image: nginx\n    restart_policy: always\n"
    assert _by(validate_files({"docker-compose.yml": good}), "compose-spec")[0].ok
    verdict = _by(validate_files({"docker-compose.yml": bad}), "compose-spec")[0]
    assert not verdict.ok and "restart_policy" in verdict.message


def test_kubernetes_strict():
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  selector: {matchLabels: {a: b}}\n"
              "  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: a, image: x}]\n")
    assert _by(validate_files({"k8s/a.yaml": deploy}), "kubernetes-validate")[0].ok
    typo = deploy.replace("containers:", "containerz:")
    verdict = _by(validate_files({"k8s/a.yaml": typo}), "kubernetes-validate")[0]
    assert not verdict.ok
    kust = "resources: [a.yaml, missing.yaml]\n"
    verdict = _by(validate_files({"k8s/a.yaml": deploy, "k8s/kustomization.yaml": kust}), "kustomization")[0]
    assert not verdict.ok and "missing.yaml" in verdict.message


def test_shellcheck_and_actionlint_catch_problems():
    good_sh = '#!/usr/bin/env bash\nset -euo pipefail\nname="${1:-x}"\necho "$name"\n'
    bad_sh = "#!/usr/bin/env bash\necho $1\n"
    wf = ("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
          "      - run: echo ${{ var.X }}\n")
    verdicts = validate_files({"deploy.sh": good_sh, "other.sh": bad_sh, ".github/workflows/deploy.yml": wf})
    sc = {v.path: v for v in _by(verdicts, "shellcheck")}
    assert sc["deploy.sh"].ok and not sc["other.sh"].ok and "SC2086" in sc["other.sh"].message
    al = _by(verdicts, "actionlint")[0]
    assert not al.ok and "var" in al.message


def test_duplicate_resource_address_across_files():
    verdicts = validate_files({"terraform/a.tf": GOOD_RUN, "terraform/b.tf": GOOD_RUN})
    schema = {v.path: v for v in _by(verdicts, "tf-schema")}
    assert schema["terraform/a.tf"].ok
    assert not schema["terraform/b.tf"].ok and "declared twice" in schema["terraform/b.tf"].message


# --- three states: ok / failed / skipped, and no validator can raise ---------------------------

def test_a_missing_tool_is_skipped_with_why_never_ok(monkeypatch):
    from launchdeck.app import validate

    monkeypatch.setattr(validate, "_tool", lambda name: None)  # as on a machine without the binaries
    verdicts = validate_files({"terraform/a.tf": GOOD_RUN, "deploy.sh": "#!/bin/sh\necho hi\n",
                               ".github/workflows/d.yml": "on: push\njobs: {}\n"})
    by = {v.validator: v for v in verdicts}
    for name, tool in (("terraform-fmt", "terraform"), ("shellcheck", "shellcheck"), ("actionlint", "actionlint")):
        assert by[name].state == "skipped" and not by[name].ok and not by[name].failed, by[name]
        assert tool in by[name].message
    assert by["hcl2"].state == "ok"
    assert validate.summary_counts(verdicts) == {"ok": 2, "failed": 0, "skipped": 3}
    assert validate.summary_line(verdicts) == "5 checks: 2 ok, 0 failed, 3 skipped"
    assert by["shellcheck"].to_dict()["state"] == "skipped" and by["shellcheck"].to_dict()["ok"] is False


def test_a_tool_that_times_out_or_cannot_start_is_a_failed_check(monkeypatch):
    import subprocess

    from launchdeck.app import validate

    def timeout(*a, **k):
        raise subprocess.TimeoutExpired(a[0], 120)

    monkeypatch.setattr(validate.subprocess, "run", timeout)
    (v,) = _by(validate_files({"deploy.sh": "#!/bin/sh\necho hi\n"}), "shellcheck")
    assert v.state == "failed" and "did not finish" in v.message

    def enoexec(*a, **k):
        raise OSError(8, "Exec format error")

    monkeypatch.setattr(validate.subprocess, "run", enoexec)
    (v,) = _by(validate_files({"deploy.sh": "#!/bin/sh\necho hi\n"}), "shellcheck")
    assert v.state == "failed" and "Exec format error" in v.message


def test_a_crashing_library_is_a_failed_check_and_a_missing_one_is_skipped(monkeypatch):
    import sys

    from launchdeck.app import validate

    deploy = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
    validate._kubernetes_validate.cache_clear()
    monkeypatch.setitem(sys.modules, "kubernetes_validate", None)  # import fails: not installed
    monkeypatch.setitem(sys.modules, "kubernetes_validate.utils", None)
    (v,) = _by(validate_files({"k8s/a.yaml": deploy}), "kubernetes-validate")
    assert v.state == "skipped" and "kubernetes_validate" in v.message
    monkeypatch.undo()
    validate._kubernetes_validate.cache_clear()

    def boom(path, text):
        raise RuntimeError("schema cache corrupt")

    monkeypatch.setattr(validate, "_validate_k8s", boom)
    (v,) = _by(validate_files({"k8s/a.yaml": deploy}), "kubernetes-validate")
    assert v.state == "failed" and "RuntimeError: schema cache corrupt" in v.message


def test_odd_yaml_is_a_failed_check_not_a_crash():
    verdicts = validate_files({"k8s/a.yaml": "- just\n- a list\n", "k8s/kustomization.yaml": "[1, 2\n"})
    assert {v.validator: v.state for v in verdicts} == {"kubernetes-validate": "failed", "kustomization": "failed"}


def test_verdict_accepts_the_old_bool_and_rejects_unknown_states():
    import pytest

    from launchdeck.app.validate import Verdict

    assert Verdict("x", "p", True, "").state == "ok" and Verdict("x", "p", False, "").state == "failed"
    with pytest.raises(ValueError):
        Verdict("x", "p", "maybe", "")  # type: ignore[arg-type]
