"""Writes assets/zhconv/zh-cn.tsv, zhconv's traditional → simplified table, so that the kiosk's UI
process converts a query without importing zhconv (which loads every locale's tables, ~12 MB).

    python -m kiosk.catalog.simplified_table

Run again when the zhconv pin in pyproject.toml changes; tests compare the two conversions.
"""

from __future__ import annotations

from pathlib import Path

TABLE = Path(__file__).resolve().parents[2] / "assets" / "zhconv" / "zh-cn.tsv"


def write_table(path: Path = TABLE) -> int:
    """Every entry of zhconv's zh-cn dictionary, one `from<TAB>to` a line, sorted. Identity entries
    stay: in longest-match conversion they stop a shorter entry from matching inside them."""
    import zhconv.zhconv as zhconv

    table = zhconv.getdict("zh-cn")
    lines = [f"{key}\t{value}\n" for key, value in sorted(table.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


if __name__ == "__main__":
    print(f"{write_table()} entries written to {TABLE}")
