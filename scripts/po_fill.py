"""Fill empty msgstr entries of a .po file from a two-column TSV (English, translation).

Used when a batch of new strings is translated at once: `python scripts/po_fill.py PO TSV`.
Entries already translated are left alone; untranslated ones are listed at the end.
"""

import re
import sys


def _unquote(block: str) -> str:
    return "".join(re.findall(r'"(.*)"', block)).encode().decode("unicode_escape").encode(
        "latin-1").decode("utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fill(po_text: str, table: dict[str, str]) -> tuple[str, list[str]]:
    entries = po_text.split("\n\n")
    entries[0] = entries[0].replace("#, fuzzy\n", "")  # makemessages marks the header fuzzy
    missing = []
    for index, entry in enumerate(entries):
        match = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not match or index == 0:
            continue
        source = _unquote(match.group(1))
        if not source:
            continue
        translation = table.get(source)
        if translation is None:
            if re.search(r'^msgstr(\[0\])? ""\s*$', entry, re.M) and "fuzzy" not in entry:
                missing.append(source)
            continue
        entry = re.sub(r"^#\| .*\n", "", entry, flags=re.M)
        entry = re.sub(r"^#, fuzzy, ", "#, ", entry.replace("#, fuzzy\n", ""), flags=re.M)
        entry = re.sub(r'^msgstr ".*"(\n".*")*', "msgstr " + _quote(translation), entry,
                       flags=re.M)
        entry = re.sub(r'^msgstr\[0\] ".*"(\n".*")*', "msgstr[0] " + _quote(translation), entry,
                       flags=re.M)
        entries[index] = entry
    return "\n\n".join(entries), missing


def main() -> int:
    po_path, tsv_path = sys.argv[1:3]
    table = {}
    for line in open(tsv_path, encoding="utf-8"):
        if "\t" in line:
            source, target = line.rstrip("\n").split("\t", 1)
            table[source] = target
    text, missing = fill(open(po_path, encoding="utf-8").read(), table)
    open(po_path, "w", encoding="utf-8").write(text)
    for source in missing:
        print("untranslated:", source)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
