"""Load test of two replicas on one PostgreSQL database (loopback only, bounded in time).

Usage: load.py PORT_A PORT_B MAIL_DIR ADMIN_EMAIL ADMIN_PASSWORD

The load generator alternates between the two ports, as a balancer would, and sends
X-Forwarded-For (both replicas trust 127.0.0.1 as their proxy) to play many clients. It shows the
security limits holding across replicas while the owner keeps working, and the request rate
adding up per replica. Prints the figures; exits non-zero when a limit does not hold.
"""

import http.client
import json
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

PORTS = [int(sys.argv[1]), int(sys.argv[2])]
MAIL_DIR, ADMIN, PASSWORD = sys.argv[3], sys.argv[4], sys.argv[5]
failures = []


def call(port, method, path, body=None, client="192.0.2.1", token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
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
    return res.status, dict(res.getheaders()), data, took


def check(what, ok, detail):
    print(f"  {'ok ' if ok else 'FAIL'} {what}: {detail}")
    if not ok:
        failures.append(what)


def login(port, client, password):
    return call(port, "POST", "/api/v1/auth/login", {"email": ADMIN, "password": password}, client)


def guessing_while_the_owner_works():
    print("== password guessing from 200 addresses, both replicas, while the owner signs in")
    office = "198.51.100.10"
    status, *_ = login(PORTS[0], office, PASSWORD)
    check("the owner signs in from the office", status == 200, status)
    stop = threading.Event()
    guesses, owner = Counter(), Counter()

    def guesser(n):
        i = 0
        while not stop.is_set():
            client = f"203.0.113.{(n * 13 + i) % 200}"
            status, *_ = login(PORTS[i % 2], client, f"guess {n} {i}")
            guesses[status] += 1
            i += 1

    def the_owner():
        i = 0
        while not stop.is_set():
            status, *_ = login(PORTS[i % 2], office, PASSWORD)
            owner[status] += 1
            i += 1
            time.sleep(0.5)

    with ThreadPoolExecutor(17) as pool:
        for n in range(16):
            pool.submit(guesser, n)
        pool.submit(the_owner)
        time.sleep(10)
        stop.set()
    print(f"  guesses: {dict(guesses)}; the owner: {dict(owner)}")
    # 20 attempts per account from addresses it never signed in from, per 15 minutes: each is
    # counted before its password is checked, so concurrency does not let more through.
    check("wrong passwords let through", guesses[401] <= 20, guesses[401])
    check("the rest held", guesses[429] > 0 and set(guesses) <= {401, 429}, dict(guesses))
    check("the owner never locked out", set(owner) == {200}, dict(owner))


def reset_flood():
    print("== 100 password-reset requests for one account from 50 addresses, both replicas")
    before = len(os.listdir(MAIL_DIR))

    def one(i):
        return call(PORTS[i % 2], "POST", "/api/v1/auth/password-reset", {"email": ADMIN},
                    f"192.0.2.{i % 50}")[0]

    with ThreadPoolExecutor(8) as pool:
        seen = Counter(pool.map(one, range(100)))
    time.sleep(3)  # the worker answers at its next poll
    sent = len(os.listdir(MAIL_DIR)) - before
    print(f"  answers: {dict(seen)}; emails written: {sent}")
    check("accepted at most the hourly 3", seen[202] <= 3, seen[202])
    check("emails sent", sent == seen[202], f"{sent} for {seen[202]} accepted")


def request_rate():
    print("== one address, 8 connections, both replicas, 8 s")
    stop = threading.Event()
    seen = Counter()
    fields = {}
    lock = threading.Lock()

    def client(n):
        i = n
        while not stop.is_set():
            status, headers, _, _ = call(PORTS[i % 2], "GET", "/api/v1/platforms?limit=5",
                                         client="198.51.100.99")
            with lock:
                seen[status] += 1
                if status == 429:
                    fields.update({k.lower(): v for k, v in headers.items()
                                   if k.lower() in ("ratelimit", "ratelimit-policy", "retry-after")})
            i += 1

    started = time.time()
    with ThreadPoolExecutor(8) as pool:
        for n in range(8):
            pool.submit(client, n)
        time.sleep(8)
        stop.set()
    took = time.time() - started
    print(f"  answers: {dict(seen)} in {took:.1f} s; a 429 said {fields}")
    # 300 a minute per address per replica: two replicas let 600 through in the minute.
    check("served within the two replicas' quotas", seen[200] <= 600, seen[200])
    check("held past them, saying when to retry", seen[429] > 0 and "retry-after" in fields, dict(seen))


guessing_while_the_owner_works()
reset_flood()
request_rate()
if failures:
    print("FAILED:", ", ".join(failures))
    sys.exit(1)
print("all limits held")
