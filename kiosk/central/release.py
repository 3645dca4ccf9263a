"""Publish a release of the terminal software into the feed: the project's wheel and the wheels it depends
on, named by SHA-256 under release/objects/, listed in a signed release index (kiosk.update.release) that
terminals check with the catalog's keys and rules. Wheels are written first and the index last, atomically,
so a terminal reading mid-publish sees the old release or the new one."""

from __future__ import annotations

import ensurepip
import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.central.publish import _write_root
from kiosk.errors import BadInput, KioskError
from kiosk.sync.feed import ROOT_NAME, object_path
from kiosk.sync.signing import key_id, load_private_key, sign_root, verify_root
from kiosk.update.release import (
    PROJECT,
    RELEASE_DIR,
    ReleaseIndex,
    Wheel,
    check_version_text,
    parse_release_index,
)

log = logging.getLogger(__name__)

CHECKOUT = Path(__file__).resolve().parents[2]


@dataclass
class ReleasePublishReport:
    feed: str
    changed: bool
    release: str
    index_version_before: int | None
    index_version_after: int
    wheels: int
    bytes_total: int
    objects_written: int
    expires: str

    def to_dict(self) -> dict:
        return asdict(self)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _project_version(wheel: Path) -> str:
    """The version from a wheel file name `disclosure_kiosk-VERSION-….whl`, which must be this project's."""
    parts = wheel.name.split("-")
    if len(parts) < 5 or parts[0].lower().replace("_", "-") != PROJECT:
        raise BadInput(
            f"{wheel.name} 不是本项目（{PROJECT}）的 wheel 文件。",
            f"{wheel.name} is not a wheel of {PROJECT}",
            field="wheel",
        )
    try:
        return check_version_text(parts[1])
    except KioskError as exc:
        raise BadInput(f"{wheel.name} 的版本号无效。", exc.message_en, field="wheel") from exc


