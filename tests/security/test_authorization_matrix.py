"""The authorization matrix: every gateway route, tried as every kind of caller, against one owner's objects.

One shop is started for the module and filled through the API: a company (its administrator
"Ottavia" owns a personal cart, a delivered order, a return with a photo, a message thread and
a quote; a buyer, a viewer and a disabled representative work for her company), another
company's administrator, an unrelated private customer and a member of staff. Each route is
then called as each role with the owner's ids in the path and a valid body, and the status
must be the one in ``MATRIX``:

* 401 anonymous (and for the disabled representative, whose session died with the account),
* 404 for other people's objects -- and exactly what a made-up id gets, so nothing tells an
  outsider that an id exists,
* 403 for an object the role can see but may not act on (a viewer buying, returning...),
* ``OK`` when the role may do it (any 2xx, or a business refusal such as 409/422).

No answer to someone outside the company may contain the owner's data (e-mail, names, company,
order/return/quote numbers, cart and message texts), and no answer at all her token.

The routes come from the gateway's own route table: a route without a matrix entry fails
``test_every_route_has_a_matrix_entry``, so a new route cannot be forgotten.
"""
from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field

import pytest

from gateway.openapi import routes_of
from gateway.service import GatewayService
from services.accounts.cli import ensure_staff
from services.chassis.config import SERVICES
from tests.accounts.conftest import COMPANY, PASSWORD, STAFF_PASSWORD, Accounts, mailed_link, token_of
from tests.accounts.test_company_representatives import OTHER_COMPANY
from tests.catalog.harness import CatalogDb, make_config
from tests.returns.conftest import ReturnsShop
from tests.support.broker import Vhost
from tests.support import databases as test_databases
from tests.support.fixtures import System
from tests.support.http import GatewayClient

OK = "ok"  # authorised: 2xx, or a business answer (409, 422...) -- never 401/403/404 nor 5xx
SAME = "same"  # a public route: the same answer whoever asks

ROLES = ("anonymous", "other_private", "other_admin", "buyer", "viewer", "disabled", "staff")
OUTSIDERS = ("anonymous", "other_private", "other_admin", "disabled")  # nothing of the owner may reach them
COMPANY_MATES = ("buyer", "viewer")  # see the company's orders and returns, not the owner's own things

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00" + bytes(32)
OWNER = {"email": "ottavia@rossi-utensili.example", "first_name": "Ottavia", "last_name": "Proprietaria"}
CART_NAME = "Ottavia's private cart 7f3a"
THREAD_TEXT = "Ottavia's confidential note 9c1e"
QUOTE_TEXT = "Ottavia's warehouse plan 4b2d"


# -- expectations ---------------------------------------------------------------------------------

def public() -> dict:
    return {role: SAME for role in ROLES}


def own_area(staff=403, **override) -> dict:
    """The caller's own data, no object of anyone else's in the request."""
    return {"anonymous": 401, "disabled": 401, "staff": staff, "other_private": OK, "other_admin": OK,
            "buyer": OK, "viewer": OK, **override}


def personal(**override) -> dict:
    """The owner's own object (a cart, a thread): nobody else, not even her colleagues, sees it."""
    return {"anonymous": 401, "disabled": 401, "staff": 403, "other_private": 404, "other_admin": 404,
            "buyer": 404, "viewer": 404, **override}


def company(**override) -> dict:
    """The company's object (an order, a return, a quote): her colleagues see it, outsiders do not."""
    return {"anonymous": 401, "disabled": 401, "staff": 403, "other_private": 404, "other_admin": 404,
            "buyer": OK, "viewer": OK, **override}


def company_admin(**override) -> dict:
    """Managing the company's representatives: administrators only."""
    return {"anonymous": 401, "disabled": 401, "staff": 403, "other_private": 403, "other_admin": OK,
            "buyer": 403, "viewer": 403, **override}


def staff_only() -> dict:
    return {"anonymous": 401, "disabled": 401, "staff": OK, "other_private": 403, "other_admin": 403,
            "buyer": 403, "viewer": 403}


