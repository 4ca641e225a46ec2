"""The return label rendered from a domain RMA and read back (text and Code 39), with and without a Unicode font."""
from services.returns.adapters.label_pdf import render_label
from services.returns.domain.policies import ReturnPolicy
from tests.returns.labels import barcode_payload, label_text
from tests.returns.unit.test_model import open_rma, order


def test_the_label_carries_number_barcode_addresses_and_who_pays():
    rma = open_rma(order(), number="RMA-2026-000045")
    rma.return_address = dict(rma.return_address, name="Олена Коваленко")
    pdf = render_label(rma, ReturnPolicy(warehouse_address=("Magazzino Resi", "Via Emilia 1", "40100 Bologna")))
    text = label_text(pdf)
    assert "RMA-2026-000045" in text and "Олена Коваленко" in text and "Magazzino Resi" in text
    assert "POSTAGE PREPAID" in text and "1 x DRILL-18V Drill" in text
    assert barcode_payload(pdf) == "RMA-2026-000045"


def test_without_the_unicode_font_the_label_still_prints():
    rma = open_rma(order(), request_type="convenience", number="RMA-2027-000001")
    rma.return_address = dict(rma.return_address, name="Олена")
    pdf = render_label(rma, ReturnPolicy(), font_path="/nonexistent.ttf")
    text = label_text(pdf)
    assert "SENDER'S COST" in text and "?????" in text
    assert barcode_payload(pdf) == "RMA-2027-000001"
