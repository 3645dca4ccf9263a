"""The per-visit page quota: a long document asks before it prints everything."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import BadInput


class QuotaExceeded(BadInput):
    """More pages than the visit may print: choose a page range, or a clerk confirms."""

    def __init__(self, message_zh: str, message_en: str, *, requested: int, remaining: int, total: int) -> None:
        super().__init__(message_zh, message_en, field="pages")
        self.requested = requested
        self.remaining = remaining
        self.total = total


@dataclass
class PageQuota:
    """Pages one visit may print; the UI keeps one per visit and drops it when the screen resets."""

    limit: int
    used: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def check(self, pages: int, *, total: int, whole_document: bool, confirmed: bool = False) -> None:
        """Raise QuotaExceeded unless `pages` fit (or a clerk confirmed printing beyond the quota)."""
        if confirmed or pages <= self.remaining:
            return
        if whole_document:
            zh = (
                f"本文件共 {total} 页，本次最多还可打印 {self.remaining} 页。"
                "请选择要打印的页码（例如 1-10），或请工作人员确认后全部打印。"
            )
        else:
            zh = f"所选 {pages} 页超过了本次还可打印的 {self.remaining} 页，请减少页数或请工作人员协助。"
        raise QuotaExceeded(
            zh,
            f"{pages} pages requested, {self.remaining} of {self.limit} left in this visit",
            requested=pages,
            remaining=self.remaining,
            total=total,
        )

    def charge(self, pages: int) -> None:
        self.used += pages
