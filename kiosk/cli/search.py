"""`kiosk search QUERY`: the catalog search (kiosk/catalog/search.py) from the command line, with its filters and facets."""

from __future__ import annotations

import click

from kiosk.catalog.models import VALIDITIES
from kiosk.catalog.search import SearchResult, search
from kiosk.cli.base import emit, get_env, json_option, main
from kiosk.errors import BadInput
from kiosk.sync.startup import open_catalog
from kiosk.usage import count_search


@main.command("search")
@click.argument("query")
@click.option("--issuer", help="Only documents of this issuing office (发文机关), as written.")
@click.option("--year", type=int, help="Only documents issued in this year.")
@click.option("--from", "year_from", type=int, help="Only documents issued in or after this year.")
@click.option("--to", "year_to", type=int, help="Only documents issued in or before this year.")
@click.option("--category", help="Only documents of this 主题分类.")
@click.option("--validity", type=click.Choice(VALIDITIES), help="Only documents with this validity (有效性).")
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True, help="Hits per page.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many hits (paging).")
@json_option
def search_cmd(
    query: str,
    issuer: str | None,
    year: int | None,
    year_from: int | None,
    year_to: int | None,
    category: str | None,
    validity: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Search titles, 文号, issuers and full text; pinyin, initials and traditional characters work too."""
    if year is not None and (year_from is not None or year_to is not None):
        raise BadInput("“年份”与“起止年份”只能选一种。", "--year cannot be combined with --from/--to", field="year")
    if year is not None:
        year_from = year_to = year
    open_catalog(get_env())
    count_search(get_env())
    result = search(
        query,
        issuer=issuer,
        year_from=year_from,
        year_to=year_to,
        category=category,
        validity=validity,
        limit=limit,
        offset=offset,
    )
    emit(result.to_dict() if as_json else result, as_json, lambda r: _format(r, offset))


def _marked(snippet: str, marks: list[list[int]]) -> str:
    """The snippet with 【】 around each matched term, for a terminal without colours."""
    out, last = [], 0
    for start, end in marks:
        out += [snippet[last:start], "【", snippet[start:end], "】"]
        last = end
    out.append(snippet[last:])
    return "".join(out)


def _format(result: SearchResult, offset: int) -> str:
    if result.total == 0:
        lines = [f"没有找到与“{result.normalized or result.query}”相关的文件。"]
        if result.suggestions:
            lines.append("您是不是要找：")
            lines += [f"  · {title}" for title in result.suggestions]
        return "\n".join(lines)
    shown = f"第 {offset + 1}–{offset + len(result.hits)} 份" if result.hits else "本页没有结果"
    count = result.total if result.total_exact else f"约 {result.total}"
    lines = [f"找到 {count} 份文件（{shown}），检索词：{result.normalized}", ""]
    for n, hit in enumerate(result.hits, start=offset + 1):
        lines.append(f"{n}. {hit.title}")
        meta = "  ".join(x for x in (hit.doc_number, hit.issuer, hit.issued, hit.validity) if x)
        lines.append(f"   {meta}    [{hit.id}]")
        if hit.snippet:
            lines.append(f"   {_marked(hit.snippet, hit.marks)}")
    return "\n".join(lines)
