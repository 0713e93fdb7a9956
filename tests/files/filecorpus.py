"""Builders for real files in every format the file source reads, with known personal data."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import tarfile
import wave
import zipfile
import zlib
from email.message import EmailMessage
from pathlib import Path

PEOPLE = [
    ("Anna Meyer", "anna.meyer@example.com", "+1 415 555 0101", "203.0.113.7"),
    ("Bob Stone", "bob.stone@example.org", "+1 415 555 0102", "198.51.100.23"),
    ("Carla Diaz", "carla.diaz@example.net", "+1 415 555 0103", "192.0.2.44"),
    ("David Okafor", "david.okafor@example.com", "+1 415 555 0104", "203.0.113.99"),
]
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
CLEAN_LINES = ["build finished in 12 s", "cache warmed up", "worker pool resized to 4", "nothing to do"]


def access_log(lines: int = 40) -> str:
    """Apache/nginx combined log lines with IPs, users, URLs, session ids, referrers, user agents."""
    out = []
    for i in range(lines):
        name, email, _, ip = PEOPLE[i % len(PEOPLE)]
        user = name.split()[0].lower() if i % 2 else "-"
        query = f"?q=shoes&sessionid=S{i:05d}X{i * 7919 % 10000:04d}"
        out.append(
            f'{ip} - {user} [10/Oct/2025:13:{i % 60:02d}:36 -0700] "GET /shop/item/{i}{query} HTTP/1.1"'
            f' 200 {100 + i} "https://shop.example.com/list?page={i}" "{UA}"'
        )
    return "\n".join(out) + "\n"


def syslog(lines: int = 20) -> str:
    """BSD syslog lines: sshd logins naming users and source addresses."""
    out = []
    for i in range(lines):
        name, _, _, ip = PEOPLE[i % len(PEOPLE)]
        user = name.split()[0].lower()
        out.append(
            f"Mar  3 12:{i % 60:02d}:01 web-01 sshd[{4000 + i}]: Accepted password for {user} from {ip}"
            " port 22 ssh2"
        )
    return "\n".join(out) + "\n"


def json_log(lines: int = 20) -> str:
    """JSON lines with nested user objects."""
    import json

    out = []
    for i in range(lines):
        name, email, phone, ip = PEOPLE[i % len(PEOPLE)]
        out.append(
            json.dumps({"level": "info", "user": {"email": email, "ip": ip}, "event": "login", "n": i})
        )
    return "\n".join(out) + "\n"


def json_document() -> str:
    """A pretty-printed JSON array of user records."""
    import json

    return json.dumps(
        [{"id": i, "profile": {"email": p[1], "city": "Berlin"}} for i, p in enumerate(PEOPLE)], indent=2
    )


def csv_text(sep: str = ",") -> str:
    """A table of contacts."""
    rows = [sep.join(["id", "full_name", "email", "phone", "note"])]
    for i, (name, email, phone, _) in enumerate(PEOPLE * 3):
        rows.append(sep.join([str(i), name, email, phone, "ok"]))
    return "\n".join(rows) + "\n"


def clean_text() -> str:
    """Text with nothing personal in it."""
    return "\n".join(CLEAN_LINES * 5) + "\n"


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF whose text is the given lines (a minimal, valid file)."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 12 Tf 14 TL 72 720 Td " + " ".join(f"({esc(s)}) Tj T*" for s in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{obj}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx_bytes(paragraphs: list[str]) -> bytes:
    """A minimal Word document (the parts Word itself needs to open it)."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "word/document.xml", f'<?xml version="1.0"?><w:document {ns}><w:body>{body}</w:body></w:document>'
        )
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A workbook with one sheet of contacts."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Contacts"
    sheet.append(["id", "email", "city_code"])
    for i, (_, email, _, _) in enumerate(PEOPLE * 2):
        sheet.append([i, email, f"C{i}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parquet_bytes() -> bytes:
    """A Parquet table with a nested column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [
        {"id": i, "contact": {"email": e, "phone": p}, "rank": i + 1}
        for i, (_, e, p, _) in enumerate(PEOPLE * 2)
    ]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buffer)
    return buffer.getvalue()


def eml_bytes(attachment: tuple[str, bytes] | None = None) -> bytes:
    """A mail from one person to another, optionally with an attachment."""
    msg = EmailMessage()
    msg["From"] = f"{PEOPLE[0][0]} <{PEOPLE[0][1]}>"
    msg["To"] = f"{PEOPLE[1][0]} <{PEOPLE[1][1]}>"
    msg["Subject"] = "Your order"
    msg.set_content(f"Hello Bob,\nplease call me at {PEOPLE[0][2]}.\nRegards\n")
    if attachment:
        msg.add_attachment(
            attachment[1], maintype="application", subtype="octet-stream", filename=attachment[0]
        )
    return bytes(msg)


def mbox_bytes() -> bytes:
    """Three messages in mbox format."""
    out = []
    for i in range(3):
        sender, to = PEOPLE[i], PEOPLE[i + 1]
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = f"{sender[0]} <{sender[1]}>", to[1], f"note {i}"
        msg.set_content("see you tomorrow\n")
        out.append(
            b"From MAILER-DAEMON Thu Mar  5 10:00:00 2026\n" + bytes(msg).replace(b"\r\n", b"\n") + b"\n"
        )
    return b"".join(out)


def png_bytes() -> bytes:
    """A valid 2x2 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def wav_bytes() -> bytes:
    """A short mono WAV with a voice in it: syllable bursts of a harmonic voice whose pitch moves
    (a silent WAV is nobody's recording; piscan's voice-activity detection drops it)."""
    import numpy as np

    rate = 8000
    t = np.arange(int(1.6 * rate)) / rate
    envelope = np.zeros_like(t)
    for start, length in ((0.1, 0.18), (0.35, 0.22), (0.64, 0.15), (0.85, 0.25), (1.18, 0.2)):
        on = (t >= start) & (t < start + length)
        envelope[on] = np.sin(np.pi * (t[on] - start) / length)
    phase = 2 * np.pi * np.cumsum(130 * (1 + 0.1 * np.sin(2 * np.pi * 0.8 * t))) / rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 12))
    pcm = (envelope * voice / np.abs(voice).max() * 0.6 * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buffer.getvalue()


def fmr_bytes() -> bytes:
    """An ISO/IEC 19794-2 finger minutiae record header with a few minutiae."""
    return b"FMR\x00 20\x00" + struct.pack(">I", 80) + bytes(range(72))


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A deflated zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def tar_bytes(members: dict[str, bytes], mode: str = "w") -> bytes:
    """A tar archive (``w:gz`` for a compressed one)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def build(root: Path) -> Path:
    """The corpus: every supported format, each with a known content, plus clean files."""
    files: dict[str, bytes] = {
        "logs/access.log": access_log().encode(),
        "logs/auth.log": syslog().encode(),
        "logs/app.jsonl": json_log().encode(),
        "logs/access.log.1.gz": gzip.compress(access_log(12).encode()),
        "logs/app.log.2.bz2": bz2.compress(json_log(8).encode()),
        "logs/auth.log.3.xz": lzma.compress(syslog(8).encode()),
        "logs/build.log": clean_text().encode(),
        "logs/legacy-latin1.log": ("Kunde: Jürgen Weiß <juergen.weiss@example.de>\n" + clean_text()).encode(
            "latin-1"
        ),
        "logs/windows-utf16.log": ("contact: anna.meyer@example.com\r\n" + clean_text()).encode("utf-16"),
        "exports/contacts.csv": csv_text().encode(),
        "exports/contacts.tsv": csv_text("\t").encode(),
        "exports/contacts.xlsx": xlsx_bytes(),
        "exports/contacts.parquet": parquet_bytes(),
        "exports/stats.csv": b"day,visits\n1,10\n2,12\n3,9\n",
        "exports/users.json": json_document().encode(),
        "docs/letter.pdf": pdf_bytes(["Dear customer,", f"write to {PEOPLE[2][1]} for help."]),
        "docs/memo.docx": docx_bytes(["Quarterly memo", f"Contact {PEOPLE[3][1]} with questions."]),
        "docs/readme.pdf": pdf_bytes(["Installation guide", "Run the installer and restart."]),
        "mail/order.eml": eml_bytes(),
        "mail/inbox.mbox": mbox_bytes(),
        "media/portrait": png_bytes(),  # no extension: found by signature
        "media/voicemail.wav": wav_bytes(),
        "media/finger.dat": fmr_bytes(),
        "archives/bundle.zip": zip_bytes(
            {"export/people.csv": csv_text().encode(), "notes.txt": clean_text().encode()}
        ),
        "archives/nested.zip": zip_bytes(
            {"inner.tar": tar_bytes({"deep/contacts.csv": csv_text().encode()})}
        ),
        "archives/logs.tar.gz": tar_bytes({"old/access.log": access_log(8).encode()}, "w:gz"),
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root
