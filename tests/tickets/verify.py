"""Verifies a check-in ticket as a coordinator's app would, offline, with the `cryptography`
library (OpenSSL's Ed25519) and nothing of the API's code.

Usage: verify.py KEYS_JSON TICKET SCANNED_AT_UNIX
Prints the ticket's payload as JSON when it verifies and the scan is within its validity;
exits 1 with a reason otherwise.
"""

import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main() -> int:
    keys = {k["kid"]: k for k in json.loads(sys.argv[1])["keys"]}
    ticket, scanned_at = sys.argv[2], int(sys.argv[3])
    prefix, payload, signature = ticket.split(".")
    if prefix != "ept1":
        print("not a ticket")
        return 1
    claims = json.loads(b64url(payload))
    key = keys.get(claims["kid"])
    if key is None or key["kty"] != "OKP" or key["crv"] != "Ed25519":
        print("unknown key")
        return 1
    try:
        Ed25519PublicKey.from_public_bytes(b64url(key["x"])).verify(
            b64url(signature), f"{prefix}.{payload}".encode()
        )
    except InvalidSignature:
        print("bad signature")
        return 1
    if not claims["nbf"] <= scanned_at <= claims["exp"]:
        print("outside validity")
        return 1
    print(json.dumps(claims, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
