"""The join QR code (segno, no network): SVG for the trainer's panel, text for the terminal."""

from __future__ import annotations

import io
from typing import TextIO

import segno


def _code(url: str):
    return segno.make(url, error="m")  # medium error correction: a projector's glare, a distant phone


def svg(url: str, title: str) -> bytes:
    """Black on white, scalable (a viewBox, no size): the panel's CSS sets its size."""
    out = io.BytesIO()
    _code(url).save(out, kind="svg", scale=1, border=4, omitsize=True, xmldecl=False, title=title, dark="#000", light="#fff")
    return out.getvalue()


def terminal(url: str, out: TextIO) -> None:
    """Half-block characters (about 20 lines); light modules drawn, as on a dark terminal."""
    _code(url).terminal(out=out, compact=True, border=2)
