"""Draw the app icon with QPainter and write it for every platform. Output is committed.

    .venv/bin/python packaging/make_icons.py

Writes resources/icons/agent-assist.png (256x256, Linux and the window icon),
agent-assist.ico (Windows: 16-256 px PNG entries) and agent-assist.icns (macOS: 128-512 px
PNG entries). Both containers are written with struct, not Pillow: since Windows Vista and
macOS 10.7 their entries may simply be PNG files, so Qt's PNG writer is all that is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns entry types whose payload may be PNG: ic07 128, ic08 256, ic09 512, ic10 512@2x.
ICNS_TYPES = {128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def draw(size: int) -> QImage:
    """The icon at any size, drawn on a 256-unit canvas: a speech bubble with a spark."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 256, size / 256)

    # Rounded tile with a blue-to-teal gradient.
    gradient = QLinearGradient(QPointF(0, 0), QPointF(256, 256))
    gradient.setColorAt(0.0, QColor("#2f6fde"))
    gradient.setColorAt(1.0, QColor("#12a39a"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 52, 52)

    # White speech bubble with a tail at the bottom left.
    bubble = QPainterPath()
    bubble.addRoundedRect(QRectF(44, 56, 168, 118), 34, 34)
    tail = QPainterPath()
    tail.moveTo(74, 160)
    tail.lineTo(62, 206)
    tail.lineTo(114, 168)
    tail.closeSubpath()
    painter.setBrush(QColor("#ffffff"))
    painter.drawPath(bubble.united(tail))

    # Three "typing" dots: the suggestion being written.
    painter.setBrush(QColor("#2f6fde"))
    for x in (92, 128, 164):
        painter.drawEllipse(QPointF(x, 115), 12, 12)

    # A small spark at the top right: the assistant.
    spark = QPainterPath()
    cx, cy, r, w = 200.0, 58.0, 30.0, 8.0
    spark.moveTo(cx, cy - r)
    spark.quadTo(cx + w * 0.3, cy - w * 0.3, cx + r, cy)
    spark.quadTo(cx + w * 0.3, cy + w * 0.3, cx, cy + r)
    spark.quadTo(cx - w * 0.3, cy + w * 0.3, cx - r, cy)
    spark.quadTo(cx - w * 0.3, cy - w * 0.3, cx, cy - r)
    painter.setPen(QPen(QColor("#12a39a"), 4))
    painter.setBrush(QColor("#ffd54a"))
    painter.drawPath(spark)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """ICONDIR + ICONDIRENTRY per size + the PNG payloads (a width of 0 means 256)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payloads = b"", b""
    for size, png in images.items():
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        payloads += png
        offset += len(png)
    return header + entries + payloads


def icns(images: dict[int, bytes]) -> bytes:
    """'icns' + total length, then (type, length including the 8-byte header, PNG) blocks."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", len(png) + 8) + png for size, png in images.items()
    )
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    png = ICONS / "agent-assist.png"
    if not draw(256).save(str(png), "PNG"):
        sys.exit(f"could not write {png}")
    (ICONS / "agent-assist.ico").write_bytes(ico({s: png_bytes(draw(s)) for s in ICO_SIZES}))
    (ICONS / "agent-assist.icns").write_bytes(icns({s: png_bytes(draw(s)) for s in ICNS_TYPES}))
    for path in sorted(ICONS.iterdir()):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
