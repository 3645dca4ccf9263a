"""Extract a clean document from a portal page dump: strip navigation, breadcrumbs and footers, find
the title, 文号, issuing office and dates by the shape of the page rather than by site."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from kiosk.catalog.docnumber import find_doc_numbers, parse_doc_number
from kiosk.importer.textutil import clean_line, find_dates, is_date_line, parse_date

# Lines that are web-page furniture wherever they appear.
_CHROME = re.compile(
    r"当前位置|所在的?位置|您的位置|字体[:：]|【字体|字号[:：]|浏览次数|访问次数|阅读次数|点击数|访问人数|"
    r"Copyright|版权所有|ICP备|ICP证|网站标识码|公网安备|网站地图|主办单位|承办单位|技术支持|联系我们|"
    r"建议使用|分辨率|扫一扫|打印本页|关闭窗口|【打印】|【关闭】|即将离开|是否继续|分享到|加入收藏|"
    r"上一篇|下一篇|返回顶部|^联系电话[:：][\d\s-]*$|\.(?:png|jpe?g|gif|svg|webp)$",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"^(首页|网站首页|主页)\s*[>＞»›/|｜]|\S\s*[>＞»›]\s*\S+\s*[>＞»›]\s*\S")
_FONT_SIZE = re.compile(r"^[【\[]?\s*[大中小](?:\s*[大中小]){1,2}\s*[】\]]?$")
_BULLETS = re.compile(r"^[\s\-•·|>]+$")
_LABELS = (
    "发布日期|发布时间|成文日期|发文日期|印发日期|发文字号|文号|发文机关|发布机构|发布单位|来源|索引号|"
    "主题分类|分类|有效性|标题|名称|主办单位|网址|链接"
)
_LABEL_RE = re.compile(rf"(?P<label>{_LABELS})\s*[:：]\s*")
_TITLE_END = re.compile(
    r"(通知|意见|办法|规定|决定|方案|要点|公告|通告|通报|报告|批复|细则|制度|规划|条例|安排|函|纪要|答复|解读|"
    r"决议|命令|指引|指南|清单|目录|分解|规则|标准|计划|总结|说明|》)$"
)
_ORG_END = re.compile(
    r"(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|管委会|领导小组|局|厅|委|中心|公司|院|部|署|所)$"
)
_TITLE_ISSUER = re.compile(
    r"^(?P<org>.{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅))关于"
)
_VALIDITY_MARK = re.compile(r"[【\[（(]\s*(已?废止|已?失效|已?修订)\s*[】\]）)]")


@dataclass
class Extracted:
    title: str | None = None
    title_inferred: bool = False
    doc_number: str | None = None
    issuer: str | None = None
    issuer_from_site: bool = False
    issued: date | None = None
    published: date | None = None
    category: str | None = None
    validity: str = "有效"
    index_no: str | None = None
    source_url: str | None = None
    body: str = ""
    notes: list[str] = field(default_factory=list)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block element per line; scripts and styles dropped."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


class _TextParser(HTMLParser):
    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def is_chrome(line: str) -> bool:
    return bool(_CHROME.search(line) or _BREADCRUMB.search(line) or _FONT_SIZE.match(line) or _BULLETS.match(line))


def _labels(line: str) -> dict[str, str]:
    """`发布时间:2017-06-15 浏览次数:531` → {"发布时间": "2017-06-15"}; a line may hold several."""
    matches = list(_LABEL_RE.finditer(line))
    found = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = line[match.end() : end]
        value = re.split(r"\s{2,}|\s(?=\S+[:：])", value)[0].strip(" •·|")
        found.setdefault(match["label"], value)
    return found


def _is_body_like(line: str) -> bool:
    return len(line) >= 50 or line.endswith(("。", "；", ";")) or (line.endswith((":", "：")) and len(line) > 8)


def _title_score(text: str) -> int:
    if len(text) < 6 or len(text) > 120 or is_chrome(text) or is_date_line(text) or _labels(text):
        return 0
    if text.endswith(("。", "：", ":", "，", ",", "；")):
        return 0
    score = 0
    if "关于" in text:
        score += 3
    if text.startswith("解读") or text.startswith("《"):
        score += 3
    if _TITLE_END.search(text):
        score += 2
    if "《" in text:
        score += 1
    if len(text) >= 12:
        score += 1
    if len(text) < 10 and "关于" not in text:
        return 0  # navigation items such as 政府工作报告
    return score if score >= 3 else 0


def _split_number_prefix(line: str) -> tuple[str | None, str]:
    """`兴政发〔2017〕24号 关于印发…的通知` → (文号, title part)."""
    numbers = find_doc_numbers(line)
    if numbers and numbers[0].start == 0:
        return numbers[0].raw, line[numbers[0].end :].strip()
    return None, line


def extract(text: str) -> Extracted:
    lines = [clean_line(raw) for raw in text.splitlines()]
    lines = [line for line in lines if line]
    out = Extracted()
    labels: dict[str, str] = {}
    for line in lines:
        for key, value in _labels(line).items():
            if value:
                labels.setdefault(key, value)

    head_end = next((i for i, line in enumerate(lines) if _is_body_like(line) and not is_chrome(line)), len(lines))
    header_used: set[int] = set()

    # 文号: a header line that is one, or that starts with one followed by the title.
    title_from_number_line = None
    for i, line in enumerate(lines[:head_end]):
        if parse_doc_number(line):
            out.doc_number = line.strip()
            header_used.add(i)
            break
        number, rest = _split_number_prefix(line)
        if number and rest:
            out.doc_number, title_from_number_line = number, rest
            header_used.add(i)
            break
    if not out.doc_number and (labels.get("发文字号") or labels.get("文号")):
        out.doc_number = labels.get("发文字号") or labels.get("文号")

    _find_title(out, lines, head_end, header_used, labels, title_from_number_line)
    _find_issuer_and_dates(out, lines, labels)

    out.index_no = labels.get("索引号") or None
    out.category = labels.get("主题分类") or labels.get("分类") or None
    url = labels.get("网址") or labels.get("链接")
    out.source_url = url if url and re.match(r"^https?://\S+$", url) else None
    validity = labels.get("有效性", "")
    mark = _VALIDITY_MARK.search(" ".join(lines[:head_end]))
    for word in ("废止", "失效", "修订", "有效"):
        if word in validity or (mark and word in mark.group(1)):
            out.validity = word
            break
    if not out.category:
        out.category = "政策解读" if out.title and "解读" in out.title else "政策文件"

    body = [
        line
        for i, line in enumerate(lines)
        if i >= head_end or (i not in header_used and i > max(header_used, default=-1))
    ]
    body = [line for line in body if not is_chrome(line) and not (_labels(line) and len(line) < 60)]
    out.body = "\n".join(body)
    return out


def _find_title(
    out: Extracted,
    lines: list[str],
    head_end: int,
    header_used: set[int],
    labels: dict[str, str],
    from_number_line: str | None,
) -> None:
    if labels.get("标题") or labels.get("名称"):
        # A catalog-entry layout: everything above the first body line is the entry's table.
        out.title = labels.get("标题") or labels.get("名称")
        header_used.update(range(head_end))
        return
    best: tuple[int, int, str, list[int]] | None = None
    for i in range(head_end):
        if i in header_used:
            continue
        options = [(lines[i], [i])]
        if i + 1 < head_end and i + 1 not in header_used and not _TITLE_END.search(lines[i]):
            options.append((lines[i] + lines[i + 1], [i, i + 1]))
        for text, used in options:
            score = _title_score(text)
            if score and (best is None or (score, len(text)) > (best[0], best[1])):
                best = (score, len(text), text, used)
    if from_number_line and _title_score(from_number_line) and (best is None or best[1] <= len(from_number_line)):
        out.title = from_number_line
    elif best:
        out.title = best[2]
    if best:
        # The title lines and everything above them (menus, breadcrumbs) are header, not body.
        header_used.update(range(0, max(best[3]) + 1))
    if out.title:
        # A repeat of the title just below it (some portals print it twice) is header too.
        for i in range(head_end):
            if lines[i] in out.title or out.title.startswith(lines[i].rstrip("》")):
                header_used.add(i)
        return
    # No title in the header: the first short standalone heading in the text (not a signature,
    # a date, an addressee or a sentence).
    for i, line in enumerate(lines):
        if i in header_used or is_chrome(line) or is_date_line(line) or parse_doc_number(line):
            continue
        followed_by_date = i + 1 < len(lines) and is_date_line(lines[i + 1])
        if followed_by_date and _ORG_END.search(line):
            continue
        if 6 <= len(line) <= 40 and not line.endswith(("。", "：", ":", "，", ",", "；", ";")):
            out.title, out.title_inferred = line, True
            out.notes.append("title inferred from the first heading")
            return


def _find_issuer_and_dates(out: Extracted, lines: list[str], labels: dict[str, str]) -> None:
    issuer = labels.get("发文机关") or labels.get("发布机构") or labels.get("发布单位")
    signature_date = None
    for i, line in enumerate(lines[:-1]):
        if len(line) <= 30 and _ORG_END.search(line) and is_date_line(lines[i + 1]) and not _labels(lines[i + 1]):
            issuer = issuer or line
            signature_date = parse_date(lines[i + 1])
            break
    if not issuer and out.title:
        match = _TITLE_ISSUER.match(out.title)
        if match:
            issuer = match["org"]
    if not issuer:
        source = labels.get("来源", "")
        site = labels.get("主办单位") or (source if source and source not in ("本网", "本站") else "")
        if not site:
            site = next(
                (
                    re.sub(r"(门户网站|网站|政府网)$", "", line)
                    for line in lines[:3]
                    if re.search(r"(门户网站|政府网)$", line)
                ),
                "",
            )
        if site:
            issuer, out.issuer_from_site = site, True
            out.notes.append("issuer taken from the site owner")
    out.issuer = issuer or None

    written = labels.get("成文日期") or labels.get("发文日期") or labels.get("印发日期")
    out.issued = signature_date or (parse_date(written) if written else None)
    published = labels.get("发布日期") or labels.get("发布时间")
    out.published = parse_date(published) if published else None
    if out.published is None:
        # An unlabelled stamp near the top (• 2018-12-20 16:51) is the publication time.
        for line in lines[:15]:
            if is_date_line(line) and not _ORG_END.search(line):
                out.published = find_dates(line)[0][0]
                break
    if out.issued is None and out.published is not None:
        out.issued = out.published
        out.notes.append("date of issue taken from the publication date")
    if out.published is None:
        out.published = out.issued
