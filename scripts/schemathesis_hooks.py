"""Schemathesis hooks for Pratiche's API fuzzing run: NDJSON bodies (the
batch endpoint accepts one JSON item per line)."""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode("utf-8")
