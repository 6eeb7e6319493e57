"""The shape the packages keep: the two never import each other, and functions stay short.

These are the layout promises of ARCHITECTURE.md; a review found them kept, and this test keeps
them kept. Function length counts every line from `def` to the last line of the body.
"""

from __future__ import annotations

import ast
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mock_server", "conformance")
MEDIAN_LINES = 10  # the project's promise (issue #13): the median function stays at or under this


def _modules(package: str) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def _lengths() -> list[int]:
    return [
        node.end_lineno - node.lineno + 1
        for package in PACKAGES
        for _, tree in _modules(package)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_the_packages_never_import_each_other(package: str) -> None:
    other = next(name for name in PACKAGES if name != package)
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path, tree in _modules(package)
        for name in _imported(tree)
        if name == other or name.startswith(f"{other}.")
    ]
    assert offenders == []


def test_the_median_function_is_short() -> None:
    lengths = _lengths()
    assert len(lengths) > 100  # the packages were found and read
    assert statistics.median(lengths) <= MEDIAN_LINES
