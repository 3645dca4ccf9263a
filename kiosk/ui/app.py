"""The Kivy application: screens, theme, fonts and the bridge to the core services."""

from __future__ import annotations

import logging
import os
import threading

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
# Kivy's default mode takes over the root logger (level NOTSET, its own handlers, stderr redirected):
# kiosk.logs configures logging, and Kivy's messages reach HOME/logs/kiosk.log through it.
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
# A kiosk has nothing to copy or paste: Kivy's dummy provider, instead of probing for xclip and xsel at every
# start and logging their tracebacks when they are missing.
os.environ.setdefault("KIVY_CLIPBOARD", "dummy")

import kivy  # noqa: E402

# KIVY_CLIPBOARD does not reach the X cut buffer, which Kivy 2.3.1 still looks for in xclip and xsel on
# Linux; no provider at all leaves one expected CRITICAL line, dropped below.
kivy.kivy_options["cutbuffer"] = ()
logging.getLogger("kivy").addFilter(
    lambda record: not str(record.msg).startswith("Cutbuffer: Unable to find any valuable Cutbuffer provider")
)

from kivy.app import App  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.config import Config as KivyConfig  # noqa: E402
from kivy.lang import Builder  # noqa: E402
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty  # noqa: E402
from kivy.uix.modalview import ModalView  # noqa: E402
from kivy.uix.screenmanager import NoTransition, ScreenManager  # noqa: E402

from kiosk.environment import Env  # noqa: E402
from kiosk.errors import KioskError  # noqa: E402
from kiosk.printing.quota import PageQuota  # noqa: E402
from kiosk.speech import Speaker  # noqa: E402
from kiosk.ui import errors  # noqa: E402
from kiosk.ui.fonts import register_cjk_font  # noqa: E402
from kiosk.ui.idle import IdleReset, countdown_text  # noqa: E402
from kiosk.ui.theme import theme  # noqa: E402
from kiosk.ui.widgets import header  # noqa: E402  (KioskHeader, used by every screen; the staff corner)
from kiosk.watchdog import Notifier, enable_stack_dumps, install_test_freeze_hook  # noqa: E402

log = logging.getLogger(__name__)
STARTUP_GRACE_SECONDS = 0.5  # the input method and background work start this long after the first frame
# `kiosk run`'s exit status after a clerk's 退出自助模式 with the PIN: the unit's RestartPreventExitStatus=
# names it, so Restart=always does not bring the kiosk straight back.
LEFT_KIOSK_EXIT_STATUS = 80
STAFF_SCREENS = ("staff_home", "staff_queue", "staff_reprint", "staff_sync", "staff_printers", "staff_outbox")

Builder.load_string(
    """
#:import theme kiosk.ui.theme.theme

# Kivy's manager clips its screens with a stencil, two more full-screen passes per frame; ours fills the
# window and switches without animation, so there is nothing to clip.
<-LazyScreenManager>:

<IdleCountdown>:
    auto_dismiss: False
    size_hint: 0.8, None
    height: theme.button_height * 2.5
    background_color: theme.color_overlay
    Label:
        text: root.text
        font_size: theme.font_title
        bold: True
        color: theme.color_text
        halign: "center"
        valign: "middle"
        text_size: self.size
        canvas.before:
            Color:
                rgba: theme.color_surface
            Rectangle:
                pos: self.pos
                size: self.size
"""
)


class IdleCountdown(ModalView):
    """还有 N 秒返回首页: any touch on it keeps the page and is not passed to what lies beneath."""

    text = StringProperty("")

    def on_touch_down(self, touch) -> bool:
        self.dismiss(animation=False)
        return True


