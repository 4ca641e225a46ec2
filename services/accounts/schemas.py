"""The accounts service's wire contracts: RPC in/out and event payloads."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.events import EventSchema
from services.chassis.paging import PageOf, PageQuery

PHONE = validate.Regexp(r"^\+[1-9]\d{6,14}$", error="Use E.164, e.g. +393401234567.")
NAME = validate.Length(min=1, max=100)


class Address(Schema):
    street = fields.String(required=True, validate=validate.Length(min=1, max=200))
    postal_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    city = fields.String(required=True, validate=validate.Length(min=1, max=100))
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$", error="ISO 3166 code, e.g. IT."))


class CompanyRegistration(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    tax_id = fields.String(required=True, validate=validate.Length(min=4, max=40))
    address = fields.Nested(Address, required=True)


class Registration(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=12, max=128))
    first_name = fields.String(required=True, validate=NAME)
    last_name = fields.String(required=True, validate=NAME)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    language = fields.String(load_default="en", validate=validate.OneOf(("it", "de", "pl", "uk", "en")))
    accept_terms = fields.Boolean(required=True, validate=validate.Equal(True, error="The sales terms must be accepted."))
    resale_declaration = fields.Boolean(load_default=False)
    company = fields.Nested(CompanyRegistration, load_default=None, allow_none=True)


class Login(Schema):
    identifier = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    client_address = fields.String(load_default=None, allow_none=True)


class PasswordResetRequest(Schema):
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)

    @validates_schema
    def one_channel(self, data, **kwargs):
        if bool(data.get("email")) == bool(data.get("phone")):
            raise ValidationError("Give either the e-mail address or the phone number.", field_name="email")


class PasswordResetConfirm(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=200))
    password = fields.String(required=True, validate=validate.Length(min=12, max=128))


class Activation(PasswordResetConfirm):
    first_name = fields.String(required=True, validate=NAME)
    last_name = fields.String(required=True, validate=NAME)


class ProfileChanges(Schema):
    first_name = fields.String(validate=NAME)
    last_name = fields.String(validate=NAME)
    phone = fields.String(allow_none=True, validate=PHONE)
    language = fields.String(validate=validate.OneOf(("it", "de", "pl", "uk", "en")))
    email = fields.Email(validate=validate.Length(max=254))
    new_password = fields.String(validate=validate.Length(min=12, max=128))
    current_password = fields.String(validate=validate.Length(max=1024))


class BillingData(Schema):
    company_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    vat_number = fields.String(allow_none=True, validate=validate.Length(max=40))
    fiscal_code = fields.String(allow_none=True, validate=validate.Length(max=40))
    street = fields.String(required=True, validate=validate.Length(min=1, max=200))
    postal_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    city = fields.String(required=True, validate=validate.Length(min=1, max=100))
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$", error="ISO 3166 code, e.g. IT."))
    sdi_code = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z0-9]{6,7}$", error="SDI code: 6 or 7 letters/digits."))
    pec = fields.Email(allow_none=True)
    invoice_email = fields.Email(allow_none=True)


class BillingUpdate(BillingData):
    current_password = fields.String(required=True, validate=validate.Length(max=1024))


class Consents(Schema):
    marketing_email = fields.Boolean(required=True)
    profiling = fields.Boolean(required=True)
    updated_at = fields.AwareDateTime(dump_only=True, attribute="consents_updated_at", allow_none=True)


class Erasure(Schema):
    password = fields.String(required=True, validate=validate.Length(max=1024))


class Invitation(Schema):
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=validate.OneOf(("admin", "buyer", "viewer")))


class EmployeeChanges(Schema):
    role = fields.String(validate=validate.OneOf(("admin", "buyer", "viewer")))
    enabled = fields.Boolean()


class Company(Schema):
    id = fields.String()
    name = fields.String()
    tax_id = fields.String()
    street = fields.String()
    postal_code = fields.String()
    city = fields.String()
    country = fields.String()


class Customer(Schema):
    id = fields.String()
    customer_number = fields.String()
    email = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    kind = fields.String()
    phone = fields.String(allow_none=True)
    language = fields.String()
    status = fields.String()
    company_id = fields.String(allow_none=True)
    company_role = fields.String(allow_none=True)
    staff_role = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


CustomerPage = PageOf(Customer, "CustomerPage")


class EmployeeQuery(PageQuery):
    """A page of the company's representatives, oldest first."""


class CompanyRecord(Company):
    """A company as the staff desk sees it: also whether its tax id was released, and when."""

    tax_id_released_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


class StaffCompany(Schema):
    company = fields.Nested(CompanyRecord)
    representatives = fields.List(fields.Nested(Customer))


class SessionRecord(Schema):
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)
    client_address = fields.String(allow_none=True)


class Export(Schema):
    customer = fields.Nested(Customer)
    consents = fields.Function(lambda data: Consents().dump(data["customer"]))
    company = fields.Nested(Company, allow_none=True)
    billing = fields.Nested(BillingData, allow_none=True)
    sessions = fields.List(fields.Nested(SessionRecord))


class LoginResult(Schema):
    token = fields.String()
    expires_at = fields.AwareDateTime()
    customer = fields.Nested(Customer)


class LinkRequest(Schema):
    """messaging asks for the link of a reset or an invitation it is about to send (``internal_issue_link``)."""

    kind = fields.String(required=True, validate=validate.OneOf(("reset", "activation")))
    link_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class IssuedLink(Schema):
    url = fields.String()  # holds the secret: sent once, in this reply, and never logged or stored
    expires_at = fields.AwareDateTime()


class StaffCreation(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=12, max=128))
    role = fields.String(load_default="staff", validate=validate.OneOf(("staff", "staff_admin")))


# -- events ------------------------------------------------------------------------
class CustomerRegistered(EventSchema):
    customer_id = fields.String(required=True)
    customer_number = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("private", "business", "staff")))
    company_id = fields.String(allow_none=True, load_default=None)
    language = fields.String(load_default="en")


def _link_id():
    # v2: the link is named, not sent (v1 carried the URL with its secret). The sender of the
    # message asks accounts for it (internal_issue_link) when it sends.
    return fields.String(required=True, validate=validate.Length(min=1, max=36))


class PasswordResetRequested(EventSchema):
    VERSION = 2

    customer_id = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(("email", "sms")))
    phone = fields.String(allow_none=True, load_default=None)
    link_id = _link_id()
    expires_at = fields.AwareDateTime(required=True)
    language = fields.String(load_default="en")


class EmployeeInvited(EventSchema):
    VERSION = 2

    customer_id = fields.String(required=True)
    company_id = fields.String(required=True)
    company_name = fields.String(required=True)
    email = fields.Email(required=True)
    role = fields.String(required=True)
    invited_by = fields.String(required=True)
    link_id = _link_id()
    expires_at = fields.AwareDateTime(required=True)
    language = fields.String(load_default="en")


class CustomerErased(EventSchema):
    customer_id = fields.String(required=True)
    customer_number = fields.String(required=True)


EVENT_SCHEMAS = {
    "customer_registered": CustomerRegistered,
    "password_reset_requested": PasswordResetRequested,
    "employee_invited": EmployeeInvited,
    "customer_erased": CustomerErased,
}
