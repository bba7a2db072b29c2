"""Chinese text uses full-width punctuation: no ASCII ":", ",", ";", "(" or ")" beside a Chinese character, in the
compiled zh_Hans catalogues (what gettext gives users) and in the templates' literal text (issue 13).

Code syntax, URLs, numbers and times ("10:30") never touch a Chinese character, so they are not caught; English
msgids are not read (only the msgstrs)."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as gettext_

BASE = Path(settings.BASE_DIR)
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
HALF_WIDTH = re.compile(rf"[{CJK}][:,;()]|[:,;()][{CJK}]")
# In a template, `{% translate "…" %}` reads as its Chinese translation (so "{% translate "Balance" %}: " is caught),
# a `{% blocktranslate %}` block as Chinese text ("译"), and the rest of the template syntax and comments as code.
TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1\s*(?:noop\s*)?%\}""")
BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)

# Translations allowed on purpose, each with its reason. Keep it short.
ALLOWED = {
    "是,否": 'the argument of the `yesno` filter (`_("yes,no")`): Django splits it on ASCII commas',
}


def catalogues() -> list[Path]:
    found = [BASE / "locale/zh_Hans/LC_MESSAGES/django.mo"]
    found += sorted(BASE.glob("*/locale/zh_Hans/LC_MESSAGES/django.mo"))
    return [path for path in found if ".venv" not in path.parts and path.exists()]


def offending(text: str) -> list[str]:
    return [text[max(m.start() - 8, 0) : m.end() + 8] for m in HALF_WIDTH.finditer(text)]


def test_there_is_something_to_scan():
    assert len(catalogues()) >= 8
    assert len(list((BASE / "templates").rglob("*.html"))) > 50


def test_catalogue_translations_use_full_width_punctuation():
    problems = []
    for path in catalogues():
        with path.open("rb") as f:
            catalogue = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
        for msgid, msgstr in catalogue.items():
            if not msgid or not isinstance(msgstr, str):
                continue
            if msgstr in ALLOWED:
                continue
            problems += [f"{path.relative_to(BASE)}: {msgstr!r} ({bad!r})" for bad in offending(msgstr)]
    assert not problems, "\n".join(problems)


def test_template_text_uses_full_width_punctuation():
    problems = []
    for path in sorted((BASE / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        with translation.override("zh-hans"):
            text = TRANSLATE.sub(lambda m: gettext_(m.group(2)), text)
        text = TEMPLATE_CODE.sub(" ", BLOCK.sub("译", text))
        problems += [f"{path.relative_to(BASE)}: {bad!r}" for bad in offending(text)]
    assert not problems, "\n".join(problems)
