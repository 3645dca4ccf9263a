"""`kiosk update`: fetch the signed release index and wheels like the catalog (HTTP or a USB stick), install
the release side by side in its own venv, offline, run ITS health check on a copy of the home, and only
then switch `current` to it atomically and restart the kiosk. A SIGKILL at any point leaves `current` on
a complete, health-checked release: the old one until the switch, the new one after it."""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.config import CONFIG_FILE_NAME
from kiosk.environment import DEMO_KEY_PATH, Env
from kiosk.errors import BadInput, ConfigError, KioskError, NotFound, Refused, StorageError
from kiosk.sync import trust
from kiosk.sync.feed import object_path, sha256_bytes
from kiosk.sync.signing import canonical_json, load_trusted_keys, verify_root
from kiosk.sync.sources import open_source
from kiosk.update import layout
from kiosk.update.release import PROJECT, RELEASE_DIR, ReleaseIndex, parse_release_index

log = logging.getLogger(__name__)

DEFAULT_PREFIX = Path("/opt/kiosk")
TRUST_FILE = "release-trust.json"  # the newest release index verified here: the rollback check's memory
DOWNLOADS = "downloads"  # verified wheels by SHA-256, kept across a crash so the next run resumes
HEALTH_HOME = ".health"
HEALTH_TIMEOUT_SECONDS = 300.0
UNITS = ("kiosk.service", "kiosk-xorg.service")
_FOREIGN_PATHS = ("PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "KIOSK_HOME")


class UpdateBusy(KioskError):
    """Another update, rollback or crash decision is running on this install root."""


@dataclass
class UpdateReport:
    status: str  # updated | up_to_date | health_check_failed
    source: str
    release_before: str | None
    release_after: str | None
    index_version: int | None = None
    bytes_fetched: int = 0
    files_fetched: int = 0
    restarted: bool = False
    seconds: float = 0.0
    health: dict[str, Any] | None = None
    message_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Options:
    """How updates run on this terminal; tests point `prefix` at a temporary folder."""

    prefix: Path = DEFAULT_PREFIX
    restart_command: list[str] | None = None  # None: systemctl try-restart when systemd runs the machine
    health_timeout: float = HEALTH_TIMEOUT_SECONDS
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def default_restart_command() -> list[str]:
    """systemctl try-restart of the kiosk units when systemd is PID 1 (only a running unit restarts);
    elsewhere nothing: whoever runs the kiosk by hand restarts it."""
    if Path("/run/systemd/system").is_dir() and shutil.which("systemctl"):
        return ["systemctl", "try-restart", *UNITS]
    return []


def parse_restart_command(text: str | None) -> list[str] | None:
    return None if text is None else shlex.split(text)


def _locked(prefix: Path):
    """The install root's lock; an install root that cannot be written is a clear error, not a traceback."""
    try:
        prefix.mkdir(parents=True, exist_ok=True)
        (prefix / layout.LOCK).touch()
    except OSError as exc:
        raise StorageError(f"无法写入软件安装目录 {prefix}。", f"cannot use install root {prefix}: {exc}") from exc
    return layout.locked(prefix)


def _busy() -> UpdateBusy:
    return UpdateBusy("另一个软件更新正在进行，请稍后再试。", "another update holds the install root's lock")


def _release_source(spec: str) -> str:
    """The release folder of a feed given as URL or folder (the same spec as `kiosk sync --source`)."""
    parts = urlsplit(spec.strip())
    if parts.scheme.lower() in ("http", "https"):
        base = spec.strip() if spec.strip().endswith("/") else spec.strip() + "/"
        return base + RELEASE_DIR + "/"
    path = parts.path if parts.scheme.lower() == "file" else spec.strip()
    return str(Path(path).expanduser() / RELEASE_DIR)


def _keys(env: Env, given: list[str] | None) -> dict:
    configured = load_trusted_keys(given if given is not None else list(env.config.trusted_keys))
    return trust.check_keys(configured, load_trusted_keys([str(DEMO_KEY_PATH)]))


def current_release(prefix: Path) -> str | None:
    target = layout.current_target(prefix)
    return None if target is None else layout.relative_name(prefix, target)


def adopt(prefix: Path) -> None:
    """A terminal installed from a checkout (`make install`: PREFIX/.venv) has no `current` yet: its venv
    becomes release zero, so the units' `current/bin/kiosk` runs and there is something to roll back to."""
    if layout.current_target(prefix) is None and layout.is_runnable(prefix / layout.BASE):
        layout.switch_current(prefix, prefix / layout.BASE)
        log.info("adopted %s as the current release", prefix / layout.BASE)


def install_hook(prefix: Path) -> None:
    """The crash hook the units run (layout.py, standard library only), refreshed from this version."""
    source = Path(layout.__file__).read_bytes()
    target = prefix / layout.HOOK
    if target.is_file() and target.read_bytes() == source:
        return
    temporary = prefix / f".{layout.HOOK}.tmp"
    temporary.write_bytes(source)
    temporary.replace(target)


def _restart(options: Options) -> bool:
    command = options.restart_command if options.restart_command is not None else default_restart_command()
    if not command:
        return False
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        # The switch stands (the release is health-checked); the next start of the kiosk runs it.
        log.warning("restart command %s failed: %s", command, result.stderr.strip()[-500:])
        return False
    return True


def update(
    env: Env,
    options: Options,
    *,
    source: str | None = None,
    trusted_keys: list[str] | None = None,
) -> UpdateReport:
    """Bring this terminal to the release in the feed at `source` (default: config `sync_source`)."""
    started = time.monotonic()
    spec = source or env.config.sync_source
    if not spec:
        raise ConfigError(
            "未设置同步来源：请在配置中填写 sync_source，或使用 --source 指定地址或目录。",
            "no sync source: set sync_source or pass --source",
            field="sync_source",
        )
    keys = _keys(env, trusted_keys)
    prefix = options.prefix
    try:
        with _locked(prefix):
            report = _Update(env, options, _release_source(spec), keys).run()
    except layout.Busy:
        raise _busy() from None
    report.seconds = round(time.monotonic() - started, 3)
    log.info("update from %s: %s, %s → %s", report.source, report.status, report.release_before, report.release_after)
    return report


class _Update:
    def __init__(self, env: Env, options: Options, spec: str, keys: dict) -> None:
        self.env, self.options, self.keys = env, options, keys
        self.prefix = options.prefix
        self.source = open_source(env, spec)

    def run(self) -> UpdateReport:
        prefix = self.prefix
        adopt(prefix)
        before = current_release(prefix)
        index = self._verified_index()
        report = UpdateReport("up_to_date", self.source.label, before, before, index_version=index.version)
        target = layout.release_dir(prefix, index.release)
        if (target / layout.FAILED).exists():
            raise Refused(
                f"软件版本 {index.release} 曾在本机健康检查失败或被回退，不再安装；请等待中心发布新版本。",
                f"release {index.release} failed or was rolled back on this terminal; not installing it again",
            )
        current = layout.current_target(prefix)
        if current is not None and current.resolve() == target.resolve():
            report.message_zh = f"软件已是最新版本（{index.release}）。"
            return report
        if not layout.is_healthy(target):
            self._clear_incomplete()
            self._fetch(index)
            report.bytes_fetched, report.files_fetched = self.source.bytes_fetched, self.source.files_fetched
            self._install(index, target)
            health = self._health_check(target)
            report.health = health
            if not health["ok"]:
                self._reject(target, health)
                report.status = "health_check_failed"
                report.message_zh = (
                    f"新版本 {index.release} 未通过健康检查，已放弃安装，本机继续使用 {before or '现有版本'}。"
                )
                return report
            layout.write_json(
                target / layout.MARKER,
                {
                    "release": index.release,
                    "healthy": True,
                    "installed_at": self.env.now().isoformat(timespec="seconds"),
                    "replaces": before,
                    "index_version": index.version,
                    "wheel_sha256": index.wheel.sha256,
                    "health": health,
                },
            )
        # Health-checked (now, or by a run killed before its switch): switch, then restart.
        install_hook(prefix)
        layout.switch_current(prefix, target)
        layout.write_json(prefix / layout.CRASHES, {"release": layout.relative_name(prefix, target), "times": []})
        shutil.rmtree(prefix / DOWNLOADS, ignore_errors=True)
        report.status, report.release_after = "updated", current_release(prefix)
        report.restarted = _restart(self.options)
        report.message_zh = f"软件已更新到 {index.release}（原为 {before or '—'}）。"
        return report

    def _verified_index(self) -> ReleaseIndex:
        fetched = self.source.fetch_root(None)
        signed = verify_root(fetched.raw or b"", self.keys)
        index = parse_release_index(signed)
        digest = sha256_bytes(canonical_json(signed))
        held = layout.read_json(self.prefix / TRUST_FILE) or {}
        version = held.get("version")
        trust.check_version(
            trust.TrustedVersion(version if isinstance(version, int) else None, held.get("sha256"), demo=False),
            index.version,
            digest,
        )
        trust.check_expiry(index.expires, self.env.now())
        if version != index.version:
            layout.write_json(self.prefix / TRUST_FILE, {"version": index.version, "sha256": digest})
        return index

    def _clear_incomplete(self) -> None:
        """Releases a killed update left half-built (no marker, no failure record): never runnable as such."""
        releases = self.prefix / layout.RELEASES
        for path in releases.iterdir() if releases.is_dir() else []:
            if path.is_dir() and not (path / layout.MARKER).exists() and not (path / layout.FAILED).exists():
                shutil.rmtree(path)

    def _fetch(self, index: ReleaseIndex) -> None:
        downloads = self.prefix / DOWNLOADS
        for wheel in index.wheels:
            dest = downloads / wheel.sha256
            if dest.is_file() and dest.stat().st_size == wheel.size:
                continue  # verified by an earlier, interrupted run (a file only lands there verified)
            self.source.fetch(object_path(wheel.sha256), wheel.ref, dest, "软件包")

    def _install(self, index: ReleaseIndex, target: Path) -> None:
        """A venv of its own, without pip (seconds, not the 20 s of ensurepip), filled by this program's pip
        from the verified wheels only (--no-index): nothing else can enter the release."""
        try:
            target.mkdir(parents=True)
            wheels = target / "wheels"
            wheels.mkdir()
            for wheel in index.wheels:
                source = self.prefix / DOWNLOADS / wheel.sha256
                try:
                    os.link(source, wheels / wheel.name)
                except OSError:
                    shutil.copyfile(source, wheels / wheel.name)
        except OSError as exc:
            raise StorageError(
                "无法写入软件安装目录，本机继续使用现有版本。", f"cannot prepare {target}: {exc}"
            ) from exc
        self._run([sys.executable, "-m", "venv", "--without-pip", str(target)], "创建运行环境")
        requirements = [f"{PROJECT}=={index.release}"]
        if any(w.name.lower().startswith("pip-") for w in index.dependencies):
            requirements.append("pip")  # so that this release can run the next update itself
        self._run(
            [
                sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"), "install", "-q",
                "--no-index", "--find-links", str(wheels), "--disable-pip-version-check",
                "--no-warn-script-location", *requirements,
            ],
            "安装软件包",
        )  # fmt: skip

    def _release_environ(self) -> dict[str, str]:
        """The environment for the new release's processes: its own code only, never this one's path."""
        return {k: v for k, v in self.options.environ.items() if k not in _FOREIGN_PATHS}

    def _run(self, command: list[str], what_zh: str) -> None:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800, env=self._release_environ())
        if result.returncode != 0:
            raise BadInput(
                f"{what_zh}失败，本机继续使用现有版本。详见日志。",
                f"{command[2]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}",
            )

    def _health_check(self, target: Path) -> dict[str, Any]:
        """The new release's own `kiosk selfcheck` on a copy of the home: imports, migrations, home screen."""
        scratch = self.prefix / HEALTH_HOME
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(mode=0o700)
        try:
            home = scratch / "home"
            copy_home(self.env.home, home)
            environ = self._release_environ()
            environ["KIOSK_HOME"] = str(home)
            started = time.monotonic()
            try:
                result = subprocess.run(
                    [str(target / "bin" / "kiosk"), "--home", str(home), "selfcheck", "--json"],
                    capture_output=True,
                    text=True,
                    env=environ,
                    cwd=scratch,
                    timeout=self.options.health_timeout,
                )
            except subprocess.TimeoutExpired:
                return {"ok": False, "detail": f"no answer within {self.options.health_timeout:.0f} s"}
            except OSError as exc:
                return {"ok": False, "detail": f"cannot run the new release: {exc}"}
            health: dict[str, Any] = {"ok": result.returncode == 0, "seconds": round(time.monotonic() - started, 1)}
            if result.returncode != 0:
                health["detail"] = (result.stdout + result.stderr).strip()[-2000:]
            return health
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _reject(self, target: Path, health: dict[str, Any]) -> None:
        """Keep only the failure record of a release that failed its check, so it is not tried again."""
        log.warning("release %s failed its health check: %s", target.name, health.get("detail", ""))
        for path in target.iterdir():
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        layout.mark_failed(target, "health check failed", time.time())


