"""Print the README's Markdown table of known errors.

Rows come from the hint catalog (assets/hints.yaml: what the log hints recognise) and, when it
exists, the preflight catalog (assets/preflight.yaml: what `launchdeck doctor` predicts before a
deploy). An id in both is one row, marked with both sources.

    .venv/bin/python scripts/readme_errors.py > /tmp/errors.md
    .venv/bin/python scripts/readme_errors.py --write README.md   # refresh the table in place
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _cell(text: object) -> str:
    # Preflight templates carry {placeholders}; show them as NAME in the table.
    text = re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), str(text or ""))
    return " ".join(text.split()).replace("|", "\\|")


def rows(root: Path = ROOT) -> list[dict]:
    out: dict[str, dict] = {}
    hints = yaml.safe_load((root / "assets" / "hints.yaml").read_text())["hints"]
    for h in hints:
        out[h["id"]] = {"id": h["id"], "severity": h["severity"], "title": h["title"], "fix": h["fix"],
                        "docs": h.get("docs", ""), "where": ["logs"]}
    pre = root / "assets" / "preflight.yaml"
    if pre.is_file():
        doc = yaml.safe_load(pre.read_text()) or {}
        items = doc.get("findings", doc if isinstance(doc, list) else [])
        for f in items:
            fid = f.get("id")
            if not fid:
                continue
            if fid in out:
                out[fid]["where"].append("preflight")
            else:
                out[fid] = {"id": fid, "severity": f.get("severity", ""), "title": f.get("title") or f.get("message", ""),
                            "fix": f.get("fix", ""), "docs": "", "where": ["preflight"]}
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(out.values(), key=lambda r: (order.get(r["severity"], 3), r["id"]))


def table(root: Path = ROOT) -> str:
    lines = ["| id | severity | found by | what it means | fix |", "|---|---|---|---|---|"]
    for r in rows(root):
        title = f"[{_cell(r['title'])}]({r['docs']})" if r["docs"] else _cell(r["title"])
        fix = _cell(r["fix"])
        if len(fix) > 220:
            fix = fix[:217].rsplit(" ", 1)[0] + " …"
        lines.append(f"| `{r['id']}` | {r['severity']} | {' + '.join(r['where'])} | {title} | {fix} |")
    return "\n".join(lines)


START, END = "<!-- known-errors:start -->", "<!-- known-errors:end -->"


def splice(readme: str, root: Path = ROOT) -> str:
    """README text with the generated table between the known-errors markers."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table(root)}\n{END}{tail}"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        target = Path(sys.argv[2])
        target.write_text(splice(target.read_text()))
    else:
        sys.stdout.write(table() + "\n")
