"""`kiosk ui …`: the touchscreen's pictures, rendered without a screen (for the README and reviews)."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.cli.base import emit, json_option, main


@main.group("ui")
def ui_group() -> None:
    """The touchscreen UI: screenshots of every screen."""


@ui_group.command("screenshots")
@click.option(
    "--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the PNGs."
)
@json_option
def screenshots_cmd(out: Path, as_json: bool) -> None:
    """Render every screen, standard and elderly mode, at 1920×1080 and 1080×1920, headless."""
    from kiosk.ui.screenshots import render_gallery

    files = render_gallery(out)
    data = {"out": str(out), "files": [f.name for f in files]}
    emit(data, as_json, lambda d: f"已生成 {len(d['files'])} 张截图：{d['out']}")
