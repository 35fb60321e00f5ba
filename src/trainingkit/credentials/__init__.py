"""Certificates anyone can verify: Open Badges 3.0 credentials, signed, revocable.

Modules, in the order data passes through them: ``model`` holds the certified facts and the
credential document they make; ``documents`` pins the standards' contexts and schema (nothing
is fetched) and canonicalizes (RDFC-1.0); ``multibase`` writes keys, signatures and lists as
text; ``keys`` keeps the office's Ed25519 keys private; ``proof`` signs and checks
``eddsa-rdfc-2022`` Data Integrity proofs; ``office`` names the office's private folder and its
published one; ``register`` records what was issued; ``statuslist`` is the public revocation
list; ``issue`` signs, records and publishes; ``committee`` applies the Professional Standards
Committee's decisions from the office's records; ``verify`` checks a credential with public
material only; ``cli`` is ``trainingkit certificate``.
"""

from __future__ import annotations

from .committee import CommitteeDecision, apply_committee_decisions, decisions_in
from .issue import Issued, issue_credential, rotate_signing_key
from .model import CertifiedFacts
from .office import Issuer, OfficeFolder, PublishedFolder
from .verify import Outcome, Verification, verify_credential, verify_reference

__all__ = [
    "CertifiedFacts",
    "CommitteeDecision",
    "Issued",
    "Issuer",
    "OfficeFolder",
    "Outcome",
    "PublishedFolder",
    "Verification",
    "apply_committee_decisions",
    "decisions_in",
    "issue_credential",
    "rotate_signing_key",
    "verify_credential",
    "verify_reference",
]
