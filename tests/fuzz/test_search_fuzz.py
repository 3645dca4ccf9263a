"""Fuzzing search: normalisation, the search function with filters and `kiosk search|docs show --json`.

Whatever comes in (surrogates from undecodable argv, control characters, FTS syntax, brackets, huge
numbers), the answer is a result or a typed error, never a traceback, and --json is valid UTF-8.
Run many more examples by hand: HYPOTHESIS_PROFILE=many pytest tests/fuzz/test_search_fuzz.py
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.catalog.normalize import MAX_TERMS, RUN, normalize_query
from kiosk.catalog.search import YEAR_MAX, YEAR_MIN, SearchResult, matching_ids, search
from kiosk.errors import BadInput
from tests.catalog.search_fixtures import build_seed_catalog, use

# Every code point, lone surrogates included (what surrogateescape makes of bytes that are not UTF-8).
ANY_CHAR = st.characters(blacklist_categories=())
# What people and scripts actually type, weighted in: Chinese, pinyin, 文号 pieces, brackets, FTS syntax.
PIECES = st.sampled_from(
    [
        "政务公开",
        "政务",
        "anpai",
        "zwgk",
        "zhengwu",
        "海政办发",
        "〔2019〕",
        "[2019]",
        "（",
        "）",
        "23号",
        '"',
        "*",
        "(",
        ")",
        "AND",
        "OR",
        "NEAR",
        "NOT",
        "-",
        "^",
        ":",
        "{",
        "}",
        "\x00",
        "\t",
        "\u2028",
        "\ufeff",
        "\udcff",
        "\ud800",
        "ｚｈｅｎｇ",
        "政務",
        "　",
        "9" * 30,
        "𠀀",
    ]
)
QUERY = st.lists(st.one_of(PIECES, st.text(ANY_CHAR, max_size=8)), max_size=8).map(" ".join)
YEAR = st.one_of(
    st.none(),
    st.integers(YEAR_MIN - 5, YEAR_MAX + 5),
    st.integers(-(10**40), 10**40),
    st.text(ANY_CHAR, max_size=6),
    st.sampled_from(["2019", "２０１９", "", "1e3", "nan", "inf", True, 2019.5]),
)
FILTER_TEXT = st.one_of(st.none(), st.text(ANY_CHAR, max_size=12), st.sampled_from(["陆河县人民政府", "政策解读"]))
VALIDITY = st.one_of(st.none(), st.sampled_from(["有效", "废止", "失效", "修订", "无效", "\udcff"]))


@given(QUERY)
def test_normalising_any_text_gives_safe_terms(text):
    nq = normalize_query(text)
    assert len(nq.terms) <= MAX_TERMS
    for term in nq.terms:
        assert RUN.fullmatch(term), term  # only CJK, letters and digits ever reach FTS5
    nq.text.encode("utf-8")  # no surrogate survives normalisation


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = build_seed_catalog(tmp_path_factory.mktemp("fuzz") / "catalog.sqlite3", generated=60)
    yield db
    db.close()


def _valid_year(value) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return False
    try:
        return YEAR_MIN <= int(value) <= YEAR_MAX
    except (TypeError, ValueError, OverflowError):
        return False


def _valid_text(value) -> bool:
    return value is None or not any("\ud800" <= ch <= "\udfff" for ch in value)


@given(
    query=QUERY,
    issuer=FILTER_TEXT,
    category=FILTER_TEXT,
    validity=VALIDITY,
    year_from=YEAR,
    year_to=YEAR,
    limit=st.one_of(st.integers(-(10**20), 10**20), st.sampled_from([0, 1, 20, 100, "x", None])),
    offset=st.one_of(st.integers(-(10**20), 10**20), st.sampled_from([0, 5, "x", None])),
)
def test_search_with_any_filters_answers_or_refuses_with_a_typed_error(
    catalog, query, issuer, category, validity, year_from, year_to, limit, offset
):
    use(catalog)
    kwargs = {"issuer": issuer, "category": category, "validity": validity, "year_from": year_from, "year_to": year_to}
    years_ok = _valid_year(year_from) and _valid_year(year_to)
    if years_ok and year_from not in (None, "") and year_to not in (None, ""):
        years_ok = int(year_from) <= int(year_to)
    acceptable = years_ok and all(_valid_text(v) for v in (issuer, category, validity))
    try:
        result = search(query, limit=limit, offset=offset, **kwargs)
    except BadInput as exc:
        assert not acceptable, exc.message_en
        assert exc.message_zh and exc.message_en and exc.field in {"year", "issuer", "category", "validity"}
        json.dumps(exc.to_dict(), ensure_ascii=False).encode("utf-8", "surrogatepass")
        return
    assert acceptable
    assert isinstance(result, SearchResult)
    assert 0 <= len(result.hits) <= min(100, result.total)
    assert result.total == len(matching_ids(query, **kwargs)) or not result.total_exact
    json.dumps(result.to_dict(), ensure_ascii=False)


@pytest.fixture(scope="module")
def fuzz_home(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-cli") / "home"


ARG = st.one_of(PIECES, st.text(ANY_CHAR, max_size=10), st.integers(-(10**30), 10**30).map(str))
OPTION = st.sampled_from(["--issuer", "--category", "--from", "--to", "--year", "--limit", "--offset", "--validity"])


@given(query=ARG, options=st.lists(st.tuples(OPTION, ARG), max_size=3))
def test_search_on_the_command_line_with_json_is_valid_json_or_a_json_error(fuzz_home, query, options):
    from click.testing import CliRunner

    from kiosk.cli import main

    args = ["--home", str(fuzz_home), "search", query, *(x for pair in options for x in pair), "--json"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    out, err = result.stdout_bytes.decode("utf-8"), result.stderr_bytes.decode("utf-8")  # strict UTF-8
    assert "Traceback" not in out + err
    if result.exit_code == 0:
        assert err == ""
        assert set(json.loads(out)) >= {"query", "total", "hits"}
    else:
        assert result.exit_code == 2 and out == "", (result.exit_code, out, err)
        error = json.loads(err)["error"]
        assert error["message_zh"] and error["message_en"]


@given(doc_id=ARG)
def test_docs_show_with_any_id_is_a_document_or_a_json_error(fuzz_home, doc_id):
    from click.testing import CliRunner

    from kiosk.cli import main

    result = CliRunner().invoke(
        main, ["--home", str(fuzz_home), "docs", "show", doc_id, "--json"], catch_exceptions=False
    )
    out, err = result.stdout_bytes.decode("utf-8"), result.stderr_bytes.decode("utf-8")
    if result.exit_code == 0:
        assert err == "" and json.loads(out)["id"]
    else:
        assert result.exit_code in (2, 4) and out == "", (result.exit_code, out, err)
        assert json.loads(err)["error"]["message_zh"]
