"""cites / cited_by / interprets on the real seeds and on documents added to them."""

import pytest

from benchmarks.corpus import generate_documents
from kiosk.catalog.documents import upsert_documents
from kiosk.catalog.relations import title_key
from kiosk.catalog.search import related
from tests.catalog.search_fixtures import SEED_IDS, build_seed_catalog, record


@pytest.fixture
def seeds(tmp_path):
    db = build_seed_catalog(tmp_path / "catalog.sqlite3")
    yield db
    db.close()


def _numbers(entries):
    return [e["doc_number"] for e in entries]


def test_seed_003_cites_the_state_council_and_province_notices(seeds):
    links = related(SEED_IDS["兴政发〔2017〕24号"])
    assert _numbers(links["cites"]) == ["国办发〔2017〕24号", "辽政办公开〔2017〕10号"]
    assert all(e["id"] is None for e in links["cites"])  # neither is in the catalog
    assert links["cited_by"] == [] and links["interprets"] == []


def test_seed_000_and_002_cite_what_their_bodies_name(seeds):
    assert _numbers(related(SEED_IDS["海政办发〔2019〕23号"])["cites"]) == [
        "辽政办发〔2018〕55号",
        "鞍政办发〔2019〕22号",
    ]
    assert set(_numbers(related(SEED_IDS["娄政办函〔2014〕45号"])["cites"])) == {
        "中办发〔2011〕22号",
        "国办发〔2014〕12号",
        "国发〔2013〕39号",
        "湘办发〔2012〕16号",
        "湘政办函〔2013〕5号",
        "湘政办函〔2014〕19号",
    }


def test_a_document_is_not_its_own_citation(seeds):
    for number, doc_id in SEED_IDS.items():
        assert number not in _numbers(related(doc_id)["cites"])


def test_the_interpretation_seed_names_its_policy_even_before_the_policy_arrives(seeds):
    links = related(SEED_IDS["解读《关于我市全面推进政务公开工作实施意见》"])
    assert links["interprets"] == [{"id": None, "title": "关于我市全面推进政务公开工作实施意见", "doc_number": None}]
    # The seed cites 《中华人民共和国政府信息公开条例》 by its 令 number too.
    assert set(_numbers(links["cites"])) == {"中办发〔2016〕8号", "粤办发〔2016〕22号", "国务院令第492号"}


def test_the_policy_arriving_later_links_both_ways(seeds):
    interpretation = SEED_IDS["解读《关于我市全面推进政务公开工作实施意见》"]
    policy = record(
        "policy",
        "陆河县人民政府关于印发《关于我市全面推进政务公开工作实施意见》的通知",
        "现将《关于我市全面推进政务公开工作实施意见》印发给你们。",
        issuer="陆河县人民政府",
        doc_number="陆府〔2018〕30号",
    )
    upsert_documents([policy])
    assert [e["id"] for e in related(interpretation)["interprets"]] == ["policy"]
    assert [e["id"] for e in related("policy")["interpreted_by"]] == [interpretation]


def test_a_new_document_citing_a_seed_shows_in_cited_by(seeds):
    upsert_documents(
        [
            record(
                "c1",
                "关于转发的通知",
                "根据《海城市人民政府办公室关于深入推进政务公开加强制度和平台建设的通知》（海政办发[2019]23号）要求……",
            ),
            record("c2", "关于再转发的通知", "现将海政办发（2019）23号转发。"),
        ]
    )
    seed = SEED_IDS["海政办发〔2019〕23号"]
    assert {e["id"] for e in related(seed)["cited_by"]} == {"c1", "c2"}
    assert related("c1")["cites"] == [
        {
            "id": seed,
            "title": "海城市人民政府办公室关于深入推进政务公开加强制度和平台建设的通知",
            "doc_number": "海政办发〔2019〕23号",
        }
    ]
    assert related("c2")["cites"][0]["id"] == seed


def test_generated_interpretations_find_their_policies(tmp_path):
    db = build_seed_catalog(tmp_path / "c.sqlite3")
    docs = list(generate_documents(400, seed=9))
    upsert_documents(docs)
    interpretations = [d for d in docs if d.category == "政策解读"]
    assert interpretations
    for doc in interpretations:
        links = related(doc.id)["interprets"]
        assert len(links) == 1 and links[0]["id"] is not None, doc.title
        assert doc.id in [e["id"] for e in related(links[0]["id"])["interpreted_by"]]
    db.close()


@pytest.mark.parametrize(
    "title, key",
    [
        ("海城市人民政府办公室关于印发《海城市政务公开实施方案》的通知", "海城市政务公开实施方案"),
        ("寿光市应急管理局关于进一步做好政务公开工作的通知", "关于进一步做好政务公开工作的通知"),
        ("关于进一步做好政务公开工作的通知", "关于进一步做好政务公开工作的通知"),
        (
            "陆河县人民政府关于印发〈关于我市全面推进政务公开工作实施意见〉的通知",
            "关于我市全面推进政务公开工作实施意见",
        ),
    ],
)
def test_title_key_matches_a_title_however_it_is_quoted(title, key):
    assert title_key(title) == key


def test_an_order_cited_in_any_of_its_forms_links_to_the_order_in_the_catalog(seeds):
    upsert_documents(
        [
            record(
                "order",
                "中华人民共和国政府信息公开条例",
                "第一条 为了保障公民依法获取政府信息，制定本条例。",
                issuer="国务院",
                doc_number="中华人民共和国国务院令第711号",
            ),
            record("c1", "关于贯彻条例的通知", "根据《中华人民共和国政府信息公开条例》（国令第711号）的规定……"),
            record("c2", "关于再次贯彻条例的通知", "按照国务院令 第711号执行。"),
        ]
    )
    assert {e["id"] for e in related("order")["cited_by"]} == {"c1", "c2"}
    assert related("c1")["cites"][0]["id"] == "order"
    assert related("c2")["cites"][0]["doc_number"] == "国务院令第711号"
