"""The desk's settings, from the nameko config the chassis builds."""
import pytest

from services.messaging import schemas
from services.messaging.dependencies import DEFAULT_STAFF_EMAIL, MessagingSettings
from services.messaging.domain import policies


def test_defaults_and_overrides():
    default = MessagingSettings.from_config({"PUBLIC_BASE_URL": "https://shop.example.it"})
    assert (default.staff_email, default.staff_language, default.max_chars, default.response_hours) == (
        DEFAULT_STAFF_EMAIL, "en", 10_000, 48)
    custom = MessagingSettings.from_config({"PUBLIC_BASE_URL": "https://shop.example.it", "MESSAGE_MAX_CHARS": "2000",
                                            "STAFF_NOTIFICATIONS_EMAIL": "help@shop.example.it",
                                            "STAFF_NOTIFICATIONS_LANGUAGE": "it"})
    assert (custom.staff_email, custom.staff_language, custom.max_chars) == ("help@shop.example.it", "it", 2000)


@pytest.mark.parametrize("limit", ["0", "10001"])
def test_the_body_limit_can_be_lowered_but_not_raised_past_the_wire_contract(limit):
    with pytest.raises(ValueError):
        MessagingSettings.from_config({"MESSAGE_MAX_CHARS": limit})


def test_the_wire_contract_and_the_domain_agree_on_the_ceiling():
    assert schemas.BODY_MAX_CHARS == policies.BODY_MAX_CHARS
