"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C, Ed25519 over RDFC-1.0).

Signing, as the cryptosuite specifies: the document without its proof and the proof's options
(its ``@context`` set to the document's) are each canonicalized (RDFC-1.0) and hashed with
SHA-256; Ed25519 signs the proof options' hash followed by the document's hash; the signature
is the proof's ``proofValue`` in base58btc. The proof names its key by ``verificationMethod``, a
key id listed in the issuer profile. Verification recomputes the same bytes.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .documents import CanonicalizationError, canonical_nquads
from .multibase import MultibaseError, decode_base58btc, encode_base58btc

__all__ = ["CRYPTOSUITE", "PROOF_TYPE", "hash_data", "proof_problem", "signed"]

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
_PROOF_KEYS = {"type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue"}


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def hash_data(unsecured: Mapping[str, Any], proof_options: Mapping[str, Any]) -> bytes:
    """SHA-256 of the canonical proof options, then SHA-256 of the canonical document (64 bytes)."""
    options = {**proof_options, "@context": unsecured["@context"]}
    return (hashlib.sha256(canonical_nquads(options).encode()).digest()
            + hashlib.sha256(canonical_nquads(dict(unsecured)).encode()).digest())


def signed(unsecured: Mapping[str, Any], key: Ed25519PrivateKey, verification_method: str,
           created: dt.datetime) -> dict[str, Any]:
    """``unsecured`` with an embedded proof (a list of one, as the Open Badges schema wants it)."""
    if "proof" in unsecured:
        raise ValueError("the document already holds a proof")
    options = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": _timestamp(created),
               "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    signature = key.sign(hash_data(unsecured, options))
    return {**copy.deepcopy(dict(unsecured)), "proof": [{**options, "proofValue": encode_base58btc(signature)}]}


def proof_problem(document: Mapping[str, Any], public_keys: Mapping[str, bytes]) -> str | None:
    """Why ``document``'s proof fails under ``public_keys`` (key id -> raw Ed25519 key), or ``None``.

    The document must hold exactly one ``eddsa-rdfc-2022`` proof for ``assertionMethod`` by one of
    the keys; its signature must cover the document and the proof options as they stand.
    """
    proofs = document.get("proof")
    if isinstance(proofs, dict):
        proofs = [proofs]
    if not isinstance(proofs, list) or len(proofs) != 1 or not isinstance(proofs[0], dict):
        return "it holds no proof, or more than one"
    proof = proofs[0]
    if set(proof) != _PROOF_KEYS:
        return f"its proof must have exactly {', '.join(sorted(_PROOF_KEYS))}"
    if (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) != (PROOF_TYPE, CRYPTOSUITE, "assertionMethod"):
        return f"its proof is not a {PROOF_TYPE} of {CRYPTOSUITE} for assertionMethod"
    if not isinstance(proof["created"], str) or _parse_timestamp(proof["created"]) is None:
        return "its proof's created time is not an XML Schema dateTime"
    method = proof["verificationMethod"]
    if not isinstance(method, str) or method not in public_keys:
        return f"it was signed with key {method!r}, which is not among the issuer's published keys"
    try:
        signature = decode_base58btc(str(proof["proofValue"]))
        unsecured = {name: value for name, value in document.items() if name != "proof"}
        options = {name: value for name, value in proof.items() if name != "proofValue"}
        Ed25519PublicKey.from_public_bytes(public_keys[method]).verify(signature, hash_data(unsecured, options))
    except (MultibaseError, ValueError, InvalidSignature, CanonicalizationError) as error:
        detail = f" ({error})" if isinstance(error, CanonicalizationError) else ""
        return f"its signature does not match its content: altered, or not signed by that key{detail}"
    return None


def _parse_timestamp(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
