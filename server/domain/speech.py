"""What a call says, word by word, in Vietnamese and English: the exact Vietnamese number
rules (mười/mươi, mốt, lăm, tư/bốn, linh/lẻ, không trăm, nghìn/ngàn), the reading mode of each
service (whole number, digit by digit, or the hybrid "A không mười hai"), and the templates
"Mời số … đến quầy số …" / "Number …, please go to counter …" (an exam room, a counter of kind
"room": "Mời số … vào phòng khám số …" / "Number …, please go to exam room …").

A word is a :class:`Word`: an ASCII clip key naming its role (``vi.tens`` is mươi, ``vi.ten``
is mười: the two are different recordings) and its text (for espeak-ng and for display).
Pure: no audio here (see ``server/audio.py``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

Reading = Literal["number", "digits", "prefix_letters"]
Lang = Literal["vi", "en"]
LANGS: dict[str, Lang] = {"vi": "vi", "en": "en"}  # a language named on the wire, typed

VI_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
VI_LETTERS = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "G": "giê", "H": "hát", "I": "i",
    "K": "ca", "L": "e-lờ", "M": "em-mờ", "N": "en-nờ", "O": "o", "P": "pê", "Q": "quy", "R": "e-rờ",
    "S": "ét-sì", "T": "tê", "U": "u", "V": "vê", "X": "ích-xì", "Y": "i dài", "F": "ép", "J": "gi", "W": "vê kép",
    "Z": "dét",
}  # fmt: skip
EN_SMALL = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
EN_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}


@dataclass(frozen=True)
class Word:
    key: str
    text: str


@dataclass(frozen=True)
class ViStyle:
    """Regional choices (the configuration picks them per site or voice pack)."""

    thousand: Literal["nghìn", "ngàn"] = "nghìn"
    zero_tens: Literal["linh", "lẻ"] = "linh"
    four_after_tens: Literal["tư", "bốn"] = "bốn"


NORTH = ViStyle()  # hai mươi bốn, một trăm linh năm, một nghìn
SOUTH = ViStyle(thousand="ngàn", zero_tens="lẻ", four_after_tens="tư")  # hai mươi tư, lẻ, ngàn


def _vi_digit(d: int) -> Word:
    return Word(f"vi.num.{d}", VI_DIGITS[d])


def _vi_units_after_tens(u: int, style: ViStyle, after_ten: bool) -> list[Word]:
    """The units digit after mười (``after_ten``) or after X mươi."""
    if u == 0:
        return []
    if u == 5:
        return [Word("vi.five_after_ten", "lăm")]
    if u == 1 and not after_ten:
        return [Word("vi.one_after_tens", "mốt")]
    if u == 4 and not after_ten and style.four_after_tens == "tư":
        return [Word("vi.four_after_tens", "tư")]
    return [_vi_digit(u)]


def _vi_group(n: int, style: ViStyle, leading: bool) -> list[Word]:
    """0 < n < 1000; a group after a higher one is read in full (không trăm, linh)."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    out: list[Word] = []
    if h or not leading:
        out += [_vi_digit(h), Word("vi.hundred", "trăm")]
    if t == 0:
        if u:
            if out:
                out.append(Word("vi.zero_tens" if style.zero_tens == "linh" else "vi.zero_tens_south", style.zero_tens))
            out.append(_vi_digit(u))
    elif t == 1:
        out.append(Word("vi.ten", "mười"))
        out += _vi_units_after_tens(u, style, after_ten=True)
    else:
        out += [_vi_digit(t), Word("vi.tens", "mươi")]
        out += _vi_units_after_tens(u, style, after_ten=False)
    return out


def vi_number(n: int, style: ViStyle = NORTH) -> list[Word]:
    """A whole number 0..999,999 in Vietnamese words."""
    if not 0 <= n < 1_000_000:
        raise ValueError("numbers up to 999,999")
    if n == 0:
        return [_vi_digit(0)]
    thousands, rest = divmod(n, 1000)
    out: list[Word] = []
    if thousands:
        out += _vi_group(thousands, style, leading=True)
        out.append(Word("vi.thousand" if style.thousand == "nghìn" else "vi.thousand_south", style.thousand))
    if rest:
        out += _vi_group(rest, style, leading=not thousands)
    return out


