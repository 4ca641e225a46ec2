"""The caller's identity crosses RabbitMQ signed: a service believes only the signature, never an id it is sent.

Anything on the internal network can publish RPC requests; without the identity secret it
cannot make a service act as a customer.
"""
from dataclasses import asdict

import pytest
from itsdangerous import URLSafeTimedSerializer

from services.chassis.auth import IDENTITY_CONTEXT_KEY, Identity, IdentitySigner
from services.chassis.errors import Unauthenticated
from tests.accounts.conftest import Accounts, operator_rpc


@pytest.fixture
def anna(system, client, config):
    system.start("accounts", "gateway")
    accounts = Accounts(client, config)
    customer = accounts.register("anna@example.it").json()
    token = accounts.token("anna@example.it")
    return Identity(customer_id=customer["id"], session_id="s", kind="private"), token


def get_me(config, signed=None):
    context = {IDENTITY_CONTEXT_KEY: signed} if signed is not None else {}
    with operator_rpc(config, context_data=context) as proxy:  # replies come back from accounts' own user
        return proxy.accounts.get_me()


def test_a_service_refuses_a_missing_forged_or_tampered_identity(anna, config):
    identity, _ = anna
    with pytest.raises(Unauthenticated):
        get_me(config)
    forged = URLSafeTimedSerializer("not-the-secret", salt="sportello.identity.v1").dumps(asdict(identity))
    with pytest.raises(Unauthenticated):
        get_me(config, forged)
    genuine = IdentitySigner(config["IDENTITY_SECRET"]).sign(identity)
    _, timestamp, signature = genuine.rsplit(".", 2)  # payload.timestamp.signature (payload may start with ".")
    other = IdentitySigner(config["IDENTITY_SECRET"]).sign(Identity(customer_id="someone-else", session_id="s",
                                                                    kind="private"))
    with pytest.raises(Unauthenticated):
        get_me(config, f"{other.rsplit('.', 2)[0]}.{timestamp}.{signature}")  # another payload under anna's signature
    with pytest.raises(Unauthenticated):
        get_me(config, f'{{"customer_id": "{identity.customer_id}"}}')  # a bare id is not an identity
    assert get_me(config, genuine)["email"] == "anna@example.it"  # only the secret's holder vouches


def test_a_bearer_token_is_never_an_identity(anna, config, client):
    _, token = anna
    with pytest.raises(Unauthenticated):
        get_me(config, token)  # the gateway's token is checked by accounts, then turned into a signed identity
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


# -- clock skew between the gateway (which signs) and a service (which verifies): R5 -------------------
SECRET = "a-test-identity-secret-of-32-characters-or-more"
ANNA = Identity(customer_id="c-1", session_id="s", kind="private")
T = 1_700_000_000.0  # a whole second: the signature's timestamp has whole seconds


def signed_at(moment: float, **options) -> str:
    return IdentitySigner(SECRET, clock=lambda: moment, **options).sign(ANNA)


def verified_at(moment: float, token: str, **options) -> Identity:
    return IdentitySigner(SECRET, clock=lambda: moment, **options).verify(token)


def test_a_signature_a_moment_in_the_future_is_accepted():
    assert verified_at(T + 0.8, signed_at(T + 1.1)) == ANNA  # the gateway's clock runs 0.3 s ahead


@pytest.mark.parametrize("ahead, accepted", [(29, True), (31, False)])
def test_the_gateway_may_be_ahead_by_the_tolerated_skew_and_no_more(ahead, accepted):
    token = signed_at(T + ahead)
    if accepted:
        assert verified_at(T, token) == ANNA
    else:
        with pytest.raises(Unauthenticated):
            verified_at(T, token)


@pytest.mark.parametrize("age, accepted", [(300 + 29, True), (300 + 31, False)])
def test_a_signature_lives_its_max_age_plus_the_skew_and_no_longer(age, accepted):
    token = signed_at(T)
    if accepted:
        assert verified_at(T + age, token) == ANNA
    else:
        with pytest.raises(Unauthenticated):
            verified_at(T + age, token)


def test_the_tolerated_skew_is_a_setting():
    from services.chassis.config import load_settings, nameko_config

    assert load_settings({}).identity_clock_skew == 30
    settings = load_settings({"SPORTELLO_IDENTITY_CLOCK_SKEW": "5"})
    assert nameko_config(settings)["IDENTITY_CLOCK_SKEW"] == 5
    token = signed_at(T + 6)
    with pytest.raises(Unauthenticated):
        verified_at(T, token, clock_skew=5)
    assert verified_at(T, signed_at(T + 4), clock_skew=5) == ANNA
    with pytest.raises(ValueError, match="SPORTELLO_IDENTITY_CLOCK_SKEW"):
        load_settings({"SPORTELLO_IDENTITY_CLOCK_SKEW": "-1"})


def test_a_service_accepts_an_identity_from_a_gateway_whose_clock_is_two_seconds_ahead(anna, config):
    """Through RabbitMQ, against the service's real clock: the signature is made 2 s in its future."""
    import time

    from itsdangerous import TimestampSigner

    class AheadSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) + 2

    identity, _ = anna
    ahead = URLSafeTimedSerializer(config["IDENTITY_SECRET"], salt="sportello.identity.v1",
                                   signer=AheadSigner).dumps(asdict(identity))
    assert get_me(config, ahead)["email"] == "anna@example.it"


def test_an_identity_signed_with_a_field_this_service_does_not_know_yet_is_accepted_without_it():
    # A rolling deploy: a newer gateway signs a field (as 'language' was added) before every
    # service knows it. The signature still covers it; the older service reads what it knows.
    newer = URLSafeTimedSerializer(SECRET, salt="sportello.identity.v1")
    token = newer.dumps({**asdict(ANNA), "badge_colour": "green"})
    assert IdentitySigner(SECRET).verify(token) == ANNA
    with pytest.raises(Unauthenticated):  # a field it needs is still required
        IdentitySigner(SECRET).verify(newer.dumps({"session_id": "s", "kind": "private"}))
