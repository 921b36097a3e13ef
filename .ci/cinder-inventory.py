#!/usr/bin/env python3
"""Prints the ids of every volume and attachment of the local Cinder's `service` project, one per
line ("volume <id> <name>" / "attachment <id> <volume id>"), sorted. test.sh takes one inventory
before the test run and one after it: anything new is a leak of the run's own tests.

Settings from the environment (the defaults are the local stack's, see ../shared/openstack):
OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME. Every request has a 20 s deadline."""
import json
import os
import sys
import urllib.request

AUTH = os.environ.get("OS_AUTH_URL", "http://127.0.0.1:5000/v3")
USER = os.environ.get("OS_USERNAME", "glance")
PASSWORD = os.environ.get("OS_PASSWORD", "glance")
PROJECT = os.environ.get("OS_PROJECT_NAME", "service")
DEADLINE = 20


def request(url, body=None, token=None, headers=None):
    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **(headers or {})})
    if token:
        req.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(req, timeout=DEADLINE) as resp:
        return resp.headers, json.loads(resp.read() or b"null")


def main():
    headers, body = request(AUTH + "/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": USER, "domain": {"name": "Default"}, "password": PASSWORD}}},
        "scope": {"project": {"name": PROJECT, "domain": {"name": "Default"}}}}})
    token = headers["X-Subject-Token"]
    project = body["token"]["project"]["id"]
    cinder = "http://127.0.0.1:8776/v3/" + project
    micro = {"OpenStack-API-Version": "volume 3.54"}
    lines = []
    marker = None
    while True:
        url = cinder + "/volumes?limit=500" + ("&marker=" + marker if marker else "")
        _, vols = request(url, token=token, headers=micro)
        page = vols["volumes"]
        lines += ["volume %s %s" % (v["id"], v.get("name") or "") for v in page]
        if len(page) < 500:
            break
        marker = page[-1]["id"]
    _, atts = request(cinder + "/attachments", token=token, headers=micro)
    lines += ["attachment %s %s" % (a["id"], a.get("volume_id")) for a in atts["attachments"]]
    print("\n".join(sorted(lines)))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - one line for the caller, never a traceback
        print("cinder-inventory: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
