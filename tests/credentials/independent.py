"""A verifier of eddsa-rdfc-2022 proofs written from the W3C cryptosuite text, sharing no code with trainingkit.

Only pyld (canonicalization over the contexts files read here), hashlib and cryptography are used:
the document without ``proof`` and the proof options (without ``proofValue``, with the document's
``@context``) are canonicalized with RDFC-1.0, each hashed with SHA-256, and the Ed25519 signature
in ``proofValue`` (base58btc, 'z') is checked over proof-options hash + document hash with the
key of ``publicKeyMultibase`` (base58btc of 0xed01 + 32 bytes).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

REFERENCE = Path(__file__).resolve().parents[2] / "src" / "trainingkit" / "credentials" / "contexts"
URLS = {"https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json"}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _loader(url, options=None):
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads((REFERENCE / URLS[url]).read_text())}


def _canonical(document) -> bytes:
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "documentLoader": _loader}).encode()


def _b58decode(text: str) -> bytes:
    assert text[0] == "z"
    number = 0
    for character in text[1:]:
        number = number * 58 + B58.index(character)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text[1:]) - len(text[1:].lstrip("1"))) + body


def proof_verifies(document: dict, public_key_multibase: str) -> bool:
    """Does the document's single proof verify under the Multikey, as eddsa-rdfc-2022 specifies?"""
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    (proof,) = proofs
    assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", "eddsa-rdfc-2022")
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    options["@context"] = document["@context"]
    data = hashlib.sha256(_canonical(options)).digest() + hashlib.sha256(_canonical(unsecured)).digest()
    key_bytes = _b58decode(public_key_multibase)
    assert key_bytes[:2] == b"\xed\x01" and len(key_bytes) == 34
    try:
        Ed25519PublicKey.from_public_bytes(key_bytes[2:]).verify(_b58decode(proof["proofValue"]), data)
    except InvalidSignature:
        return False
    return True
