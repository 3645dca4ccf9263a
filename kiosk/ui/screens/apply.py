"""The 依申请公开 form on screen: one step of kiosk.applications.form.ApplicationForm per page. The form
decides (validation, order of steps, which fields and choices a step offers, what is optional, hints
and messages); this screen draws its current step, forwards what is typed and touched, and clears
everything when the resident cancels or walks away."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen
from kivy.uix.togglebutton import ToggleButton

from kiosk.applications.form import CONSENT_TEXT_ZH, ApplicationForm, submitter_for
from kiosk.applications.precheck import precheck_for
from kiosk.errors import KioskError
from kiosk.staff.paper import paper_submitter
from kiosk.ui.theme import theme
from kiosk.ui.widgets.keyboard import ImeKeyboard  # noqa: F401  (registers the class for apply.kv)
from kiosk.ui.widgets.scrolling import scroll_into_view

log = logging.getLogger(__name__)

# The keyboard page a kind of input (ApplicationForm.input_kind) opens with: digits for telephone
# numbers, Latin letters for e-mail and for documents that mix letters and digits.
KEYBOARD_MODE = {"phone": "symbols", "latin": "latin"}
CANCEL_CONFIRM_SECONDS = 5


class FormTextField(BoxLayout):
    """A label, a large text box and the field's error underneath; `on_value` when the text changes."""

    field = StringProperty("")
    label_text = StringProperty("")
    hint_text = StringProperty("")
    error_text = StringProperty("")
    multiline = BooleanProperty(False)
    __events__ = ("on_value",)

    def on_value(self, value: str) -> None:
        pass


class ChoiceButton(ToggleButton):
    value = StringProperty("")


class FormChoiceField(BoxLayout):
    """Large toggle buttons, one per choice; `on_value` with the chosen code."""

    field = StringProperty("")
    label_text = StringProperty("")
    error_text = StringProperty("")
    __events__ = ("on_value",)

    def set_choices(self, choices: list[tuple[str, str]], current: str) -> None:
        grid = self.ids.choices
        buttons = grid.children[::-1]
        if [(b.value, b.text) for b in buttons] == choices:
            # The same choices: only the selection moves, and the buttons stay where a finger expects them.
            for button in buttons:
                button.state = "down" if button.value == current else "normal"
            return
        grid.clear_widgets()
        for value, text in choices:
            button = ChoiceButton(
                text=text, value=value, group=f"apply-{self.field}", allow_no_selection=False, state="normal"
            )
            if value == current:
                button.state = "down"
            button.bind(on_release=lambda b: self.dispatch("on_value", b.value))
            grid.add_widget(button)

    def on_value(self, value: str) -> None:
        pass


class ReviewRow(BoxLayout):
    label_text = StringProperty("")
    value_text = StringProperty("")
    step = StringProperty("")
    screen = ObjectProperty(None, allownone=True)


class MatchRow(ButtonBehavior, BoxLayout):
    """A catalog document that may already answer the request; touching it opens the reader."""

    doc_id = StringProperty("")
    title = StringProperty("")
    meta = StringProperty("")

    def on_release(self) -> None:
        App.get_running_app().open_document(self.doc_id, back_to="apply")