def en_number(n: int) -> list[Word]:
    """A whole number 0..999,999 in English words (US style: no "and")."""
    if not 0 <= n < 1_000_000:
        raise ValueError("numbers up to 999,999")
    if n < 20:
        return [Word(f"en.num.{n}", EN_SMALL[n])]
    if n < 100:
        t, u = divmod(n, 10)
        return [Word(f"en.tens.{t}", EN_TENS[t])] + ([Word(f"en.num.{u}", EN_SMALL[u])] if u else [])
    if n < 1000:
        h, rest = divmod(n, 100)
        return [Word(f"en.num.{h}", EN_SMALL[h]), Word("en.hundred", "hundred")] + (en_number(rest) if rest else [])
    th, rest = divmod(n, 1000)
    return en_number(th) + [Word("en.thousand", "thousand")] + (en_number(rest) if rest else [])


def _split(label: str) -> tuple[str, str]:
    """'NG012' -> ('NG', '012')."""
    i = len(label)
    while i and label[i - 1].isdigit():
        i -= 1
    return label[:i], label[i:]


def _letters(prefix: str, lang: str) -> list[Word]:
    if lang == "vi":
        return [Word(f"vi.letter.{c.lower()}", VI_LETTERS.get(c, c.lower())) for c in prefix]
    return [Word(f"en.letter.{c.lower()}", c) for c in prefix]


def read_label(
    label: str, lang: Literal["vi", "en"], reading: Reading = "number", style: ViStyle = NORTH
) -> list[Word]:
    """A ticket label as words: ``number`` reads A012 as "A twelve", ``digits`` as "A zero one
    two", ``prefix_letters`` (the hybrid heard in Vietnamese halls) as "A zero twelve": the
    padding zeros one by one, then the number."""
    prefix, digits = _split(label.strip().upper())
    words = _letters(prefix, lang)
    if not digits:
        return words

    def digit(d: str) -> list[Word]:
        return [_vi_digit(int(d))] if lang == "vi" else [Word(f"en.num.{d}", EN_SMALL[int(d)])]

    if reading == "digits":
        return words + [w for d in digits for w in digit(d)]
    value = int(digits)
    if reading == "prefix_letters":
        zeros = len(digits) - len(str(value)) if value else len(digits) - 1
        words += [w for _ in range(zeros) for w in digit("0")]
    return words + (vi_number(value, style) if lang == "vi" else en_number(value))


@dataclass(frozen=True)
class Pause:
    ms: int


@dataclass(frozen=True)
class Chime:
    pass


Segment = Word | Pause | Chime


@dataclass(frozen=True)
class CallSpeech:
    languages: tuple[Lang, ...] = ("vi", "en")
    repeat: int = 1  # say the whole call this many times
    style: ViStyle = NORTH


# Where a call sends the patient, per language: (the full phrase of one call, the short word of
# a burst), for a counter and for an exam room (a counter of kind "room").
PLACE_WORDS: dict[tuple[Lang, bool], tuple[Word, Word]] = {
    ("vi", False): (Word("vi.phrase.to_counter", "đến quầy số"), Word("vi.phrase.counter", "quầy")),
    ("vi", True): (Word("vi.phrase.to_room", "vào phòng khám số"), Word("vi.phrase.room", "phòng")),
    ("en", False): (Word("en.phrase.to_counter", "please go to counter"), Word("en.phrase.counter", "counter")),
    ("en", True): (Word("en.phrase.to_room", "please go to exam room"), Word("en.phrase.room", "room")),
}


def announce(
    label: str, counter: int, reading: Reading = "number", how: CallSpeech = CallSpeech(), room: bool = False
) -> list[Segment]:
    """The segments of one call: the chime, then per language "Mời số <label> đến quầy số <n>" /
    "Number <label>, please go to counter <n>" (``room``: "vào phòng khám số <n>" / "please go
    to exam room <n>"), with set silences; repeated if asked."""
    out: list[Segment] = [Chime(), Pause(250)]
    for r in range(max(1, how.repeat)):
        for i, lang in enumerate(how.languages):
            if i or r:
                out.append(Pause(600))
            if lang == "vi":
                out += [Word("vi.phrase.call", "Mời số"), Pause(80)]
                out += read_label(label, "vi", reading, how.style)
                out += [Pause(250), PLACE_WORDS["vi", room][0], Pause(80)]
                out += vi_number(counter, how.style)
            else:
                out += [Word("en.phrase.number", "Number"), Pause(80)]
                out += read_label(label, "en", reading)
                out += [Pause(250), PLACE_WORDS["en", room][0], Pause(80)]
                out += en_number(counter)
    out.append(Pause(300))
    return out


