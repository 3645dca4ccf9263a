"""Extract a clean document from a portal page dump: strip navigation, breadcrumbs and footers, find
the title, 文号, issuing office and dates by the shape of the page rather than by site."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from kiosk.catalog.docnumber import DocNumber, find_doc_numbers, order_issuer, parse_doc_number
from kiosk.importer.textutil import clean_line, find_dates, is_date_line, parse_date

# Lines that are web-page furniture wherever they appear.
_CHROME = re.compile(
    r"当前位置|所在的?位置|您的位置|字体[:：]|【字体|字号[:：]|浏览次数|访问次数|阅读次数|点击数|访问人数|"
    r"Copyright|版权所有|ICP备|ICP证|网站标识码|公网安备|网站地图|主办单位|承办单位|技术支持|联系我们|"
    r"建议使用|分辨率|扫一扫|打印本页|关闭窗口|【打印】|【关闭】|即将离开|是否继续|分享到|加入收藏|"
    r"上一篇|下一篇|返回顶部|^联系电话[:：][\d\s-]*$|\.(?:png|jpe?g|gif|svg|webp)$|"
    r"下载地址|点击此处下载|^作者[:：]|浏览[:：]\s*\d|^视力保护色|^浏览量[:：]?$|^归档时间[:：]",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"^(首页|网站首页|主页)\s*[>＞»›/|｜]|\S\s*[>＞»›]\s*\S+\s*[>＞»›]\s*\S")
_FONT_SIZE = re.compile(r"^[【\[]?\s*[大中小](?:\s*[大中小]){1,2}\s*[】\]]?$")
_BULLETS = re.compile(r"^[\s\-•·|>]+$")
_LABEL_NAMES = (
    "发布日期|发布时间|成文日期|发文日期|印发日期|生成日期|日期|发文字号|文号|发文机关|发文机构|发文单位|"
    "发布机构|发布单位|信息来源|来源|索引号|主题分类|组配分类|信息分类|分类|有效性|时效性|标题|名称|主题词|"
    "关键词|内容概述|生效时间|废止时间|施行日期|实施日期|主办单位|网址|链接"
).split("|")


def _spaced(label: str) -> str:
    """索引号 also as 索 引 号 or 索　引　号: portals letter-space labels to line up a table."""
    return r"\s*".join(map(re.escape, label))


# A label starts a line or follows a space or punctuation, never the middle of a word: 来源 is not
# read inside 信息来源, nor 分类 inside 组配分类.
_LABEL_ALT = "|".join(_spaced(name) for name in sorted(_LABEL_NAMES, key=len, reverse=True))
_LABEL_RE = re.compile(rf"(?<![\u4e00-\u9fff])(?P<label>{_LABEL_ALT})\s*[:：]\s*")
# A cell or line that holds only a label (its value is the next cell or line), colon optional.
_LABEL_ONLY = re.compile(rf"^[•·\-\s]*(?P<label>{_LABEL_ALT})\s*[:：]?\s*$")
_LABEL_KEY = {re.sub(r"\s", "", name): name for name in _LABEL_NAMES}
_TITLE_END = re.compile(
    r"(通知|意见|办法|规定|决定|方案|要点|公告|通告|通报|报告|批复|细则|制度|规划|条例|安排|函|纪要|答复|解读|"
    r"决议|命令|指引|指南|清单|目录|分解|规则|标准|计划|总结|说明|》)$"
)
_ORG_END = re.compile(
    r"(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|管委会|领导小组|局|厅|委|中心|公司|院|部|署|所)$"
)
# The one who signs a 令 (总理李鹏, 省长, 市长 某某): the date under the name is the date of issue.
_SIGNER = re.compile(r"^(?:总理|省长|市长|县长|区长|州长|盟长|主席|部长|主任|局长|署长|行长)\s*[\u4e00-\u9fff·]{0,4}$")
_SEPARATORS = re.compile(r"[\s、，,；;]+")
# A 文号 printed after the title in brackets: 关于…的通知(岳办发〔2017〕2号).
_TRAILING_NUMBER = re.compile(r"[（(](?P<number>[^（()）]{4,40})[)）]\s*$")
_TITLE_ISSUER = re.compile(
    r"^(?P<org>.{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅))(?:关于|转发|印发|批转)"
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
    # Table cells and definition terms are lines of their own, so a metadata table's label cell and
    # value cell come out as a label line followed by its value (read by `_labels_of`).
    _BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "td",
        "th",
        "dt",
        "dd",
        "dl",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
        "title",
    }

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
        found.setdefault(_LABEL_KEY[re.sub(r"\s", "", match["label"])], value)
    return found


def _label_only(line: str) -> str | None:
    match = _LABEL_ONLY.match(line)
    return _LABEL_KEY[re.sub(r"\s", "", match["label"])] if match else None


def _labels_of(lines: list[str]) -> tuple[dict[str, str], set[int]]:
    """Every label/value pair on the page, and the lines that are metadata (not title, not body).

    A pair is `label：value` within a line, or a line holding only a label followed by a line holding its
    value (a table's cells, a list of label and value spans, a saved page with one per line). A label
    followed by another label has an empty value.
    """
    labels: dict[str, str] = {}
    used: set[int] = set()
    for i, line in enumerate(lines):
        label = _label_only(line)
        if label:
            used.add(i)
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if following and not _label_only(following) and not _labels(following) and len(following) <= 200:
                if following:
                    labels.setdefault(label, following.strip(" •·|"))
                used.add(i + 1)
            continue
        found = _labels(line)
        for key, value in found.items():
            if value:
                labels.setdefault(key, value)
        if found and len(line) < 120 and _LABEL_RE.match(line.lstrip(" •·|")):
            used.add(i)
    return labels, used


def _org_parts(text: str) -> list[str] | None:
    """The offices of an issuer line: 国务院办公厅　中央军委办公厅 → both; None if any part is no office."""
    parts = [part for part in _SEPARATORS.split(text.strip()) if part]
    if not parts or len(text) > 60:
        return None
    if all(len(part) >= 3 and _ORG_END.search(part) for part in parts):
        return parts
    return None


def _joint(text: str | None) -> str | None:
    """A joint issuer kept whole and written as portals do: 国务院办公厅、中央军委办公厅."""
    if not text:
        return None
    parts = _org_parts(text)
    return "、".join(parts) if parts else text.strip()


def _is_body_like(line: str) -> bool:
    # A long line is body only with sentence punctuation in it: long titles have none.
    long_sentence = len(line) >= 50 and bool(re.search(r"[，。；,;]", line))
    return long_sentence or line.endswith(("。", "；", ";")) or (line.endswith((":", "：")) and len(line) > 8)


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


def _split_trailing_number(lines: list[str]) -> list[str]:
    """`关于…的通知(岳办发〔2017〕2号)` above the text → the title line and the 文号 line, as most portals
    print them. Only above the first line of text: a list of cited documents in the body stays whole."""
    out = []
    for i, line in enumerate(lines):
        if _is_body_like(line) and not is_chrome(line):
            return out + lines[i:]
        match = _TRAILING_NUMBER.search(line)
        if match and len(line) > len(match.group()) + 6 and parse_doc_number(match["number"]):
            out.extend([line[: match.start()].rstrip(), match["number"].strip()])
        else:
            out.append(line)
    return out


def _order_number_across_lines(lines: list[str], end: int) -> tuple[DocNumber, int] | None:
    """`中华人民共和国国务院令` on one line and `第227号` on the next, as a 令 is printed."""
    for i in range(min(end, len(lines) - 1)):
        if lines[i].endswith("令") and re.fullmatch(
            r"[（(]?(?:(?:19|20)\d{2}\s*年\s*)?第\s*\d{1,5}\s*号[)）]?", lines[i + 1]
        ):
            number = parse_doc_number(lines[i] + lines[i + 1])
            if number and number.order:
                return number, i
    return None


def extract(text: str) -> Extracted:
    lines = [clean_line(raw) for raw in text.splitlines()]
    lines = _split_trailing_number([line for line in lines if line])
    out = Extracted()
    labels, label_lines = _labels_of(lines)

    head_end = next(
        (i for i, line in enumerate(lines) if _is_body_like(line) and not is_chrome(line) and i not in label_lines),
        len(lines),
    )
    header_used: set[int] = set(i for i in label_lines if i < head_end)

    # 文号: the labelled one, else a header line that is one, or that starts with one followed by the title.
    title_from_number_line = None
    number_found: DocNumber | None = None
    labelled = labels.get("发文字号") or labels.get("文号")
    if labelled and find_doc_numbers(labelled):
        out.doc_number, number_found = labelled, find_doc_numbers(labelled)[0]
    for i, line in enumerate(lines[:head_end]):
        if i in label_lines:
            continue
        parsed = parse_doc_number(line)
        if parsed:
            out.doc_number = out.doc_number or line.strip()
            number_found = number_found or parsed
            header_used.add(i)
            break
        number, rest = _split_number_prefix(line)
        if number and rest and not out.doc_number:
            out.doc_number, title_from_number_line = number, rest
            number_found = find_doc_numbers(line)[0]
            header_used.add(i)
            break
    if not out.doc_number:
        across = _order_number_across_lines(lines, head_end + 2)
        if across:
            number_found, at = across
            out.doc_number = lines[at] + lines[at + 1]
            header_used.update((at, at + 1))
    if not out.doc_number and labelled:
        out.doc_number = labelled

    _find_title(out, lines, head_end, header_used, labels, title_from_number_line)
    _find_issuer_and_dates(out, lines, labels, head_end, number_found)

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
        if i not in label_lines and (i >= head_end or (i not in header_used and i > max(header_used, default=-1)))
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
    header = Counter(lines[i] for i in range(head_end) if i not in header_used)
    for i in range(head_end):
        if i in header_used:
            continue
        # A title may be broken over up to three lines (国务院办公厅转发国家地震局 / 关于… / …的通知).
        options, text, used = [], "", []
        for j in range(i, min(i + 3, head_end)):
            if j in header_used or (used and (_TITLE_END.search(text) or len(lines[j]) > 40)):
                break
            text, used = text + lines[j], [*used, j]
            options.append((text, used))
        for text, used in options:
            score = _title_score(text)
            if score and header[text] > 1:
                score += 1  # printed twice (page title and heading): the title, not a heading next to it
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


def _signature(lines: list[str], head_end: int) -> tuple[str | None, date | None]:
    """The issuer and date the document is signed with: one or more office lines (or a 令's signer)
    right above a date line, or a date standing alone under the opening text. The first one in the
    text is the document's own: a forwarded report's signature and date come after it."""
    for i in range(1, len(lines)):
        if not is_date_line(lines[i]) or _labels(lines[i]):
            continue
        offices: list[str] = []
        k = i - 1
        while k >= 0 and len(offices) < 6:
            parts = _org_parts(lines[k])
            if not parts or k < head_end and k < i - 1:
                break
            offices[:0] = parts
            k -= 1
        if offices:
            return "、".join(offices), parse_date(lines[i])
        if _SIGNER.match(lines[i - 1]) or i > head_end:
            return None, parse_date(lines[i])
    return None, None


def _header_issuer(lines: list[str], head_end: int, title: str | None) -> str | None:
    """An office line printed next to a copy of the title (a law library's 标题 / 发文机关 / 标题)."""
    if not title:
        return None
    for i in range(min(head_end + 1, len(lines))):
        parts = _org_parts(lines[i])
        beside = {lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)}
        if parts and title in beside:
            return "、".join(parts)
    return None


def _plausible_issuer(value: str | None) -> str | None:
    """A labelled issuer that names an office (not 县政府网站 or a site name)."""
    if not value:
        return None
    return _joint(value) if _org_parts(value) else None


def _published(lines: list[str], labels: dict[str, str]) -> date | None:
    for key in ("发布日期", "发布时间", "日期"):
        if labels.get(key) and parse_date(labels[key]):
            return parse_date(labels[key])
    # An unlabelled stamp near the top (• 2018-12-20 16:51, or 2011-06-18 00:00:00 来源: 本站), the
    # labels after it cut off, is the publication time.
    for line in lines[:15]:
        first_label = _LABEL_RE.search(line)
        stamp = line[: first_label.start()] if first_label and first_label.start() > 0 else line
        if is_date_line(stamp) and not _ORG_END.search(stamp):
            return find_dates(stamp)[0][0]
    return None


def _find_issuer_and_dates(
    out: Extracted, lines: list[str], labels: dict[str, str], head_end: int, number: DocNumber | None
) -> None:
    signed_by, signature_date = _signature(lines, head_end)
    issuer = (
        _plausible_issuer(labels.get("发文机关") or labels.get("发文机构") or labels.get("发文单位"))
        or signed_by
        or _header_issuer(lines, head_end, out.title)
        or (order_issuer(number) if number else None)
    )
    if not issuer and out.title:
        match = _TITLE_ISSUER.match(out.title)
        if match:
            issuer = match["org"]
    issuer = issuer or _plausible_issuer(labels.get("发布机构") or labels.get("发布单位"))
    if not issuer:
        source = labels.get("来源", "")
        site = labels.get("主办单位") or (source if source and _org_parts(source) else "")
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
    out.issuer = _joint(issuer)

    # The labelled date of issue first: on a 转发 page the forwarded report is signed and dated too.
    written = next((parse_date(labels[key]) for key in ("成文日期", "发文日期", "印发日期") if labels.get(key)), None)
    out.issued = written or signature_date
    out.published = _published(lines, labels)
    if out.issued is None and out.published is not None:
        out.issued = out.published
        out.notes.append("date of issue taken from the publication date")
    if out.published is None:
        out.published = out.issued
