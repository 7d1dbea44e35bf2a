"""Copy the front-end packages installed by npm into torg/web/static/vendor (served locally).

A copied .js or .css file that names a source map (`sourceMappingURL=…`) gets its map copied
beside it when the package ships one; otherwise the reference is removed. In production the
manifest storage (`collectstatic`) rewrites every reference to a hashed name and stops at one
that points to a missing file, so no vendored file may refer to a file that is not copied.
"""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "torg" / "web" / "static" / "vendor"

FILES = {
    "@digdir/designsystemet-css/dist/src/index.css": "designsystemet/index.css",
    "@digdir/designsystemet-css/dist/theme/designsystemet.css": "designsystemet/theme.css",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "axe-core/axe.min.js": "axe-core/axe.min.js",
    "qr-scanner/qr-scanner.umd.min.js": "qr-scanner/qr-scanner.umd.min.js",
    "qr-scanner/qr-scanner-worker.min.js": "qr-scanner/qr-scanner-worker.min.js",
}

# `//# sourceMappingURL=x.map` (JS) or `/*# sourceMappingURL=x.map */` (CSS) at the end of a line.
SOURCE_MAP = re.compile(r"(?://|/\*)# sourceMappingURL=(?P<url>[^\s*]+)[ \t]*(?:\*/)?[ \t]*$", re.MULTILINE)


def copy_with_source_maps(src, dest):
    """Copy `src` to `dest` with each source map it names (a file next to it). A reference on a line
    of its own (the form the manifest storage resolves) whose map the package does not ship is
    removed. Returns the number of maps copied."""
    text = src.read_text(encoding="utf-8")
    copied = 0
    missing = []
    for match in SOURCE_MAP.finditer(text):
        url = match.group("url")
        if url.startswith("data:"):
            continue  # inline map: nothing to copy, nothing for the manifest to resolve
        map_src = src.parent / url
        if "/" not in url and map_src.is_file():
            shutil.copyfile(map_src, dest.parent / url)
            copied += 1
        elif match.start() == 0 or text[match.start() - 1] == "\n":
            missing.append(match.group(0))
    for line in missing:
        text = text.replace(line, "")
    dest.write_text(text, encoding="utf-8")
    return copied


def main():
    maps = 0
    for source, target in FILES.items():
        src = NODE / source
        if not src.exists():
            raise SystemExit(f"missing {src}: run `npm ci` first")
        dest = VENDOR / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.suffix in (".js", ".css"):
            maps += copy_with_source_maps(src, dest)
        else:
            shutil.copyfile(src, dest)
    print(f"copied {len(FILES)} front-end files and {maps} source maps to {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