def _run_pip(args: list[str], what: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise BadInput(
            f"{what}失败，未发布。详见日志。",
            f"pip {' '.join(args[:2])} failed: {result.stderr.strip()[-2000:]}",
        )


def build_project_wheel(project: Path, out: Path) -> Path:
    """`pip wheel --no-deps` of a checkout. With build isolation: pip brings the setuptools pyproject.toml
    names (from its cache or index), where the venv's own setuptools would also need the `wheel` package."""
    if not (project / "pyproject.toml").is_file():
        raise BadInput(
            f"{project} 不是本项目的源码目录（缺少 pyproject.toml）。",
            f"{project} has no pyproject.toml",
            field="project",
        )
    _run_pip(["wheel", "--no-deps", "-q", "-w", str(out), str(project)], "构建软件包")
    built = sorted(out.glob("disclosure_kiosk-*.whl"))
    if len(built) != 1:
        raise BadInput("构建软件包失败，未发布。", f"pip wheel produced {len(built)} project wheels in {out}")
    return built[0]


def bundled_pip_wheel() -> Path | None:
    """The pip wheel Python ships for ensurepip (or Debian's copy): put into every release so that the
    new version can run the next `kiosk update` from its own venv, created without pip (seconds, not 20 s)."""
    places = [Path(ensurepip.__file__).parent / "_bundled", Path("/usr/share/python-wheels")]
    for place in places:
        found = sorted(place.glob("pip-*-py3-none-any.whl"))
        if found:
            return found[-1]
    return None


def _dependency_wheels(project_wheel: Path, wheels_dir: Path | None, work: Path, include_pip: bool) -> list[Path]:
    if wheels_dir is None:
        # The pinned requirements of the project, resolved by pip into wheels (from its cache or the index).
        resolved = work / "deps"
        _run_pip(["wheel", "-q", "-w", str(resolved), str(project_wheel)], "下载依赖软件包")
        wheels_dir = resolved
    if not wheels_dir.is_dir():
        raise BadInput(f"找不到依赖软件包目录 {wheels_dir}。", f"{wheels_dir} is not a folder", field="wheels")
    wheels = [p for p in sorted(wheels_dir.glob("*.whl")) if not p.name.lower().startswith("disclosure_kiosk-")]
    if include_pip and not any(p.name.lower().startswith("pip-") for p in wheels):
        pip_wheel = bundled_pip_wheel()
        if pip_wheel is None:
            raise BadInput(
                "找不到 pip 的 wheel 文件：请把它放进 --wheels 目录。", "no bundled pip wheel found", field="wheels"
            )
        wheels.append(pip_wheel)
    return wheels


def _previous(folder: Path, trusted: dict) -> ReleaseIndex | None:
    index_file = folder / ROOT_NAME
    if not index_file.exists():
        return None
    try:
        return parse_release_index(verify_root(index_file.read_bytes(), trusted))
    except KioskError as exc:
        raise BadInput(
            f"发布目录 {folder} 中现有的软件发布索引无法用所给密钥验证，未发布。轮换密钥时请同时提供新旧两把密钥。",
            f"existing release index in {folder} does not verify with the given keys: {exc.message_en}",
            field="key",
        ) from exc


def _put(folder: Path, wheel: Path, sha: str) -> bool:
    target = folder / object_path(sha)
    if target.is_file() and target.stat().st_size == wheel.stat().st_size:
        return False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        shutil.copyfile(wheel, temporary)
        if _sha256_file(temporary) != sha:
            temporary.unlink()
            raise BadInput(f"{wheel} 在发布过程中被改动，请重新发布。", f"{wheel} changed while publishing")
        temporary.replace(target)
    except OSError as exc:
        raise BadInput(f"无法写入发布目录 {folder}。", f"cannot write {target}: {exc}") from exc
    return True


def publish_release(
    feed: Path,
    keys: list[Path],
    *,
    wheel: Path | None = None,
    project: Path | None = None,
    wheels_dir: Path | None = None,
    include_pip: bool = True,
    expires_days: int = 30,
    renew: bool = False,
    now: datetime | None = None,
    expires: datetime | None = None,
) -> ReleasePublishReport:
    """Sign the project's wheel (given, or built from `project`, default this checkout) and its dependency
    wheels (`wheels_dir`, or resolved by pip) into FEED/release/ as the next release index version.
    The same wheels again change nothing unless `renew`, which re-signs with a new expiry."""
    if not keys:
        raise BadInput("请用 --key 指定签名私钥。", "no signing key given", field="key")
    private_keys = [load_private_key(path) for path in keys]
    trusted = {key_id(key.public_key()): key.public_key() for key in private_keys}
    now = now or datetime.now(UTC).replace(microsecond=0)
    folder = feed / RELEASE_DIR
    previous = _previous(folder, trusted)
    with tempfile.TemporaryDirectory(prefix="kiosk-release-") as scratch:
        work = Path(scratch)
        if wheel is None:
            wheel = build_project_wheel(project or CHECKOUT, work / "project")
        if not wheel.is_file():
            raise BadInput(f"找不到软件包 {wheel}。", f"{wheel} does not exist", field="wheel")
        release = _project_version(wheel)
        files = [wheel, *_dependency_wheels(wheel, wheels_dir, work, include_pip)]
        listed = [Wheel(path.name, _sha256_file(path), path.stat().st_size) for path in files]
        candidate = ReleaseIndex(
            version=(previous.version + 1) if previous else 1,
            published=now,
            expires=expires or now + timedelta(days=expires_days),
            release=release,
            wheel=listed[0],
            dependencies=listed[1:],
        )
        # Through the terminal's own parser: a publish the terminals would refuse fails here instead.
        parse_release_index(candidate.to_signed())
        if previous is not None and previous.same_content(candidate) and not renew:
            return ReleasePublishReport(
                str(feed), False, release, previous.version, previous.version, len(listed),
                sum(w.size for w in listed), 0, previous.expires.isoformat(),
            )  # fmt: skip
        written = sum(_put(folder, path, ref.sha256) for path, ref in zip(files, listed, strict=True))
    _write_root(folder, sign_root(candidate.to_signed(), private_keys))
    log.info("published release %s as release index version %d in %s", release, candidate.version, feed)
    return ReleasePublishReport(
        str(feed), True, release, previous.version if previous else None, candidate.version, len(listed),
        sum(w.size for w in listed), written, candidate.expires.isoformat(),
    )  # fmt: skip
