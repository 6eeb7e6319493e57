"""What the mock accepts as "a single email address in the valid email address format"."""

from __future__ import annotations

import re

# One local@domain.tld address: no display name, no list, no spaces, a dotted domain.
EMAIL_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def is_email(value: object) -> bool:
    """True for one well-formed address; lists ("a@x.com, b@x.com") and names are refused."""
    return isinstance(value, str) and len(value) <= 254 and EMAIL_RE.fullmatch(value) is not None


def key(address: str) -> str:
    """Addresses compare case-insensitively (domains do; vendors fold the local part)."""
    return address.strip().lower()