BUYS = {"viewer": 403}  # a viewer "only looks": every buying or returning action is refused


@dataclass
class Case:
    expect: dict
    body: object = None  # a dict, or a function of (ids, role) for bodies that name objects or must be unique
    fresh_session: bool = False  # the request ends the session: use a second one
    files: bool = False  # multipart upload


def _new_rma(ids, role):
    return {"order_number": ids["order"], "request_type": "standard_warranty", "message": "Broken.",
            "return_address": {"name": "X", "street": "Via Po 3", "postal_code": "10123", "city": "Torino",
                               "country": "IT"},
            "lines": [{"position": 2, "quantity": 1, "justification": "Stopped working", "seal_state": "broken",
                       "usage_condition": "defective"}]}


MATRIX: dict[str, Case] = {
    # -- public ------------------------------------------------------------------------------
    "POST /api/v1/accounts": Case(public(), lambda ids, role: {
        "email": f"new-{role}@example.org", "password": PASSWORD, "first_name": "Nuovo", "last_name": "Cliente",
        "accept_terms": True}),
    "POST /api/v1/auth/activate": Case(public(), {"token": "x" * 43, "password": PASSWORD, "first_name": "A",
                                                  "last_name": "B"}),
    "POST /api/v1/auth/login": Case(public(), {"identifier": "spare@example.org", "password": PASSWORD}),
    "POST /api/v1/auth/password-reset": Case(public(), {"email": "nobody@example.org"}),
    "POST /api/v1/auth/password-reset/confirm": Case(public(), {"token": "y" * 43, "password": PASSWORD}),
    "GET /api/v1/catalog/categories": Case(public()),
    "GET /api/v1/catalog/producers": Case(public()),
    "GET /api/v1/catalog/products": Case(public()),
    "GET /api/v1/catalog/products/<path:code>": Case(public()),
    "GET /api/v1/catalog/service-categories": Case(public()),
    "GET /api/v1/catalog/services": Case(public()),
    "GET /api/v1/catalog/services/<service_id>": Case(public()),
    "GET /api/v1/catalog/showcases": Case(public()),
    "GET /api/v1/openapi.json": Case(public()),
    "GET /health": Case(public()),
    "GET /health/<service>": Case(public()),
    "GET /health/live": Case(public()),
    "GET /problems/<slug>": Case(public()),
    # -- the caller's own account -------------------------------------------------------------
    "POST /api/v1/auth/logout": Case(own_area(staff=OK), fresh_session=True),
    "GET /api/v1/me": Case(own_area(staff=OK)),
    "PATCH /api/v1/me": Case(own_area(staff=OK), {"language": "de"}),
    "DELETE /api/v1/me": Case(own_area(), {"password": PASSWORD}),  # runs last: it erases the caller
    "GET /api/v1/me/billing": Case(own_area()),
    "PUT /api/v1/me/billing": Case(own_area(), {"street": "Via Roma 2", "postal_code": "20121", "city": "Milano",
                                                "country": "IT", "current_password": PASSWORD}),
    "GET /api/v1/me/export": Case(own_area()),
    "GET /api/v1/me/privacy": Case(own_area()),
    "PUT /api/v1/me/privacy": Case(own_area(), {"marketing_email": False, "profiling": False}),
    # -- company representatives -------------------------------------------------------------
    "GET /api/v1/company/employees": Case(company_admin()),
    "POST /api/v1/company/employees": Case(company_admin(), lambda ids, role: {
        "email": f"invited-by-{role}@example.org", "role": "viewer"}),
    "PATCH /api/v1/company/employees/<employee_id>": Case(company_admin(other_admin=404), {"enabled": True}),
    # -- carts: personal ------------------------------------------------------------------------
    "GET /api/v1/carts": Case(own_area()),
    "POST /api/v1/carts": Case(own_area(**BUYS), {"name": "Mine"}),
    "POST /api/v1/cart/items": Case(own_area(**BUYS), {"code": "SAW-01", "quantity": 1}),
    "GET /api/v1/carts/<cart_id>": Case(personal()),
    "PATCH /api/v1/carts/<cart_id>": Case(personal(), {"name": "Taken over"}),
    "DELETE /api/v1/carts/<cart_id>": Case(personal()),
    "POST /api/v1/carts/<cart_id>/activate": Case(personal(**BUYS)),
    "POST /api/v1/carts/<cart_id>/deactivate": Case(personal()),
    "POST /api/v1/carts/<cart_id>/items": Case(personal(**BUYS), {"code": "SAW-01", "quantity": 1}),
    "PATCH /api/v1/carts/<cart_id>/items/<line_id>": Case(personal(), {"quantity": 7}),
    "DELETE /api/v1/carts/<cart_id>/items/<line_id>": Case(personal()),
    "POST /api/v1/carts/<cart_id>/refresh-prices": Case(personal()),
    "POST /api/v1/carts/<cart_id>/checkout/preview": Case(personal()),
    "POST /api/v1/carts/<cart_id>/checkout": Case(personal(**BUYS), {
        "shipping_address": {"name": "X", "street": "Via Po 3", "postal_code": "10123", "city": "Torino",
                             "country": "IT"}, "payment_method": "bank_transfer"}),
    # -- orders: the company's ---------------------------------------------------------------------
    "GET /api/v1/orders": Case(own_area()),
    "GET /api/v1/orders/<number>": Case(company()),
    "GET /api/v1/orders/<number>/print": Case(company()),
    "GET /api/v1/orders/<number>/messages": Case(company()),
    "POST /api/v1/orders/<number>/messages": Case(company(), {"body": "About this order"}),
    # -- quotes ---------------------------------------------------------------------------------------
    "GET /api/v1/quote-cart": Case(own_area()),
    "POST /api/v1/quote-cart/items": Case(own_area(**BUYS), lambda ids, role: {
        "service_id": ids["quote_service"], "form": {"rooms": 2}}),
    "DELETE /api/v1/quote-cart/items/<line_id>": Case(personal()),
    "POST /api/v1/quote-cart/request": Case(own_area(**BUYS), {"message": "Please"}),
    "GET /api/v1/quotes": Case(own_area()),
    "GET /api/v1/quotes/<number>": Case(company()),
    "POST /api/v1/quotes/<number>/accept": Case(company(buyer=404, viewer=403)),  # the requester decides
    "POST /api/v1/quotes/<number>/decline": Case(company(buyer=404, viewer=403)),
    # -- messages -------------------------------------------------------------------------------------
    "GET /api/v1/messages": Case(own_area()),
    "POST /api/v1/messages": Case(company(), lambda ids, role: {  # about the owner's order: company only
        "body": "Where is it?", "context": {"type": "order", "ref": ids["order"]}}),
    "GET /api/v1/messages/<thread_id>": Case(personal()),
    "POST /api/v1/messages/<thread_id>": Case(personal(), {"body": "Me too"}),
    # -- returns: the company's ----------------------------------------------------------------------
    "GET /api/v1/returns/eligible-orders": Case(own_area()),
    "GET /api/v1/returns": Case(own_area()),
    "POST /api/v1/returns": Case(company(**BUYS), _new_rma),  # for the owner's order
    "GET /api/v1/returns/<number>": Case(company()),
    "GET /api/v1/returns/<number>/label": Case(company()),
    "POST /api/v1/returns/<number>/attachments": Case(company(**BUYS), files=True),
    "GET /api/v1/returns/<number>/attachments/<attachment_id>": Case(company()),
    "GET /api/v1/returns/<number>/messages": Case(company()),
    "POST /api/v1/returns/<number>/messages": Case(company(), {"body": "About this return"}),
    "POST /api/v1/returns/<number>/resubmit": Case(company(**BUYS), {"message": "Here you are"}),
    "POST /api/v1/returns/<number>/offer": Case(company(**BUYS), {"decision": "accept"}),
    "POST /api/v1/returns/<number>/shipment": Case(company(**BUYS), {"carrier": "BRT", "tracking_number": "X1"}),
    # -- staff ----------------------------------------------------------------------------------------
    "POST /api/v1/staff/catalog/products": Case(staff_only(), lambda ids, role: {
        "code": f"NEW-{role.upper()}", "name": "New", "price": {"amount": "1.00", "currency": "EUR"},
        "vat_rate": "22.00"}),
    "PATCH /api/v1/staff/catalog/products/<path:code>": Case(staff_only(), {"name": "Trapano 18V"}),
    "POST /api/v1/staff/catalog/services": Case(staff_only(), {"category": "Posa", "name": "Posa", "pricing": "quote",
                                                               "vat_rate": "22.00"}),
    "PATCH /api/v1/staff/catalog/services/<service_id>": Case(staff_only(), {"description": "Changed"}),
    "GET /api/v1/staff/companies/tax-ids/<tax_id>": Case(staff_only()),
    "POST /api/v1/staff/companies/<company_id>/release-tax-id": Case(staff_only()),
    "GET /api/v1/staff/messages": Case(staff_only()),
    "GET /api/v1/staff/messages/<thread_id>": Case(staff_only()),
    "POST /api/v1/staff/messages/<thread_id>": Case(staff_only(), {"body": "Staff answer"}),
    "POST /api/v1/staff/messages/<thread_id>/assign": Case(staff_only(), lambda ids, role: {"staff_id": ids["staff_id"]}),
    "POST /api/v1/staff/messages/<thread_id>/close": Case(staff_only()),
    "GET /api/v1/staff/notifications": Case(staff_only()),
    "GET /api/v1/staff/orders": Case(staff_only()),
    "GET /api/v1/staff/orders/<number>": Case(staff_only()),
    "POST /api/v1/staff/orders/<number>/status": Case(staff_only(), {"status": "processing"}),
    "POST /api/v1/staff/orders/<number>/payments": Case(staff_only(), {"amount": "1.00", "reference": "matrix"}),
    "GET /api/v1/staff/quotes": Case(staff_only()),
    "POST /api/v1/staff/quotes/<number>/price": Case(staff_only(), lambda ids, role: {
        "lines": [{"line_id": ids["quote_line"], "unit_price": "10.00"}], "valid_until": "2099-01-01"}),
    "GET /api/v1/staff/returns": Case(staff_only()),
    "GET /api/v1/staff/returns/<number>": Case(staff_only()),
    "GET /api/v1/staff/returns/<number>/attachments/<attachment_id>": Case(staff_only()),
    "POST /api/v1/staff/returns/<number>/review": Case(staff_only(), {"decision": "request_info",
                                                                      "message": "Which serial number?"}),
    "POST /api/v1/staff/returns/<number>/receipt": Case(staff_only(), {"decision": "accept"}),
    "POST /api/v1/staff/returns/<number>/resolution": Case(staff_only(), {"note": "matrix"}),
    "POST /api/v1/staff/returns/<number>/return-shipment": Case(staff_only(), {"carrier": "BRT",
                                                                               "tracking_number": "X2"}),
    "POST /api/v1/staff/returns/<number>/close": Case(staff_only(), {"note": "matrix"}),
}

