"""Hand-built PDFs for hostile-input tests: a valid skeleton around whatever page content or objects we want."""

from __future__ import annotations


def build_pdf(content: bytes, resources: bytes = b"<< /Font << /F1 4 0 R >> >>") -> bytes:
    """A one-page PDF with `content` as its content stream (Helvetica as /F1), and a correct xref table."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    res = resources
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources " + res + b" >>",
        font,
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text_content(lines: list[str]) -> bytes:
    """A content stream that shows `lines` in Helvetica, one per text line."""
    ops = [b"BT /F1 10 Tf 72 760 Td 12 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + escaped.encode("latin-1", "replace") + b") '")
    ops.append(b"ET")
    return b"\n".join(ops)


def nested_pdf(depth: int, kind: str = "array") -> bytes:
    """A PDF whose page resources hold `depth` nested arrays or dictionaries."""
    opening, closing = (b"[", b"]") if kind == "array" else (b"<< /A ", b" >>")
    nested = opening * depth + b"1" + closing * depth
    resources = b"<< /Font << /F1 4 0 R >> /Deep " + nested + b" >>"
    return build_pdf(text_content(["Nested objects should not crash the reader. " * 2] * 5), resources=resources)


def huge_page_pdf(lines: int) -> bytes:
    text = [f"Line {i} of a very long page about migration partnerships." for i in range(lines)]
    return build_pdf(text_content(text))
