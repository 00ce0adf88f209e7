#!/usr/bin/env python3
"""Draw the integration's brand images (icon and logo PNGs) using only the standard library.

Shapes are filled as horizontal spans on a 4x supersampled canvas, then box-downsampled.
"""

import math
import struct
import zlib
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "custom_components/alexa_smart_properties/brand"
SS = 4  # supersampling factor per axis
ICON = 256  # design units: the icon is drawn in a 256 x 256 box

Point = tuple[float, float]
Span = tuple[float, float]
Shape = Callable[[float], list[Span]]  # row y -> the [x0, x1] spans the shape covers there
Color = tuple[int, int, int, int]

CYAN: Color = (0, 202, 255, 255)
NAVY: Color = (35, 47, 62, 255)
WHITE: Color = (255, 255, 255, 255)


def circle(cx: float, cy: float, r: float) -> Shape:
    def spans(y: float) -> list[Span]:
        d = r * r - (y - cy) ** 2
        return [(cx - math.sqrt(d), cx + math.sqrt(d))] if d >= 0 else []

    return spans


def polygon(points: list[Point]) -> Shape:
    edges = list(zip(points, points[1:] + points[:1], strict=True))

    def spans(y: float) -> list[Span]:
        crossed = [(a, b) for a, b in edges if (a[1] <= y) != (b[1] <= y)]  # even-odd rule
        xs = sorted(x0 + (y - y0) * (x1 - x0) / (y1 - y0) for (x0, y0), (x1, y1) in crossed)
        return list(zip(xs[::2], xs[1::2], strict=True))

    return spans


def capsule(p: Point, q: Point, r: float) -> Shape:
    """A segment from p to q stroked with radius r and round caps (convex, so one span a row)."""
    length = math.dist(p, q) or 1.0
    nx, ny = (q[1] - p[1]) / length * r, (p[0] - q[0]) / length * r
    band = polygon([(x + s * nx, y + s * ny) for (x, y), s in ((p, 1), (q, 1), (q, -1), (p, -1))])
    parts = [circle(*p, r), circle(*q, r), band]

    def spans(y: float) -> list[Span]:
        found = [span for part in parts for span in part(y)]
        return [(min(a for a, _ in found), max(b for _, b in found))] if found else []

    return spans


def stroke(points: list[Point], r: float) -> list[Shape]:
    return [capsule(p, q, r) for p, q in pairwise(points)]


def rounded_polygon(points: list[Point], r: float) -> list[Shape]:
    """A convex polygon grown by r, so that every corner is rounded with radius r."""
    return [polygon(points), *stroke([*points, points[0]], r)]


def rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> list[Shape]:
    x0, y0, x1, y1 = x0 + r, y0 + r, x1 - r, y1 - r
    return rounded_polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], r)


def arc(cx: float, cy: float, r: float, start: float, end: float) -> list[Point]:
    """Points along a circular arc, angles in degrees (clockwise on screen, y points down)."""
    angles = (math.radians(start + (end - start) * i / 16) for i in range(17))
    return [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in angles]


# A small geometric stroke font: centre lines on a grid 6 units tall, the letters the name uses.
WORDMARK = ("ALEXA SMART", "PROPERTIES")
UNIT, WEIGHT, LETTER_GAP, LINE_PITCH = 9.5, 0.55, 1.9, 8.2  # px per unit; the rest in units
TEXT_X, TEXT_Y = ICON + 40, 62.0  # the wordmark sits right of the icon, centred on it
GLYPHS: dict[str, list[list[Point]]] = {
    " ": [],
    "A": [[(0, 6), (2.1, 0), (4.2, 6)], [(0.75, 4), (3.45, 4)]],
    "E": [[(3.3, 0), (0, 0), (0, 6), (3.3, 6)], [(0, 3), (2.9, 3)]],
    "I": [[(0, 0), (0, 6)]],
    "L": [[(0, 0), (0, 6), (3.3, 6)]],
    "M": [[(0, 6), (0, 0), (2.3, 4.2), (4.6, 0), (4.6, 6)]],
    "O": [[*arc(2.2, 2.2, 2.2, 180, 360), *arc(2.2, 3.8, 2.2, 0, 180), (0, 2.2)]],
    "P": [[(0, 6), (0, 0), *arc(1.7, 1.65, 1.65, -90, 90), (0, 3.3)]],
    "R": [[(0, 6), (0, 0), *arc(1.7, 1.65, 1.65, -90, 90), (0, 3.3)], [(1.7, 3.3), (3.4, 6)]],
    "S": [[*arc(1.6, 1.5, 1.5, -25, -270), *arc(1.6, 4.5, 1.5, -90, 155)]],
    "T": [[(0, 0), (4, 0)], [(2, 0), (2, 6)]],
    "X": [[(0, 0), (4, 6)], [(4, 0), (0, 6)]],
}


