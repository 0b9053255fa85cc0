"""If-Match with strong comparison, as RFC 9110 defines it."""

from __future__ import annotations

import pytest

from service.errors import PreconditionFailedError
from service.lib.etags import check_if_match, etag


@pytest.mark.parametrize("header", [None, "*", '"3"', '"1", "3"', ' "3" '])
def test_matching_or_absent_if_match_lets_the_write_through(header: str | None) -> None:
    check_if_match(header, 3)


@pytest.mark.parametrize("header", ['"2"', 'W/"3"', "3", "", '"33"'])
def test_stale_or_weak_if_match_is_refused_with_the_current_etag(header: str) -> None:
    with pytest.raises(PreconditionFailedError) as refused:
        check_if_match(header, 3)
    assert refused.value.headers == {"ETag": etag(3)}
    assert refused.value.status == 412
