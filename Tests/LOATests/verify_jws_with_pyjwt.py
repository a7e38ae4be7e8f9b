"""Checks a letter's JWS as a datacenter's system would, with PyJWT (independent of jwt-kit):
the key named by the header's `kid` in a JWKS document, the algorithm that key announces,
the signature and the expiry.

Usage: python3 verify_jws_with_pyjwt.py TOKEN-FILE JWKS-FILE
Prints the verified claims as JSON and exits 0; prints `error=…` and exits 1 when the token
does not verify.
"""
import json
import sys

import jwt


def main(token_path, jwks_path):
    with open(token_path) as handle:
        token = handle.read().strip()
    with open(jwks_path) as handle:
        keys = jwt.PyJWKSet.from_json(handle.read())
    kid = jwt.get_unverified_header(token).get("kid")
    key = next((key for key in keys.keys if key.key_id == kid), None)
    if key is None:
        print(f"error=no key {kid} in the JWKS")
        return 1
    claims = jwt.decode(token, key.key, algorithms=[key.algorithm_name], options={"require": ["exp", "iat", "sub"]})
    print(json.dumps(claims, sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2]))
    except Exception as error:  # the test prints whatever went wrong
        print(f"error={type(error).__name__}: {error}")
        sys.exit(1)
