"""Compile every app's gettext catalogues (.po → .mo) with polib, so no system gettext is needed."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main():
    count = 0
    for po_path in sorted((ROOT / "torg").glob("**/locale/*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
    print(f"compiled {count} message catalogue(s)")


if __name__ == "__main__":
    main()