# Requests that end the caller's session or account run after everything else.
LAST = ("POST /api/v1/auth/logout", "DELETE /api/v1/me")


def route_keys() -> list[str]:
    keys = [f"{method.strip()} {route.url}" for route in routes_of(GatewayService) for method in route.method.split(",")]
    return keys


def run_order() -> list[str]:
    """Customer routes, then staff routes (staff moves the objects on), then the session enders."""
    keys = [k for k in MATRIX if k not in LAST]
    return sorted(keys, key=lambda k: ("/staff/" in k, k)) + list(LAST)


# -- the world ------------------------------------------------------------------------------------
@dataclass
class World:
    client: GatewayClient
    auth: dict = field(default_factory=dict)  # role -> headers
    ids: dict = field(default_factory=dict)  # the owner's objects
    secrets: dict = field(default_factory=dict)  # who must not see what
    passwords: dict = field(default_factory=dict)
    emails: dict = field(default_factory=dict)


def bogus_ids(ids: dict) -> dict:
    """Made-up ids of the same shapes: what an outsider guessing would send."""
    fake = {key: str(uuid.uuid4()) for key in ids}
    fake.update(order="ORD-2026-999991", rma="RMA-2026-999992", quote="QUO-2026-999993", product="NOPE-404")
    fake.update(quote_service=ids["quote_service"], staff_id=ids["staff_id"], service="accounts",
                catalog_service=ids["catalog_service"])
    return fake


