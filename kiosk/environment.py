"""The one place that knows a terminal's paths, config and clock; passed down instead of globals."""

from __future__ import annotations

import os
import pickle
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.config import CONFIG_FILE_NAME, Config, load_config
from kiosk.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = PACKAGE_DIR.parent / "assets"
FONT_PATH = ASSETS_DIR / "fonts" / "wqy-microhei.ttc"
DEMO_SEEDS_DIR = ASSETS_DIR / "demo" / "seeds"
DEMO_FEED_DIR = ASSETS_DIR / "demo" / "feed"  # signed demo feed built from the seeds (kiosk.central.demo_feed)
DEMO_KEY_PATH = ASSETS_DIR / "demo" / "demo-feed.pub"  # trusted only for DEMO_FEED_DIR
REGIONS_PATH = ASSETS_DIR / "regions" / "regions.json"  # the region-code list shipped with a release


def default_home(environ: Mapping[str, str] | None = None) -> Path:
    """KIOSK_HOME, else offline_cache/ in a checkout, else the user's data directory."""
    environ = os.environ if environ is None else environ
    if environ.get("KIOSK_HOME"):
        return Path(environ["KIOSK_HOME"]).expanduser()
    checkout_cache = PACKAGE_DIR.parent / "offline_cache"
    if (PACKAGE_DIR.parent / "pyproject.toml").exists() and checkout_cache.is_dir():
        return checkout_cache
    return Path(environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "kiosk"


@dataclass
class Env:
    home: Path
    config: Config
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    # Program-wide services built on first use (the one HTTP session: kiosk.http.session).
    shared: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(
        cls,
        home: Path | None = None,
        config_path: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Env:
        home = (home or default_home(environ)).resolve()
        if config_path is not None and not config_path.exists():
            raise ConfigError(f"找不到配置文件 {config_path}。", f"config file {config_path} does not exist")
        config = load_config(config_path or home / CONFIG_FILE_NAME, environ)
        return cls(home=home, config=config)

    def ensure_home(self) -> Path:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"无法创建数据目录 {self.home}。", f"cannot create home directory {self.home}: {exc}"
            ) from exc
        return self.home

    def subdir(self, name: str) -> Path:
        path = self.ensure_home() / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def catalog_db(self) -> Path:
        return self.home / "catalog.sqlite3"

    @property
    def files_dir(self) -> Path:
        """Content-addressed attachment files of the synced catalog."""
        return self.home / "files"

    @property
    def sync_staging_dir(self) -> Path:
        """Verified feed files of a sync in progress; kept across a crash so the next sync resumes."""
        return self.home / "sync-staging"

    @property
    def sync_lock_path(self) -> Path:
        """Held while a sync runs, so the background scheduler and `kiosk sync` never overlap."""
        return self.home / "sync.lock"

    @property
    def ime_lexicon(self) -> Path:
        """The input method's lexicon, built once from jieba + pypinyin + the catalog (kiosk.ime)."""
        return self.home / "ime_lexicon.sqlite3"

    @property
    def ime_history(self) -> Path:
        """The terms residents chose in the search box, learned by the input method (kiosk.ime.history)."""
        return self.home / "ime_history.sqlite3"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def print_dir(self) -> Path:
        """Where the folder printer backend writes PDFs."""
        return Path(self.config.print_folder).expanduser() if self.config.print_folder else self.home / "prints"

    @property
    def print_log(self) -> Path:
        """One JSON line per print job: what was printed, never who printed it."""
        return self.log_dir / "prints.jsonl"

    @property
    def applications_db(self) -> Path:
        """Disclosure applications handed in here (personal data sealed), apart from the catalog."""
        return self.home / "applications.sqlite3"

    @property
    def keys_dir(self) -> Path:
        """Secret keys (0700): the application key lives here, never next to the database."""
        return self.home / "keys"

    @property
    def central_db_url(self) -> str:
        """The central intake database: config `central_db`, else a SQLite file in the home."""
        return self.config.central_db or f"sqlite:///{self.home / 'central-intake.sqlite3'}"

    @property
    def terminal_id(self) -> str:
        return self.config.terminal_id or socket.gethostname()

    def now(self) -> datetime:
        return self.clock()

    def for_child(self) -> str:
        """This env as text for a child process (`from_parent`): home, the effective config (a file
        outside the home and KIOSK_* overrides included) and the clock's offset from the real one."""
        config = self.config
        state = (self.home, dict(config.values), dict(config.sources), config.path, self.now() - _real_now())
        return pickle.dumps(state).hex()

    @classmethod
    def from_parent(cls, text: str) -> Env:
        home, values, sources, path, offset = pickle.loads(bytes.fromhex(text))
        return cls(
            home=home, config=Config(values=values, sources=sources, path=path), clock=lambda: _real_now() + offset
        )


def _real_now() -> datetime:
    return datetime.now().astimezone()
