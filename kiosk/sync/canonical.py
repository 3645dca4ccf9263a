"""The one byte form of JSON that the feed hashes and signs. Apart from the signing code so that what only
hashes or compares (the catalog's state, the holiday table) does not load the cryptography library at start."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(data: Any) -> bytes:
    """Keys sorted, no spaces, UTF-8. The feed only holds strings, integers, lists and objects, so this
    form is unambiguous."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
