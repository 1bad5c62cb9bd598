"""A webhook endpoint that trusts nothing it cannot verify.

Each POST is checked with the official `standardwebhooks` library (signature, timestamp
tolerance). A verified message is appended to the log as one JSON line and then answered 204;
anything else is answered 400 and logged as rejected. The process can be killed at any time:
a message is acknowledged only after its line is on disk.

    python receiver.py PORT SECRET LOG [fast]

SECRET is one secret, or `@FILE` naming a JSON object of secrets by request path (several
subscriptions, one endpoint each). `fast` skips the fsync (for the delivery benchmark).
"""

import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PORT, SECRET, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
FAST = len(sys.argv) > 4 and sys.argv[4] == "fast"
if SECRET.startswith("@"):
    with open(SECRET[1:], encoding="utf-8") as f:
        webhooks = {path: Webhook(secret) for path, secret in json.load(f).items()}
else:
    webhooks = {None: Webhook(SECRET)}
lock = Lock()


def record(entry):
    with lock, open(LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")
        f.flush()
        if not FAST:
            os.fsync(f.fileno())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        webhook = webhooks.get(self.path) or webhooks.get(None)
        try:
            if webhook is None:
                raise WebhookVerificationError("no secret for " + self.path)
            payload = webhook.verify(body, headers)
        except WebhookVerificationError as e:
            record({"rejected": str(e)})
            self.send_response(400)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        record({
            "webhook_id": headers["webhook-id"],
            "path": self.path,
            "type": payload["type"],
            "data": payload["data"],
            "timestamp": payload["timestamp"],
            "received_at": time.time(),
        })
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer.allow_reuse_address = True
server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print("ready", flush=True)
server.serve_forever()
