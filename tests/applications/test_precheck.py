import pytest

from kiosk.applications.form import ApplicationForm
from kiosk.applications.precheck import likely_disclosed, precheck_for, specific_terms
from kiosk.environment import Env
from kiosk.sync.startup import open_catalog
from tests.applications.samples import person


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo")
    open_catalog(Env.load(home))  # the five demo documents, installed once for the module
    return home


@pytest.fixture
def demo(demo_home):
    return Env.load(demo_home)


def titles(matches) -> list[str]:
    return [m.title for m in matches]


def test_a_doc_number_finds_the_document_first(demo):
    [match] = likely_disclosed(demo, "请提供该通知全文", "海政办发〔2019〕23号")
    assert match.reason == "doc_number" and match.doc_number == "海政办发〔2019〕23号"


def test_a_doc_number_written_inside_the_description_counts_too(demo):
    assert likely_disclosed(demo, "海政办发[2019]23号文件")[0].reason == "doc_number"


def test_a_title_copied_into_the_description_is_found(demo):
    found = titles(likely_disclosed(demo, "请提供《关于印发兴隆台区2017年政务公开工作安排的通知》"))
    assert found[0] == "关于印发兴隆台区2017年政务公开工作安排的通知"


def test_place_and_year_pick_the_right_document_among_similar_titles(demo):
    found = titles(likely_disclosed(demo, "娄底市2014年政务服务工作要点"))
    assert found == ["娄底市人民政府办公室关于印发《2014年全市政务公开政务服务工作要点》的通知"]
    assert specific_terms("请提供海城市2019年政务公开工作要点的全文") == {"海城市", "2019"}


def test_generic_words_alone_match_nothing(demo):
    assert likely_disclosed(demo, "政务公开工作的有关文件") == []
    assert likely_disclosed(demo, "本村2020年低保户名单及补助标准") == []


def test_a_terminal_without_a_catalog_finds_nothing_and_creates_none(env):
    assert likely_disclosed(env, "海政办发〔2019〕23号") == []
    assert not env.catalog_db.exists()


def test_the_form_shows_matches_after_the_information_step_and_still_submits(demo):
    form = ApplicationForm(today=lambda: demo.now().date(), precheck=precheck_for(demo))
    data = person(description="请提供该通知全文", doc_number="海政办发〔2019〕23号")
    while form.step != "reason":
        for field in form.fields():
            form.set(field, data[field])
        assert form.next()
    assert form.matches[0]["doc_number"] == "海政办发〔2019〕23号"
