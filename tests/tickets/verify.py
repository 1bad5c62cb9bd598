"""Verifies a check-in ticket as a coordinator's app would, offline, with PyJWT (its EdDSA on
the `cryptography` library) and the published JWK Set, and nothing of the API's code.

Usage: verify.py KEYS_JSON TICKET SCANNED_AT_UNIX
Prints the ticket's claims as JSON when it verifies and the scan is within its validity;
exits 1 with a reason otherwise.
"""

import json
import sys

import jwt


def main() -> int:
    keys = jwt.PyJWKSet.from_dict(json.loads(sys.argv[1]))
    ticket, scanned_at = sys.argv[2], int(sys.argv[3])
    try:
        header = jwt.get_unverified_header(ticket)
        key = keys[header["kid"]]
        # PyJWT checks nbf and exp against the present; an app checks them against the scan.
        claims = jwt.decode(
            ticket,
            key=key,
            algorithms=["EdDSA"],
            options={"verify_exp": False, "verify_nbf": False, "require": ["nbf", "exp"]},
        )
    except (jwt.PyJWTError, KeyError) as e:
        print(f"invalid: {type(e).__name__}: {e}")
        return 1
    if not claims["nbf"] <= scanned_at <= claims["exp"]:
        print("outside validity")
        return 1
    print(json.dumps(claims, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
