"""Which transport each channel gets, from the MAIL and SMS sections of the nameko config."""
import pytest

from services.messaging.adapters.mail import DEFAULT_MAIL_FROM, FileMailer, SmtpMailer
from services.messaging.adapters.sms import FileSms
from services.messaging.dependencies import transports


def test_an_smtp_host_gives_an_smtp_mailer_with_its_options(tmp_path):
    chosen = transports({
        "MAIL": {"transport": "smtp", "smtp_host": "mail.example.it", "smtp_port": "587", "smtp_username": "shop",
                 "smtp_password": "secret", "smtp_starttls": "true", "mail_from": "Shop <shop@example.it>"},
        "SMS": {"transport": "file", "file_dir": str(tmp_path / "sms")},
    })
    mailer = chosen["email"]
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.username, mailer.starttls) == ("mail.example.it", 587, "shop", True)
    assert (mailer.mail_from, mailer.envelope_from) == ("Shop <shop@example.it>", "shop@example.it")
    assert isinstance(chosen["sms"], FileSms) and chosen["sms"].path == tmp_path / "sms" / "outbox.jsonl"


def test_files_are_the_default_for_both_channels(tmp_path):
    chosen = transports({"MAIL": {"file_dir": str(tmp_path / "mail")}, "SMS": {"file_dir": str(tmp_path / "sms")}})
    assert isinstance(chosen["email"], FileMailer) and chosen["email"].directory == tmp_path / "mail"
    assert chosen["email"].mail_from == DEFAULT_MAIL_FROM
    assert isinstance(chosen["sms"], FileSms)


@pytest.mark.parametrize("mail", [{"transport": "smtp"}, {"transport": "pigeon"}])
def test_a_mail_setting_that_cannot_work_stops_the_service_at_start(mail):
    with pytest.raises(ValueError):
        transports({"MAIL": mail})
