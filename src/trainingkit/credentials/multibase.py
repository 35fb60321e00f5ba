"""Multibase text for keys, signatures and status lists: base58btc (``z``) and base64url (``u``).

An Ed25519 public key is published as a Multikey: ``z`` + base58btc of the multicodec prefix
``0xed 0x01`` and the 32 key bytes (it starts ``z6Mk``). Signatures are ``z`` + base58btc; a
status list's compressed bitstring is ``u`` + base64url without padding.
"""

from __future__ import annotations

import base64

__all__ = ["ED25519_PUBLIC_PREFIX", "MultibaseError", "decode_base58btc", "decode_base64url",
           "encode_base58btc", "encode_base64url", "multikey_of", "public_key_bytes_of"]

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {character: value for value, character in enumerate(_ALPHABET)}
ED25519_PUBLIC_PREFIX = b"\xed\x01"


class MultibaseError(ValueError):
    """Text that is not the multibase value expected; the message says what is wrong."""


def encode_base58btc(data: bytes) -> str:
    """``z`` + the base58btc (Bitcoin alphabet) text of ``data``."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_ALPHABET[remainder])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "z" + "1" * zeros + "".join(reversed(digits))


def decode_base58btc(text: str) -> bytes:
    """The bytes of ``z``-prefixed base58btc text."""
    if not text.startswith("z"):
        raise MultibaseError("a base58btc multibase value starts with 'z'")
    body = text[1:]
    number = 0
    for character in body:
        if character not in _INDEX:
            raise MultibaseError(f"{character!r} is not a base58btc character")
        number = number * 58 + _INDEX[character]
    zeros = len(body) - len(body.lstrip("1"))
    return b"\0" * zeros + (number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b"")


def encode_base64url(data: bytes) -> str:
    """``u`` + base64url of ``data`` without padding."""
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode_base64url(text: str) -> bytes:
    """The bytes of ``u``-prefixed base64url text (padding optional)."""
    if not text.startswith("u"):
        raise MultibaseError("a base64url multibase value starts with 'u'")
    body = text[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as error:
        raise MultibaseError(f"not base64url ({error})") from None


def multikey_of(public_key: bytes) -> str:
    """The ``publicKeyMultibase`` of a 32-byte Ed25519 public key."""
    if len(public_key) != 32:
        raise MultibaseError("an Ed25519 public key is 32 bytes")
    return encode_base58btc(ED25519_PUBLIC_PREFIX + public_key)


def public_key_bytes_of(multikey: str) -> bytes:
    """The 32 bytes of an Ed25519 ``publicKeyMultibase``."""
    data = decode_base58btc(multikey)
    if not data.startswith(ED25519_PUBLIC_PREFIX) or len(data) != 34:
        raise MultibaseError("not an Ed25519 Multikey (z6Mk...: prefix 0xed01 and 32 bytes)")
    return data[2:]
