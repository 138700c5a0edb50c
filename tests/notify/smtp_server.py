#!/usr/bin/python3
"""A real SMTP server for keel-notify's tests (Debian's python3-aiosmtpd):
STARTTLS required, AUTH LOGIN/PLAIN required, every accepted message
written whole to DIR/NNNN.eml with the envelope recipients in a first
X-Envelope-To line.  Runs until killed.

  smtp_server.py PORT DIR CERT KEY USER PASSWORD
"""
import asyncio
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, directory):
        self.dir = directory
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = len([f for f in os.listdir(self.dir) if f.endswith(".eml")])
            path = os.path.join(self.dir, "%04d.eml" % (n + 1))
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(b"X-Envelope-To: " +
                        ",".join(envelope.rcpt_tos).encode() + b"\r\n")
                f.write(envelope.original_content)
            os.rename(tmp, path)
        return "250 OK stored"


def main():
    port, directory, cert, key, user, password = sys.argv[1:7]
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)

    def auth(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and
              data.login.decode() == user and
              data.password.decode() == password)
        return AuthResult(success=ok)

    ctl = Controller(Store(directory), hostname="127.0.0.1",
                     port=int(port), tls_context=ctx,
                     require_starttls=True, authenticator=auth,
                     auth_required=True, auth_require_tls=True)
    ctl.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
