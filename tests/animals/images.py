"""Real image bytes for upload tests, made with Pillow."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: object
) -> bytes:
    """An image of `size` in `fmt`, with a coloured block so orientation can be checked."""
    colour: tuple[int, ...] = (200, 30, 30) if mode == "RGB" else (200, 30, 30, 255)
    image = Image.new(mode, size, colour[: len(mode)])
    image.paste((20, 200, 20)[: len(mode)], (0, 0, size[0] // 4, size[1] // 4))
    output = io.BytesIO()
    image.save(output, format=fmt, **save)
    return output.getvalue()


def png_with_huge_header(width: int, height: int) -> bytes:
    """A tiny valid-looking PNG whose header claims `width`x`height` pixels."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    ihdr_start = 8 + 4  # signature, then the chunk length
    rest_of_header = bytes(data[ihdr_start + 12 : ihdr_start + 17])  # depth, colour, ...
    body = b"IHDR" + struct.pack(">II", width, height) + rest_of_header
    data[ihdr_start : ihdr_start + 17] = body
    data[ihdr_start + 17 : ihdr_start + 21] = struct.pack(">I", zlib.crc32(body))
    return bytes(data)


def noise_png(width: int, height: int) -> bytes:
    """A PNG of random pixels: it barely compresses, so it is about 3 bytes a pixel."""
    pixels = random.Random(width * height).randbytes(width * height * 3)
    output = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(output, format="PNG")
    return output.getvalue()
