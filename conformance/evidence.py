"""Where an expectation comes from, and what breaking it means.

Every item a scenario expects (that the request is refused or created, the status, the code, the
message, the attribute named, the media type, what is stored) has a level in the rule catalog:

- documented: the seed or the vendor's wider docs state it (or it follows from what they state);
- inferred: the docs imply it (a status class, a code of the vendor family that fits the case);
- choice: the docs are silent and the reference mock chose.

A target that breaks a documented item *deviates*; one that answers otherwise where the item is
inferred or a choice *differs*. A scenario may rely on a choice of its own (the XML form it
sends): then nothing it expects is stronger than that choice (`capped`).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Level(StrEnum):
    DOCUMENTED = "documented"
    INFERRED = "inferred"
    CHOICE = "choice"


_RANK = {Level.CHOICE: 0, Level.INFERRED: 1, Level.DOCUMENTED: 2}

# The items a rule's expectation is made of. `outcome` (refused, or created) is always stated in
# the catalog; the others default as ITEM_DEFAULTS says when a rule does not state them.
ITEMS = ("outcome", "status", "code", "message", "attribute", "media", "user_message", "effect")
ITEM_DEFAULTS = {
    # The docs give '<attribute_name>' but no naming convention for nested attributes.
    "attribute": Level.INFERRED,
    # Accept: "Content type accepted by client"; X-egain-error-message: documented in the notes.
    "media": Level.DOCUMENTED,
    "user_message": Level.DOCUMENTED,
}


def weakest(levels: Iterable[Level]) -> Level:
    return min(levels, key=_RANK.__getitem__)


def strongest(levels: Iterable[Level]) -> Level:
    return max(levels, key=_RANK.__getitem__)


def capped(level: Level, cap: Level) -> Level:
    """`level`, but never stronger than what the scenario itself relies on."""
    return weakest((level, cap))
