#!/usr/bin/env python3
"""A CRM keeping Keel's customers through keel-gateway, with Python's
standard library only: each request signed with HMAC-SHA256 headers
(X-Keel-Key, X-Keel-Timestamp, X-Keel-Signature over
"TIMESTAMP\\nMETHOD\\nTARGET\\nBODY", TARGET the path and query), then the customer events it may read
as Server-Sent Events, resumable with Last-Event-ID.

    examples/client.py URL KEY-ID SECRET-FILE CUSTOMER-ID NAME
"""
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request


class Keel:
    def __init__(self, url, kid, secret):
        self.url, self.kid, self.secret = url.rstrip("/"), kid, secret

    def _headers(self, method, path, body):
        ts = str(int(time.time() * 1000))
        msg = b"\n".join([ts.encode(), method.encode(), path.encode(), body])
        sig = hmac.new(self.secret, msg, hashlib.sha256).hexdigest()
        return {"X-Keel-Key": self.kid, "X-Keel-Timestamp": ts,
                "X-Keel-Signature": sig}

    def call(self, msg_type, body, key=None):
        """POST /v1/<type>: the reply's body, or KeelError."""
        path = "/v1/" + msg_type
        data = json.dumps(body).encode()
        headers = self._headers("POST", path, data)
        headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        req = urllib.request.Request(self.url + path, data, headers,
                                     method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.load(r)["body"]
        except urllib.error.HTTPError as e:
            err = json.load(e)["error"]
            raise KeelError(e.code, err["code"], err["message"]) from None

    def events(self, service, since="0-0", last_id=None, limit=None):
        """GET /v1/events: (id, type, envelope) as they come."""
        path = "/v1/events?service=%s&since=%s" % (service, since)
        headers = self._headers("GET", path, b"")
        if last_id:
            headers["Last-Event-ID"] = last_id
        req = urllib.request.Request(self.url + path, headers=headers)
        n = 0
        with urllib.request.urlopen(req, timeout=10) as r:
            ev = {}
            for raw in r:
                line = raw.decode().rstrip("\n")
                if line.startswith(":"):
                    continue
                if line == "":
                    if ev:
                        yield ev["id"], ev["event"], json.loads(ev["data"])
                        n += 1
                        if limit and n >= limit:
                            return
                    ev = {}
                    continue
                field, _, value = line.partition(": ")
                ev[field] = value


class KeelError(Exception):
    def __init__(self, status, code, message):
        super().__init__("%d %s: %s" % (status, code, message))
        self.status, self.code = status, code


def main():
    url, kid, secret_file, cid, name = sys.argv[1:6]
    with open(secret_file, "rb") as f:
        secret = f.read().rstrip(b"\n")
    keel = Keel(url, kid, secret)
    put = keel.call("customer.put", {"id": cid, "name": name,
                                     "timezone": "Europe/Berlin"},
                    key="crm-" + cid)
    print("customer.put:", put)
    print("customer.get:", keel.call("customer.get", {"id": cid})["name"])
    try:
        keel.call("ticket.create", {"customer": cid})
    except KeelError as e:
        print("ticket.create:", e.status, e.code)
    first = None
    for seq, etype, env in keel.events("intake", limit=1):
        first = seq
        print("event:", etype, env["body"]["id"])
    print("resumed after", first, "->",
          [t for _, t, _ in keel.events("intake", last_id=first, limit=1)])


if __name__ == "__main__":
    main()
