"""`kiosk provision`: one command, or one file on a USB stick, turns a Debian machine into a terminal.

Every value is checked before anything is written; each file is written atomically and only when its
content or mode differs, so a second run changes nothing and says so; a step that cannot succeed stops with
its name and what to do. With a staging root (--root) nothing outside it is touched: the commands the real
system needs (user, printer queue, ownership, enabling the session) are written into it instead of being run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from kiosk.config import CONFIG_FILE_NAME, OPTIONS, Config, load_config
from kiosk.environment import PACKAGE_DIR, Env
from kiosk.errors import ExitStatus, KioskError
from kiosk.private_files import write_private_file
from kiosk.update.updater import adopt, install_hook

# The session files shipped with the code (a terminal runs from a checkout in /opt/kiosk, as `make install`).
TERMINAL_DIR = PACKAGE_DIR.parent / "deploy" / "terminal"
SHIPPED_PREFIX = "/opt/kiosk"  # the install root the shipped units name; replaced by the real one
HOME = Path("var/lib/kiosk")
ETC = Path("etc/kiosk")
USER = "kiosk"
SESSIONS = {"cage": "kiosk.service", "xorg": "kiosk-xorg.service"}
# The nightly unattended `kiosk update`, whichever session runs the kiosk.
UPDATE_UNITS = ("kiosk-update.service", "kiosk-update.timer")
UPDATE_TIMER = "kiosk-update.timer"
# The units' wrapper that exits with the kiosk's status, not the compositor's.
SESSION_SCRIPT = Path("usr/local/lib/kiosk/kiosk-session")
# What each session needs on the real system, and the Debian packages that bring it.
SESSION_PROGRAMS = {
    "cage": (("/usr/bin/cage", "cage"), ("/usr/bin/Xwayland", "xwayland")),
    "xorg": (("/usr/bin/xinit", "xinit"), ("/usr/bin/Xorg", "xserver-xorg-core")),
}
DEFAULT_QUEUE = "kiosk"
PENDING_SCRIPT = ETC / "provision-pending.sh"

_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{8,512}")
_QUEUE = re.compile(r"[A-Za-z0-9_.-]{1,127}")
_DEVICE_URI = re.compile(r"[a-z][a-z0-9+.-]*:\S+")

STEPS = {
    "check": ("检查安装参数", "check the values"),
    "permissions": ("检查权限", "check permissions"),
    "user": ("创建终端用户", "create the kiosk user"),
    "files": ("写入配置和服务文件", "write the configuration and session files"),
    "printer": ("添加打印机", "add the CUPS queue"),
    "release": ("登记当前软件版本", "adopt this installation as the current release"),
    "sync": ("首次同步目录", "first sync"),
    "ime": ("建立输入法词库", "build the input method (kiosk ime build)"),
    "enable": ("启用自助终端服务", "enable the kiosk session"),
}


class ProvisionError(KioskError):
    """A provisioning step that cannot succeed: names the step and what to do; what was there stays."""

    def __init__(
        self,
        step: str,
        detail_zh: str,
        detail_en: str,
        *,
        status: ExitStatus = ExitStatus.ERROR,
        field: str | None = None,
    ) -> None:
        zh, en = STEPS[step]
        super().__init__(
            f"“{zh}”这一步未能完成：{detail_zh}", f"provisioning step '{en}' failed: {detail_en}", field=field
        )
        self.step = step
        self.exit_status = status

    def to_dict(self) -> dict:
        return {**super().to_dict(), "step": self.step}


@dataclass(frozen=True)
class Request:
    """What an IT officer gives: on the command line or in provision.toml (same names, `_` for `-`)."""

    central: str = ""
    token: str = ""
    trusted_key: str = ""
    zone_name: str = ""
    feed: str = ""  # default: /feed/ on the central host
    terminal_id: str = ""
    printer: str = ""  # [QUEUE=]DEVICE_URI, e.g. hall-a4=ipp://192.168.1.20/ipp/print
    printer_model: str = "everywhere"  # lpadmin -m: IPP Everywhere (driverless) by default
    session: str = "cage"
    options: Mapping[str, Any] = field(default_factory=dict)  # more kiosk.toml settings ([config] in the file)

    def merged(self, overrides: Mapping[str, Any]) -> Request:
        """This request with the values given on the command line taking precedence."""
        return Request(
            **{**{f.name: getattr(self, f.name) for f in fields(self)}, **{k: v for k, v in overrides.items() if v}}
        )


def read_request(path: Path) -> Request:
    """provision.toml from a USB stick: the command's options as keys, kiosk.toml settings under [config]."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProvisionError(
            "check", f"无法读取安装文件 {path}。", f"cannot read {path}: {exc}", status=ExitStatus.BAD_INPUT
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProvisionError(
            "check", f"安装文件 {path} 格式错误：{exc}", f"{path} is not valid TOML: {exc}", status=ExitStatus.BAD_INPUT
        ) from exc
    known = {f.name for f in fields(Request)} - {"options"}
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if key == "config" and isinstance(value, dict):
            values["options"] = value
        elif name in known and isinstance(value, str):
            values[name] = value
        else:
            raise ProvisionError(
                "check",
                f"安装文件中的“{key}”无法识别或不是文本，请对照 deploy/terminal/provision.toml.sample 检查。",
                f"{path}: unknown key or not a string: {key!r}",
                status=ExitStatus.BAD_INPUT,
                field=key,
            )
    return Request(**values)


