"""A tiny PNG decoder (8-bit greyscale/RGB/RGBA, non-interlaced: what Chromium writes), zlib only."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel


def decode(path: str | Path, max_rows: int | None = None) -> tuple[int, int, int, list[bytearray]]:
    """(width, height, channels, rows of raw samples) of an 8-bit non-interlaced PNG.

    ``max_rows`` stops after that many rows from the top (rows depend only on the rows above).
    """
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat = 8, bytearray()
    width = height = channels = 0
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace or ctype not in CHANNELS:
                raise ValueError(f"{path}: unsupported PNG (depth {depth}, type {ctype})")
            channels = CHANNELS[ctype]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    rows: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(min(height, max_rows or height)):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def stats(path: str | Path, step: int = 4, max_rows: int | None = None) -> tuple[float, int]:
    """(variance of the grey level, number of distinct colours) over every ``step``-th pixel."""
    _, _, ch, rows = decode(path, max_rows)
    greys: list[float] = []
    colours: set[bytes] = set()
    for row in rows[::step]:
        for x in range(0, len(row) // ch, step):
            px = row[x * ch:(x + 1) * ch]
            colours.add(bytes(px[:3]))
            greys.append(sum(px[:3]) / 3 if ch >= 3 else px[0])
    mean = sum(greys) / len(greys)
    return sum((g - mean) ** 2 for g in greys) / len(greys), len(colours)