@dataclass(frozen=True)
class Called:
    """One call to say: the ticket, its counter, its service's reading, and whether the counter
    is an exam room (said "phòng" / "room", not "quầy" / "counter")."""

    label: str
    counter: int
    reading: Reading = "number"
    room: bool = False


def compact_label(label: str, lang: Lang, prefix: bool = True) -> list[Word]:
    """A ticket in the hall's compact form: the prefix (unless ``prefix=False``: the same
    service as the call before), then the digits of its number one by one, without the padding
    zeros: A121 is "A một hai một", A012 "A một hai" (decision 0010)."""
    letters, digits = _split(label.strip().upper())
    value = str(int(digits)) if digits else ""
    words = _letters(letters, lang) if prefix else []
    if lang == "vi":
        return words + [_vi_digit(int(d)) for d in value]
    return words + [Word(f"en.num.{d}", EN_SMALL[int(d)]) for d in value]


def sentence(
    calls: list[Called],
    languages: tuple[Lang, ...] = ("vi", "en"),
    style: ViStyle = NORTH,
    chime: bool = True,
    compact: bool = False,
) -> list[Segment]:
    """One utterance of the hall's speaker: one call, or a burst merged into one sentence. The
    chime (unless the speaker has just spoken: ``chime=False``), then per language: one call is
    "Mời số <label> đến quầy số <n>" / "Number <label>, counter <n>"; several are "Mời số <l1>,
    quầy <n1>; <l2>, quầy <n2> …" / "Number <l1>, counter <n1>; <l2>, counter <n2> …". Silences
    are shorter than :func:`announce`'s (100 ms after a label, 200 ms between calls, 400 ms
    between languages): a hall speaker cannot say more calls than it has seconds (decision 0010).
    A call to an exam room (``Called.room``) says "vào phòng khám số <n>" / "room <n>" alone,
    "phòng <n>" / "room <n>" in a burst.

    ``compact`` (the speaker has a backlog): "Mời số A một hai một, quầy ba; một hai hai, quầy
    năm; B …": the numbers digit by digit (:func:`compact_label`), the prefix not repeated
    when the same service follows, "quầy" even for one call, 60 ms after a label and 150 ms
    between calls."""
    if not calls:
        raise ValueError("a sentence needs at least one call")
    after_label, between = (60, 150) if compact else (100, 200)
    out: list[Segment] = [Chime(), Pause(150)] if chime else []
    for i, lang in enumerate(languages):
        if i:
            out.append(Pause(400))
        previous = ""
        for j, call in enumerate(calls):
            if j:
                out.append(Pause(between))
            prefix = _split(call.label.strip().upper())[0]
            if compact:
                label = compact_label(call.label, lang, prefix=prefix != previous)
            else:
                label = read_label(call.label, lang, call.reading, style)
            previous = prefix
            alone = len(calls) == 1 and not compact
            if lang == "vi":
                if j == 0:
                    out.append(Word("vi.phrase.call", "Mời số"))
                out += [*label, Pause(after_label)]
                out.append(PLACE_WORDS["vi", call.room][0 if alone else 1])
                out += vi_number(call.counter, style)
            else:
                if j == 0:
                    out.append(Word("en.phrase.number", "Number"))
                out += [*label, Pause(after_label), PLACE_WORDS["en", call.room][1]]
                out += en_number(call.counter)
    out.append(Pause(150))
    return out


def text_of(segments: list[Segment]) -> str:
    """The words as text (for espeak-ng, logs and tests)."""
    return " ".join(s.text for s in segments if isinstance(s, Word))


def announcement(text: str, text_en: str, languages: tuple[Lang, ...] = ("vi", "en")) -> list[Segment]:
    """A scheduled message: the chime, then the text in each language it has (free text has
    no clips: the voice of last resort reads it, or a pack's recording of the same key)."""
    out: list[Segment] = [Chime(), Pause(250)]
    texts = {"vi": text, "en": text_en}
    for lang in languages:
        if texts[lang].strip():
            if len(out) > 2:
                out.append(Pause(600))
            out.append(
                Word(f"{lang}.text.{hashlib.sha256(texts[lang].encode()).hexdigest()[:12]}", texts[lang].strip())
            )
    out.append(Pause(300))
    return out
