"""`kiosk ime …`: the input method from the command line, for tests, tuning and measuring accuracy."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.cli.base import KioskGroup, emit, get_env, json_option, main, progress_bar
from kiosk.sync.startup import open_catalog


class _ImeGroup(KioskGroup):
    """`kiosk ime PINYIN` converts; `kiosk ime handwriting|build …` are subcommands."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "convert", self.commands["convert"], args
        return super().resolve_command(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "PINYIN [--json] [--limit N] | COMMAND [ARGS]...")


@main.group("ime", cls=_ImeGroup)
def ime_group() -> None:
    """Chinese input: `kiosk ime PINYIN` lists the candidates for pinyin or initials (zwgk)."""


@ime_group.command("convert", hidden=True)
@click.argument("pinyin")
@click.option("--limit", type=click.IntRange(min=1, max=200), default=10, show_default=True)
@json_option
def convert_cmd(pinyin: str, limit: int, as_json: bool) -> None:
    """Candidates for PINYIN (full, initials, mixed or unfinished)."""
    from kiosk.ime.setup import open_engine

    env = get_env()
    open_catalog(env)
    engine = open_engine(env)
    candidates = engine.candidates(pinyin, limit)
    data = {"input": pinyin, "candidates": [c.to_dict() for c in candidates]}
    emit(data, as_json, lambda d: "  ".join(f"{i + 1}.{c['text']}" for i, c in enumerate(d["candidates"])))


@ime_group.command("handwriting")
@click.argument("strokes", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--limit", type=click.IntRange(min=1, max=50), default=10, show_default=True)
@json_option
def handwriting_cmd(strokes: Path, limit: int, as_json: bool) -> None:
    """Recognise a saved stroke file: {"width", "height", "strokes": [[[x, y], …], …]}, y downwards."""
    from kiosk.ime.handwriting import Recognizer, load_strokes

    points, width, height = load_strokes(strokes)
    guesses = Recognizer().recognize(points, width, height, limit)
    data = {"input": str(strokes), "strokes": len(points), "candidates": [g.to_dict() for g in guesses]}
    if guesses:
        from kiosk.ime.setup import open_engine

        data["words"] = open_engine(get_env()).words_starting_with(guesses[0].text)
    emit(data, as_json, lambda d: "  ".join(c["text"] for c in d["candidates"]) + "\n" + " ".join(d.get("words", [])))


_BUILD_PHASES = {"words": "通用词库", "catalog": "目录词汇"}


@ime_group.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if the cached lexicon is current.")
@json_option
def build_cmd(force: bool, as_json: bool) -> None:
    """Build the input-method lexicon now (install time) instead of on first use."""
    from kiosk.ime.lexicon import read_meta
    from kiosk.ime.setup import ensure_lexicon

    env = get_env()
    open_catalog(env)
    report = ensure_lexicon(env, force=force, progress=progress_bar(as_json, _BUILD_PHASES))
    meta = read_meta(env.ime_lexicon)
    data = {
        "path": str(env.ime_lexicon),
        "built": report is not None,
        "seconds": report.seconds if report else 0.0,
        "words": int(meta.get("words", 0)),
        "catalog_terms": int(meta.get("domain_terms", 0)),
    }
    emit(
        data,
        as_json,
        lambda d: (
            f"{'已建立' if d['built'] else '已是最新'}：{d['words']} 词条，目录词汇 {d['catalog_terms']} 条（{d['path']}）"
        ),
    )


@ime_group.command("learned")
@json_option
def learned_cmd(as_json: bool) -> None:
    """The terms this terminal's search box has learned, most chosen first."""
    from kiosk.ime.history import ChoiceHistory

    history = ChoiceHistory(get_env().ime_history)
    data = {"terms": history.terms()}
    history.close()
    emit(
        data, as_json, lambda d: "\n".join(f"{t['word']}  {t['pinyin']}  {t['count']}" for t in d["terms"]) or "（无）"
    )


@ime_group.command("forget")
@json_option
def forget_cmd(as_json: bool) -> None:
    """Forget every learned term (the search box starts again from the lexicon alone)."""
    from kiosk.ime.history import ChoiceHistory

    history = ChoiceHistory(get_env().ime_history)
    data = {"forgotten": history.forget()}
    history.close()
    emit(data, as_json, lambda d: f"已清除 {d['forgotten']} 个记忆词条")
