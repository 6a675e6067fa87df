"""Headless Chromium for tests of the self-contained HTML report: Debian's chromium, driven by Playwright.

Playwright cannot download its own browsers here, so it launches the binary of Debian's `chromium` package. Every
request the page makes beyond its own file and data:/blob: URLs is recorded and aborted: a report that is really
self-contained leaves the list empty. Tests skip when chromium or playwright is absent:

    pytestmark = pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium and playwright")
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request, WebSocketRoute

# The real binary first: /usr/bin/chromium is a shell wrapper that only adds flags.
CHROMIUM_BINARIES = ("/usr/lib/chromium/chromium", "chromium")
LAUNCH_ARGS = [
    "--no-sandbox",  # root in a container: the sandbox would need user namespaces
    "--autoplay-policy=no-user-gesture-required",  # play() without a click, as a test cannot give a user gesture
]
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def chromium_path() -> str | None:
    """Debian's chromium binary, or None when it or playwright is not installed (the tests that need it skip)."""
    if importlib.util.find_spec("playwright") is None:
        return None
    return next(filter(None, map(shutil.which, CHROMIUM_BINARIES)), None)


@contextmanager
def open_page(path: Path, timeout_ms: float = 10_000) -> Iterator[tuple[Page, list[str]]]:
    """`path` loaded in headless chromium, with the URLs of the requests it tried beyond itself (all aborted)."""
    own = path.resolve().as_uri()
    with open_url(own, lambda url: urldefrag(url).url == own, timeout_ms=timeout_ms) as opened:
        yield opened


@contextmanager
def open_url(
    url: str, own: Callable[[str], bool], *, timeout_ms: float = 10_000, microphone: Path | None = None
) -> Iterator[tuple[Page, list[str]]]:
    """`url` loaded in headless chromium, with the URLs of the requests it tried that `own` does not
    accept (all aborted). `microphone`: a WAV file the browser's microphone plays (looped), granted
    without asking."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Debian's chromium (apt-get install chromium) and playwright (pip) are needed")
    outside: list[str] = []
    args = list(LAUNCH_ARGS)
    if microphone is not None:
        args += [
            "--use-fake-ui-for-media-stream",  # allow the microphone without asking
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}",
        ]

    def local(address: str) -> bool:
        return address.startswith(LOCAL_SCHEMES) or own(address)

    def record(request: Request) -> None:
        if not local(request.url):
            outside.append(request.url)

    def refuse(socket: WebSocketRoute) -> None:
        outside.append(socket.url)
        socket.close()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=args)
        try:
            # Playwright evaluates test code as strings, which the report's Content-Security-Policy forbids;
            # with it bypassed the page's requests are not stopped by it either, so the list sees them all
            context = browser.new_context(bypass_csp=True)
            context.set_default_timeout(timeout_ms)
            context.on("request", record)
            context.route(lambda address: not local(address), lambda route: route.abort())
            context.route_web_socket(lambda address: True, refuse)
            page = context.new_page()
            page.goto(url)
            yield page, outside
        finally:
            browser.close()
