"""Whether a request may write, from its HTTP method (set by service.lib.edge).

Read-only requests open read transactions (SQLite: no write lock, no waiting).
"""

from __future__ import annotations

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
