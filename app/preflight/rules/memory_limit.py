"""Memory too small for what the service loads (heavy_deps in the plan, heavy imports, a model's own size).

Two ids, one rule: cr-memory-limit-exceeded on Cloud Run, k8s-oomkilled on GKE/compose. An error only when
memory per process is below what the dependency alone needs; tighter but possible is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight.facts import command_text, memory_text, processes_per_instance
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.servicefacts import ServiceFacts

RULE = Rule(id="cr-memory-limit-exceeded", severity="error", evidence=("plan", "code"),
            signature="cr-memory-limit-exceeded", also=("k8s-oomkilled",))
K8S_ID = "k8s-oomkilled"

# Memory (MiB) one process needs just to load a dependency and a typical model; below it, expect OOM kills.
HEAVY_DEP_MIB = {
    "torch": 2048, "pytorch": 2048, "torchaudio": 2048, "torchvision": 2048, "tensorflow": 2048,
    "tf": 2048, "keras": 2048, "jax": 2048, "transformers": 2048, "sentence-transformers": 2048,
    "demucs": 4096, "whisper": 2048, "openai-whisper": 2048, "faster-whisper": 1536, "diffusers": 4096,
    "spleeter": 2048, "vllm": 8192, "onnxruntime": 1024, "spacy": 1024, "paddleocr": 2048,
    "easyocr": 2048, "ultralytics": 2048, "playwright": 1024, "puppeteer": 1024, "chromium": 1024,
    "opencv": 512, "opencv-python": 512, "cv2": 512, "librosa": 512, "scikit-learn": 512, "pandas": 512,
    "ffmpeg": 512, "llama-cpp-python": 2048, "ollama": 2048,
}  # fmt: skip
# A model named in code or env whose parameter count is in its name (llama-3-8b, mistral-7b, qwen2-1.5b):
# fp16 weights take about 2 bytes per parameter, 4-bit quantised ones about 0.6.
_MODEL_SIZE = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d)?)\s*[bB](?![\w])")
_MODEL_CONTEXT = re.compile(r"(model|MODEL|repo_id|from_pretrained|pipeline|ollama|gguf|hf\.co|huggingface)")
_QUANTISED = re.compile(r"gguf|q4|q5|q8|int4|int8|awq|gptq|4bit|8bit", re.IGNORECASE)


def _dep_need(f: ServiceFacts) -> tuple[list[str], int]:
    found = [d for d in f.effective.heavy_deps if d.lower() in HEAVY_DEP_MIB]
    return found, max((HEAVY_DEP_MIB[d.lower()] for d in found), default=0)


def model_need(f: ServiceFacts, root) -> tuple[str, int, str] | None:  # noqa: ANN001
    """(model, MiB, where) for the biggest model with a parameter count in its name the service loads."""
    from launchdeck.app.preflight.walk import read_text, rel

    best: tuple[str, int, str] | None = None
    sources = [(f"services.{f.name}.env.{k}", v) for k, v in f.effective.env.items()]
    for path in f.code_files:
        text = read_text(path) or ""
        for n, line in enumerate(text.splitlines(), 1):
            if _MODEL_CONTEXT.search(line) and _MODEL_SIZE.search(line):
                sources.append((f"{rel(path, root) if root else path}:{n}", line))
    for where, text in sources:
        for m in _MODEL_SIZE.finditer(text):
            quoted = re.search(r"['\"]([^'\"]*" + re.escape(m.group(0)) + r"[^'\"]*)['\"]", text)
            name = quoted.group(1) if quoted else text.strip()
            if not re.search(r"[A-Za-z]", name.replace(m.group(0), "")) or "/" not in name and "-" not in name \
                    and ":" not in name:
                continue
            params = float(m.group(1))
            if params < 0.5 or params > 500:
                continue
            mib = int(params * 1024 * (0.6 if _QUANTISED.search(name) else 2.0)) + 1024
            if best is None or mib > best[1]:
                best = (name[:80], mib, where)
    return best


def check(inp: RuleInput) -> Iterator[Finding]:
    fid = RULE.id if inp.target in CLOUD_RUN_TARGETS else K8S_ID
    for f in inp.facts():
        svc = f.effective
        if svc.role == "job" and not svc.heavy_deps:
            continue
        deps, need = _dep_need(f)
        model = model_need(f, inp.root)
        procs = processes_per_instance(command_text(svc.command))
        per_process = svc.memory_mib / procs
        if model and model[1] > per_process and model[1] > need:
            # The weights alone do not fit: a plain fact about the model the service names.
            yield render(fid, variant="model", service=f.name, path=f"services.{f.name}.memory",
                         model=model[0], where=model[2], need=memory_text(model[1]),
                         memory=memory_text(svc.memory_mib),
                         suggest=memory_text(-(-model[1] * 1.25 * procs // 1024) * 1024))
            continue
        if not need or per_process >= need * 1.5:
            continue
        # Dependencies the plan declares are known to load; ones seen only as imports in the code may be
        # used lightly, so those are an error only when memory is below half of what they usually need.
        declared = {d.lower() for d in f.service.heavy_deps}
        from_plan = any(d.lower() in declared for d in deps if HEAVY_DEP_MIB.get(d.lower(), 0) == need)
        severity = "error" if per_process < (need if from_plan else need / 2) else "warning"
        suggest_mib = -(-need * 1.5 * procs // 1024) * 1024
        yield render(fid, service=f.name, severity=severity, path=f"services.{f.name}.memory",
                     deps=", ".join(deps), memory=memory_text(svc.memory_mib), need=memory_text(need),
                     per_process=f" shared by {procs} processes ({memory_text(per_process)} each)" if procs > 1 else "",
                     suggest=memory_text(suggest_mib))
