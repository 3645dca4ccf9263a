"""`kiosk central keygen|publish|export|calendar seed`: the central office's side of the feed."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kiosk.central.export import export_feed
from kiosk.central.publish import publish_feed
from kiosk.central.signing_keys import generate_key_files
from kiosk.cli.base import emit, json_option, progress_bar
from kiosk.cli.central import central_group
from kiosk.errors import BadInput
from kiosk.workdays import parse_years, seed_calendar

_DIR = click.Path(file_okay=False, path_type=Path)


@central_group.command("keygen")
@click.option("--out", "out_dir", type=_DIR, required=True, help="Folder for feed.key (0600) and feed.pub.")
@json_option
def keygen_cmd(out_dir: Path, as_json: bool) -> None:
    """Create the Ed25519 key pair that signs the feed."""
    data = generate_key_files(out_dir)
    emit(
        data, as_json, lambda d: f"私钥：{d['private_key']}（请妥善保管）\n公钥：{d['public_key']}\n{d['public_text']}"
    )


@central_group.command("publish")
@click.argument("source", type=_DIR)
@click.option("--feed", type=_DIR, required=True, help="The feed folder to write (served as static files).")
@click.option(
    "--key",
    "keys",
    type=click.Path(dir_okay=False, path_type=Path),
    multiple=True,
    required=True,
    help="Private key; repeat to sign with old and new key while rotating.",
)
@click.option(
    "--expires-days", type=click.IntRange(min=1), default=30, show_default=True, help="Days the root stays valid."
)
@click.option(
    "--calendar", type=click.Path(dir_okay=False, path_type=Path), help="Working-day calendar JSON to sign in."
)
@click.option(
    "--regions",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Region-code list JSON to sign in (format of assets/regions/regions.json).",
)
@click.option("--renew", is_flag=True, help="Re-sign with a new expiry even when nothing changed.")
@click.option("--skip-failed", is_flag=True, help="Publish even if some input files cannot be read.")
@click.option("--name", default="", help="A name for the feed shown on terminals (e.g. the city).")
@json_option
def publish_cmd(
    source: Path,
    feed: Path,
    keys: tuple[Path, ...],
    expires_days: int,
    calendar: Path | None,
    regions: Path | None,
    renew: bool,
    skip_failed: bool,
    name: str,
    as_json: bool,
) -> None:
    """Publish a folder of documents as the next version of the signed feed."""
    report = publish_feed(
        source,
        feed,
        list(keys),
        expires_days=expires_days,
        calendar=calendar,
        regions=regions,
        renew=renew,
        skip_failed=skip_failed,
        name=name,
        progress=progress_bar(as_json, {"shards": "写入分片"}),
    )
    emit(report.to_dict(), as_json, _format_publish)


def _format_publish(d: dict) -> str:
    if not d["changed"]:
        return f"内容未变，发布目录保持第 {d['version_after']} 版（有效期至 {d['expires']}）。"
    return (
        f"已发布第 {d['version_after']} 版：{d['documents']} 份文件（新增 {d['added']}，更新 {d['updated']}，"
        f"撤回 {d['withdrawn']}）；写入 {d['objects_written']} 个文件，{d['bytes_written']:,} 字节；有效期至 {d['expires']}。"
    )


@central_group.command("export")
@click.option("--feed", type=_DIR, required=True, help="The published feed folder.")
@click.option("--to", "to", type=_DIR, required=True, help="Target folder, e.g. on a USB stick.")
@json_option
def export_cmd(feed: Path, to: Path, as_json: bool) -> None:
    """Copy the feed to a USB stick, only the files missing there, root last."""
    report = export_feed(feed, to, progress=progress_bar(as_json, {"copy": "复制文件"}))
    emit(
        report.to_dict(),
        as_json,
        lambda d: (
            f"已导出第 {d['version']} 版到 {d['to']}：复制 {d['copied']} 个文件（{d['bytes_copied']:,} 字节），已有 {d['skipped']} 个。"
        ),
    )


@central_group.group("calendar")
def calendar_group() -> None:
    """The working-day calendar (holidays, 调休 working weekends) signed into the feed."""


@calendar_group.command("seed")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Calendar JSON to write.")
@click.option("--years", default="2004-2026", show_default=True, help="Year range, e.g. 2004-2026.")
@json_option
def calendar_seed_cmd(out: Path, years: str, as_json: bool) -> None:
    """Write a calendar file from the chinese-calendar package, for the office to maintain."""
    first, last = parse_years(years)
    data = seed_calendar(first, last)
    try:
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"无法写入 {out}。", f"cannot write {out}: {exc}", field="out") from exc
    summary = {"out": str(out), "years": sorted(data["years"])}
    emit(summary, as_json, lambda d: f"已写入 {d['out']}：{d['years'][0]}–{d['years'][-1]} 年。")
