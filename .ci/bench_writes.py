"""Helpers of `.ci/bench-writes` (loopback only, bounded in count and time).

  bench_writes.py tokens PORT PASSWORD FIRST_EMAIL_INDEX COUNT OUT
      signs in member{i}@bench.example (i from FIRST_EMAIL_INDEX, COUNT of them) and writes their
      access tokens, one a line, to OUT (each from its own client address).
  bench_writes.py checkin PORT TOKEN WORKSHOP_ID USER_ID...
      uploads one batch of walk-in scans of these people at the door and prints how long the
      answer took (ms) and what became of the scans.
  bench_writes.py statements LOG FROM_BYTE DATABASE
      reads the PostgreSQL log from FROM_BYTE and counts the statements run in DATABASE between
      the marks `bench-mark:<name>:begin` and `:end` (run by psql), by connection.
"""

import http.client
import json
import re
import sys
import time
import uuid
from collections import Counter, OrderedDict
from datetime import datetime, timezone


def call(port, method, path, body=None, token=None, client="192.0.2.1"):
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    headers = {"X-Forwarded-For": client}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    res = conn.getresponse()
    data = res.read()
    took = time.perf_counter() - started
    conn.close()
    return res.status, data, took


def tokens(port, password, first, count, out):
    lines = []
    for i in range(int(first), int(first) + int(count)):
        status, data, _ = call(
            port,
            "POST",
            "/api/v1/auth/login",
            {"email": f"member{i}@bench.example", "password": password},
            client=f"198.51.{i // 250}.{i % 250 + 1}",
        )
        if status != 200:
            sys.exit(f"sign-in of member{i}: {status} {data[:300]!r}")
        lines.append(json.loads(data)["access_token"])
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def checkin(port, token, workshop, users):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    scans = [
        {"nonce": uuid.uuid4().hex, "walk_in_user_id": int(u), "scanned_at": now} for u in users
    ]
    status, data, took = call(
        port, "POST", f"/api/v1/workshops/{workshop}/check-ins", {"scans": scans}, token
    )
    if status != 200:
        sys.exit(f"check-ins: {status} {data[:300]!r}")
    body = json.loads(data)
    outcomes = Counter(r["outcome"] for r in body["results"])
    print(f"{took * 1000:.1f} ms for {len(scans)} scans: {dict(outcomes)}, present {body['present']}")


LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (\S*)@(\S*) LOG:  (statement|execute [^:]*): (.*)$")


def statements(log, offset, database):
    counts = OrderedDict()
    current = None
    with open(log, "rb") as f:
        f.seek(int(offset))
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            m = LINE.match(line)
            if not m or m.group(3) != database:
                continue
            pid, text = m.group(1), m.group(5)
            mark = re.search(r"bench-mark:([^:']+):(begin|end)", text)
            if mark:
                current = mark.group(1) if mark.group(2) == "begin" else None
                if current:
                    counts[current] = Counter()
                continue
            if current:
                counts[current][(pid, text.split()[0].upper())] += 1
    for name, by in counts.items():
        per_pid = Counter()
        for (pid, _), n in by.items():
            per_pid[pid] += n
        kinds = Counter()
        for (_, verb), n in by.items():
            kinds[verb] += n
        total = sum(by.values())
        print(
            f"{name}: {total} statements on {len(per_pid)} connection(s) "
            f"({', '.join(f'{n}' for n in per_pid.values())}); "
            + ", ".join(f"{v} {n}" for v, n in kinds.most_common())
        )


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "tokens":
        tokens(*args)
    elif cmd == "checkin":
        checkin(args[0], args[1], args[2], args[3:])
    elif cmd == "statements":
        statements(*args)
    else:
        sys.exit(__doc__)
