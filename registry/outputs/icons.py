"""The site's icons, drawn here so the build downloads nothing and writes the same bytes every time: favicon.ico (at
the site root, where browsers and auditors look for it) and apple-touch-icon.png, a white gateway (两柱一楣, the
mark of the 大院) on the brand red. site_templates/assets/favicon.svg is the same drawing for browsers that take SVG."""

from __future__ import annotations

import struct
import zlib

BRAND = (0x9E, 0x1B, 0x1B)
WHITE = (0xFF, 0xFF, 0xFF)

MARK = ((0.22, 0.22, 0.78, 0.34), (0.28, 0.34, 0.40, 0.80), (0.60, 0.34, 0.72, 0.80), (0.16, 0.80, 0.84, 0.88))
"""The white shapes as (left, top, right, bottom) fractions of the side: lintel, two pillars, base."""


def pixels(size: int) -> list[bytes]:
    """The icon's rows, RGB, `size` pixels square."""
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            fx, fy = (x + 0.5) / size, (y + 0.5) / size
            inside = any(left <= fx < right and top <= fy < bottom for left, top, right, bottom in MARK)
            row += bytes(WHITE if inside else BRAND)
        rows.append(bytes(row))
    return rows


def png(size: int) -> bytes:
    """A PNG of the icon (8-bit RGB, no time or text chunks: the same bytes on every build)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + row for row in pixels(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def ico(size: int = 32) -> bytes:
    """A .ico holding one PNG image (every current browser reads PNG inside ICO)."""
    image = png(size)
    directory = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), 22)
    return directory + image


def icon_files() -> dict[str, bytes]:
    """out_path → bytes of the icons."""
    return {"favicon.ico": ico(32), "apple-touch-icon.png": png(180)}