# Every screen by name, with the module and class that make it. Only home is made at start: the others
# are made the first time they are shown or asked for (the home screen is up sooner; a visit that never
# opens the staff screens never pays for them).
SCREEN_CLASSES: dict[str, tuple[str, str]] = {
    "home": ("home", "HomeScreen"),
    "search": ("search", "SearchScreen"),
    "browse": ("browse", "BrowseScreen"),
    "interpretations": ("interpretations", "InterpretationsScreen"),
    "reader": ("reader", "ReaderScreen"),
    "apply": ("apply", "ApplyScreen"),
    "lookup": ("receipt", "LookupScreen"),
    "receipt": ("receipt", "ReceiptScreen"),
    "staff_pin": ("staff_pin", "StaffPinScreen"),
    "staff_home": ("staff_home", "StaffHomeScreen"),
    "staff_queue": ("staff_queue", "StaffQueueScreen"),
    "staff_reprint": ("staff_reprint", "StaffReprintScreen"),
    "staff_sync": ("staff_sync", "StaffSyncScreen"),
    "staff_printers": ("staff_printers", "StaffPrintersScreen"),
    "staff_outbox": ("staff_outbox", "StaffOutboxScreen"),
}


RESIDENT_SCREENS = ("search", "browse", "interpretations", "reader", "apply", "lookup", "receipt")
PREPARE_SCREENS_AFTER_SECONDS = 1.5


class InstantTransition(NoTransition):
    """NoTransition still ends at the next clock tick, so one frame draws the new screen over the old one
    (which shows through a screen without a background of its own). This one swaps them at once."""

    def start(self, manager) -> None:
        super().start(manager)
        self._anim.cancel(self)  # cancel: its on_complete will not fire; it is dispatched here instead
        self._on_progress(1.0)
        self._on_complete()


class LazyScreenManager(ScreenManager):
    """A ScreenManager that makes a screen when it is first shown or asked for (`current = name` goes
    through get_screen too). `screens` holds the screens made so far: one never made holds nothing to
    clear at the idle reset."""

    def __init__(self, classes: dict[str, tuple[str, str]], **kwargs) -> None:
        self._classes = classes
        super().__init__(**kwargs)

    @property
    def all_screen_names(self) -> list[str]:
        return list(self._classes)

    def has_screen(self, name: str) -> bool:
        return name in self._classes or super().has_screen(name)

    def get_screen(self, name: str):
        if name in self._classes and not super().has_screen(name):
            import importlib

            module, cls = self._classes[name]
            screen_class = getattr(importlib.import_module(f"kiosk.ui.screens.{module}"), cls)
            self.add_widget(screen_class(name=name))
        return super().get_screen(name)


def after_first_frame(window, callback, delay: float) -> None:
    """Run `callback` `delay` seconds after the window's next buffer swap. Kivy counts a schedule_once
    timeout from the clock's previous tick, which at start is the clock's creation, seconds before the
    first frame: a delay asked for in on_start would already be over and the work would hold up the
    first frame it was meant to follow."""

    def flipped(*_args) -> None:
        window.unbind(on_flip=flipped)
        Clock.schedule_once(callback, delay)

    window.bind(on_flip=flipped)


