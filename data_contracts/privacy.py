"""Pseudonyms and display masks for personal data (DESIGN §7, PIPL).

Clear identifiers exist only in landing files. Ingest replaces each with a keyed pseudonym
(HMAC-SHA256, one domain per kind of identifier, so the same person joins across days and sources)
and a display mask. The key comes from GRIDSIGHT_PSEUDONYM_KEY or a key file created with 0600
permissions on first use; it is never committed. A key that is empty, short (an unkeyed or guessable
pseudonym) or in a file others can read is refused. Phone and ID numbers typed into free text are masked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from pathlib import Path

from gridsight import keys

KEY_ENV = "GRIDSIGHT_PSEUDONYM_KEY"
PSEUDONYM_CHARS = 20


class PseudonymKeyError(ValueError):
    """The pseudonymization key is missing its strength or its privacy: nothing is ingested with it."""


def load_key(key_file: Path) -> bytes:
    """The pseudonymization key: from the environment, else from key_file (created 0600 if absent)."""
    return keys.load_key(key_file, KEY_ENV, PseudonymKeyError,
                         replacing=" (pseudonyms made with the old key then no longer join)")


def pseudonym(key: bytes, domain: str, value: str | None) -> str | None:
    """Keyed pseudonym of one identifier in its domain (id_number, phone, plate, name …)."""
    if value is None or value == "":
        return None
    digest = hmac.new(key, f"{domain}\x1f{value.strip().upper()}".encode(), hashlib.sha256).digest()
    # Base32 (a–z, 2–7) has no 0 or 1, so a pseudonym can never look like an ID or mobile number.
    return base64.b32encode(digest).decode().lower()[:PSEUDONYM_CHARS]


# Phone and ID numbers as people type them into free text: 7 or more digits, single spaces or dashes
# between them allowed, an ID number's final X included ("13912345678", "0551-6543 2109", "…451X").
TYPED_NUMBER = re.compile(r"\d(?:[\s-]?\d){6,}[Xx]?")


def mask_free_text(text: str | None) -> str | None:
    """楼上漏水，请回电13912345678 → 楼上漏水，请回电***"""
    return TYPED_NUMBER.sub("***", text) if isinstance(text, str) else text


def mask_name(name: str | None) -> str | None:
    """段小明 → 段**"""
    if not name:
        return None
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str | None) -> str | None:
    """13812341234 → 138****1234"""
    if not phone:
        return None
    digits = phone.strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "*" * len(digits)


def mask_plate(plate: str | None) -> str | None:
    """苏D4A2B0 → 苏D4***0"""
    if not plate:
        return None
    return plate[:3] + "***" + plate[-1] if len(plate) > 4 else "*" * len(plate)


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    """GB 11643 check character of the first 17 digits of a resident ID number."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_parts(id_number: str | None) -> tuple[str | None, int | None, str | None]:
    """What may be kept of a resident ID number: region code, birth year and sex."""
    if not id_number or len(id_number) != 18:
        return None, None, None
    sex = "M" if id_number[16].isdigit() and int(id_number[16]) % 2 == 1 else "F"
    return id_number[:6], int(id_number[6:10]), sex
