from pathlib import Path

import pytest

from kiosk.errors import BadInput, KioskError
from kiosk.printing.document import document_pdf
from kiosk.printing.preview import preview_in_child, render_page
from kiosk.printing.service import render_document
from kiosk.sync.startup import open_catalog
from tests.conftest import python_json
from tests.printing.conftest import PRINTED_AT, ZONE

REPO = Path(__file__).resolve().parents[2]


def test_any_page_renders_to_an_image_of_the_asked_width(haicheng):
    pdf = document_pdf(haicheng, zone_name=ZONE, printed_at=PRINTED_AT)
    image = render_page(pdf, 2, width=600)
    assert image.mode == "RGB" and image.width == 600
    assert image.height == pytest.approx(600 * 297 / 210, abs=2)
    # Text makes dark pixels; an empty rendering would be all white.
    assert min(image.convert("L").getdata()) < 50


def test_a_page_that_does_not_exist_is_bad_input(haicheng):
    pdf = document_pdf(haicheng, zone_name=ZONE, printed_at=PRINTED_AT)
    with pytest.raises(BadInput) as caught:
        render_page(pdf.data, pdf.pages + 1)
    assert f"本文件共 {pdf.pages} 页" in caught.value.message_zh


HAICHENG = "d20c2ad00d9abcee"  # 海政办发〔2019〕23号 in the demo catalog, 3 pages


def test_the_kiosk_preview_is_made_in_a_child_process_and_shows_the_same_page(env):
    open_catalog(env)
    _doc, pdf = render_document(env, HAICHENG, large=True)
    expected = render_page(pdf, 1, width=480)
    pages, image = preview_in_child(env, HAICHENG, large=True, width=480)
    assert pages == pdf.pages == 5  # large type: 5 pages where normal type takes 3
    assert image.size == expected.size
    differing = sum(a != b for a, b in zip(image.getdata(), expected.getdata(), strict=True))
    assert differing < image.width * image.height // 100  # the printed-at minute may differ, nothing else


def test_a_preview_of_a_document_that_is_gone_says_so_in_chinese(env):
    open_catalog(env)
    with pytest.raises(KioskError) as caught:
        preview_in_child(env, "no-such-document")
    assert caught.value.message_zh and "no-such-document" in caught.value.message_en


def test_making_a_preview_loads_no_layout_or_rendering_library_in_the_asking_process(env):
    open_catalog(env)
    code = (
        "import json, sys; from pathlib import Path; from kiosk.environment import Env;"
        "from kiosk.printing.preview import preview_in_child;"
        "pages, image = preview_in_child(Env.load(Path(sys.argv[1])), sys.argv[2]);"
        "print(json.dumps([pages, image.width, sorted(m for m in ('reportlab', 'pypdfium2') if m in sys.modules)]))"
    )
    assert python_json(code, str(env.home), HAICHENG) == [3, 720, []]
