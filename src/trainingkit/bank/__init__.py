"""The vignette bank: graded case vignettes kept as validated data.

The bank lives on the instructor side (``coursework/bank``) and is never
installed with the package: it holds the answer keys.
"""

from trainingkit.bank.model import (
    CONTENT_NOTES,
    DOMAINS,
    Kind,
    Option,
    RubricCriterion,
    Vignette,
)
from trainingkit.bank.load import BankError, load_bank, load_bank_file

__all__ = [
    "CONTENT_NOTES",
    "DOMAINS",
    "BankError",
    "Kind",
    "Option",
    "RubricCriterion",
    "Vignette",
    "load_bank",
    "load_bank_file",
]
