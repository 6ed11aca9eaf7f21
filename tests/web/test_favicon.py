"""The favicon is served locally (nothing fetched from elsewhere) and every page links it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_page_links_the_favicon_and_it_is_served() -> None:
    client = Client()
    body = client.get("/login").content.decode()
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', body)
    assert link is not None and link.group(1).startswith("/static/")
    response = client.get(link.group(1))
    assert response.status_code == 200
    assert response.streaming  # a static file, served by WhiteNoise
    svg = b"".join(response.streaming_content)
    assert svg.startswith(b"<svg") and b"<title>Heed</title>" in svg
