"""A print-ready HTML page of an order (the browser's "print to PDF" makes the document)."""
from __future__ import annotations

from html import escape

from services.orders.domain.model import CUSTOMER_STATUS, Order

STYLE = """
body{font-family:system-ui,sans-serif;margin:2cm;color:#111}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:4px 6px;text-align:left}
td.n,th.n{text-align:right}.totals td{border:none}@media print{a{display:none}}
"""


def _address(data: dict) -> str:
    parts = [data.get("name") or data.get("company_name"), data.get("street"),
             f"{data.get('postal_code', '')} {data.get('city', '')}".strip(), data.get("country"),
             data.get("vat_number") and f"VAT {data['vat_number']}"]
    return "<br>".join(escape(str(p)) for p in parts if p)


def order_html(order: Order) -> str:
    money = lambda value: f"{value:.2f} {escape(order.currency)}"  # noqa: E731
    rows = "".join(
        f"<tr><td>{line.position}</td><td>{escape(line.reference)}</td><td>{escape(line.name)}</td>"
        f"<td class=n>{line.quantity}</td><td class=n>{money(line.unit_price)}</td>"
        f"<td class=n>{line.vat_rate}%</td><td class=n>{money(line.net_amount)}</td></tr>"
        for line in order.lines
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Order {escape(order.number)}</title><style>{STYLE}</style></head>
<body>
<h1>Order {escape(order.number)}</h1>
<p>Placed {order.placed_at:%Y-%m-%d %H:%M} UTC &middot; Status: {escape(CUSTOMER_STATUS[order.status])}
 &middot; Payment: {escape(order.payment_method.replace('_', ' '))} ({escape(order.payment_status)})</p>
<table><tr><td><h3>Billing</h3>{_address(order.billing)}</td><td><h3>Shipping</h3>{_address(order.shipping_address)}</td></tr></table>
<table>
<tr><th>#</th><th>Code</th><th>Item</th><th class=n>Qty</th><th class=n>Unit price</th><th class=n>VAT</th><th class=n>Net</th></tr>
{rows}
</table>
<table class="totals">
<tr><td class=n>Net</td><td class=n>{money(order.net_total)}</td></tr>
<tr><td class=n>Shipping</td><td class=n>{money(order.shipping_total)}</td></tr>
<tr><td class=n>VAT</td><td class=n>{money(order.vat_total)}</td></tr>
<tr><td class=n><strong>Total</strong></td><td class=n><strong>{money(order.total)}</strong></td></tr>
</table>
</body></html>"""