def copy_home(home: Path, dest: Path) -> None:
    """The home's databases (consistent copies through SQLite's backup, even while the kiosk writes) and its
    config: the new version migrates and starts on these, never on the live files."""
    dest.mkdir(parents=True, exist_ok=True)
    if (home / CONFIG_FILE_NAME).is_file():
        shutil.copyfile(home / CONFIG_FILE_NAME, dest / CONFIG_FILE_NAME)
    for database in sorted(home.glob("*.sqlite3")) if home.is_dir() else []:
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as source:
                with sqlite3.connect(dest / database.name) as copy:
                    source.backup(copy)
        except sqlite3.Error as exc:
            raise StorageError(
                f"无法复制数据库 {database.name} 以做健康检查，本机继续使用现有版本。",
                f"cannot copy {database} for the health check: {exc}",
            ) from exc


def rollback(env: Env, options: Options) -> UpdateReport:
    """Back to the release the current one replaced (or the newest other healthy one); the current one is
    marked so that `kiosk update` does not install it again."""
    prefix = options.prefix
    try:
        with _locked(prefix):
            adopt(prefix)
            before = current_release(prefix)
            target = layout.rollback_target(prefix)
            if target is None:
                raise NotFound("本机没有可回退的旧版本。", f"no healthy release to roll back to in {prefix}")
            current = layout.current_target(prefix)
            if current is not None:
                layout.mark_failed(current, "rolled back by hand", time.time())
            install_hook(prefix)
            layout.switch_current(prefix, target)
            layout.write_json(prefix / layout.CRASHES, {"release": layout.relative_name(prefix, target), "times": []})
    except layout.Busy:
        raise _busy() from None
    after = current_release(prefix)
    report = UpdateReport("rolled_back", str(prefix), before, after, message_zh=f"已回退：{before} → {after}。")
    report.restarted = _restart(options)
    return report


def status(options: Options) -> dict[str, Any]:
    """What runs, what could be rolled back to, the release index trusted, and the crash count."""
    prefix = options.prefix
    current = layout.current_target(prefix)
    marker = (layout.read_json(current / layout.MARKER) if current else None) or {}
    target = layout.rollback_target(prefix)
    crashes = layout.read_json(prefix / layout.CRASHES) or {}
    trusted = layout.read_json(prefix / TRUST_FILE) or {}
    releases = []
    for path in sorted((prefix / layout.RELEASES).iterdir()) if (prefix / layout.RELEASES).is_dir() else []:
        state = "healthy" if layout.is_healthy(path) else "failed" if (path / layout.FAILED).exists() else "incomplete"
        releases.append({"release": path.name, "state": state})
    return {
        "prefix": str(prefix),
        "current": current_release(prefix),
        "current_release": marker.get("release"),
        "installed_at": marker.get("installed_at"),
        "rollback_to": layout.relative_name(prefix, target) if target else None,
        "releases": releases,
        "index_version": trusted.get("version"),
        "crashes": len(crashes.get("times") or []) if crashes.get("release") == current_release(prefix) else 0,
    }
