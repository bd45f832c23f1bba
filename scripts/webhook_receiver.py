"""A body's webhook receiver for the integration tests, verifying every
delivery with the official `standardwebhooks` library from PyPI (a
verifier nobody here wrote).

`serve FOLDER`: listens on a free loopback port (printed first). Each
request is appended to FOLDER/received.jsonl with its path, its
`webhook-*` headers, its body, and, for every secret in FOLDER/secrets.json
(`{"name": "whsec_..."}`, read at each request so a test can add the
rotated one), what `Webhook(secret).verify` said ("ok" or the error's
name). The path chooses the answer: /ok 204, /gone 410, /busy 503 with
Retry-After: 1 the first time and 204 after, /redirect 302, /slow 204
after three seconds (a delivery under way when the server is stopped).

`verify SECRET LATER`: reads one delivery as JSON (`{"headers", "body"}`)
on standard input and verifies it as if LATER seconds had passed: a
replay, too old for the library's five-minute tolerance."""

import json
import os
import sys
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import standardwebhooks
import standardwebhooks.webhooks

HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def verify(secret, body, headers):
    try:
        standardwebhooks.Webhook(secret).verify(body, headers)
        return "ok"
    except Exception as error:  # the library's own verdict, by name
        return type(error).__name__


def serve(folder):
    lock = threading.Lock()
    seen = set()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            headers = {name: self.headers.get(name) for name in HEADERS if self.headers.get(name)}
            try:
                with open(os.path.join(folder, "secrets.json"), encoding="utf-8") as file:
                    secrets = json.load(file)
            except FileNotFoundError:
                secrets = {}
            entry = {
                "path": self.path,
                "headers": headers,
                "content_type": self.headers.get("Content-Type"),
                "body": body,
                "verified": {name: verify(secret, body, headers) for name, secret in secrets.items()},
            }
            with lock:
                with open(os.path.join(folder, "received.jsonl"), "a", encoding="utf-8") as out:
                    out.write(json.dumps(entry) + "\n")
                first = self.path not in seen
                seen.add(self.path)
            if self.path == "/gone":
                self.answer(410, b"gone")
            elif self.path == "/busy" and first:
                self.answer(503, b"busy", [("Retry-After", "1")])
            elif self.path == "/redirect":
                self.answer(302, b"", [("Location", "/ok")])
            elif self.path == "/slow":
                time.sleep(3)
                self.answer(204, b"")
            else:
                self.answer(204, b"")

        def answer(self, status, data, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def verify_later(secret, later):
    delivery = json.load(sys.stdin)
    shift = timedelta(seconds=float(later))

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + shift

    standardwebhooks.webhooks.datetime = Later
    print(verify(secret, delivery["body"], delivery["headers"]))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        verify_later(sys.argv[2], sys.argv[3])
