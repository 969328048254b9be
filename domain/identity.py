"""National IDs are stored only as a keyed hash (to find a member) and their last four digits."""

from __future__ import annotations

import hashlib
import hmac


def hash_national_id(key: str, digits: str) -> str:
    return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()
