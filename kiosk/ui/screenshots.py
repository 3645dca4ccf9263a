"""`kiosk ui screenshots`: every screen, standard and elderly, at the panel sizes kiosks have, rendered
headless from a throw-away home with the demo catalog — the README's gallery, and a way to look at
every screen after a change without standing at a terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kiosk.errors import KioskError

SIZES = ((1920, 1080), (1080, 1920))
MODES = ("normal", "elderly")
VIRTUAL_SCREEN = "-screen 0 1920x1920x24"
# Colours per picture: flat UI colours and anti-aliased text survive 128 well, at a fifth of the size.
PALETTE_COLOURS = 128


def render_gallery(out: Path, sizes=SIZES, modes=MODES, timeout: float = 300) -> list[Path]:
    """Render every screen for each size and mode into `out`; returns the PNG files written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for width, height in sizes:
        for mode in modes:
            with tempfile.TemporaryDirectory(prefix="kiosk-shots-") as scratch:
                written += _render_one(out, Path(scratch), width, height, mode, timeout)
    return written


def _render_one(out: Path, scratch: Path, width: int, height: int, mode: str, timeout: float) -> list[Path]:
    home = scratch / "home"
    home.mkdir()
    (home / "kiosk.toml").write_text(f"elderly_mode = {'true' if mode == 'elderly' else 'false'}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIVY_NO_ARGS="1",
        KIVY_NO_FILELOG="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_HOME=str(scratch / "kivy"),
        KIVY_DPI=env.get("KIVY_DPI", "96"),
        KIVY_CLIPBOARD="dummy",
        KIOSK_HOME=str(home),
    )
    report = scratch / "shots.json"
    command = [
        sys.executable,
        "-m",
        "kiosk.ui.screenshots",
        str(home),
        str(out),
        f"{width}x{height}",
        mode,
        str(report),
    ]
    if not env.get("DISPLAY"):
        if shutil.which("xvfb-run"):
            command = ["xvfb-run", "-a", "-s", VIRTUAL_SCREEN, *command]
        else:
            env["SDL_VIDEODRIVER"] = "offscreen"
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if not report.exists():
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise KioskError("截图失败。", f"screenshot run {width}x{height} {mode} exited {proc.returncode}: {tail}")
    data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("error"):
        raise KioskError("截图失败。", f"screenshot run {width}x{height} {mode}: {data['error']}")
    return [Path(p) for p in data["files"]]


def _shrink(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def _drive(app, out: Path, prefix: str, files: list[str]):
    """The tour: each `yield n` lets the app run n seconds so the screen settles before its picture."""
    from kivy.core.window import Window

    from kiosk.catalog.documents import list_documents
    from kiosk.catalog.relations import is_interpretation

    def shoot(name: str) -> None:
        target = out / f"{prefix}-{name}.png"
        made = Path(Window.screenshot(name=str(out / f".{prefix}-{name}.png")))
        made.replace(target)
        _shrink(target)
        files.append(str(target))

    from kiosk.staff.session import StaffSession
    from kiosk.ui.app import STAFF_SCREENS

    yield 1.0
    manager = app.root
    docs = list_documents()
    reading = next((d for d in docs if is_interpretation(d.title, d.category)), docs[0])
    special = {"reader", "receipt", *STAFF_SCREENS}  # need a document, an application, a staff session
    for name in manager.all_screen_names:
        if name in special:
            continue
        manager.current = name
        yield 0.6
        shoot(name)
    manager.current = "home"
    app.open_document(reading.id)
    yield 0.8
    shoot("reader")
    reader = manager.get_screen("reader")
    reader.start_print()
    for _ in range(100):
        yield 0.1
        dialogs = [w for w in Window.children if type(w).__name__ == "PrintDialog"]
        if dialogs and dialogs[0].stage != "preparing":
            break
    yield 0.3
    shoot("reader-print")
    app.reset_session()  # closes the dialog; the mode comes back from config
    app.open_document(reading.id)
    yield 0.3
    app.countdown.text = "还有 10 秒返回首页，点任意处继续"
    app.countdown.open(animation=False)
    yield 0.4
    shoot("idle-countdown")
    app.countdown.dismiss(animation=False)
    from kiosk.ui.errors import CALM_MESSAGE, CalmErrorView

    view = CalmErrorView(message=CALM_MESSAGE)
    view.open(animation=False)
    yield 0.4
    shoot("error-message")
    view.dismiss(animation=False)
    # The clerk's screens, in a staff session opened without the PIN pad (shown above as staff_pin).
    app.staff_opened(StaffSession(idle_seconds=app.env.config.idle_reset_seconds))
    for name in STAFF_SCREENS:
        manager.current = name
        yield 0.8
        for _ in range(50):  # the queue is read in a worker: a fresh home creates its database first
            if not getattr(manager.current_screen, "loading", False):
                break
            yield 0.1
        shoot(name)
    app.end_staff_mode("screenshots")


def _main() -> None:
    home, out, size, mode, report = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4], Path(sys.argv[5])
    width, height = size.split("x")
    from kivy.config import Config

    Config.set("graphics", "width", width)
    Config.set("graphics", "height", height)
    Config.set("graphics", "resizable", "0")
    from kivy.clock import Clock

    from kiosk.environment import Env
    from kiosk.sync.startup import open_catalog
    from kiosk.ui.app import KioskApp

    env = Env.load(home)
    open_catalog(env)
    app = KioskApp(env)
    files: list[str] = []
    result: dict = {"files": files}
    steps = _drive(app, out, f"{width}x{height}-{mode}", files)

    def advance(_dt: float) -> None:
        try:
            Clock.schedule_once(advance, next(steps))
        except StopIteration:
            finish()
        except Exception as exc:  # noqa: BLE001  (reported to the parent, which says it in its error)
            result["error"] = f"{type(exc).__name__}: {exc}"
            finish()

    def finish() -> None:
        report.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        app.stop()

    Clock.schedule_once(advance, 0.5)
    app.run()


if __name__ == "__main__":
    _main()
