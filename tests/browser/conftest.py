"""A real headless Chromium: Debian's /usr/bin/chromium driven by Playwright, never a downloaded
browser. Without it the browser tests are skipped, except where KIT_CRISE_REQUIRE_BROWSER=1
(.ci/run sets it after installing Chromium), so CI cannot pass them by skipping."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
# The machines' network is closed: without these, Chromium keeps dialling Google's services.
QUIET_FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("KIT_CRISE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), args=QUIET_FLAGS)
        try:
            yield launched
        finally:
            await launched.close()
