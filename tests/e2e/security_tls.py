"""Throw-away TLS material for the security tests: a CA, a server certificate
for 127.0.0.1/localhost signed by it, and a second CA that signed nothing
(the "wrong CA"). Made with the openssl command line; standard library only."""

import os
import socket
import subprocess
import tempfile
import time


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


class TlsFiles:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cdc-tls-")
        os.chmod(self.dir, 0o755)  # the database servers (other users) read the files
        d = self.dir
        for ca in ("ca", "wrong_ca"):
            _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN=cdc test {ca}",
                     "-keyout", f"{ca}.key", "-out", f"{ca}.crt", cwd=d)
        with open(os.path.join(d, "san.ext"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                    "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                 "-out", "server.csr", cwd=d)
        _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                 "-days", "2", "-extfile", "san.ext", "-out", "server.crt", cwd=d)
        self.ca = os.path.join(d, "ca.crt")
        self.wrong_ca = os.path.join(d, "wrong_ca.crt")
        self.cert = os.path.join(d, "server.crt")
        self.key = os.path.join(d, "server.key")

    def give_key_to(self, user):
        """The server key readable by `user` only (PostgreSQL refuses a group/world-readable key)."""
        os.chmod(self.key, 0o600)
        if os.getuid() == 0:
            subprocess.run(["chown", user, self.key], check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TlsProxy:
    """socat terminating TLS on 127.0.0.1:port with the test certificate and
    forwarding plain HTTP to `target_port` (the emulator speaks HTTP only)."""

    def __init__(self, tls, target_port):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["socat", f"openssl-listen:{self.port},bind=127.0.0.1,reuseaddr,fork,cert={tls.cert},key={tls.key},"
                      "verify=0", f"tcp:127.0.0.1:{target_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("socat did not start")
                time.sleep(0.05)
        self.url = f"https://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
