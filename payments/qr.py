"""QR images of payment payloads, drawn with segno as PNG or SVG."""

import io

import segno

MIMETYPES = {"png": "image/png", "svg": "image/svg+xml"}
# Error correction M survives a scuffed print or a cheap camera; the quiet zone is the standard 4.
ERROR_LEVEL = "m"
BORDER = 4


def render(payload: str, kind: str, scale: int = 8) -> bytes:
    """The QR for ``payload`` as ``png`` or ``svg`` bytes."""
    if kind not in MIMETYPES:
        raise ValueError(f"Unknown QR image kind {kind!r}.")
    code = segno.make(payload, error=ERROR_LEVEL, micro=False, boost_error=False)
    out = io.BytesIO()
    if kind == "svg":
        code.save(
            out,
            kind="svg",
            scale=scale,
            border=BORDER,
            xmldecl=False,
            svgclass=None,
            lineclass=None,
            title="VietQR",
        )
    else:
        code.save(out, kind="png", scale=scale, border=BORDER)
    return out.getvalue()
