"""YAML documents read with libyaml's safe loader where PyYAML has it (the pure-Python one is
about ten times slower: the rule catalog took 0.8 s to read)."""

from __future__ import annotations

from typing import Any

import yaml

YAMLError = yaml.YAMLError
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str) -> Any:
    """The document in `text`, as safe_load reads it; raises YAMLError."""
    return yaml.load(text, Loader=_LOADER)
