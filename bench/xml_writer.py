"""Cost of the mock's XML writers (ElementTree), in microseconds per call, best of --rounds.

The XML create answers 201 with no body, so no throughput workload writes XML: these are the two
places that do, timed as functions. `error_body` is memoized; `--uncached` times the build itself.

    .venv/bin/python bench/xml_writer.py
"""

from __future__ import annotations

import argparse
import sys
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mock_server import xmlcodec
from mock_server.errors import error_body

ERROR = ("400-146", "The attribute payload.email.emailAddresses.receiver is required & <x>.",
         "Ein Attribut fehlt.", True)  # fmt: skip
ACTIVITY: dict[str, Any] = {"activity": [{
    "id": "1001", "case": {"id": "1060"}, "subject": "printer jams & <more>", "secure": False,
    "payload": {"email": {
        "emailAddresses": {"from": "ana@client.example", "receiver": "help@shop.example",
                           "to": {"address": ["a@x.example", "b@x.example"]}},
        "content": {"text": "It jams. " * 20, "html": "<p>It jams.</p>"}}},
    "customer": {"id": "1000", "type": {"value": "individual"}},
    "customAttributes": {"customAttribute": [
        {"attribName": "orderNumber", "attribValues": {"attribValue": [{"value": "42"}]}}]},
}]}  # fmt: skip


def per_call_us(call: Any, number: int, rounds: int) -> float:
    return min(timeit.repeat(call, number=number, repeat=rounds)) / number * 1e6


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("-n", type=int, default=5000, help="calls per round")
    p.add_argument("--rounds", type=int, default=7)
    args = p.parse_args()
    build = error_body.__wrapped__
    figures = {
        "error_body, memoized": lambda: error_body(*ERROR),
        "error_body, built": lambda: build(*ERROR),
        "dump (an activity read back)": lambda: xmlcodec.dump(ACTIVITY, "activities"),
    }
    for name, call in figures.items():
        print(f"{name:30} {per_call_us(call, args.n, args.rounds):8.2f} us", flush=True)


if __name__ == "__main__":
    main()
