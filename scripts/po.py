#!/usr/bin/env python3
"""Small helper for the Chinese catalogues (no extra dependency).

scripts/po.py missing FILE.po            list msgids that have no translation yet
scripts/po.py fill FILE.po TRANSLATIONS  fill empty msgstrs from a JSON object {msgid: msgstr}
"""

import json
import re
import sys

ENTRY = re.compile(
    r'(?P<head>(?:#.*\n)*)msgid (?P<id>"(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)\n'
    r'msgstr (?P<str>"(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)'
)


def _unquote(block: str) -> str:
    return "".join(json.loads(line) for line in block.split("\n"))


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _is_fuzzy(head: str) -> bool:
    return any(line.startswith("#,") and "fuzzy" in line for line in head.splitlines())


def _unfuzzy(head: str) -> str:
    """The comment block without msgmerge's guess: no "#|" lines, no fuzzy flag (other flags kept)."""
    lines = []
    for line in head.splitlines():
        if line.startswith("#|"):
            continue
        if line.startswith("#,"):
            flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() and flag.strip() != "fuzzy"]
            if not flags:
                continue
            lines.append("#, " + ", ".join(flags) + "\n")
            continue
        lines.append(line + "\n")
    return "".join(lines)


def entries(text):
    """(match, msgid, msgstr) for each entry; a fuzzy entry (a guess by msgmerge) counts as untranslated."""
    for match in ENTRY.finditer(text):
        fuzzy = _is_fuzzy(match["head"]) and match["id"] != '""'
        yield match, _unquote(match["id"]), "" if fuzzy else _unquote(match["str"])


def main(argv):
    command, path = argv[1], argv[2]
    text = open(path, encoding="utf-8").read()
    if command == "missing":
        missing = [msgid for _m, msgid, msgstr in entries(text) if msgid and not msgstr]
        print(json.dumps({m: "" for m in missing}, ensure_ascii=False, indent=1))
        return 1 if missing else 0
    if command == "check":
        problems = []
        for name in argv[2:]:
            for block in open(name, encoding="utf-8").read().split("\n\n"):
                lines = [line for line in block.strip().splitlines() if line]
                body = [line for line in lines if not line.startswith("#")]
                if not body or body[0] == 'msgid ""' and not any(line.startswith("msgid_plural") for line in body):
                    continue  # the header (or an empty block)
                ident = body[0]
                if any(line.startswith("#,") and "fuzzy" in line for line in lines):
                    problems.append(f"{name}: fuzzy: {ident}")
                for i, line in enumerate(body):
                    if line.startswith("msgstr") and line.endswith(' ""'):
                        continued = i + 1 < len(body) and body[i + 1].startswith('"')
                        if not continued:
                            problems.append(f"{name}: untranslated: {ident}")
        print("\n".join(problems) or "all catalogue entries are translated")
        return 1 if problems else 0
    if command == "dump":
        table = {}
        for name in argv[2:]:
            for _m, msgid, msgstr in entries(open(name, encoding="utf-8").read()):
                if msgid and msgstr:
                    table[msgid] = msgstr
        print(json.dumps(table, ensure_ascii=False, indent=1))
        return 0
    if command == "fill":
        table = json.load(open(argv[3], encoding="utf-8"))
        out, last = [], 0
        for match, msgid, msgstr in entries(text):
            if msgid and not msgstr and table.get(msgid):
                out.append(text[last : match.start("str")])
                out.append(_quote(table[msgid]))
                last = match.end("str")
        out.append(text[last:])
        text = "".join(out).replace("#, fuzzy\n", "")
        open(path, "w", encoding="utf-8").write(text)
        return 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
