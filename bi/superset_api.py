"""A small client for Superset's REST API: JWT login, CSRF token, JSON calls with one-line errors."""

from __future__ import annotations

from typing import Any

import requests


class SupersetApiError(Exception):
    """A REST call failed; the message is one line meant for a human."""


class SupersetApi:
    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Referer"] = self.url
        self.login(username, password)

    def login(self, username: str, password: str) -> None:
        try:
            response = self.session.post(
                f"{self.url}/api/v1/security/login",
                timeout=60,
                json={"username": username, "password": password, "provider": "db", "refresh": False},
            )
        except requests.ConnectionError:
            raise SupersetApiError(f"Superset is not reachable at {self.url}: is it running (`make bi`)?") from None
        if response.status_code != 200:
            raise SupersetApiError(
                f"Superset login failed for user {username!r} at {self.url} "
                f"(HTTP {response.status_code}): wrong user or password"
            )
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        token = self.call("GET", "/api/v1/security/csrf_token/")["result"]
        self.session.headers["X-CSRFToken"] = token

    def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: dict | None = None,
        files: dict | None = None,
        data: dict | None = None,
    ) -> dict:
        response = self.session.request(
            method, f"{self.url}{path}", json=json, params=params, files=files, data=data, timeout=120
        )
        if response.status_code >= 400:
            raise SupersetApiError(
                f"{method} {path} failed (HTTP {response.status_code}): {response.text.strip()[:500]}"
            )
        return response.json() if response.content else {}

    def list(self, resource: str, columns: tuple[str, ...] = ()) -> list[dict]:
        """Every item of /api/v1/<resource>/ (pages of 100), with these columns only when given."""
        items, page = [], 0
        selected = f"columns:!({','.join(columns)})," if columns else ""
        while True:
            query = f"({selected}page:{page},page_size:100)"
            result = self.call("GET", f"/api/v1/{resource}/", params={"q": query})["result"]
            items.extend(result)
            if len(result) < 100:
                return items
            page += 1

    def export_dashboards(self, ids: list[int]) -> bytes:
        """The ZIP bundle of GET /api/v1/dashboard/export/ for these dashboards."""
        response = self.session.get(
            f"{self.url}/api/v1/dashboard/export/", timeout=120, params={"q": f"!({','.join(str(i) for i in ids)})"}
        )
        if response.status_code >= 400:
            raise SupersetApiError(
                f"GET /api/v1/dashboard/export/ failed (HTTP {response.status_code}): {response.text.strip()[:500]}"
            )
        return response.content

    def import_dashboards(self, bundle: bytes) -> None:
        """POST a ZIP bundle to /api/v1/dashboard/import/, replacing dashboards with the same uuid."""
        self.call(
            "POST",
            "/api/v1/dashboard/import/",
            data={"overwrite": "true"},
            files={"formData": ("dashboard.zip", bundle, "application/zip")},
        )
