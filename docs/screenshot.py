"""Regenerate docs/screenshot*.png: real screenshots of the TUI on the built-in example.

Textual saves SVG; cairosvg turns it into PNG.  `.venv/bin/python docs/screenshot.py`
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHOTS = {  # file name -> (screen, keys pressed there)
    "screenshot.png": ("costs", ()),
    "screenshot-logs.png": ("logs", ("n",)),
    "screenshot-plan.png": ("plan", ("down", "down", "down", "e")),
}


async def shoot(name: str, mode: str, keys: tuple[str, ...], out_dir: Path) -> Path:
    from launchdeck.app.tui import make_app
    from launchdeck.estimators import load_catalog
    from launchdeck.estimators.pricebook import BUNDLED_CATALOG

    with tempfile.TemporaryDirectory() as cwd:
        app = make_app(None, cwd=Path(cwd), catalog=load_catalog(BUNDLED_CATALOG), status_enabled=False)
        async with app.run_test(size=(120, 36)) as pilot:
            app.switch_mode(mode)
            await pilot.pause(2.0 if mode == "logs" else 0.5)
            for key in keys:
                await pilot.press(key)
                await pilot.pause(0.3)
            svg = app.export_screenshot(title=f"launchdeck — {mode}")
    import re

    import cairosvg

    # The SVG asks for Fira Code from the web; render with a local monospace font instead.
    svg = re.sub(r"font-family:\s*(\"Fira Code\"|Fira Code, monospace)", "font-family: DejaVu Sans Mono", svg)
    target = out_dir / name
    cairosvg.svg2png(bytestring=svg.encode(), write_to=str(target), output_width=1600)
    return target


def main() -> None:
    out_dir = ROOT / "docs"
    for name, (mode, keys) in SHOTS.items():
        print(asyncio.run(shoot(name, mode, keys, out_dir)))


if __name__ == "__main__":
    main()