@dataclass
class Report:
    root: str
    files: list[dict[str, str]] = field(default_factory=list)
    steps: list[dict[str, str]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(f["action"] != "unchanged" for f in self.files) or any(
            s["result"] in ("done", "created", "updated") for s in self.steps
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "changed": self.changed,
            "files": self.files,
            "steps": self.steps,
            "commands": self.commands,
        }


@dataclass(frozen=True)
class _Plan:
    files: list[tuple[Path, bytes, int]]  # relative path, content, mode
    dirs: list[tuple[Path, int]]
    queue: str
    device_uri: str
    unit: str


def provision(
    request: Request,
    root: Path | None = None,
    *,
    skip_ime: bool = False,
    skip_sync: bool = False,
    run: Callable[[list[str]], subprocess.CompletedProcess] | None = None,
) -> Report:
    """Provision the machine (root None) or a staging root; returns what was created, updated or left."""
    staging = root is not None
    base = (root or Path("/")).resolve()
    run = run or _run
    plan = _plan(request)  # every check before the first write
    if not staging and os.geteuid() != 0:
        raise ProvisionError("permissions", "请用管理员身份运行（sudo kiosk provision …）。", "must run as root (sudo)")
    report = Report(root=str(base))
    commands: list[list[str]] = []

    if staging:
        commands.append(["systemd-sysusers", "/etc/sysusers.d/kiosk.conf"])
        report.steps.append({"step": "user", "result": "recorded"})
    else:
        _require_programs(plan, request)
        _create_user(base, plan, report, run)

    try:
        for rel, mode in plan.dirs:
            _put_dir(base / rel, mode, report, base)
        for rel, content, mode in plan.files[0 if staging else 1 :]:
            report.files.append(_put_file(base / rel, content, mode, base))
    except OSError as exc:
        raise ProvisionError(
            "files",
            f"无法写入 {exc.filename or base}，请检查磁盘空间和权限。",
            f"cannot write {exc.filename or base}: {exc}",
        ) from exc

    if plan.device_uri:
        lpadmin = ["lpadmin", "-p", plan.queue, "-E", "-v", plan.device_uri, "-m", request.printer_model]
        if staging:
            commands.append(lpadmin)
            report.steps.append({"step": "printer", "result": "recorded"})
        else:
            _add_printer(plan, lpadmin, report, run)

    _release_zero(install_prefix(), staging, commands, report)
    env = _staged_env(base)
    if skip_sync:
        report.steps.append({"step": "sync", "result": "skipped"})
    else:
        _first_sync(env, report)
    if skip_ime:
        report.steps.append({"step": "ime", "result": "skipped"})
    else:
        _build_ime(env, report)

    later = [
        ["chown", "-R", f"{USER}:{USER}", "/" + str(HOME)],
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", plan.unit, UPDATE_TIMER],
    ]
    if staging:
        commands.extend(later)
        script = "#!/bin/sh\n# What `kiosk provision --root` did not do outside the staging root: run on the terminal.\nset -e\n"
        script += "".join(shlex.join(c) + "\n" for c in commands)
        report.files.append(_put_file(base / PENDING_SCRIPT, script.encode(), 0o700, base))
        report.commands = [{"command": c, "result": "recorded"} for c in commands]
        report.steps.append({"step": "enable", "result": "recorded"})
    else:
        for command in later:
            _checked(run, command, "enable", report)
        report.steps.append({"step": "enable", "result": "done"})
    return report


def _plan(request: Request) -> _Plan:
    bad = ExitStatus.BAD_INPUT
    for name, zh in (
        ("central", "中心受理地址"),
        ("token", "终端令牌"),
        ("trusted_key", "目录签名公钥"),
        ("zone_name", "专区名称"),
    ):
        if not str(getattr(request, name)).strip():
            raise ProvisionError(
                "check",
                f"缺少{zh}（--{name.replace('_', '-')}）。",
                f"--{name.replace('_', '-')} is required",
                status=bad,
                field=name,
            )
    if not _is_http_url(request.central):
        raise ProvisionError(
            "check",
            "中心受理地址应为 http:// 或 https:// 开头的网址。",
            f"--central is not an http(s) URL: {request.central!r}",
            status=bad,
            field="central",
        )
    feed = request.feed or urljoin(request.central, "/feed/")
    if not (_is_http_url(feed) or Path(feed).is_absolute()):
        raise ProvisionError(
            "check",
            "目录来源应为网址或 U 盘上的绝对路径。",
            f"--feed is neither an http(s) URL nor an absolute path: {feed!r}",
            status=bad,
            field="feed",
        )
    if not _TOKEN.fullmatch(request.token):
        raise ProvisionError(
            "check",
            "终端令牌格式不对（8 至 512 个字母、数字或 ._~+/=-），请核对中心发放的令牌。",
            "--token must be 8-512 characters of [A-Za-z0-9._~+/=-]",
            status=bad,
            field="token",
        )
    if request.session not in SESSIONS:
        raise ProvisionError(
            "check",
            f"会话只能是 {'、'.join(SESSIONS)}。",
            f"--session must be one of {sorted(SESSIONS)}",
            status=bad,
            field="session",
        )
    if "terminal_token" in request.options:
        raise ProvisionError(
            "check",
            "令牌请用 token 给出，它只写入 /etc/kiosk/env。",
            "give the token as `token`, never in [config]",
            status=bad,
            field="terminal_token",
        )
    key_text = _trusted_key_text(request.trusted_key)
    queue, device_uri = _printer(request.printer)

    values: dict[str, Any] = {
        "zone_name": request.zone_name.strip(),
        "terminal_id": request.terminal_id.strip(),
        "fullscreen": True,
        "sync_source": feed,
        "trusted_keys": [key_text],
        "central_url": request.central,
    }
    if device_uri:
        values["printer_documents"] = values["printer_receipts"] = f"cups:{queue}"
    values.update(request.options)
    values = {k: v for k, v in values.items() if v != ""}
    toml = _render_toml(values)
    env_file = f"# Read by systemd for the kiosk session (EnvironmentFile=); root only.\nKIOSK_TERMINAL_TOKEN={request.token}\n"
    _validate(toml, request.token, values)

    prefix = install_prefix()
    files: list[tuple[Path, bytes, int]] = [
        (Path("etc/sysusers.d/kiosk.conf"), (TERMINAL_DIR / "sysusers.d" / "kiosk.conf").read_bytes(), 0o644),
        (HOME / CONFIG_FILE_NAME, toml.encode("utf-8"), 0o600),
        (ETC / "env", env_file.encode("utf-8"), 0o600),
        (Path("etc/pam.d/kiosk"), (TERMINAL_DIR / "pam.d" / "kiosk").read_bytes(), 0o644),
        (
            Path("etc/X11/xorg.conf.d/10-kiosk-lockdown.conf"),
            (TERMINAL_DIR / "xorg.conf.d" / "10-kiosk-lockdown.conf").read_bytes(),
            0o644,
        ),
    ]
    files.append((SESSION_SCRIPT, (TERMINAL_DIR / "kiosk-session").read_bytes(), 0o755))
    for unit in (*SESSIONS.values(), *UPDATE_UNITS):
        text = (TERMINAL_DIR / unit).read_text(encoding="utf-8").replace(SHIPPED_PREFIX, str(prefix))
        files.append((Path("etc/systemd/system") / unit, text.encode("utf-8"), 0o644))
    dirs = [(Path("var/lib"), 0o755), (HOME, 0o700), (ETC, 0o755)]
    return _Plan(files=files, dirs=dirs, queue=queue, device_uri=device_uri, unit=SESSIONS[request.session])


def _is_http_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _trusted_key_text(value: str) -> str:
    """The key as text (`ed25519:BASE64`), from the text itself or a .pub file; kiosk.toml then needs no file."""
    from kiosk.sync.signing import load_trusted_keys, public_text

    try:
        keys = load_trusted_keys([value])
    except KioskError as exc:
        raise ProvisionError(
            "check",
            exc.message_zh + "请给出中心的公钥文本或 .pub 文件。",
            exc.message_en,
            status=ExitStatus.BAD_INPUT,
            field="trusted_key",
        ) from exc
    return public_text(next(iter(keys.values())))


def _printer(spec: str) -> tuple[str, str]:
    if not spec:
        return "", ""
    queue, _, uri = spec.rpartition("=") if "=" in spec.split(":", 1)[0] else ("", "", spec)
    queue = queue or DEFAULT_QUEUE
    if not _QUEUE.fullmatch(queue) or not _DEVICE_URI.fullmatch(uri):
        raise ProvisionError(
            "check",
            "打印机应写作 [队列名=]设备地址，例如 hall-a4=ipp://192.168.1.20/ipp/print 或 usb://HP/LaserJet。",
            f"--printer must be [QUEUE=]DEVICE_URI, got {spec!r}",
            status=ExitStatus.BAD_INPUT,
            field="printer",
        )
    return queue, uri


def _render_toml(values: Mapping[str, Any]) -> str:
    """kiosk.toml in the options' own order, each with its help; JSON string escapes are valid TOML."""
    lines = ["# One terminal's configuration, written by `kiosk provision`. Every key: `kiosk config show`.", ""]
    order = [o.name for o in OPTIONS]
    helps = {o.name: o.help for o in OPTIONS}
    for name in sorted(values, key=lambda n: order.index(n) if n in order else len(order)):
        lines.append(f"# {helps.get(name, '')}")
        lines.append(f"{name} = {_toml_value(values[name])}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return (
        json.dumps(value, ensure_ascii=False) if isinstance(value, str) else json.dumps(str(value), ensure_ascii=False)
    )


def _validate(toml: str, token: str, values: Mapping[str, Any]) -> Config:
    """The file as the kiosk will read it, through the one options spec: unknown keys, types, ranges, choices."""
    with tempfile.TemporaryDirectory(prefix="kiosk-provision-") as folder:
        path = Path(folder) / CONFIG_FILE_NAME
        path.write_text(toml, encoding="utf-8")
        try:
            config = load_config(path, environ={"KIOSK_TERMINAL_TOKEN": token})
        except KioskError as exc:
            raise ProvisionError(
                "check",
                exc.message_zh.replace(str(path), "kiosk.toml"),
                exc.message_en.replace(str(path), "kiosk.toml"),
                status=ExitStatus.BAD_INPUT,
                field=exc.field,
            ) from exc
    for name, value in values.items():
        if config.values[name] != value:  # a value the TOML writer could not carry unchanged
            raise ProvisionError(
                "check",
                f"设置项“{name}”的值无法写入配置文件。",
                f"{name}={value!r} does not survive kiosk.toml",
                status=ExitStatus.BAD_INPUT,
                field=name,
            )
    return config


def install_prefix() -> Path:
    """Where this program is installed: PREFIX of PREFIX/.venv (a `make install` checkout) or of
    PREFIX/releases/VERSION (an updated terminal); the units run PREFIX/current/bin/kiosk."""
    venv = Path(sys.prefix)
    if venv.name == ".venv":
        return venv.parent
    if venv.parent.name == "releases":
        return venv.parent.parent
    return Path(SHIPPED_PREFIX)


def _release_zero(prefix: Path, staging: bool, commands: list[list[str]], report: Report) -> None:
    """The units start PREFIX/current/bin/kiosk and run the update hook after every stop: a new terminal's
    own venv becomes release zero (kiosk.update adopts it), so there is a `current` to start and roll back to."""
    if staging:
        code = f"from pathlib import Path; from kiosk.update.updater import adopt, install_hook; p = Path({str(prefix)!r}); adopt(p); install_hook(p)"
        commands.append([sys.executable, "-c", code])
        report.steps.append({"step": "release", "result": "recorded"})
        return
    try:
        adopt(prefix)
        install_hook(prefix)
    except OSError as exc:
        raise ProvisionError(
            "release",
            f"无法在 {prefix} 建立当前版本链接，请检查安装目录。",
            f"cannot adopt {prefix}/.venv as the current release: {exc}",
        ) from exc
    report.steps.append({"step": "release", "result": "done"})


def _put_dir(path: Path, mode: int, report: Report, base: Path) -> None:
    if path.is_dir():
        if path.stat().st_mode & 0o7777 == mode:
            return
        path.chmod(mode)
        action = "updated"
    else:
        path.mkdir(parents=True)
        path.chmod(mode)  # whatever the umask
        action = "created"
    report.files.append({"path": _shown(path, base), "action": action, "mode": f"{mode:04o}"})


def _put_file(path: Path, content: bytes, mode: int, base: Path) -> dict[str, str]:
    """Write only when content or mode differ; temp file, fsync, rename: a crash leaves the old or the new file."""
    shown = {"path": _shown(path, base), "mode": f"{mode:04o}"}
    if path.is_file() and path.read_bytes() == content:
        if path.stat().st_mode & 0o7777 == mode:
            return {**shown, "action": "unchanged"}
        path.chmod(mode)
        return {**shown, "action": "updated"}
    action = "updated" if path.exists() else "created"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private_file(path, content, mode)
    return {**shown, "action": action}


def _shown(path: Path, base: Path) -> str:
    return "/" + str(path.relative_to(base))


def _run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _checked(run: Callable, command: list[str], step: str, report: Report) -> None:
    try:
        result = run(command)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ProvisionError(step, f"无法运行 {command[0]}：{exc}", f"cannot run {shlex.join(command)}: {exc}") from exc
    if result.returncode != 0:
        raise ProvisionError(
            step,
            f"命令 {shlex.join(command)} 失败：{result.stderr.strip()[:300]}",
            f"{shlex.join(command)} exited {result.returncode}: {result.stderr.strip()[:300]}",
        )
    report.commands.append({"command": command, "result": "ran"})


def _require_programs(plan: _Plan, request: Request) -> None:
    needed = [("/usr/bin/systemd-sysusers", "systemd"), *SESSION_PROGRAMS[request.session]]
    if plan.device_uri:
        needed.append(("/usr/sbin/lpadmin", "cups"))
    missing = sorted({package for program, package in needed if not Path(program).exists()})
    if missing:
        raise ProvisionError(
            "permissions",
            f"缺少软件包，请先运行：apt-get install {' '.join(missing)}",
            f"missing Debian packages, run: apt-get install {' '.join(missing)}",
        )


def _create_user(base: Path, plan: _Plan, report: Report, run: Callable) -> None:
    import pwd

    rel, content, mode = plan.files[0]  # the sysusers.d file goes first: it is what creates the user
    try:
        existed = bool(pwd.getpwnam(USER))
    except KeyError:
        existed = False
    try:
        report.files.append(_put_file(base / rel, content, mode, base))
    except OSError as exc:
        raise ProvisionError("user", f"无法写入 {base / rel}。", f"cannot write {base / rel}: {exc}") from exc
    _checked(run, ["systemd-sysusers", "/" + str(rel)], "user", report)
    report.steps.append({"step": "user", "result": "unchanged" if existed else "created"})


def _add_printer(plan: _Plan, lpadmin: list[str], report: Report, run: Callable) -> None:
    shown = run(["lpstat", "-v", plan.queue])
    if shown.returncode == 0 and shown.stdout.strip().endswith(plan.device_uri):
        report.steps.append({"step": "printer", "result": "unchanged"})
        return
    _checked(run, lpadmin, "printer", report)
    report.steps.append({"step": "printer", "result": "updated" if shown.returncode == 0 else "created"})


def _staged_env(base: Path) -> Env:
    home = base / HOME
    try:
        config = load_config(home / CONFIG_FILE_NAME, environ={})
    except KioskError as exc:
        raise ProvisionError("files", exc.message_zh, exc.message_en) from exc
    return Env(home=home, config=config)


def _first_sync(env: Env, report: Report) -> None:
    """Before the input method: its lexicon takes the catalog's own words (titles, issuers)."""
    from kiosk.catalog.catalog_db import open_store
    from kiosk.sync.updater import sync_catalog

    try:
        open_store(env.catalog_db)
        result = sync_catalog(env)
    except KioskError as exc:
        raise ProvisionError(
            "sync",
            f"{exc.message_zh}请检查网络和目录地址后重新运行；也可加 --skip-sync 先完成安装，之后运行 kiosk sync。",
            f"{exc.message_en}; check the network and the feed, or add --skip-sync and run `kiosk sync` later",
            status=exc.exit_status,
        ) from exc
    report.steps.append(
        {
            "step": "sync",
            "result": "unchanged" if result.status == "up_to_date" else "done",
            "detail": f"version {result.version_after}",
        }
    )


def _build_ime(env: Env, report: Report) -> None:
    from kiosk.catalog.catalog_db import open_store
    from kiosk.ime.setup import ensure_lexicon

    try:
        open_store(env.catalog_db)  # a provisioned terminal's catalog comes from its feed, not the demo
        built = ensure_lexicon(env)
    except KioskError as exc:
        raise ProvisionError(
            "ime",
            f"{exc.message_zh}可加 --skip-ime 跳过，终端首次启动时会自动建立。",
            exc.message_en,
            status=exc.exit_status,
        ) from exc
    report.steps.append({"step": "ime", "result": "done" if built is not None else "unchanged"})
