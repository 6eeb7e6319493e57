"""The floor: a bare Starlette app that parses and stores the body, with no validation at all.

Whatever the mock does on top of this (auth, headers, schema, rules, vendor errors) is the cost
of being a mock; this app is the fastest a Python ASGI server on this machine can answer the
same POST. `python bench/floor_app.py --port P` (127.0.0.1 only).
"""

from __future__ import annotations

import argparse
import itertools
import json
from xml.etree import ElementTree

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.settings import HarnessSettings
from conformance.spec import load_api
from mock_server.gc_tuning import tune_collector

API = load_api(HarnessSettings().spec_path)  # the spec's base path and operation paths
LOCATION = API.base_path + API.read_back_path("")  # a new activity's, but for its id


def build_app() -> Starlette:
    """A two-route app: the create POST and a health check."""
    store: list[object] = []
    ids = itertools.count(1001)

    async def create(request: Request) -> Response:
        raw = await request.body()
        try:
            if "xml" in request.headers.get("content-type", ""):
                body: object = ElementTree.fromstring(raw)
            else:
                body = json.loads(raw)
        except (ValueError, ElementTree.ParseError):
            return JSONResponse({"code": "400-152"}, status_code=400)
        store.append(body)
        return Response(status_code=201, headers={"Location": f"{LOCATION}{next(ids)}"})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "stored": len(store)})

    return Starlette(
        routes=[
            Route(API.base_path + API.vendor.path, create, methods=[API.vendor.method]),
            Route("/mock/health", health),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = build_app()
    tune_collector()  # the same process tuning as the mock: the floor stays this stack's best
    uvicorn.run(app, host="127.0.0.1", port=args.port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
