"""A briefing's language, the way its text runs, and the words the pack adds in that language."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import cast

from yaml.nodes import Node

from ..errors import Problem
from ..model import CALLOUT_TITLES, DIRECTIONS, CalloutKind, Direction, Labels
from ..number_formats import known_locale, locale_tags
from . import shapes
from .reader import Reader, did_you_mean

# A well-formed BCP 47 language tag (RFC 5646, section 2.1): language, then optional script,
# region and variants. Whether the language exists is the reader's tools' business. The
# grammar's 5-8 letter languages are left out: none is registered, and "english" is a slip.
_TAG = re.compile(
    r"(?P<language>[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*"
    r"(?:-[A-WY-Za-wy-z\d](?:-[A-Za-z\d]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z\d]{1,8})+)?"
)
_RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "khw", "ks", "nqo", "ps", "sd", "syr", "ug", "ur", "yi"}
)
"""Languages written right to left unless their tag names another script (Arabic, Hebrew, N'Ko, Persian, Urdu…)."""
_RTL_SCRIPTS = frozenset({"arab", "hebr", "nkoo", "syrc", "thaa", "adlm", "rohg", "samr", "mand"})
"""ISO 15924 scripts written right to left, for a tag that names its script ("ha-Arab")."""


def language(r: Reader, node: Node) -> str | None:
    """A BCP 47 language tag; one whose language or region Babel has no numbers and dates for is warned
    of, since they are then written as the language alone, or English, writes them."""
    value = r.text(node)
    if value is not None and not _TAG.fullmatch(value.strip()):
        hint = did_you_mean(value.strip().replace("_", "-"), list(locale_tags()), list_all=False)
        r.problem(node, f"'{value}' is not a language tag{hint or '; give one such as en, fr-ML or ar (BCP 47)'}")
        return None
    if value is not None and (unknown := _unknown(value.strip())):
        r.notices.append(Problem(r.pos(node), unknown))
    return None if value is None else value.strip()


def _unknown(tag: str) -> str | None:
    """What to tell of a well-formed tag Babel cannot write numbers and dates in exactly as it says
    (``fr-XX``, ``zz``, ``en-UK``), with the tag it most likely means; None for a tag it knows."""
    found = known_locale(tag)
    if found is not None and found.replace("_", "-").casefold() == tag.casefold():
        return None
    if found is not None:  # a tag Babel knows by another name (en-UK is en-GB)
        return f"'{tag}' is not how the language and region are written (did you mean '{found.replace('_', '-')}'?)"
    bare = tag.split("-")[0]
    if known_locale(bare) is None:
        hint = did_you_mean(tag, list(locale_tags()), list_all=False)
        return f"'{tag}' is not a language numbers and dates can be written in: they are written in English{hint}"
    return (
        f"'{tag}' is not a region numbers and dates can be written in for '{bare}': "
        f"they are written as '{bare}' writes them (did you mean '{bare}'?)"
    )


def direction(r: Reader, node: Node) -> Direction | None:
    """ltr or rtl."""
    return cast(Direction | None, r.choice(node, DIRECTIONS))


def natural_direction(tag: str) -> Direction:
    """The way a language's text runs: from its script when the tag names one, else from the language."""
    match = _TAG.fullmatch(tag)
    if match is None:
        return "ltr"
    script = match.group("script")
    if script:
        return "rtl" if script.lower() in _RTL_SCRIPTS else "ltr"
    return "rtl" if match.group("language").split("-")[0].lower() in _RTL_LANGUAGES else "ltr"


# The words a pack adds, in the languages briefings are most often written in besides English, as
# their publishers print them (LaTeX's babel names the same captions: \tablename, \figurename…).
# A spec's `labels:` gives any of them otherwise, or in another language.
_WORDS: dict[str, dict[str, str]] = {
    "fr": dict(table="Tableau", figure="Figure", page="Page", of="sur", contents="Sommaire", summary="Résumé",
               by="Par", total="Total", sources="Sources", notes="Notes", source="Source"),
    "es": dict(table="Tabla", figure="Figura", page="Página", of="de", contents="Índice", summary="Resumen",
               by="Por", total="Total", sources="Fuentes", notes="Notas", source="Fuente"),
    "pt": dict(table="Tabela", figure="Figura", page="Página", of="de", contents="Índice", summary="Resumo",
               by="Por", total="Total", sources="Fontes", notes="Notas", source="Fonte"),
    "it": dict(table="Tabella", figure="Figura", page="Pagina", of="di", contents="Indice", summary="Sintesi",
               by="Di", total="Totale", sources="Fonti", notes="Note", source="Fonte"),
    "de": dict(table="Tabelle", figure="Abbildung", page="Seite", of="von", contents="Inhalt",
               summary="Zusammenfassung", by="Von", total="Summe", sources="Quellen", notes="Anmerkungen",
               source="Quelle"),
    "ar": dict(table="جدول", figure="شكل", page="صفحة", of="من", contents="المحتويات", summary="ملخص",
               by="بقلم", total="المجموع", sources="المصادر", notes="ملاحظات", source="المصدر"),
}  # fmt: skip


# The title of a callout that gives none, in the same languages.
_CALLOUTS: dict[str, dict[CalloutKind, str]] = {
    "fr": {"key-judgement": "Jugement clé", "comment": "Commentaire", "note": "Note", "warning": "Avertissement"},
    "es": {"key-judgement": "Juicio clave", "comment": "Comentario", "note": "Nota", "warning": "Advertencia"},
    "pt": {"key-judgement": "Juízo-chave", "comment": "Comentário", "note": "Nota", "warning": "Aviso"},
    "it": {"key-judgement": "Giudizio chiave", "comment": "Commento", "note": "Nota", "warning": "Avvertenza"},
    "de": {"key-judgement": "Kernaussage", "comment": "Kommentar", "note": "Hinweis", "warning": "Warnung"},
    "ar": {"key-judgement": "حكم رئيسي", "comment": "تعليق", "note": "ملاحظة", "warning": "تحذير"},
}


def callout_titles(tag: str) -> dict[CalloutKind, str]:
    """The title of each kind of callout that gives none, in a language (English where none is kept)."""
    return {**CALLOUT_TITLES, **_CALLOUTS.get(tag.split("-")[0].lower(), {})}


def language_labels(tag: str) -> Labels:
    """The words the pack adds in a language, from its tag (``fr-ML``: the French ones); English for a
    language they are not kept for."""
    return Labels(**_WORDS.get(tag.split("-")[0].lower(), {}))


def labels(r: Reader, node: Node, given: Labels) -> Labels | None:
    """The words the pack adds, as a spec gives them; those it leaves out stay as ``given`` has them."""
    keys = r.shape(node, shapes.LABELS)
    if keys is None:
        return None
    words = {name: r.text(value) for name, value in keys.items()}
    if any(word is None for word in words.values()):
        return None
    assert set(words) <= {f.name for f in fields(Labels)}
    from .inline import typeset  # inline takes its quote marks from here

    # Reader-visible words ("Note de l'éditeur"), set as the briefing's other texts are.
    return replace(given, **{name: typeset(cast(str, word), r.quotes) for name, word in words.items()})


def number_locale(r: Reader, node: Node) -> str | None:
    """A locale numbers and dates are written in (``locale: en-GB``), one Babel knows, as Babel names it."""
    value = r.text(node)
    if value is None:
        return None
    found = known_locale(value) if _TAG.fullmatch(value.strip()) else None
    if found is None:
        hint = did_you_mean(value.strip().replace("_", "-"), list(locale_tags()), list_all=False)
        r.problem(
            node, f"'{value}' is not a locale numbers and dates can be written in{hint or ' (such as en-GB or fr-NE)'}"
        )
    return found


QuoteMarks = tuple[str, str, str, str]
"""Opening and closing double quotes, then opening and closing single ones, as markdown-it's ``quotes`` takes them."""

ENGLISH_QUOTES: QuoteMarks = ("“", "”", "‘", "’")

# CLDR's delimiters (version 42, as ICU 72 gives them) for the languages that do not quote as
# English does. Babel carries CLDR's numbers, dates and names, but not its quotation marks.
_QUOTES: dict[str, str] = {
    "am": "«»‹›", "ar": "”“’‘", "bg": "„“„“", "bm": "«»“”", "cs": "„“‚‘", "de": "„“‚‘", "el": "«»“”",
    "es": "«»“”", "et": "„“‚‘", "fa": "«»‹›", "ff": "„”‚’", "fi": "””’’", "fr": "«»«»", "fr-CA": "«»”“",
    "fr-CH": "«»‹›", "he": "””’’", "hr": "„“‚‘", "hu": "„”»«", "hy": "«»«»", "it": "«»“”", "ja": "「」『』",
    "ka": "„“«»", "kk": "«»“”", "lt": "„“„“", "mg": "«»“”", "nb": "«»‘’", "nl": "‘’‘’", "pl": "„”«»",
    "pt-PT": "«»“”", "ro": "„”«»", "ru": "«»„“", "rw": "«»‘’", "sk": "„“‚‘", "sl": "„“‚‘", "sr": "„“‘‘",
    "sv": "””’’", "ti": "«»“”", "uk": "«»„“", "ur": "”“’‘", "uz": "“”’‘",
}  # fmt: skip

_NO_BREAK_SPACE = "\u00a0"
"""Inside French guillemets: a no-break space, as Word's French autocorrection sets it. (The narrow one,
U+202F, is a break point to reportlab, which would leave a guillemet alone at a line's end in the PDF.)"""


def quote_marks(tag: str) -> QuoteMarks:
    """The quotation marks a language prints, from its tag (``fr-ML``: the French ones); French sets its
    guillemets apart from the words they enclose by a no-break space (« coup »), as the Imprimerie
    nationale's rules have it, except in Switzerland."""
    parts = tag.split("-")
    language, region = parts[0].lower(), next((p.upper() for p in parts[1:] if len(p) == 2 or p.isdigit()), "")
    marks = _QUOTES.get(f"{language}-{region}", _QUOTES.get(language))
    if marks is None:
        return ENGLISH_QUOTES
    if language != "fr" or region == "CH":
        return cast(QuoteMarks, tuple(marks))
    space = _NO_BREAK_SPACE
    return cast(QuoteMarks, tuple(m + space if m in "«‹" else space + m if m in "»›" else m for m in marks))
