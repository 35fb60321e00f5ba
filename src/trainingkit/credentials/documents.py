"""The standards' files, pinned: JSON-LD contexts for canonicalization, the 1EdTech schema for checks.

Nothing is fetched at run time. :func:`load_document` is pyld's document loader over the two
contexts shipped in ``contexts/`` and refuses every other URL; each file is checked against
its SHA-256 before use, so an edited copy is refused rather than trusted.
:func:`canonical_nquads` is RDF Dataset Canonicalization (RDFC-1.0, which pyld names
URDNA2015) in safe mode: a property the contexts do not define stops it instead of being
silently left out of what is signed.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "CREDENTIALS_CONTEXT",
    "OPEN_BADGES_CONTEXT",
    "OPEN_BADGES_SCHEMA",
    "CanonicalizationError",
    "canonical_nquads",
    "load_document",
    "schema_problems",
]

CREDENTIALS_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OPEN_BADGES_SCHEMA = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                      "ob_v3p0_achievementcredential-jsonschema1.json")

#: URL -> (file in ``contexts/``, its SHA-256 as published).
PINNED = {
    CREDENTIALS_CONTEXT: ("credentials-v2.jsonld",
                          "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"),
    OPEN_BADGES_CONTEXT: ("ob-v3p0-context-3.0.3.json",
                          "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"),
    OPEN_BADGES_SCHEMA: ("ob-v3p0-achievementcredential.schema.json",
                         "5753fb3ecf7d024ed273dd364bd683f483eb47257e718e6618832cf89eb2083a"),
}


class CanonicalizationError(ValueError):
    """A document cannot be canonicalized: an unknown context, or a property no context defines."""


@cache
def _pinned(url: str) -> Any:
    """The parsed file pinned for ``url``, after checking its hash."""
    name, sha256 = PINNED[url]
    data = resources.files("trainingkit.credentials").joinpath("contexts").joinpath(name).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CanonicalizationError(f"the shipped copy of {url} ({name}) is not the published file: "
                                    "its SHA-256 differs")
    return json.loads(data)


def load_document(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader: the pinned contexts, and nothing from anywhere else."""
    if url not in PINNED or url == OPEN_BADGES_SCHEMA:
        raise CanonicalizationError(f"context {url} is not one of the pinned contexts "
                                    f"({', '.join((CREDENTIALS_CONTEXT, OPEN_BADGES_CONTEXT))}); "
                                    "nothing is fetched")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": _pinned(url)}


def canonical_nquads(document: dict[str, Any]) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document, refusing any undefined property."""
    from cachetools import LRUCache  # pyld's own dependency
    from pyld.context_resolver import ContextResolver
    from pyld.jsonld import JsonLdError, JsonLdProcessor

    def refuse(term: str | None) -> None:
        raise CanonicalizationError(f"property {term!r} is not defined by the credential's contexts")

    # A private context cache: pyld's shared one is keyed by URL alone.
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load_document,
               "contextResolver": ContextResolver(LRUCache(maxsize=16), load_document)}
    try:
        return JsonLdProcessor(on_property_dropped=refuse).normalize(document, options)
    except JsonLdError as error:
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, CanonicalizationError):
                raise cause from None
            cause = cause.__cause__ or getattr(cause, "cause", None)
        raise CanonicalizationError(f"not a JSON-LD document these contexts can read ({error})") from None


@cache
def _schema_validator() -> Any:
    from jsonschema import Draft201909Validator, FormatChecker

    return Draft201909Validator(_pinned(OPEN_BADGES_SCHEMA), format_checker=FormatChecker())


def schema_problems(credential: dict[str, Any]) -> list[str]:
    """Where ``credential`` breaks the 1EdTech Open Badges 3.0 JSON schema (empty when it keeps it)."""
    return [f"{'/'.join(str(part) for part in error.absolute_path) or '(top)'}: {error.message}"
            for error in sorted(_schema_validator().iter_errors(credential), key=lambda e: [str(part) for part in e.absolute_path])]
