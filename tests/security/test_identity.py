"""The caller's identity crosses RabbitMQ signed: a service believes only the signature, never an id it is sent.

Anything on the internal network can publish RPC requests; without the identity secret it
cannot make a service act as a customer.
"""
from dataclasses import asdict

import pytest
from itsdangerous import URLSafeTimedSerializer
from nameko.standalone.rpc import ClusterRpcProxy

from services.chassis.auth import IDENTITY_CONTEXT_KEY, Identity, IdentitySigner
from services.chassis.errors import Unauthenticated
from tests.accounts.conftest import Accounts


@pytest.fixture
def anna(system, client, config):
    system.start("accounts", "gateway")
    accounts = Accounts(client, config)
    customer = accounts.register("anna@example.it").json()
    token = accounts.token("anna@example.it")
    return Identity(customer_id=customer["id"], session_id="s", kind="private"), token


def get_me(config, signed=None):
    context = {IDENTITY_CONTEXT_KEY: signed} if signed is not None else {}
    with ClusterRpcProxy(config, context_data=context) as proxy:
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