def path_for(url: str, ids: dict) -> str:
    def value(match):
        name = match.group(1)
        if name == "number":
            if "/returns/" in url:
                return ids["rma"]
            if "/quotes/" in url:
                return ids["quote"]
            return ids["order"]
        if name == "line_id":
            return ids["quote_line_draft"] if "quote-cart" in url else ids["cart_line"]
        if name == "code":
            return ids["product"]
        if name == "service_id":
            return ids["catalog_service"]
        if name == "slug":  # a problem type's page: the same for everybody
            return "validation-failed"
        return ids[{"cart_id": "cart", "thread_id": "thread", "attachment_id": "attachment",
                    "employee_id": "employee", "service": "service", "company_id": "company",
                    "tax_id": "tax_id"}[name]]

    return re.sub(r"<(?:[a-z]+:)?([A-Za-z_]+)>", value, url)


def invite(world: World, admin: dict, accounts: Accounts, email: str, role: str, first_name: str) -> tuple[str, dict]:
    client = world.client
    invited = client.post("/api/v1/company/employees", json={"email": email, "role": role}, headers=admin)
    assert invited.status_code == 201, invited.text
    token = token_of(mailed_link(accounts.config, email))  # the invitation mail messaging sent
    body = {"token": token, "first_name": first_name, "last_name": "Collega", "password": PASSWORD}
    assert client.post("/api/v1/auth/activate", json=body).status_code == 200
    return invited.json()["id"], accounts.as_user(accounts.token(email))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    vhost = Vhost().create()
    databases = test_databases.TestDatabases(tmp_path_factory.mktemp("matrix-db"))
    config = make_config(vhost, databases, tmp_path_factory.mktemp("matrix-var"))
    config["RETURNS"] = {"storage_dir": str(tmp_path_factory.mktemp("matrix-returns"))}
    generous = {"max_attempts": 10_000, "window_seconds": 60}
    config["RATE_LIMITS"] = {name: generous for name in ("reset_per_target", "reset_per_address",
                                                         "registration_per_address", "messages_per_customer")}
    system = System(config, vhost)
    catalog = CatalogDb(config["DATABASE_URLS"]["catalog"])
    try:
        catalog.add_product(code="DRILL-18V", name="Trapano a batteria 18V", price={"amount": "89.90", "currency": "EUR"})
        catalog.add_product(code="SAW-01", name="Handsäge", price={"amount": "12.50", "currency": "EUR"})
        quote_service = catalog.add_service(category="Progettazione", name="Progetto impianto", pricing="quote",
                                            vat_rate="22.00", form=[{"name": "rooms", "label": "Rooms",
                                                                     "type": "number", "required": True}])
        system.start(*SERVICES, "gateway")
        with GatewayClient(system.gateway_url) as client:
            yield build_world(client, config, quote_service.id)
    finally:
        system.stop()
        catalog.dispose()
        vhost.delete()
        databases.drop_all()


