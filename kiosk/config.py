"""One typed config: every option declared once, read from kiosk.toml with KIOSK_* env overrides."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import ConfigError

CONFIG_FILE_NAME = "kiosk.toml"


@dataclass(frozen=True)
class Option:
    name: str
    type: type  # str, int, float, bool or list (of str)
    default: Any
    help: str
    minimum: float | None = None
    choices: tuple[str, ...] | None = None
    secret: bool = False  # shown as *** by `config show`

    @property
    def env_var(self) -> str:
        return "KIOSK_" + self.name.upper()


OPTIONS: tuple[Option, ...] = (
    # The zone and its office, shown on screens, PDFs and receipts.
    Option("zone_name", str, "政务公开专区", "Name of the disclosure zone shown in headers."),
    Option("office_name", str, "本级人民政府办公室", "Office that answers disclosure applications."),
    Option("office_phone", str, "", "Phone number residents call to follow up."),
    Option("office_address", str, "", "Where residents collect answers in person."),
    Option("terminal_id", str, "", "Identifier of this terminal (defaults to the host name)."),
    # Logging.
    Option("log_level", str, "INFO", "Logging level.", choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    # The screen.
    Option("fullscreen", bool, False, "Start the window full screen (kiosk mode)."),
    Option("elderly_mode", bool, False, "Start with large type (elderly mode)."),
    Option("idle_reset_seconds", int, 120, "Return to the home screen after this long untouched.", minimum=10),
    Option(
        "staff_pin_hash",
        str,
        "",
        "Salted scrypt hash of the clerks' staff PIN, to provision many terminals with one PIN; "
        "`kiosk staff set-pin` writes HOME/staff_pin instead, which wins. Never the PIN itself.",
        secret=True,
    ),
    # Sync.
    Option("sync_source", str, "", "Feed URL (https://…) or directory (USB stick) to sync from."),
    Option("trusted_keys", list, [], "Ed25519 public keys trusted for the feed: key text or .pub paths."),
    Option("sync_interval_minutes", int, 60, "Background sync interval; 0 disables it.", minimum=0),
    Option("http_timeout_seconds", float, 20.0, "Timeout of one HTTP request.", minimum=1),
    # Applications.
    Option("central_url", str, "", "Base URL of the central intake service."),
    Option("terminal_token", str, "", "This terminal's token for the central intake service.", secret=True),
    Option("retention_days", int, 30, "Days personal data stays after central confirmed receipt.", minimum=0),
    Option(
        "heartbeat_interval_minutes",
        int,
        15,
        "How often the outbox worker reports this terminal's state and usage to central; 0 disables it.",
        minimum=0,
    ),
    Option(
        "central_db",
        str,
        "",
        "Central intake database: sqlite:///PATH or postgresql://… (default HOME/central-intake.sqlite3).",
        secret=True,  # a postgresql:// URL may carry a password
    ),
    # Printing.
    Option("printer_documents", str, "folder", "Backend for documents: folder, cups:QUEUE or escpos:DEVICE."),
    Option("printer_receipts", str, "folder", "Backend for receipts: folder, cups:QUEUE or escpos:DEVICE."),
    Option("print_folder", str, "", "Where the folder backend writes PDFs (default: HOME/prints)."),
    Option("print_quota_pages", int, 50, "Pages one visit may print before asking a clerk.", minimum=1),
    Option(
        "receipt_form",
        str,
        "auto",
        "Receipt paper: a4, thermal (80 mm) or auto (thermal on escpos printers, else A4).",
        choices=("auto", "a4", "thermal"),
    ),
    Option("escpos_profile", str, "TM-T20II", "python-escpos profile of the thermal printer (gives its dot width)."),
    # Chinese input.
    Option("ime_fuzzy", bool, False, "Accept fuzzy pinyin pairs (z/zh, n/l, an/ang …) for regional accents."),
)

_BY_NAME = {option.name: option for option in OPTIONS}


@dataclass(frozen=True)
class Config:
    values: Mapping[str, Any]
    sources: Mapping[str, str]
    path: Path | None = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def describe(self) -> list[dict[str, Any]]:
        return [
            {
                "name": o.name,
                "value": "***" if o.secret and self.values[o.name] else self.values[o.name],
                "source": self.sources[o.name],
                "env": o.env_var,
                "help": o.help,
            }
            for o in OPTIONS
        ]


def load_config(path: Path | None, environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then the TOML file (if it exists), then KIOSK_* environment variables."""
    environ = os.environ if environ is None else environ
    values = {o.name: o.default for o in OPTIONS}
    sources = {o.name: "default" for o in OPTIONS}
    if path is not None and path.exists():
        for key, raw in _read_toml(path).items():
            option = _BY_NAME.get(key)
            if option is None:
                raise ConfigError(
                    f"配置文件中有未知的设置项“{key}”，请检查拼写。",
                    f"unknown config key {key!r} in {path}",
                    field=key,
                )
            values[key] = _coerce(option, raw, origin=str(path))
            sources[key] = f"file:{path}"
    for option in OPTIONS:
        if option.env_var in environ:
            values[option.name] = _coerce(option, environ[option.env_var], origin=option.env_var)
            sources[option.name] = f"env:{option.env_var}"
    return Config(values=values, sources=sources, path=path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}。", f"cannot read config file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 格式错误：{exc}", f"config file {path} is not valid TOML: {exc}") from exc
    nested = [key for key, value in data.items() if isinstance(value, dict)]
    if nested:
        key = nested[0]
        raise ConfigError(f"配置文件中有未知的设置节“[{key}]”。", f"unknown config table [{key}] in {path}", field=key)
    return data


def _coerce(option: Option, raw: Any, *, origin: str) -> Any:
    value = _convert(option, raw)
    if value is None:
        expected = {str: "文本", int: "整数", float: "数字", bool: "true 或 false", list: "列表"}[option.type]
        raise ConfigError(
            f"设置项“{option.name}”的值无效（来自 {origin}），应为{expected}。",
            f"config key {option.name!r} from {origin} must be {option.type.__name__}, got {raw!r}",
            field=option.name,
        )
    if option.minimum is not None and value < option.minimum:
        raise ConfigError(
            f"设置项“{option.name}”不能小于 {option.minimum:g}（来自 {origin}）。",
            f"config key {option.name!r} from {origin} must be >= {option.minimum:g}, got {value!r}",
            field=option.name,
        )
    if option.choices and value not in option.choices:
        raise ConfigError(
            f"设置项“{option.name}”只能是 {'、'.join(option.choices)}（来自 {origin}）。",
            f"config key {option.name!r} from {origin} must be one of {option.choices}, got {value!r}",
            field=option.name,
        )
    return value


def _convert(option: Option, raw: Any) -> Any:
    """The value in the option's type, or None when it cannot be one. Env values arrive as text."""
    kind = option.type
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        return None
    if kind is int:
        if isinstance(raw, bool):
            return None
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            return int(raw.strip())
        return None
    if kind is float:
        if isinstance(raw, bool):
            return None
        if isinstance(raw, (int, float)):
            return float(raw)
        if isinstance(raw, str):
            try:
                return float(raw.strip())
            except ValueError:
                return None
        return None
    if kind is list:
        if isinstance(raw, str):
            return [part.strip() for part in raw.split(",") if part.strip()]
        if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
            return list(raw)
        return None
    return raw if isinstance(raw, str) else None