class Canvas:
    """A supersampled RGBA canvas; `scale` maps design units to samples."""

    def __init__(self, width: int, height: int, scale: float) -> None:
        self.w, self.h, self.scale = width * SS, height * SS, scale * SS
        self.data = bytearray(self.w * self.h * 4)

    def fill(self, shapes: list[Shape], color: Color) -> None:
        pixel = bytes(color)
        for row in range(self.h):
            y = (row + 0.5) / self.scale
            for shape in shapes:
                for a, b in shape(y):
                    i0 = max(0, math.ceil(a * self.scale - 0.5))
                    i1 = min(self.w, math.floor(b * self.scale - 0.5) + 1)
                    if i1 > i0:
                        start = (row * self.w + i0) * 4
                        self.data[start : start + (i1 - i0) * 4] = pixel * (i1 - i0)

    def downsample(self) -> bytes:
        """Box-filter SS x SS blocks; samples are opaque or clear, so colours average by alpha."""
        out = bytearray()
        stride = self.w * 4
        for y in range(0, self.h, SS):
            rows = [self.data[(y + k) * stride : (y + k + 1) * stride] for k in range(SS)]
            column = [sum(v) for v in zip(*rows, strict=True)]
            for x in range(0, stride, 4 * SS):
                r, g, b, a = (sum(column[x + c : x + 4 * SS : 4]) for c in range(4))
                rgb = [(v * 255 + a // 2) // a for v in (r, g, b)] if a else [0, 0, 0]
                out += bytes([*rgb, (a + SS * SS // 2) // (SS * SS)])
        return bytes(out)


def write_png(path: Path, width: int, height: int, rgba: bytes) -> None:
    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    rows = (b"\0" + rgba[y * width * 4 : (y + 1) * width * 4] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    png = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png + chunk(b"IEND", b""))


def draw_icon(canvas: Canvas) -> None:
    """A cyan Alexa-style speech ring around a navy disc holding a white building."""
    c, r, tail = ICON / 2, ICON / 2 - 1, math.radians(118)  # the tail points to the lower left
    bubble = [(c, c), (c - r, c), (c - r + 2, c + r)]
    bubble.append((c + r * math.cos(tail), c + r * math.sin(tail)))
    canvas.fill([circle(c, c, r), polygon(bubble)], CYAN)
    canvas.fill([circle(c, c, r - 20)], NAVY)
    roof = [(128.0, 64.0), (188.0, 116.0), (68.0, 116.0)]
    canvas.fill([*rounded_polygon(roof, 8), *rounded_rect(74, 108, 182, 190, 8)], WHITE)
    windows = [shape for x in (88, 118, 148) for shape in rounded_rect(x, 124, x + 20, 144, 3)]
    canvas.fill([*windows, *rounded_rect(114, 156, 142, 200, 4)], NAVY)  # three windows, a door
    canvas.fill([circle(128, 91, 10)], CYAN)  # the Alexa ring in the gable
    canvas.fill([circle(128, 91, 5)], WHITE)


def advance(char: str) -> float:
    """Horizontal advance of a glyph in font units (its width plus letter spacing)."""
    return max((x for line in GLYPHS[char] for x, _ in line), default=1.0) + LETTER_GAP


def draw_text(canvas: Canvas, text: str, x: float, y: float, color: Color) -> None:
    """Draw capitals with the stroke font, the top-left of the first glyph's centre line at x, y."""
    shapes: list[Shape] = []
    for char in text:
        for line in GLYPHS[char]:
            shapes += stroke([(x + px * UNIT, y + py * UNIT) for px, py in line], UNIT * WEIGHT)
        x += advance(char) * UNIT
    canvas.fill(shapes, color)


def draw_logo(canvas: Canvas, color: Color) -> None:
    draw_icon(canvas)
    for row, text in enumerate(WORDMARK):
        draw_text(canvas, text, TEXT_X, TEXT_Y + row * LINE_PITCH * UNIT, color)


def render(name: str, width: int, scale: int, draw: Callable[[Canvas], None]) -> None:
    w, h = width * scale, ICON * scale
    canvas = Canvas(w, h, scale)
    draw(canvas)
    write_png(OUT / name, w, h, canvas.downsample())
    print(f"wrote {OUT / name} ({w}x{h})")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    text_units = max(sum(map(advance, text)) - LETTER_GAP for text in WORDMARK)
    logo_width = math.ceil(TEXT_X + (text_units + WEIGHT) * UNIT)
    for suffix, scale in (("", 1), ("@2x", 2)):
        render(f"icon{suffix}.png", ICON, scale, draw_icon)
        render(f"logo{suffix}.png", logo_width, scale, lambda c: draw_logo(c, NAVY))
        render(f"dark_logo{suffix}.png", logo_width, scale, lambda c: draw_logo(c, WHITE))


if __name__ == "__main__":
    main()
