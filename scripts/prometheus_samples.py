"""Reads a Prometheus text exposition on standard input with the official
client's parser (prometheus_client, PyPI) and prints its samples as JSON:
a list of {"name", "labels", "value"}. A text the parser refuses exits 1
with the reason, so a test sees a malformed exposition fail."""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    text = sys.stdin.read()
    try:
        samples = [
            {"name": sample.name, "labels": sample.labels, "value": sample.value}
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        ]
    except Exception as error:  # the parser's own word on what is wrong
        print(f"not a Prometheus exposition: {error}", file=sys.stderr)
        return 1
    json.dump(samples, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
