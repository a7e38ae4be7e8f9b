"""A real SMTP server for the tests (aiosmtpd from PyPI) on 127.0.0.1.

Usage: smtp_test_server.py MAILDIR CERT KEY
Requires STARTTLS before anything else, accepts AUTH PLAIN paperwork/secret only over TLS,
writes each message to MAILDIR/<n>.eml, prints "READY <port>" and runs until stdin closes.
"""
import pathlib, socket, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

maildir, cert, key = sys.argv[1:4]
pathlib.Path(maildir).mkdir(parents=True, exist_ok=True)

class Saver:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Saver.count += 1
        path = pathlib.Path(maildir) / f"{Saver.count}.eml"
        path.write_bytes(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\nX-Envelope-To: "
                         + ",".join(envelope.rcpt_tos).encode() + b"\r\nX-Authenticated: "
                         + str(session.authenticated).encode() + b"\r\n" + envelope.original_content)
        return "250 OK"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"paperwork" and auth_data.password == b"secret"
    return AuthResult(success=True) if ok else AuthResult(success=False, handled=False, message="535 5.7.8 Authentication credentials invalid")

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
controller = Controller(Saver(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                        authenticator=authenticator, auth_require_tls=True)
controller.start()
print(f"READY {port}", flush=True)
sys.stdin.read()
controller.stop()