def build_world(client, config, quote_service_id) -> World:
    shop = ReturnsShop(client, config)
    world = World(client)
    ensure_staff("desk@shop.example", STAFF_PASSWORD, "staff_admin", database_url=config["DATABASE_URLS"]["accounts"])
    staff = shop.as_user(shop.token("desk@shop.example", STAFF_PASSWORD))
    staff_id = client.get("/api/v1/me", headers=staff).json()["id"]

    assert shop.register(OWNER["email"], first_name=OWNER["first_name"], last_name=OWNER["last_name"],
                         company=COMPANY).status_code == 201
    owner = shop.as_user(shop.token(OWNER["email"]))
    employee_id, buyer = invite(world, owner, shop, "bruno@rossi-utensili.example", "buyer", "Bruno")
    _, viewer = invite(world, owner, shop, "vera@rossi-utensili.example", "viewer", "Vera")
    disabled_id, disabled = invite(world, owner, shop, "dario@rossi-utensili.example", "buyer", "Dario")
    assert client.patch(f"/api/v1/company/employees/{disabled_id}", json={"enabled": False},
                        headers=owner).status_code == 200
    assert shop.register("pietro@privato.example", first_name="Pietro", last_name="Estraneo").status_code == 201
    assert shop.register("chef@weber.example", first_name="Klaus", last_name="Weber",
                         company=OTHER_COMPANY).status_code == 201
    assert shop.register("spare@example.org", first_name="Spare", last_name="Account").status_code == 201
    world.emails = {"other_private": "pietro@privato.example", "other_admin": "chef@weber.example",
                    "buyer": "bruno@rossi-utensili.example", "viewer": "vera@rossi-utensili.example",
                    "staff": "desk@shop.example"}
    world.passwords = {role: PASSWORD for role in world.emails} | {"staff": STAFF_PASSWORD}
    world.auth = {"anonymous": {}, "other_private": shop.as_user(shop.token("pietro@privato.example")),
                  "other_admin": shop.as_user(shop.token("chef@weber.example")), "buyer": buyer, "viewer": viewer,
                  "disabled": disabled, "staff": staff, "owner": owner}

    # The owner's objects.
    order = shop.deliver_order(owner, staff)
    rma = shop.open_return(owner, order, lines=((1, 1),))["number"]
    attachment = client.post(f"/api/v1/returns/{rma}/attachments", headers=owner, files={"file": ("p.png", PNG)})
    assert attachment.status_code == 201, attachment.text
    cart = shop.new_cart(owner, name=CART_NAME)
    line = shop.add(owner, cart["id"], "DRILL-18V")["cart"]["lines"][0]["id"]
    thread = client.post("/api/v1/messages", json={"body": THREAD_TEXT}, headers=owner)
    assert thread.status_code == 201, thread.text
    assert client.post("/api/v1/quote-cart/items", json={"service_id": quote_service_id, "form": {"rooms": 3}},
                       headers=owner).status_code == 201
    quote = client.post("/api/v1/quote-cart/request", json={"message": QUOTE_TEXT}, headers=owner)
    assert quote.status_code == 201, quote.text
    draft = client.post("/api/v1/quote-cart/items", json={"service_id": quote_service_id, "form": {"rooms": 4}},
                        headers=owner)
    assert draft.status_code == 201, draft.text
    catalog_service = client.get("/api/v1/catalog/services").json()["items"][0]["id"]
    world.ids = {"order": order, "rma": rma, "attachment": attachment.json()["id"], "cart": cart["id"],
                 "cart_line": line, "thread": thread.json()["id"], "quote": quote.json()["number"],
                 "quote_line": quote.json()["lines"][0]["id"], "quote_line_draft": draft.json()["lines"][0]["id"],
                 "employee": employee_id, "product": "DRILL-18V", "quote_service": quote_service_id,
                 "catalog_service": catalog_service, "staff_id": staff_id, "service": "accounts",
                 "company": client.get("/api/v1/me", headers=owner).json()["company_id"], "tax_id": COMPANY["tax_id"]}

    owner_token = owner["Authorization"].split()[1]
    personal_secrets = [CART_NAME, THREAD_TEXT, owner_token, PASSWORD, STAFF_PASSWORD]
    everything = personal_secrets + [OWNER["email"], OWNER["first_name"], OWNER["last_name"], COMPANY["name"],
                                     COMPANY["tax_id"], QUOTE_TEXT, order, rma, world.ids["quote"],
                                     "bruno@rossi-utensili.example", "vera@rossi-utensili.example"]
    world.secrets = {role: everything for role in OUTSIDERS} | {role: personal_secrets for role in COMPANY_MATES}
    world.secrets["staff"] = [owner_token, PASSWORD, STAFF_PASSWORD]
    time.sleep(1.1)  # the gateway's token cache (1 s) forgets the disabled representative's session
    return world


