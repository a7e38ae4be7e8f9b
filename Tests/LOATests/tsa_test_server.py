"""An RFC 3161 time-stamping authority for the tests, on 127.0.0.1: OpenSSL's `ts -reply`
(Debian's openssl, a well-kept TSA implementation) behind a minimal HTTP endpoint.

Usage: python3 tsa_test_server.py DIRECTORY [--mode good|refuse|wrong-imprint|slow|error|crl-down]
Creates DIRECTORY/ca.pem (the root to trust), DIRECTORY/tsa.pem and its key, listens on a free
port and prints `port=N` once ready. The TSA certificate names a CRL distribution point on the
same server (GET /ca.crl: the root's CRL, DER, nothing revoked), as public authorities do, so
letters can reach PAdES B-LT. Modes, for the failure tests:
  good           answers every query with a granted timestamp (the default)
  crl-down       timestamps as good, but GET /ca.crl answers 404 while DIRECTORY/crl-down
                 exists (the mode creates it; delete it to publish the CRL again)
  refuse         answers with status 2 (rejection)
  wrong-imprint  answers with a granted timestamp over other bytes
  slow           answers after 30 seconds
  error          answers HTTP 500
Credentials: when DIRECTORY/credentials holds `user:password`, requests without that HTTP
Basic authorization get 401.
"""
import base64
import http.server
import os
import subprocess
import sys
import tempfile
import time

CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.55555.1.1
other_policies = 1.3.6.1.4.1.55555.1.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

EXTENSIONS = """
[ tsa_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:{crl_url}
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""


def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], check=True, capture_output=True, input=stdin).stdout


def make_authority(directory, crl_url):
    if os.path.exists(os.path.join(directory, "tsa.pem")):
        return
    ext = os.path.join(directory, "ext.cnf")
    with open(ext, "w") as handle:
        handle.write(EXTENSIONS.format(crl_url=crl_url))
    ca_key, tsa_key = os.path.join(directory, "ca.key"), os.path.join(directory, "tsa.key")
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ca_key)
    openssl("req", "-new", "-x509", "-key", ca_key, "-subj", "/CN=Paperwork Test TSA Root/O=Paperwork tests",
            "-days", "3650", "-extensions", "ca_ext", "-config", ext, "-out", os.path.join(directory, "ca.pem"))
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", tsa_key)
    csr = os.path.join(directory, "tsa.csr")
    openssl("req", "-new", "-key", tsa_key, "-subj", "/CN=Paperwork Test TSA/O=Paperwork tests", "-out", csr)
    openssl("x509", "-req", "-in", csr, "-CA", os.path.join(directory, "ca.pem"), "-CAkey", ca_key, "-CAcreateserial",
            "-days", "3650", "-extfile", ext, "-extensions", "tsa_ext", "-out", os.path.join(directory, "tsa.pem"))
    with open(os.path.join(directory, "serial"), "w") as handle:
        handle.write("01\n")
    with open(os.path.join(directory, "tsa.cnf"), "w") as handle:
        handle.write(CONFIG.format(dir=directory))


def make_crl(directory):
    """The root's CRL, DER: issued now, next update in a week, nothing revoked."""
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    with open(os.path.join(directory, "ca.pem"), "rb") as handle:
        root = x509.load_pem_x509_certificate(handle.read())
    with open(os.path.join(directory, "ca.key"), "rb") as handle:
        key = serialization.load_pem_private_key(handle.read(), password=None)
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(root.subject)
               .last_update(now - datetime.timedelta(minutes=5)).next_update(now + datetime.timedelta(days=7))
               .add_extension(x509.CRLNumber(1), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()), critical=False))
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def main(directory, mode):
    os.makedirs(directory, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), None)
    port = server.server_address[1]
    make_authority(directory, f"http://127.0.0.1:{port}/ca.crl")
    crl = make_crl(directory)
    crl_down = os.path.join(directory, "crl-down")
    if mode == "crl-down":
        open(crl_down, "w").close()
    config = os.path.join(directory, "tsa.cnf")
    credentials_file = os.path.join(directory, "credentials")
    expected = None
    if os.path.exists(credentials_file):
        with open(credentials_file) as handle:
            expected = "Basic " + base64.b64encode(handle.read().strip().encode()).decode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path != "/ca.crl" or os.path.exists(crl_down):
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(crl)))
            self.end_headers()
            self.wfile.write(crl)

        def do_POST(self):
            if expected and self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="tsa"')
                self.end_headers()
                return
            query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if mode == "error":
                self.send_response(500)
                self.end_headers()
                return
            if mode == "slow":
                time.sleep(30)
            with tempfile.TemporaryDirectory() as work:
                query_file = os.path.join(work, "query.tsq")
                if mode == "wrong-imprint":
                    query = openssl("ts", "-query", "-digest", "00" * 32, "-sha256", "-cert")
                with open(query_file, "wb") as handle:
                    handle.write(query)
                reply_file = os.path.join(work, "reply.tsr")
                if mode == "refuse":
                    # A rejection: PKIStatusInfo { status 2 }, no token.
                    reply = bytes.fromhex("3005300302 0102".replace(" ", ""))
                else:
                    openssl("ts", "-reply", "-config", config, "-queryfile", query_file, "-out", reply_file)
                    with open(reply_file, "rb") as handle:
                        reply = handle.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    server.RequestHandlerClass = Handler
    print(f"port={port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = "good"
    if "--mode" in arguments:
        index = arguments.index("--mode")
        chosen = arguments[index + 1]
        del arguments[index:index + 2]
    main(arguments[0], chosen)
