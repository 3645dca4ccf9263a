import pytest

from kiosk.errors import BadInput
from kiosk.printing.document import document_pdf
from kiosk.printing.preview import render_page
from tests.printing.conftest import PRINTED_AT, ZONE


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
