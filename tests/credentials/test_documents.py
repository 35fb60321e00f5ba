"""The standards' files: pinned by hash, never fetched, and undefined properties refused."""

from __future__ import annotations

import hashlib

import pytest

from trainingkit.credentials import documents
from trainingkit.credentials.documents import CanonicalizationError, canonical_nquads, load_document
from trainingkit.credentials.statuslist import LIST_BITS, encode_list, is_set


def test_every_shipped_file_has_its_published_hash() -> None:
    """The contexts and schema in the package are the published files, byte for byte."""
    from importlib import resources

    for name, sha256 in documents.PINNED.values():
        data = resources.files("trainingkit.credentials").joinpath("contexts").joinpath(name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha256


def test_no_other_context_is_loaded() -> None:
    """A context URL that is not pinned is refused, not fetched."""
    with pytest.raises(CanonicalizationError, match="nothing is fetched"):
        load_document("https://attacker.example/context.json")


def test_an_undefined_property_is_refused() -> None:
    """A property no context defines stops canonicalization instead of being left out of the signature."""
    with pytest.raises(CanonicalizationError, match="'nickname'"):
        canonical_nquads({"@context": [documents.CREDENTIALS_CONTEXT], "type": ["VerifiableCredential"],
                          "nickname": "x"})


def test_the_status_list_is_16kb_and_sets_the_right_bits() -> None:
    """The bitstring has the standard's minimum 16 KB; bit 0 is the first byte's most significant bit."""
    encoded = encode_list({0, 9, LIST_BITS - 1})
    assert encoded.startswith("u") and LIST_BITS == 131072
    assert [index for index in (0, 1, 8, 9, LIST_BITS - 1) if is_set(encoded, index)] == [0, 9, LIST_BITS - 1]
