"""`mock-server` / `python -m mock_server`: flags and MOCK_* variables -> MockSettings -> uvicorn.

This is the only place that reads the environment. A flag wins over its MOCK_<FLAG> variable;
a partition setting given by neither falls back to the data file's `settings` block.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

from mock_server.data import DataError
from mock_server.gc_tuning import tune_collector
from mock_server.settings import CONNEXION_STACKS, Latency, MockSettings
from mock_server.validation import base_path, load_spec

DEFAULTS = MockSettings()
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mock-server", description=__doc__)
    p.add_argument("--host", default=env.get("MOCK_HOST", DEFAULTS.host))
    p.add_argument("--port", type=int, default=int(env.get("MOCK_PORT", DEFAULTS.port)))
    p.add_argument(
        "--data",
        type=Path,
        default=Path(env.get("MOCK_DATA", DEFAULTS.data_file)),
        help="seed data file (default: the bundled data/default.yaml)",
    )
    _switch(p, "customer-departmentalization", env)
    _switch(p, "secure-messaging", env)
    p.add_argument("--max-email-size-mb", type=float, default=_number(env, "MAX_EMAIL_SIZE_MB"))
    p.add_argument("--max-body-size-kb", type=float, default=_number(env, "MAX_BODY_SIZE_KB"))
    p.add_argument(
        "--cors-origin",
        action="append",
        dest="cors_origins",
        default=_list(env, "CORS_ORIGIN"),
        help="allowed browser origin (repeatable); default: any localhost port",
    )
    p.add_argument(
        "--latency",
        type=_latency,
        default=_env_latency(env),
        help="delay every vendor request: MS (e.g. 200) or a range MIN-MAX (e.g. 100-400)",
    )
    p.add_argument(
        "--token-lifetime",
        type=_lifetime,
        default=_env_lifetime(env),
        help=f"seconds an issued OAuth token lives (default {DEFAULTS.token_lifetime_seconds}); "
        "then 401 401-101",
    )
    p.add_argument(
        "--connexion-stack",
        choices=CONNEXION_STACKS,
        default=_env_stack(env),
        help="fast (default): Connexion with the mock's overrides of its internals; "
        "stock: Connexion's public API only (same answers, slower)",
    )
    _switch(p, "validate-responses", env, default=DEFAULTS.validate_responses)
    p.add_argument(
        "--quiet",
        action="store_true",
        default=_flag(env, "QUIET") or DEFAULTS.quiet,
        help="no per-request log lines",
    )
    return p


def _latency(text: str) -> Latency:
    try:
        return Latency.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _env_latency(env: Mapping[str, str]) -> Latency | None:
    raw = env.get("MOCK_LATENCY")
    if not raw:
        return None
    try:
        return Latency.parse(raw)
    except ValueError as exc:
        raise SystemExit(f"mock-server: MOCK_LATENCY: {exc}") from exc


def _lifetime(text: str) -> int:
    if not text.strip().isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"token lifetime {text!r} is not a whole number >= 1")
    return int(text)


def _env_lifetime(env: Mapping[str, str]) -> int:
    raw = env.get("MOCK_TOKEN_LIFETIME")
    if raw is None:
        return DEFAULTS.token_lifetime_seconds
    try:
        return _lifetime(raw)
    except argparse.ArgumentTypeError as exc:
        raise SystemExit(f"mock-server: MOCK_TOKEN_LIFETIME: {exc}") from exc


def _env_stack(env: Mapping[str, str]) -> str:
    raw = env.get("MOCK_CONNEXION_STACK", DEFAULTS.connexion_stack)
    if raw not in CONNEXION_STACKS:
        raise SystemExit(
            f"mock-server: MOCK_CONNEXION_STACK={raw!r} is not one of {CONNEXION_STACKS}"
        )
    return raw


def _env_name(flag: str) -> str:
    return "MOCK_" + flag.upper().replace("-", "_")


def _flag(env: Mapping[str, str], name: str) -> bool | None:
    raw = env.get(_env_name(name))
    if raw is None:
        return None
    if raw.strip().lower() in TRUE:
        return True
    if raw.strip().lower() in FALSE:
        return False
    raise SystemExit(f"mock-server: {_env_name(name)}={raw!r} is not true/false")


def _switch(
    p: argparse.ArgumentParser, flag: str, env: Mapping[str, str], default: bool | None = None
) -> None:
    from_env = _flag(env, flag)
    p.add_argument(
        f"--{flag}",
        action=argparse.BooleanOptionalAction,
        default=default if from_env is None else from_env,
    )


def _number(env: Mapping[str, str], name: str) -> float | None:
    raw = env.get(f"MOCK_{name}")
    return None if raw is None else float(raw)


def _list(env: Mapping[str, str], name: str) -> list[str] | None:
    raw = env.get(f"MOCK_{name}")
    return [o.strip() for o in raw.split(",") if o.strip()] if raw else None


def settings_from(argv: Sequence[str] | None, env: Mapping[str, str]) -> MockSettings:
    args = parser(env).parse_args(argv)
    return MockSettings(
        host=args.host,
        port=args.port,
        data_file=args.data,
        customer_departmentalization=args.customer_departmentalization,
        secure_messaging=args.secure_messaging,
        max_email_size_mb=args.max_email_size_mb,
        max_body_size_kb=args.max_body_size_kb,
        cors_origins=tuple(args.cors_origins or ()),
        validate_responses=args.validate_responses,
        quiet=args.quiet,
        latency=args.latency,
        token_lifetime_seconds=args.token_lifetime,
        connexion_stack=args.connexion_stack,
    )


def main(argv: Sequence[str] | None = None) -> int:
    settings = settings_from(argv, os.environ)
    # connexion imports starlette.testclient, which warns about httpx; nothing for our users.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    # Connexion warns on every request that the operation reads two media types: noise here.
    logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)
    import uvicorn

    from mock_server.app import create_app

    spec = load_spec(settings.spec_file)
    try:
        app = create_app(settings, spec=spec)
    except DataError as exc:
        print(f"mock-server: {exc}", file=sys.stderr)
        return 2
    if not settings.quiet:
        base = f"http://{settings.host}:{settings.port}{base_path(spec)}"
        print(f"mock-server: {base} (Swagger UI at {base}/ui/)", file=sys.stderr)
    tune_collector()
    # loop and http stay "auto": uvloop and httptools (uvicorn[standard]) where they exist.
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
