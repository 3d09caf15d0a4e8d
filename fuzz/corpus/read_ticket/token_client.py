"""Calls the devices API, refreshing the access token once on a 401."""

import requests

API = "https://api.example.com/v2/devices"


class TokenExpired(Exception):
    pass


def list_devices(session: requests.Session, tokens) -> list:
    resp = session.get(API, headers={"Authorization": f"Bearer {tokens.access}"})
    if resp.status_code == 401:
        # WWW-Authenticate: Bearer error="invalid_token" -> refresh and retry once
        tokens.refresh()
        resp = session.get(API, headers={"Authorization": f"Bearer {tokens.access}"})
    if resp.status_code in (401, 403):
        raise TokenExpired(f"HTTP {resp.status_code}: {resp.text[:200]}")
    resp.raise_for_status()
    return resp.json()["devices"]


def describe(status: int) -> str:
    return {
        400: "400 Bad Request",
        401: "401 Unauthorized",
        403: "403 Forbidden",
    }.get(status, str(status))
