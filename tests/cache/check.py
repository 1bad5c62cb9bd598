"""Checks the API's caching fields through a real shared cache (Varnish, tests/cache/shared-cache.vcl):
each coding and language is its own variant, each variant has its own strong ETag, a stored
variant is revalidated (304 from the API) and served, and no client gets a coding it did not ask
for. Standard library only.

Usage: check.py CACHE_URL API_URL
"""

import gzip
import http.client
import json
import sys
import time
import urllib.parse
import zlib

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL", message)


def get(base, path, headers):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", path, headers=headers)
    res = conn.getresponse()
    body = res.read()
    conn.close()
    # Several fields of one name are one list (RFC 9110 §5.3); get_all keeps them apart.
    return res.status, res.msg, body


def decoded(coding, body):
    if coding == "gzip":
        return gzip.decompress(body)
    if coding == "deflate":
        return zlib.decompress(body)
    return body


def vary_names(fields):
    lines = fields.get_all("Vary") or []
    check(len(lines) == 1, f"one Vary field, got {lines}")
    return {n.strip().lower() for line in lines for n in line.split(",")}


def variants(cache, api, path, min_size, compressed):
    """Every coding a client may ask for, twice each, through the cache. A body too small to be
    worth compressing is one plain variant for every client."""
    tags = {}
    plain = None
    # First a client that names no coding, then the codings, then repeats: the repeats must be
    # served from the cache (revalidated) and still in the coding their client asked for.
    order = [None, "gzip", "deflate", "br", "identity", None, "gzip", "deflate", "br", "identity"]
    seen = set()
    for accept in order:
        headers = {"Accept-Language": "ar"}
        if accept is not None:
            headers["Accept-Encoding"] = accept
        status, fields, body = get(cache, path, headers)
        label = f"{path} Accept-Encoding={accept}"
        check(status == 200, f"{label}: status {status}")
        coding = fields.get("Content-Encoding")
        expected = accept if compressed and accept in ("gzip", "deflate", "br") else None
        check(coding == expected, f"{label}: Content-Encoding {coding!r}, asked {accept!r}")
        if compressed:
            check("accept-encoding" in vary_names(fields), f"{label}: Vary lacks accept-encoding")
        check(fields.get("Content-Language") is not None, f"{label}: no Content-Language")
        tag = fields.get("ETag")
        check(tag is not None and not tag.startswith("W/"), f"{label}: strong ETag, got {tag!r}")
        if coding != "br":
            text = decoded(coding, body)
            json.loads(text)
            if plain is None:
                plain = text
            check(text == plain, f"{label}: another representation than the plain one")
            check(len(text) >= min_size, f"{label}: {len(text)} bytes, expected >= {min_size}")
        if accept in seen:
            check(
                fields.get("X-Served-From-Cache") == "revalidated",
                f"{label}: the repeat was not served from the cache after a 304",
            )
        seen.add(accept)
        tags.setdefault(coding, set()).add(tag)
        time.sleep(0.01)
    for coding, ts in tags.items():
        check(len(ts) == 1, f"{path}: the {coding} variant changed its tag: {ts}")
    flat = [t for ts in tags.values() for t in ts]
    check(len(set(flat)) == len(flat), f"{path}: codings share a tag: {tags}")
    if not compressed:
        check(list(tags) == [None], f"{path}: a small body was compressed: {tags}")
        return tags
    # A stored tag of one coding does not validate another: asked with the gzip variant's tag, a
    # plain request is answered in full, by the API and by the cache.
    gzip_tag = next(iter(tags["gzip"]))
    for base in (api, cache):
        status, fields, body = get(base, path, {"If-None-Match": gzip_tag})
        check(status == 200 and fields.get("Content-Encoding") is None,
              f"{path}: the gzip tag validated a plain request at {base} ({status})")
    return tags


def main():
    cache, api = sys.argv[1], sys.argv[2]
    # Below 1 KiB (left plain), 1-64 KiB (compressed by the API's own layer), over 64 KiB
    # (actix's Compress): each path through the cache.
    paths = [
        ("/health/ready", 2, False),
        ("/api/v1/platforms", 1024, True),
        ("/openapi.json", 65536, True),
    ]
    for path, min_size, compressed in paths:
        variants(cache, api, path, min_size, compressed)
        print("checked", path)
    # Languages are variants too: an English problem is never served for Arabic.
    missing = "/api/v1/platforms/999999"
    for lang in ("ar", "en", "ar", "en"):
        status, fields, body = get(cache, missing, {"Accept-Language": lang})
        check(status == 404, f"{missing}: {status}")
        check(fields.get("Content-Language") == lang, f"{missing} {lang}: Content-Language {fields.get('Content-Language')}")
        check("accept-language" in vary_names(fields), f"{missing}: Vary lacks accept-language")
    # A personal answer is never stored by a shared cache.
    status, fields, _ = get(cache, "/api/v1/me", {"Authorization": "Bearer not-a-token"})
    check("no-store" in (fields.get("Cache-Control") or ""), "/api/v1/me is not no-store")
    if failures:
        print(f"{len(failures)} caching failures")
        return 1
    print("caching fields hold through Varnish")
    return 0


if __name__ == "__main__":
    sys.exit(main())
