#!/usr/bin/env python3
"""Seals and opens placement envelopes (DESIGN.md section 8) with pyhpke, an HPKE (RFC 9180)
implementation written independently of ours. Used by the interop tests in
Tests/PlacementSealingTests; run it with .venv/bin/python (scripts/bootstrap.sh --test).

usage:
  hpke_interop.py seal PUBLIC_KEY_B64 POOL AAD < payload > envelope
  hpke_interop.py open KEY_FILE POOL AAD < envelope > payload

KEY_FILE is a private key file as `placement keygen` writes it: '#' comment lines, blank lines,
and one line of standard base64 of the 32-byte X25519 private key.

  envelope = 0x01 || key_id (8 bytes) || enc (32 bytes) || ciphertext
  key_id   = SHA-256(pool public key)[:8]
  info     = "placement/v1 " || pool id    (UTF-8)
  aad      = decision id                   (UTF-8)

Exit status: 0 done, 1 the envelope does not open, 2 usage error.
"""

import base64
import hashlib
import os
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pyhpke import AEADId, CipherSuite, KDFId, KEMId

VERSION = 0x01
HEADER = 1 + 8 + 32
SUITE = CipherSuite.new(
    KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.CHACHA20_POLY1305
)


def info_for(pool: str) -> bytes:
    # os.fsencode gives back the exact bytes the argument had on the command line.
    return b"placement/v1 " + os.fsencode(pool)


def key_id(public_key: bytes) -> bytes:
    return hashlib.sha256(public_key).digest()[:8]


def seal(public_key_b64: str, pool: str, aad: str) -> int:
    public_key = base64.b64decode(public_key_b64, validate=True)
    pkr = SUITE.kem.deserialize_public_key(public_key)
    enc, sender = SUITE.create_sender_context(pkr, info=info_for(pool))
    ciphertext = sender.seal(sys.stdin.buffer.read(), aad=os.fsencode(aad))
    sys.stdout.buffer.write(bytes([VERSION]) + key_id(public_key) + enc + ciphertext)
    return 0


def read_key_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        lines = [line.strip() for line in handle.read().splitlines()]
    keys = [line for line in lines if line and not line.startswith(b"#")]
    if len(keys) != 1:
        raise ValueError(f"{path}: expected one key line, found {len(keys)}")
    return base64.b64decode(keys[0], validate=True)


def open_envelope(key_file: str, pool: str, aad: str) -> int:
    private_key = read_key_file(key_file)
    skr = SUITE.kem.deserialize_private_key(private_key)
    public_key = X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()
    envelope = sys.stdin.buffer.read()
    if len(envelope) < HEADER + 16:
        print(f"truncated envelope: {len(envelope)} bytes", file=sys.stderr)
        return 1
    if envelope[0] != VERSION:
        print(f"unsupported version {envelope[0]}", file=sys.stderr)
        return 1
    if envelope[1:9] != key_id(public_key):
        print("key id mismatch", file=sys.stderr)
        return 1
    recipient = SUITE.create_recipient_context(envelope[9:HEADER], skr, info=info_for(pool))
    try:
        payload = recipient.open(envelope[HEADER:], aad=os.fsencode(aad))
    except Exception as error:  # pyhpke raises OpenError; anything else is a failure too
        print(f"open failed: {error!r}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(payload)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 5 or argv[1] not in ("seal", "open"):
        print(__doc__, file=sys.stderr)
        return 2
    command, key, pool, aad = argv[1:]
    return seal(key, pool, aad) if command == "seal" else open_envelope(key, pool, aad)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
