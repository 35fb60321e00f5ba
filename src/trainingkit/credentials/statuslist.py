"""The public revocation list: a Bitstring Status List credential (W3C Bitstring Status List 1.0).

Each credential holds one ``BitstringStatusListEntry`` (Open Badges 3.0 allows one
``credentialStatus``) with ``statusPurpose: revocation`` and its index in the list. The list is
a bitstring of :data:`LIST_BITS` bits (16 KB, the standard's minimum, so one coach's entry
hides among many), bit 0 the most significant of the first byte, GZIP-compressed and written
as multibase base64url (``u...``). A set bit means revoked, and stays set.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterable
from typing import Any

from .documents import CREDENTIALS_CONTEXT
from .multibase import MultibaseError, decode_base64url, encode_base64url
from .office import Issuer

__all__ = ["LIST_BITS", "StatusListError", "encode_list", "is_set", "status_list_document"]

LIST_BITS = 16 * 1024 * 8


class StatusListError(ValueError):
    """A status list that cannot be read; the message says why."""


def encode_list(revoked: Iterable[int], bits: int = LIST_BITS) -> str:
    """The ``encodedList`` with the bits of ``revoked`` set."""
    data = bytearray(bits // 8)
    for index in revoked:
        if not 0 <= index < bits:
            raise ValueError(f"status index {index} is outside the list (0 to {bits - 1})")
        data[index // 8] |= 0x80 >> (index % 8)
    return encode_base64url(gzip.compress(bytes(data), mtime=0))


def is_set(encoded: str, index: int) -> bool:
    """Whether bit ``index`` of an ``encodedList`` is set."""
    try:
        data = gzip.decompress(decode_base64url(encoded))
    except (MultibaseError, OSError, EOFError) as error:
        raise StatusListError(f"its encodedList is not GZIP in base64url ({error})") from None
    if len(data) < LIST_BITS // 8:
        raise StatusListError(f"its bitstring is {len(data)} bytes, under the standard's 16 KB")
    if not 0 <= index < len(data) * 8:
        raise StatusListError(f"status index {index} is outside the list")
    return bool(data[index // 8] & (0x80 >> (index % 8)))


def status_list_document(issuer: Issuer, revoked: Iterable[int], valid_from: dt.datetime) -> dict[str, Any]:
    """The unsigned status list credential, with the bits of ``revoked`` set."""
    return {
        "@context": [CREDENTIALS_CONTEXT],
        "id": issuer.status_list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": valid_from.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{issuer.status_list_id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revoked),
        },
    }