class ApplyScreen(Screen):
    step_title = StringProperty("")
    progress_text = StringProperty("")
    notice = StringProperty("")
    next_label = StringProperty("下一步")
    at_start = BooleanProperty(True)
    showing_matches = BooleanProperty(False)  # "already disclosed?" page between the information and the reason
    cancel_armed = BooleanProperty(False)  # 取消 touched once: a second touch clears the form
    nav_folded = BooleanProperty(False)  # 上一步 / 下一步 give their room to the keyboard
    paper = BooleanProperty(False)  # a clerk enters a paper application (staff mode): stored marked 纸质申请

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.form: ApplicationForm | None = None
        self.blocks: dict[str, FormTextField | FormChoiceField] = {}
        self._disarm = None
        self.ids.scroll.bind(height=self._view_resized)
        keyboard = self.ids.keyboard
        for owner, names in (
            (keyboard, ("shown", "height")),
            (self, ("height",)),
            (self.ids.notice, ("height",)),
            (theme, ("scale",)),
        ):
            owner.bind(**{name: self._fold_nav for name in names})

    def _fold_nav(self, *_args) -> None:
        """上一步 / 下一步 stay while the keyboard is up when the window is tall enough (1080 pixels and
        more): a resident then goes on without 确定 first. Below that, the tallest field (a two-line
        text box with its label) must still fit between the header and the keyboard."""
        keyboard = self.ids.keyboard
        nav = theme.button_height + theme.spacing
        tallest_field = theme.font_body * 1.6 + theme.button_height * 2 + theme.spacing * 3
        room = self.height - self.ids.header.height - self.ids.notice.height - keyboard.height - nav
        self.nav_folded = keyboard.shown and room < tallest_field

    # --- starting and clearing ------------------------------------------------------------------

    def start(self, paper: bool = False) -> None:
        """A fresh, empty form (from the home screen's 申请公开, or the staff home's 纸质申请录入)."""
        self.paper = paper
        env = App.get_running_app().env
        self.form = ApplicationForm(today=lambda: env.now().date(), precheck=self._precheck)
        self.showing_matches = False
        self.notice = ""
        self.render()

    def on_pre_enter(self, *args) -> None:
        if self.form is None:
            self.start()

    def on_leave(self, *args) -> None:
        self.ids.keyboard.hide()

    def clear_personal_data(self) -> None:
        """Drop the form and every widget that showed a value: nothing typed stays for the next person."""
        self.ids.keyboard.hide()
        self.ids.keyboard.target = None
        self.form = None
        self.blocks = {}
        self.ids.fields.clear_widgets()
        self.notice = ""
        self.showing_matches = False
        self._arm_cancel(False)

    def cancel(self) -> None:
        """取消: the first touch asks, the second clears the form and goes home."""
        if not self.cancel_armed:
            self._arm_cancel(True)
            return
        log.info("application form cancelled on step %s", self.form.step if self.form else "-")
        self.clear_personal_data()
        App.get_running_app().go_home()

    def _arm_cancel(self, armed: bool) -> None:
        self.cancel_armed = armed
        if self._disarm is not None:
            self._disarm.cancel()
            self._disarm = None
        if armed:
            self._disarm = Clock.schedule_once(lambda _dt: self._arm_cancel(False), CANCEL_CONFIRM_SECONDS)

    # --- moving ---------------------------------------------------------------------------------

    def next_step(self) -> None:
        form = self.form
        if form is None:
            return
        self._arm_cancel(False)
        self.ids.keyboard.hide()  # pinyin still being composed goes into its field before the step moves
        if self.showing_matches:
            self.showing_matches = False  # the resident still wants to apply
            self.render()
            return
        if form.step == "consent":
            self.submit()
            return
        was = form.step
        if not form.next():
            log.info("form step %s not passed: %s", was, ", ".join(f"{e.field}:{e.code}" for e in form.errors))
        elif was == "information" and form.matches:
            self.showing_matches = True
        self.render()

    def previous_step(self) -> None:
        form = self.form
        if form is None:
            return
        self._arm_cancel(False)
        self.ids.keyboard.hide()  # pinyin still being composed goes into its field before the step moves
        if self.showing_matches:
            self.showing_matches = False
        form.back()
        self.render()

    def go_to(self, step: str) -> None:
        """修改 on the review page: back to the step holding that value."""
        if self.form is not None:
            self.form.go_to(step)
            self.render()

    def submit(self) -> None:
        form = self.form
        app = App.get_running_app()
        self.ids.keyboard.hide()
        try:
            receipt = form.submit(paper_submitter(app.env) if self.paper else submitter_for(app.env))
        except KioskError as exc:
            log.warning("application not stored: %s", exc.message_en)
            self.notice = exc.message_zh
            return
        if not receipt:
            log.info(
                "submit sent back to step %s: %s", form.step, ", ".join(f"{e.field}:{e.code}" for e in form.errors)
            )
            self.render()
            return
        paper, self.paper = self.paper, False
        self.clear_personal_data()
        if paper:
            app.paper_application_done(receipt)
            return
        app.show_receipt(receipt, submitted=True)

    def _precheck(self, description: str, doc_number: str) -> list:
        """The catalog search is an offer, not a gate: when it fails the resident simply goes on."""
        try:
            return precheck_for(App.get_running_app().env)(description, doc_number)
        except KioskError as exc:
            log.warning("already-disclosed check failed: %s", exc.message_en)
            return []

    # --- typing ---------------------------------------------------------------------------------

    def set_value(self, field: str, value) -> None:
        form = self.form
        if form is None or form.step == "submitted":
            return
        form.set(field, value)
        block = self.blocks.get(field)
        if block is not None:
            block.error_text = ""
        self._follow(field)

    def _follow(self, field: str) -> None:
        """Fields on this page that follow the value just set: a choice field is offered its new
        choices in place; anything else (the ID field's keyboard after the type of document) redraws."""
        form = self.form
        for other in form.affects(field):
            block = self.blocks.get(other)
            if isinstance(block, FormChoiceField):
                block.set_choices(form.choices(other), str(form.values.get(other, "")))
                block.error_text = form.error_text(other)
            elif block is not None:
                self.render()
                return

    # --- drawing --------------------------------------------------------------------------------

    def render(self) -> None:
        form = self.form
        keyboard = self.ids.keyboard
        keyboard.hide()
        keyboard.target = None
        box = self.ids.fields
        box.clear_widgets()
        self.blocks = {}
        if form is None:
            return
        # The matches belong to the information step (the form has already moved past it).
        step = "information" if self.showing_matches else form.step
        number, total = form.progress(step)
        self.progress_text = f"第 {number} 步 / 共 {total} 步"
        self.at_start = form.index == 0 and not self.showing_matches
        self.next_label = "提交申请" if form.step == "consent" and not self.showing_matches else "下一步"
        if self.showing_matches:
            self.step_title = "这些文件可能已经公开"
            self._draw_matches(box)
        elif form.step == "review":
            self.step_title = form.title
            self._draw_review(box)
        elif form.step == "consent":
            self.step_title = form.title
            self._draw_consent(box)
        else:
            self.step_title = form.title
            for field in form.visible_fields():
                box.add_widget(self._block(field))
        shown_fields = set(self.blocks)
        elsewhere = [e.message_zh for e in form.errors if e.field not in shown_fields]
        if form.errors:
            self.notice = "\n".join(["请按提示修改后继续。", *elsewhere])
        else:
            self.notice = ""
        self.ids.scroll.scroll_y = 1

    def _block(self, field: str):
        form = self.form
        if form.is_choice(field):
            block = FormChoiceField(field=field, label_text=form.label(field))
            block.set_choices(form.choices(field), str(form.values.get(field, "")))
        else:
            label = form.label(field) + ("（选填）" if form.is_optional(field) else "")
            block = FormTextField(
                field=field, label_text=label, hint_text=form.hint(field), multiline=form.is_multiline(field)
            )
            field_input = block.ids.input
            field_input.text = str(form.values.get(field, "") or "")
            kind = form.input_kind(field)
            self.ids.keyboard.attach(field_input, id_number=kind == "resident_id")
            mode = KEYBOARD_MODE.get(kind)
            field_input.bind(focus=lambda widget, focused, m=mode: focused and self._focused(widget, m))
        block.error_text = form.error_text(field)
        block.bind(on_value=lambda b, value: self.set_value(b.field, value))
        self.blocks[field] = block
        return block

    def _focused(self, widget, mode: str | None) -> None:
        keyboard = self.ids.keyboard
        if mode is not None:
            Clock.schedule_once(lambda _dt: keyboard.set_mode(mode))
        Clock.schedule_once(lambda _dt: self._into_view(widget), 0.1)

    def _view_resized(self, *_args) -> None:
        # The keyboard opened, changed its height (handwriting) or 上一步 / 下一步 folded: the field
        # being typed in may now be under the keyboard. After the layout settles, bring it back.
        target = self.ids.keyboard.target
        if target is not None and self.ids.keyboard.shown:
            Clock.schedule_once(lambda _dt: self._into_view(target))

    def _into_view(self, field) -> None:
        block = field.parent
        # Not redrawn away meanwhile. (`ids` hands out weak proxies: an `is` test against one is never true.)
        if block is not None and block in self.ids.fields.children:
            scroll_into_view(self.ids.scroll, block, margin=self.ids.fields.spacing, keep=field)

    def _draw_review(self, box) -> None:
        box.add_widget(NoteLabel(text="请核对以下内容。为保护您的隐私，证件号码等个人信息已部分隐去。"))
        for row in self.form.review(masked=True):
            box.add_widget(ReviewRow(label_text=row["label"], value_text=row["value"], step=row["step"], screen=self))

    def _draw_consent(self, box) -> None:
        box.add_widget(NoteLabel(text=CONSENT_TEXT_ZH))
        block = ConsentToggle(state="down" if self.form.values.get("consent") is True else "normal")
        block.bind(state=lambda b, state: self.set_value("consent", state == "down"))
        box.add_widget(block)
        error = self.form.error_for("consent")
        block.error_text = error.message_zh if error else ""
        note = NoteLabel(text=block.error_text, warning=True)
        block.bind(error_text=note.setter("text"))  # touching the toggle clears the warning
        box.add_widget(note)
        self.blocks["consent"] = block

    def _draw_matches(self, box) -> None:
        box.add_widget(
            NoteLabel(
                text="本终端公开目录中的以下文件可能就是您需要的信息，点击标题即可阅读。如仍需申请，请点“下一步”继续。"
            )
        )
        for match in self.form.matches:
            meta = "  ·  ".join(p for p in (match.get("doc_number"), match.get("issuer"), match.get("issued")) if p)
            box.add_widget(MatchRow(doc_id=match["id"], title=match["title"], meta=meta))


class NoteLabel(Label):
    warning = BooleanProperty(False)


class ConsentToggle(ToggleButton):
    error_text = StringProperty("")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
