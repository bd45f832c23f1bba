"""Schemathesis hooks for Pratiche's API fuzzing run: NDJSON bodies (the
batch endpoint accepts one JSON item per line), and a log of every
answer's status (PRATICHE_FUZZ_LOG: "METHOD PATH STATUS" per line), so
the run can prove that authenticated operations were answered 2xx, not
only refused."""

import json
import os

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode("utf-8")


@schemathesis.hook
def after_call(ctx, case, response):
    log = os.environ.get("PRATICHE_FUZZ_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{case.method} {case.path} {response.status_code}\n")
