"""Browser tests: Playwright and Debian's Chromium against a real Home Assistant."""
