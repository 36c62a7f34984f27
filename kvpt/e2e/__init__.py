"""End-to-end tests: a real Chromium against a live server (see conftest.py)."""
