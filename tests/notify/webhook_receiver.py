#!/usr/bin/python3
"""A real HTTP receiver for keel-notify's webhooks that checks them the
Standard Webhooks way, as a customer's receiver would: the signature
"v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>" in constant time, a
timestamp within 5 minutes, and each webhook-id once (a repeat is answered
200 and not stored again).  Accepted deliveries go to DIR/NNNN.json;
anything else gets 401.  If DIR/fail exists, it answers 503 (down).

  webhook_receiver.py PORT DIR SECRET
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

PORT, DIR, SECRET = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
LOCK = threading.Lock()
SEEN = set()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code):
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if os.path.exists(os.path.join(DIR, "fail")):
            return self.answer(503)
        wid = self.headers.get("webhook-id", "")
        ts = self.headers.get("webhook-timestamp", "")
        sig = self.headers.get("webhook-signature", "")
        mac = hmac.new(SECRET, wid.encode() + b"." + ts.encode() + b"." +
                       body, hashlib.sha256).digest()
        want = "v1," + base64.b64encode(mac).decode()
        fresh = ts.isdigit() and abs(time.time() - int(ts)) < 300
        if not (fresh and hmac.compare_digest(want, sig)):
            with open(os.path.join(DIR, "rejected"), "a") as f:
                f.write(wid + "\n")
            return self.answer(401)
        with LOCK:
            if wid not in SEEN:
                SEEN.add(wid)
                n = len([f for f in os.listdir(DIR) if f.endswith(".json")])
                path = os.path.join(DIR, "%04d.json" % (n + 1))
                with open(path + ".tmp", "wb") as f:
                    f.write(json.dumps({"id": wid, "body":
                                        json.loads(body)}).encode())
                os.rename(path + ".tmp", path)
        self.answer(204)


http.server.ThreadingHTTPServer.allow_reuse_address = True
srv = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print("ready", flush=True)
srv.serve_forever()
