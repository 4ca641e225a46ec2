"""Login, logout, token checks, password reset and invitation activation."""
from __future__ import annotations


from services.accounts.adapters.repositories import Customers, OneTimeTokens, Sessions, Throttles
from services.accounts.domain import policies
from services.accounts.domain.errors import InvalidCredentials, SessionInvalid, TokenInvalid, TooManyAttempts
from services.accounts.domain.model import Customer, OneTimeToken, Session
from services.accounts.usecases.registration import check_password
from services.chassis.auth import Identity


def login(uow, identifier: str, password: str, client_address: str | None, hasher, clock):
    """Returns (token, session, customer). Unknown account and wrong password look the same.

    The attempt is counted as a failure before the password is checked, under the throttle rows'
    locks (REVIEW R8), and that transaction ends before the check: argon2 takes ~35 ms, and on SQLite
    the process's one connection would be held for all of it (REVIEW R16). A right password then
    takes its count back.
    """
    throttles = Throttles(uow.session)
    counters = login_throttles(throttles, identifier, client_address)
    now = clock()  # once the locks are held: a parallel attempt may have locked the rows meanwhile
    wait = counters.retry_after(now)
    if wait:
        uow.rollback()
        raise TooManyAttempts("Try again later.", extra={"retry_after": wait})
    reservation = counters.reserve(now)
    customer = Customers(uow.session).by_login(identifier)
    uow.commit()
    usable = customer is not None and customer.can_log_in
    # Verify against a dummy hash when there is no usable account: same work, same timing.
    matches = hasher.verify(customer.password_hash if usable else hasher.dummy_hash, password)
    if not (usable and matches):
        raise InvalidCredentials("Check the e-mail or customer number and the password.")
    login_throttles(throttles, identifier, client_address).succeeded(reservation)
    token = policies.new_secret_token()
    session = Session(customer.id, token, now, client_address)
    Sessions(uow.session).add(session)
    uow.commit()
    return token, session, customer


def login_throttles(throttles: Throttles, identifier: str, client_address: str | None) -> policies.LoginThrottles:
    """The attempt's counters, locked until the transaction ends."""
    typed = identifier.strip().lower()  # keys are hashed by the chassis: any length fits
    if not client_address:
        return policies.LoginThrottles(*throttles.locked(f"login:{typed}"))
    return policies.LoginThrottles(*throttles.locked(
        f"login:{typed}", f"login-from:{client_address} {typed}", f"address:{client_address}",
        f"address-gate:{client_address}"))


def authenticate(uow, token: str, clock) -> Identity:
    session = Sessions(uow.session).by_token(token)
    now = clock()
    if session is None or not session.is_valid(now):
        raise SessionInvalid("The session is invalid or has ended. Log in again.")
    customer = Customers(uow.session).get(session.customer_id)
    if customer is None or not customer.can_log_in:
        raise SessionInvalid("The session is invalid or has ended. Log in again.")
    return identity_of(customer, session.id)


def identity_of(customer: Customer, session_id: str) -> Identity:
    return Identity(customer_id=customer.id, session_id=session_id, kind=customer.kind,
                    company_id=customer.company_id, company_role=customer.company_role,
                    staff_role=customer.staff_role, language=customer.language)


def logout(uow, token: str, clock) -> None:
    session = Sessions(uow.session).by_token(token)
    if session is not None:
        session.revoke(clock())
        uow.commit()


def request_password_reset(uow, command: dict, clock) -> None:
    """Sends a link when the address or phone is known; says nothing either way.

    The event names the link by its id: its secret is made when messaging sends it (usecases/links.py).
    """
    customers = Customers(uow.session)
    channel = "sms" if command.get("phone") else "email"
    customer = customers.by_phone(command["phone"]) if channel == "sms" else customers.by_login(command["email"])
    if customer is None or not customer.can_log_in:
        uow.rollback()
        return
    now = clock()
    tokens = OneTimeTokens(uow.session)
    tokens.expire_unused(customer.id, "reset", now)
    reset = OneTimeToken("reset", customer.id, now, policies.RESET_TOKEN_LIFETIME)
    tokens.add(reset)
    uow.record(
        "password_reset_requested", occurred_at=now, customer_id=customer.id, email=customer.email,
        first_name=customer.first_name, channel=channel, phone=customer.phone if channel == "sms" else None,
        link_id=reset.id, expires_at=reset.expires_at.isoformat(), language=customer.language,
    )
    uow.commit()


def confirm_password_reset(uow, token: str, password: str, hasher, clock) -> None:
    """Sets the new password and ends every session of the customer."""
    now = clock()
    reset = OneTimeTokens(uow.session).find(token, "reset")
    if reset is None or not reset.is_open(now):
        raise TokenInvalid("Ask for a new link.")
    customer = Customers(uow.session).get(reset.customer_id)
    if customer is None or not customer.can_log_in:
        raise TokenInvalid("Ask for a new link.")
    check_password(password, customer.email, customer.first_name, customer.last_name)
    uow.release()  # argon2 works with no connection held (REVIEW R16)
    password_hash = hasher.hash(password)
    reset.use(now)
    customer.password_hash = password_hash
    Sessions(uow.session).revoke_all(customer.id, now)
    uow.commit()


def activate(uow, command: dict, hasher, clock) -> Customer:
    """A representative invited by their company's administrator sets name and password."""
    now = clock()
    invitation = OneTimeTokens(uow.session).find(command["token"], "activation")
    if invitation is None or not invitation.is_open(now):
        raise TokenInvalid("Ask your administrator for a new invitation.")
    customer = Customers(uow.session).get(invitation.customer_id)
    if customer is None:
        raise TokenInvalid("Ask your administrator for a new invitation.")
    check_password(command["password"], customer.email, command["first_name"], command["last_name"])
    uow.release()  # argon2 works with no connection held (REVIEW R16)
    password_hash = hasher.hash(command["password"])
    invitation.use(now)
    customer.activate(command["first_name"], command["last_name"], password_hash, now)
    uow.commit()
    return customer
