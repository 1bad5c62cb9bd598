"""The webhook delivery benchmark's driver (see .ci/webhooks): subscriptions, the receiver, a
steady read load, the writes, and the figures. Exits non-zero when a message is lost or fails
verification."""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone

PORT_A, PORT_B, RECEIVER_PORT = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
WORK, EMAIL, PASSWORD = sys.argv[4], sys.argv[5], sys.argv[6]
SUBSCRIPTIONS = 8
WRITES_PER_SECOND = int(os.environ.get("WRITES_PER_SECOND", "80"))
SECONDS = 20
READS_PER_SECOND = 100


def call(port, method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10) as res:
        raw = res.read()
        return res.status, (json.loads(raw) if raw else None)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


token = call(PORT_A, "POST", "/api/v1/auth/login", body={"email": EMAIL, "password": PASSWORD})[1]["access_token"]
_, platforms = call(PORT_A, "GET", "/api/v1/platforms?limit=5")
platform = platforms["items"][0]["id"]
secrets = {}
for n in range(SUBSCRIPTIONS):
    path = f"/hooks/{n}"
    _, sub = call(PORT_A, "POST", "/api/v1/webhooks", token, {
        "url": f"http://127.0.0.1:{RECEIVER_PORT}{path}",
        "event_types": ["workshop.scheduled"], "description": f"benchmark endpoint {n}"})
    secrets[path] = sub["secret"]
with open(f"{WORK}/secrets.json", "w") as f:
    json.dump(secrets, f)
log = f"{WORK}/received.jsonl"
receiver = subprocess.Popen([sys.executable, "tests/webhooks/receiver.py", str(RECEIVER_PORT),
                             f"@{WORK}/secrets.json", log, "fast"], stdout=subprocess.DEVNULL)
time.sleep(1.0)

stop = threading.Event()
read_latencies = []


def reader():
    n = 0
    start = time.time()
    while not stop.is_set():
        port = PORT_A if n % 2 else PORT_B
        t = time.time()
        call(port, "GET", "/api/v1/workshops?limit=20")
        read_latencies.append(time.time() - t)
        n += 1
        pause = start + n / (READS_PER_SECOND / 2) - time.time()
        if pause > 0:
            time.sleep(pause)


written = []
write_errors = []


def writer(k, threads):
    start = time.time()
    n = 0
    per_thread = WRITES_PER_SECOND / threads
    while time.time() - start < SECONDS:
        port = PORT_A if (n + k) % 2 else PORT_B
        at = datetime.now(timezone.utc) + timedelta(days=30, minutes=n * threads + k)
        try:
            status, body = call(port, "POST", "/api/v1/workshops", token, {
                "platform_id": platform, "title": {"ar": "ورشة قياس", "en": "Benchmark workshop"},
                "starts_at": at.isoformat(), "ends_at": (at + timedelta(hours=2)).isoformat(),
                "venue": {"city": "رام الله", "address": "مقر الاتحاد"}, "status": "scheduled"})
            written.append(body["id"])
        except Exception as e:  # noqa: BLE001 - counted and reported
            write_errors.append(str(e))
        n += 1
        pause = start + n / per_thread - time.time()
        if pause > 0:
            time.sleep(pause)


readers = [threading.Thread(target=reader) for _ in range(2)]
writers = [threading.Thread(target=writer, args=(k, 8)) for k in range(8)]
began = time.time()
for t in readers + writers:
    t.start()
for t in writers:
    t.join()
wrote_for = time.time() - began
expected = len(written) * SUBSCRIPTIONS
deadline = time.time() + 60
lines = []
while time.time() < deadline:
    with open(log, encoding="utf-8") as f:
        lines = [json.loads(x) for x in f if x.strip()]
    if len(lines) >= expected:
        break
    time.sleep(0.2)
stop.set()
for t in readers:
    t.join()
receiver.kill()

rejected = [x for x in lines if "rejected" in x]
ok = [x for x in lines if "rejected" not in x]
received = {(x["path"], x["data"]["id"]) for x in ok}
missing = expected - len(received)
lags = [x["received_at"] - datetime.fromisoformat(x["timestamp"].replace("Z", "+00:00")).timestamp() for x in ok]
times = sorted(x["received_at"] for x in ok)
span = times[-1] - times[0] if len(times) > 1 else 1
print(f"writes: {len(written)} workshops in {wrote_for:.1f} s ({len(written) / wrote_for:.0f}/s, {len(write_errors)} errors)"
      f" × {SUBSCRIPTIONS} subscriptions = {expected} messages")
print(f"delivered: {len(ok)} verified ({len(received)} distinct), {len(rejected)} rejected, {missing} missing")
print(f"throughput: {len(ok) / span:.0f} deliveries/s (first to last arrival, {span:.1f} s)")
print(f"lag change → arrival: p50 {statistics.median(lags) * 1000:.0f} ms, p95 {percentile(lags, 95) * 1000:.0f} ms,"
      f" p99 {percentile(lags, 99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms")
print(f"reads meanwhile: {len(read_latencies)} list pages, p50 {statistics.median(read_latencies) * 1000:.1f} ms,"
      f" p99 {percentile(read_latencies, 99) * 1000:.1f} ms")
if rejected or missing or write_errors:
    sys.exit(1)
