"""Browser fixtures: the real handbook built once, served on 127.0.0.1, opened in Chromium.

The tests fail (never skip) when Chromium is missing: CI installs it (.ci/run).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from harness import ChromiumMissing, RequestGuard, launch, static_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@dataclass
class Tab:
    """A page in its own browser context, with the guard that watched every request it made."""

    page: object
    guard: RequestGuard
    base_url: str

    def open(self, path: str = "index.html"):
        response = self.page.goto(self.base_url + path)
        assert response is None or response.ok, f"打开 {path} 失败：HTTP {response.status}"
        return self.page

    def screenshot(self, name: str, **options) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), **options)
        return path

    def assert_stayed_local(self) -> None:
        assert self.guard.seen, "没有记录到任何请求：请求监视失效，本检查无效"
        assert not self.guard.blocked, f"有请求试图访问本机以外的地址：{self.guard.blocked}"


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    with static_server(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        try:
            chromium = launch(playwright)
        except ChromiumMissing as missing:
            pytest.fail(str(missing), pytrace=False)
        yield chromium
        chromium.close()


def open_tab(browser, base_url: str, **options):
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
    guard = RequestGuard().attach(context)
    tab = Tab(context.new_page(), guard, base_url)
    yield tab
    context.close()


@pytest.fixture
def desktop(browser, site_url):
    """A desktop-sized tab on the served site."""
    yield from open_tab(browser, site_url, viewport=DESKTOP)


@pytest.fixture
def phone(browser, site_url):
    """A phone-sized tab (375 × 812, touch) on the served site."""
    yield from open_tab(browser, site_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


@pytest.fixture
def file_tab(browser, built_site):
    """A desktop tab that opens the site from file://, as when someone double-clicks index.html."""
    yield from open_tab(browser, built_site.as_uri() + "/", viewport=DESKTOP)
