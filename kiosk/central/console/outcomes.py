"""The rows of the annual report's application table (国办公开办函〔2021〕30号, section 三), which are
also the ways an application can end (条例 Art. 36): one list, so a reply and its count never drift."""

from __future__ import annotations

from dataclasses import dataclass

COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
# organization_kind → column index; a person is column 0.
KIND_COLUMN = {"business": 1, "research": 2, "public_welfare": 3, "legal_service": 4, "other": 5}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    level: int  # 0: 一/二/三/四, 1: (一)…(七), 2: numbered sub-reasons
    outcome: bool = False  # an application can end here (a leaf of 三)


def _group(key: str, label: str, reasons: tuple[str, ...]) -> list[Row]:
    return [Row(key, label, 1)] + [Row(f"{key}{i}", reason, 2, True) for i, reason in enumerate(reasons, 1)]


ROWS: tuple[Row, ...] = (
    Row("一", "本年新收政府信息公开申请数量", 0),
    Row("二", "上年结转政府信息公开申请数量", 0),
    Row("三", "本年度办理结果", 0),
    Row("三(一)", "予以公开", 1, True),
    Row("三(二)", "部分公开（区分处理的，只计这一情形，不计其他情形）", 1, True),
    *_group(
        "三(三)",
        "不予公开",
        (
            "属于国家秘密",
            "其他法律行政法规禁止公开",
            "危及“三安全一稳定”",
            "保护第三方合法权益",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ),
    ),
    *_group("三(四)", "无法提供", ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确")),
    *_group(
        "三(五)",
        "不予处理",
        (
            "信访举报投诉类申请",
            "重复申请",
            "要求提供公开出版物",
            "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息",
        ),
    ),
    *_group(
        "三(六)",
        "其他处理",
        (
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "其他",
        ),
    ),
    Row("三(七)", "总计", 1),
    Row("四", "结转下年度继续办理", 0),
)
BY_KEY = {row.key: row for row in ROWS}
OUTCOMES = tuple(row for row in ROWS if row.outcome)
OUTCOME_KEYS = frozenset(row.key for row in OUTCOMES)


def outcome_label(key: str | None) -> str:
    """答复 outcome as a person reads it: 不予公开 — 保护第三方合法权益."""
    if not key or key not in BY_KEY:
        return ""
    row = BY_KEY[key]
    if row.level == 2:
        return f"{BY_KEY[key[:4]].label}——{row.label}"
    return row.label.split("（")[0]


def column_of(applicant_type: str, organization_kind: str) -> int:
    if applicant_type != "organization":
        return 0
    return KIND_COLUMN.get(organization_kind, KIND_COLUMN["other"])