class KioskApp(App):
    title = "政务公开专区"
    # The input method, loaded off the UI thread (the first start also builds its lexicon, ~20 s).
    ime_engine = ObjectProperty(None, allownone=True)
    ime_recognizer = ObjectProperty(None, allownone=True)
    staff_mode = BooleanProperty(False)  # a clerk's staff session is open: every header shows 工作人员模式

    def __init__(self, env: Env, **kwargs) -> None:
        super().__init__(**kwargs)
        self.env = env
        self.theme = theme
        self.speaker = Speaker()
        self.sync_scheduler = None
        self.outbox_worker = None
        self.last_sync_outcome = None  # for the freshness line and the staff home
        self.print_quota = PageQuota(env.config.print_quota_pages)  # one per visit, renewed by the idle reset
        self.error_handler: errors.CalmErrorHandler | None = None
        self.countdown = IdleCountdown()
        self.idle = IdleReset(
            env.config.idle_reset_seconds,
            self.reset_session,
            on_countdown=self._count_down,
            on_touched=lambda: Clock.schedule_once(lambda _dt: self.countdown.dismiss(animation=False)),
        )
        self._vocabulary_refreshing = False
        self.watchdog = Notifier()
        self.staff_session = None
        self.corner_hold = header.StaffCornerHold(
            lambda: self.open_staff_pin("enter"),
            enabled=lambda: self.root is not None and not self.staff_mode and self.root.current != "staff_pin",
        )
        self.exit_status = 0

    def build(self) -> ScreenManager:
        register_cjk_font()
        theme.set_elderly(self.env.config.elderly_mode)
        theme.bind(color_background=self._paint_page)
        self._paint_page(theme, theme.color_background)
        manager = LazyScreenManager(SCREEN_CLASSES, transition=InstantTransition())
        manager.get_screen("home")
        return manager

    @staticmethod
    def _paint_page(_theme, colour) -> None:
        """The page colour is the window's clear colour, not a rectangle behind every screen: a software
        renderer pays for every pixel of every layer in every frame (~30 ms a full-screen layer under
        llvmpipe at 1920×1080). InstantTransition makes sure no frame shows one screen over another."""
        from kivy.core.window import Window

        Window.clearcolor = colour

    def on_start(self) -> None:
        from kivy.core.window import Window

        # rjieba and pypinyin (~90 MB) for the rare query that needs them live in a helper process. Said
        # right after the first frame (before any touch on it is handled): the module costs 20 ms at start.
        after_first_frame(Window, lambda _dt: self._text_help_in_child_process(), 0)
        self.error_handler = errors.install()
        # After the home screen's first frames: the loader thread holds the GIL for much of its work
        # (reading every title for the handwriting recogniser) and would delay them.
        after_first_frame(Window, self._start_loading, STARTUP_GRACE_SECONDS)
        # The residents' screens are made in the quiet seconds after start, one per frame, so the first
        # tap on a tile does not wait for its screen; staff screens are made when a clerk opens them.
        after_first_frame(
            Window, lambda _dt: self._make_next_screen(list(RESIDENT_SCREENS)), PREPARE_SCREENS_AFTER_SECONDS
        )

        Window.bind(on_touch_down=self.idle.touched, on_key_down=self.idle.touched)
        self.corner_hold.install(Window)
        Clock.schedule_interval(self.idle.check, 1.0)
        self._start_watchdog()

    def _text_help_in_child_process(self) -> None:
        from kiosk.catalog.normalize import answer_in_child_process

        answer_in_child_process()

    def _start_loading(self, _dt: float = 0) -> None:
        threading.Thread(target=self._load_input_method, name="ime-loader", daemon=True).start()
        self._start_background_work()

    def _make_next_screen(self, names: list[str]) -> None:
        if not names or self.root is None:
            return
        self.root.get_screen(names.pop(0))
        Clock.schedule_once(lambda _dt: self._make_next_screen(names), 0.05)

    def _start_watchdog(self) -> None:
        """READY=1 on the first frame of the home screen, then WATCHDOG=1 from the main loop itself: pings
        from a thread would go on while the screen is frozen."""
        if not self.watchdog.enabled:
            return
        enable_stack_dumps()
        install_test_freeze_hook()
        Clock.schedule_once(lambda _dt: self.watchdog.ready("主页已显示"), 0)
        if self.watchdog.ping_interval:
            Clock.schedule_interval(lambda _dt: self.watchdog.ping(), self.watchdog.ping_interval)

    def open_settings(self, *_args) -> bool:
        """F1 on a keyboard would open Kivy's own settings panel; residents must not reach it."""
        return False

    def on_stop(self) -> None:
        self.watchdog.stopping()
        if self.error_handler is not None:
            errors.uninstall(self.error_handler)
        self.speaker.stop()
        if self.sync_scheduler is not None:
            self.sync_scheduler.stop(timeout=5)
        if self.outbox_worker is not None:
            self.outbox_worker.stop()
        from kiosk.catalog.normalize import answer_in_child_process

        answer_in_child_process(False)

    def _start_background_work(self) -> None:
        """Catalog sync on the configured schedule and delivery of applications to central, each in
        its own thread; results come back to the UI thread through the Clock."""
        from kiosk.applications.outbox import OutboxWorker
        from kiosk.sync.scheduler import SyncScheduler

        config = self.env.config
        if config.sync_source:
            self.sync_scheduler = SyncScheduler(
                self.env, lambda outcome: Clock.schedule_once(lambda _dt: self.sync_finished(outcome))
            )
            self.sync_scheduler.start()
        if config.central_url:
            self.outbox_worker = OutboxWorker(self.env)
            self.outbox_worker.start()

    def sync_finished(self, outcome) -> None:
        """A sync ended (the scheduler's or a clerk's 立即同步), on the UI thread."""
        self.last_sync_outcome = outcome
        if not outcome.ok:
            log.warning("background sync failed: %s", outcome.message_en)
        elif self.ime_engine is not None and not self._vocabulary_refreshing:
            # New documents bring new terms (names, places): the input method learns them in a child
            # process, so jieba and pypinyin never enter this one and the screen never waits.
            self._vocabulary_refreshing = True
            threading.Thread(target=self._load_input_method, name="ime-refresh", daemon=True).start()
        if self.root.current == "home":
            self.root.get_screen("home").refresh()

    def _load_input_method(self) -> None:
        from kiosk.ime.handwriting import Recognizer
        from kiosk.ime.handwriting_context import catalog_characters
        from kiosk.ime.setup import open_engine

        try:
            engine = open_engine(self.env, in_child=True)
        except KioskError as exc:
            log.error("input method unavailable: %s", exc.message_en)
            self._vocabulary_refreshing = False
            return
        # A new recognizer each time: it learns the characters of the catalog as it is after this sync.
        try:
            recognizer = Recognizer()
            recognizer.include(catalog_characters())
        except KioskError as exc:
            log.error("handwriting unavailable: %s", exc.message_en)
            recognizer = self.ime_recognizer
        Clock.schedule_once(lambda _dt: self._input_method_ready(engine, recognizer))

    def _input_method_ready(self, engine, recognizer) -> None:
        self.ime_engine = engine
        self.ime_recognizer = recognizer
        self._vocabulary_refreshing = False

    def open_document(self, doc_id: str, back_to: str = "home") -> None:
        self.root.get_screen("reader").show(doc_id, back_to=back_to)
        self.root.current = "reader"

    def go_home(self) -> None:
        """返回首页: the residents' home, or the staff home while a clerk's session is open."""
        self.root.current = "staff_home" if self.staff_mode else "home"

    def start_application(self) -> None:
        """申请公开 on the home screen: always a fresh, empty form."""
        self.root.get_screen("apply").start()
        self.root.current = "apply"

    def open_lookup(self) -> None:
        self.root.current = "lookup"

    def show_receipt(self, data: dict, *, submitted: bool = False) -> None:
        self.root.get_screen("receipt").show(data, submitted=submitted)
        self.root.current = "receipt"

    # --- staff mode -----------------------------------------------------------------------------

    def staff_gate(self):
        from kiosk.staff.session import StaffGate

        return StaffGate(self.env)

    def open_staff_pin(self, purpose: str) -> None:
        """The PIN pad: `enter` after the corner hold, `leave` before 退出自助模式."""
        if self.root is None:
            return
        back_to = self.root.current if self.root.current != "staff_pin" else "home"
        self.root.get_screen("staff_pin").start(purpose, back_to=back_to)
        self.root.current = "staff_pin"

    def staff_opened(self, session) -> None:
        self.staff_session = session
        self.staff_mode = True
        self.root.current = "staff_home"

    def open_staff(self, name: str) -> None:
        """One of the clerk's screens; never without an open staff session."""
        if not self.staff_mode or name not in STAFF_SCREENS:
            return
        self.staff_session.touch()
        if name == "staff_sync":
            self.root.get_screen(name).start()
        self.root.current = name

    def staff_reprint(self, tracking: str) -> None:
        """补打回执 on a row of 申请队列: the reprint screen prints that number."""
        if not self.staff_mode:
            return
        screen = self.root.get_screen("staff_reprint")
        self.root.current = "staff_reprint"
        screen.print_number(tracking)

    def start_paper_application(self) -> None:
        """纸质申请录入: the residents' form, in paper mode, for a clerk."""
        if not self.staff_mode:
            return
        self.root.get_screen("apply").start(paper=True)
        self.root.current = "apply"

    def paper_application_done(self, receipt: dict) -> None:
        from kiosk.applications.tracking import format_tracking

        home = self.root.get_screen("staff_home")
        home.notice = f"纸质申请已录入，查询号 {format_tracking(receipt['tracking'])}；可在“补打回执”打印回执。"
        self.root.current = "staff_home" if self.staff_mode else "home"

    def end_staff_mode(self, reason: str) -> None:
        """退出工作人员模式, or the idle reset: the session ends and the residents' home shows."""
        if self.staff_session is not None:
            self.staff_session.close(reason)
        self.staff_session = None
        self.staff_mode = False
        for screen in self.root.screens:  # those made so far: one never shown holds nothing
            if screen.name in (*STAFF_SCREENS, "staff_pin"):
                screen.reset()
        self.root.current = "home"

    def leave_kiosk(self) -> None:
        """退出自助模式, after the PIN was asked again: the app stops with its own exit status."""
        log.warning("kiosk mode left by a clerk (staff PIN confirmed)")
        self.exit_status = LEFT_KIOSK_EXIT_STATUS
        self.end_staff_mode("退出自助模式")
        self.stop()

    # --- the idle reset -------------------------------------------------------------------------

    def session_in_use(self) -> bool:
        """Something a resident did is on screen: worth a countdown before it goes."""
        if self.root is None:
            return False
        if self.staff_mode or self.root.current != "home" or theme.elderly != self.env.config.elderly_mode:
            return True
        return any(getattr(screen, "in_use", lambda: False)() for screen in self.root.screens)

    def _count_down(self, seconds_left: int) -> None:
        if self.speaker.speaking or not self.session_in_use():
            return
        self.countdown.text = countdown_text(seconds_left)
        if self.countdown.parent is None:
            self.countdown.open(animation=False)

    def reset_session(self) -> None:
        """Nobody touched the screen for `idle_reset_seconds`: the next person starts at home, in the
        configured mode, with nothing the last one typed, looked up or printed left on any screen."""
        if self.root is None or self.speaker.speaking:
            return  # someone listening to 朗读 is not touching the screen, yet is still there
        from kivy.core.window import Window

        for view in [w for w in Window.children if isinstance(w, ModalView)]:
            view.dismiss(animation=False)  # print dialog, attachment, countdown, error message
        if self.staff_mode:
            self.end_staff_mode("idle")
        for screen in self.root.screens:
            clear = getattr(screen, "reset", None) or getattr(screen, "clear_personal_data", None)
            if clear is not None:
                clear()
        self.print_quota = PageQuota(self.env.config.print_quota_pages)
        if theme.elderly != self.env.config.elderly_mode:
            theme.set_elderly(self.env.config.elderly_mode)
        if self.root.current != "home":
            log.info("idle for %s s on %s: back to the home screen", self.idle.timeout, self.root.current)
            from kiosk.usage import count_idle_reset  # at the first reset: not needed to show the home screen

            count_idle_reset(self.env)
            self.root.current = "home"


def run_app(env: Env, fullscreen: bool | None = None) -> int:
    """Run the kiosk until it stops; the exit status for `kiosk run` (LEFT_KIOSK_EXIT_STATUS after a
    clerk's 退出自助模式, else 0)."""
    if fullscreen if fullscreen is not None else env.config.fullscreen:
        KivyConfig.set("graphics", "fullscreen", "auto")
        KivyConfig.set("kivy", "exit_on_escape", "0")  # Esc on a keyboard must not close the kiosk
    app = KioskApp(env)
    app.run()
    return app.exit_status
