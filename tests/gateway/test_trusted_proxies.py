"""Which address is the client's, behind reverse proxies (the rules; the limits they feed are
exercised through the gateway in tests/security/test_rate_limits.py)."""
import pytest

from gateway.http import TrustedProxies
from services.chassis.config import load_settings

PROXIES = TrustedProxies(["10.0.0.0/8", "fd00::/8"])


def client(peer, forwarded=None, proxies=PROXIES):
    environ = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    return proxies.client_address(environ)


@pytest.mark.parametrize("peer, forwarded, expected", [
    ("10.0.0.5", "203.0.113.7", "203.0.113.7"),                    # one ingress
    ("10.0.0.5", "203.0.113.7, 10.9.9.9", "203.0.113.7"),          # a chain of trusted proxies
    ("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),      # the client's own entry is ignored
    ("10.0.0.5", None, "10.0.0.5"),                                # a proxy's own request (a probe)
    ("10.0.0.5", "10.1.1.1, 10.2.2.2", "10.0.0.5"),                # only proxies: the nearest is the client
    ("10.0.0.5", "not-an-address", "10.0.0.5"),                    # garbage is never an identity
    ("fd00::1", "2001:db8::7", "2001:db8::7"),                     # IPv6
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),                # not from a proxy: the header is ignored
])
def test_the_client_is_the_nearest_untrusted_hop(peer, forwarded, expected):
    assert client(peer, forwarded) == expected


def test_without_trusted_proxies_the_peer_is_the_client():
    assert client("10.0.0.5", "203.0.113.7", TrustedProxies([])) == "10.0.0.5"


def test_a_mistyped_network_stops_the_start():
    with pytest.raises(ValueError, match="SPORTELLO_TRUSTED_PROXIES"):
        load_settings({"SPORTELLO_TRUSTED_PROXIES": "10.0.0.0/8, 10.0.0.300"})
