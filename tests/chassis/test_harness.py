"""The harness's own real parts: the SMTP capture server and per-test vhosts."""
import smtplib
from email.message import EmailMessage

from kombu import Connection


def test_smtp_capture_receives_a_real_mail(smtp_server):
    message = EmailMessage()
    message["From"] = "shop@example.it"
    message["To"] = "cliente@example.it"
    message["Subject"] = "Benvenuto – Привіт"
    message.set_content("Ciao!")
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as smtp:
        smtp.send_message(message)
    [received] = smtp_server.wait_for(1)
    assert received["Subject"] == "Benvenuto – Привіт"
    assert received.get_content().strip() == "Ciao!"


def test_each_test_gets_its_own_vhost(vhost):
    with Connection(vhost.amqp_uri) as connection:
        connection.ensure_connection(max_retries=1)
        channel = connection.channel()
        channel.queue_declare("only-here", durable=False, auto_delete=False)
    assert any(q["name"] == "only-here" for q in vhost.queues())