# -- running it -----------------------------------------------------------------------------------
@dataclass
class Outcome:
    key: str
    role: str
    status: int
    expected: object
    text: str


def send(world: World, key: str, role: str, ids: dict, auth: dict | None = None):
    method, url = key.split(" ", 1)
    case = MATRIX[key]
    body = case.body(ids, role) if callable(case.body) else case.body
    headers = dict(world.auth[role] if auth is None else auth)
    options = {"headers": headers}
    if case.files:
        options["files"] = {"file": ("matrix.png", PNG)}
    elif body is not None:
        options["json"] = body
    path = path_for(url, ids)
    response = world.client.request(method, path, **options)
    return response, path + " " + repr(body)


def fresh_auth(world: World, role: str) -> dict:
    if role not in world.emails:  # anonymous, or the disabled representative who cannot log in any more
        return world.auth[role]
    login = world.client.post("/api/v1/auth/login", json={"identifier": world.emails[role],
                                                          "password": world.passwords[role]})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}


def matches(expected, status: int, same_as: int | None) -> bool:
    if status >= 500:
        return False
    if expected == OK:
        return status not in (401, 403, 404)
    if expected == SAME:
        return same_as is None or status == same_as
    return status == expected


@pytest.fixture(scope="module")
def matrix_run(world):
    """Every route as every role (and the owner's reads as a control); the findings, collected."""
    failures, leaks, oracles, owner_failures = [], [], [], []
    tried = 0
    for key in run_order():
        case = MATRIX[key]
        first_status = None
        for role in ROLES:
            auth = fresh_auth(world, role) if case.fresh_session else None
            response, sent = send(world, key, role, world.ids, auth)
            tried += 1
            expected = case.expect[role]
            if first_status is None:
                first_status = response.status_code
            if not matches(expected, response.status_code, first_status):
                failures.append(f"{key} as {role}: {response.status_code}, expected {expected}: {response.text[:200]}")
            body = response.text
            for secret in world.secrets.get(role, ()):
                if secret in body and secret not in sent:
                    leaks.append(f"{key} as {role} ({response.status_code}) shows {secret!r}")
            # An outsider must not learn that the owner's ids exist: a made-up id gets the same answer.
            if role in OUTSIDERS and "<" in key and expected != SAME:
                guessed, _ = send(world, key, role, bogus_ids(world.ids), auth)
                tried += 1
                if guessed.status_code != response.status_code:
                    oracles.append(f"{key} as {role}: {response.status_code} for the owner's ids, "
                                   f"{guessed.status_code} for made-up ones")
        # The owner herself reads her objects (proves the ids above were real ones).
        if key.startswith("GET ") and "/staff/" not in key:
            response, _ = send(world, key, "owner", world.ids)
            tried += 1
            if not 200 <= response.status_code < 300 and not key.endswith("/label"):
                owner_failures.append(f"{key} as owner: {response.status_code} {response.text[:200]}")
    return {"failures": failures, "leaks": leaks, "oracles": oracles, "owner": owner_failures, "tried": tried}


def test_every_route_has_a_matrix_entry():
    routes = set(route_keys())
    assert not routes - set(MATRIX), f"routes without a matrix entry: {sorted(routes - set(MATRIX))}"
    assert not set(MATRIX) - routes, f"matrix entries without a route: {sorted(set(MATRIX) - routes)}"
    for key, case in MATRIX.items():
        assert set(case.expect) == set(ROLES), key


def test_the_owner_reaches_her_own_objects(matrix_run):
    assert not matrix_run["owner"], "\n".join(matrix_run["owner"])


def test_every_role_gets_the_expected_status_on_every_route(matrix_run):
    assert not matrix_run["failures"], "\n".join(matrix_run["failures"])
    print(f"\nauthorization matrix: {len(MATRIX)} routes x {len(ROLES)} roles, {matrix_run['tried']} requests")


def test_no_answer_leaks_the_owners_data(matrix_run):
    assert not matrix_run["leaks"], "\n".join(matrix_run["leaks"])


def test_an_outsider_cannot_tell_the_owners_ids_from_made_up_ones(matrix_run):
    assert not matrix_run["oracles"], "\n".join(matrix_run["oracles"])
