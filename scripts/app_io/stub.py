"""A local stand-in for App IO's API for services, for the integration
tests: it serves `POST /api/v1/profiles` and `POST /api/v1/messages` on a
free loopback port (printed first) and checks every request against the
published OpenAPI beside it (openapi.yaml, Swagger 2.0): the subscription
key header, and the JSON body against the operation's schema with
`jsonschema` (Draft 4, the dialect of Swagger 2.0), the schema's own
formats (`FiscalCode`, `UTCISODateFromString`, `email`) and no member the
schema does not define. A request that fails gets 400 with a problem
document and is written to `violations.jsonl`; one that passes is written
to `requests.jsonl` (both in the folder given as the first argument) and
answered as IO would.

Options: --key KEY (the one subscription key accepted), --allowed CF,...
(profiles that take the service's messages), --service-off CF,...
(profiles that turned it off; any other code is unknown: 404),
--throttle N (the first N messages get 429 with Retry-After: 1)."""

import argparse
import json
import os
import re
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "openapi.yaml"), encoding="utf-8") as spec_file:
    SPEC = yaml.safe_load(spec_file)

FISCAL_CODE = re.compile(SPEC["parameters"]["FiscalCode"]["pattern"])
FORMATS = jsonschema.Draft4Validator.FORMAT_CHECKER


@FORMATS.checks("FiscalCode")
def is_fiscal_code(value):
    return not isinstance(value, str) or FISCAL_CODE.fullmatch(value) is not None


@FORMATS.checks("UTCISODateFromString")
def is_utc_instant(value):
    if not isinstance(value, str) or not value.endswith("Z"):
        return False
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:
        return False
    return True


def validator(definition):
    schema = {"definitions": SPEC["definitions"], "$ref": f"#/definitions/{definition}"}
    return jsonschema.Draft4Validator(schema, format_checker=FORMATS)


def body_schema(path):
    """The `definitions` name of the body parameter of `POST path`."""
    operation = SPEC["paths"][path]["post"]
    body = next(p for p in operation["parameters"] if p.get("in") == "body")
    return body["schema"]["$ref"].rsplit("/", 1)[1]


def properties(schema):
    """Every member a schema (with its `$ref`s and `allOf`s) defines, with
    its schema."""
    if "$ref" in schema:
        return properties(SPEC["definitions"][schema["$ref"].rsplit("/", 1)[1]])
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        found.update(properties(part))
    return found


def unknown_members(instance, schema, where=""):
    """Members of `instance` its schema does not define (IO ignores them,
    so a typo would go unnoticed)."""
    if not isinstance(instance, dict):
        return []
    known = properties(schema)
    if not known:
        return []
    unknown = []
    for name, value in instance.items():
        if name not in known:
            unknown.append(f"{where}/{name}")
        else:
            unknown.extend(unknown_members(value, known[name], f"{where}/{name}"))
    return unknown


VALIDATORS = {
    path: (validator(body_schema(path)), body_schema(path))
    for path in ("/profiles", "/messages")
}


class Stub:
    def __init__(self, folder, key, allowed, service_off, throttle):
        self.folder = folder
        self.key = key
        self.allowed = set(allowed)
        self.service_off = set(service_off)
        self.throttle = throttle
        self.lock = threading.Lock()

    def log(self, name, entry):
        with self.lock, open(os.path.join(self.folder, name), "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")

    def take_throttle(self):
        with self.lock:
            if self.throttle > 0:
                self.throttle -= 1
                return True
            return False


def handler_for(stub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body=None, headers=()):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if body is not None:
                content_type = "application/problem+json" if status >= 400 else "application/json"
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def refuse(self, path, problems, body):
            stub.log("violations.jsonl", {"path": path, "problems": problems, "body": body})
            self.answer(400, {"title": "Invalid payload", "status": 400, "detail": "; ".join(problems)})

        def do_POST(self):
            base = SPEC["basePath"]
            path = self.path[len(base):] if self.path.startswith(base) else None
            if path not in VALIDATORS:
                self.answer(404, {"title": "Not found", "status": 404})
                return
            if self.headers.get("Ocp-Apim-Subscription-Key") != stub.key:
                self.answer(401)
                return
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                self.refuse(path, ["Content-Type is not application/json"], raw.decode(errors="replace"))
                return
            try:
                body = json.loads(raw)
            except ValueError as error:
                self.refuse(path, [f"not JSON: {error}"], raw.decode(errors="replace"))
                return
            check, definition = VALIDATORS[path]
            problems = [
                f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
                for error in check.iter_errors(body)
            ]
            problems += [
                f"{member}: not defined by {definition}"
                for member in unknown_members(body, {"$ref": f"#/definitions/{definition}"})
            ]
            if problems:
                self.refuse(path, problems, body)
                return
            if path == "/profiles":
                stub.log("requests.jsonl", {"path": path, "body": body})
                code = body["fiscal_code"]
                if code in stub.allowed:
                    self.answer(200, {"sender_allowed": True, "preferred_languages": ["it_IT"]})
                elif code in stub.service_off:
                    self.answer(200, {"sender_allowed": False})
                else:
                    self.answer(404, {"title": "Profile not found", "status": 404})
                return
            if stub.take_throttle():
                stub.log("throttled.jsonl", {"path": path})
                self.answer(429, headers=[("Retry-After", "1")])
                return
            message_id = uuid.uuid4().hex.upper()[:26]
            stub.log("requests.jsonl", {"path": path, "body": body, "id": message_id})
            location = f"{base}/messages/{body['fiscal_code']}/{message_id}"
            self.answer(201, {"id": message_id}, headers=[("Location", location)])

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--key", required=True)
    parser.add_argument("--allowed", default="")
    parser.add_argument("--service-off", default="")
    parser.add_argument("--throttle", type=int, default=0)
    args = parser.parse_args()
    codes = lambda text: [code for code in text.split(",") if code]
    stub = Stub(args.folder, args.key, codes(args.allowed), codes(args.service_off), args.throttle)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(stub))
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
