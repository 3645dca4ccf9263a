"""`kiosk central release publish`: sign a release of the terminal software into the feed."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.central.release import publish_release
from kiosk.cli.base import emit, json_option
from kiosk.cli.central import central_group

_DIR = click.Path(file_okay=False, path_type=Path)
_FILE = click.Path(dir_okay=False, path_type=Path)


@central_group.group("release")
def release_group() -> None:
    """Releases of the terminal software, installed by `kiosk update`."""


@release_group.command("publish")
@click.option("--feed", type=_DIR, required=True, help="The feed folder (the release goes to FEED/release/).")
@click.option("--key", "keys", type=_FILE, multiple=True, required=True, help="Private key; repeat while rotating.")
@click.option("--wheel", type=_FILE, help="The project's wheel; default: built from --project.")
@click.option("--project", type=_DIR, help="Source checkout to build the wheel from; default: this one.")
@click.option("--wheels", "wheels_dir", type=_DIR, help="Folder of dependency wheels; default: resolved by pip.")
@click.option("--without-pip", is_flag=True, help="Do not add pip's wheel (the release then cannot update itself).")
@click.option(
    "--expires-days", type=click.IntRange(min=1), default=30, show_default=True, help="Days the index stays valid."
)
@click.option("--renew", is_flag=True, help="Re-sign with a new expiry even when nothing changed.")
@json_option
def release_publish_cmd(
    feed: Path,
    keys: tuple[Path, ...],
    wheel: Path | None,
    project: Path | None,
    wheels_dir: Path | None,
    without_pip: bool,
    expires_days: int,
    renew: bool,
    as_json: bool,
) -> None:
    """Publish the software release (project wheel + locked dependency wheels) as a signed index."""
    report = publish_release(
        feed,
        list(keys),
        wheel=wheel,
        project=project,
        wheels_dir=wheels_dir,
        include_pip=not without_pip,
        expires_days=expires_days,
        renew=renew,
    )
    emit(
        report.to_dict(),
        as_json,
        lambda d: (
            f"已发布软件版本 {d['release']}（发布索引第 {d['index_version_after']} 版，{d['wheels']} 个软件包，"
            f"{d['bytes_total']:,} 字节，有效期至 {d['expires']}）。"
            if d["changed"]
            else f"软件版本 {d['release']} 未变，发布索引保持第 {d['index_version_after']} 版。"
        ),
    )
