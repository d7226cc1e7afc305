"""A synthetic passport for the card emulator and the tests: a fictional traveller of Utopia
(ICAO's specimen state, ``UTO``) or of any state, a TD3 machine-readable zone, DG1, DG2 with a
drawn portrait, DG15 for active authentication, EF.SOD signed by a test CSCA and document
signer, and EF.CardAccess offering PACE (with the MRZ data as password) unless the passport is
BAC-only. Nothing here is real personal data."""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ec

from . import testcard, tlv
from .crypto import check_digit, mrz_information
from .reader import PACE_INFO_AES128_BP256


@dataclass
class Traveller:
    surname: str = "MARTIN"
    given_names: str = "CLAIRE ELISE"
    document_number: str = "ZP4815162"
    issuing_state: str = "UTO"
    nationality: str = "UTO"
    birth_date: dt.date = dt.date(1988, 3, 14)
    sex: str = "F"  # M, F or <
    expiry_date: dt.date = dt.date(2031, 6, 30)
    personal_number: str = ""

    @property
    def mrz_information(self) -> bytes:
        """The BAC / PACE-MRZ key material of this passport."""
        return mrz_information(
            self.document_number, self.birth_date.strftime("%y%m%d"), self.expiry_date.strftime("%y%m%d")
        )


def td3_lines(t: Traveller) -> str:
    """The two 44-character lines of a passport's MRZ, with every check digit."""
    names = (t.surname + "<<" + t.given_names.replace(" ", "<"))[:39].ljust(39, "<")
    l1 = "P<" + t.issuing_state + names
    doc = t.document_number.ljust(9, "<")
    birth, expiry = t.birth_date.strftime("%y%m%d"), t.expiry_date.strftime("%y%m%d")
    personal = t.personal_number.ljust(14, "<")
    personal_cd = check_digit(personal) if t.personal_number else "<"
    l2 = doc + check_digit(doc) + t.nationality + birth + check_digit(birth) + t.sex + expiry
    l2 += check_digit(expiry) + personal + personal_cd
    l2 += check_digit(l2[0:10] + l2[13:20] + l2[21:43])
    assert len(l1) == len(l2) == 44
    return l1 + l2


def portrait_jpeg(noise: bool = False, size: tuple[int, int] = (240, 320)) -> bytes:
    """A drawn face as a JPEG; with ``noise``, a grainy one that weighs about 100 KB (a DG2 of
    more than 65535 bytes, whose length takes 3 bytes)."""
    from PIL import Image

    img = Image.open(io.BytesIO(testcard.portrait_jp2(7, size))).convert("RGB")
    if noise:
        rng = random.Random(7)
        grain = Image.frombytes("RGB", size, bytes(rng.getrandbits(8) for _ in range(size[0] * size[1] * 3)))
        img = Image.blend(img, grain, 0.5)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95 if noise else 80)
    return buf.getvalue()


@dataclass
class PassportContents:
    traveller: Traveller
    files: dict[str, bytes] = field(default_factory=dict)  # "COM", "DG1", "DG2", "DG15", "SOD", "CardAccess"
    chain: testcard.SigningChain | None = None
    ca_key: ec.EllipticCurvePrivateKey | None = None  # passports here offer no chip authentication
    aa_key: ec.EllipticCurvePrivateKey | None = None


def make_passport(
    traveller: Traveller | None = None,
    chain: testcard.SigningChain | None = None,
    portrait: bytes | None = None,
    pace: bool = True,
) -> PassportContents:
    """A passport for ``traveller``; ``pace=False`` makes it BAC-only (no EF.CardAccess)."""
    traveller = traveller or Traveller()
    chain = chain or testcard.signing_chain("UTOPIA TEST", "ZZ")
    aa_key = ec.generate_private_key(ec.SECP256R1())
    files = {
        "DG1": tlv.tlv(0x61, tlv.tlv(0x5F1F, td3_lines(traveller).encode())),
        "DG2": testcard.dg2(portrait or portrait_jpeg()),
        "DG15": testcard.dg15(aa_key),
    }
    signed = {int(name[2:]): data for name, data in files.items()}
    files["COM"] = testcard.com(sorted(signed))
    files["SOD"] = testcard.sod(signed, chain)
    if pace:
        files["CardAccess"] = tlv.tlv(0x31, PACE_INFO_AES128_BP256)
    return PassportContents(traveller, files, chain, None, aa_key)
