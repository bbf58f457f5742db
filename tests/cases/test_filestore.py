"""Uploads on a case: refused unless they are what they say; stored by content; scanned."""

import io
import socket
import stat
import struct
import tempfile
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from fpdf import FPDF
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from burgh.cases import filestore
from burgh.cases.filestore import (
    ALLOWED_TYPES,
    DocumentMissingError,
    DocumentStore,
    InfectedUploadError,
    ScanResult,
    ScanStatus,
    StorageKeyError,
    UploadRefusedError,
    VirusScannerUnavailableError,
    clamd_scanner,
    inspect_upload,
    scan,
)
from burgh.core.errors import InvalidInputError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_bytes() -> bytes:
    pdf = FPDF()
    # A fixed date, so the same statement is the same bytes whenever it is made.
    pdf.set_creation_date(datetime(2026, 11, 30, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Statement of account")
    return bytes(pdf.output())


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Dear resident")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def image_bytes(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(out, kind)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def odt_bytes() -> bytes:
    # As LibreOffice writes it: `mimetype` first, stored, then the content.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    # Excel's order: the workbook before [Content_Types].xml, which is why names are read.
    return zip_bytes(
        {
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
            "_rels/.rels": b"<Relationships/>",
            "[Content_Types].xml": b"<Types/>",
        }
    )


ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57
PE = b"MZ\x90\x00" + b"\0" * 56 + struct.pack("<I", 64) + b"PE\0\0" + b"\0" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def refusal(name: str, data: bytes, declared_type: str = "") -> str:
    with pytest.raises(UploadRefusedError) as refused:
        inspect_upload(name, data, declared_type=declared_type)
    assert refused.value.errors == [{"pointer": "#/file", "detail": refused.value.detail}]
    return refused.value.detail


# What is accepted


@pytest.mark.parametrize(
    ("name", "make", "mime"),
    [
        ("statement.pdf", pdf_bytes, "application/pdf"),
        ("letter.docx", docx_bytes, DOCX),
        (
            "rent.xlsx",
            xlsx_bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("notes.odt", odt_bytes, "application/vnd.oasis.opendocument.text"),
        ("photo.png", lambda: image_bytes("PNG"), "image/png"),
        ("photo.JPG", lambda: image_bytes("JPEG"), "image/jpeg"),
        ("scan.tiff", lambda: image_bytes("TIFF"), "image/tiff"),
        ("notes.txt", lambda: b"Visited at 10am; nobody in.\n", "text/plain"),
        ("arrears.csv", lambda: "name,owed\nMcLeod,£12.50\n".encode("cp1252"), "text/csv"),
        (
            "complaint.eml",
            lambda: b"From: a@example.org\r\nSubject: Bins\r\n\r\nNot emptied",
            "message/rfc822",
        ),
        (
            "complaint.msg",
            lambda: OLE + "__substg1.0_0037001F".encode("utf-16-le"),
            "application/vnd.ms-outlook",
        ),
    ],
)
def test_accepts_the_document_types_a_council_takes(name, make, mime):
    data = make()
    inspected = inspect_upload(name, data)
    assert inspected.mime_type == mime
    assert inspected.extension == Path(name).suffix.lower()
    assert inspected.size == len(data)
    assert len(inspected.sha256) == 64
    assert inspected.extension in ALLOWED_TYPES[mime].extensions


def test_the_name_is_kept_without_the_folder_an_old_browser_sends():
    inspected = inspect_upload(r"C:\Users\clerk\Desktop\statement.pdf", pdf_bytes())
    assert inspected.file_name == "statement.pdf"


def test_a_declared_type_that_agrees_or_says_nothing_is_accepted():
    assert inspect_upload("a.pdf", pdf_bytes(), declared_type="application/pdf").size
    assert inspect_upload("a.pdf", pdf_bytes(), declared_type="application/octet-stream").size
    # Windows browsers send CSV files as an Excel type.
    csv = b"a,b\n1,2\n"
    assert inspect_upload("a.csv", csv, declared_type="application/vnd.ms-excel").size
    assert inspect_upload("a.txt", b"hi", declared_type="text/plain; charset=utf-8").size


# What is refused


def test_a_windows_program_renamed_pdf_is_refused():
    detail = refusal("letter.pdf", PE)
    assert detail == "The file is a Windows program, which the council does not accept here."


def test_a_linux_program_renamed_pdf_is_refused():
    assert "a Linux program" in refusal("letter.pdf", ELF)


def test_a_plain_zip_renamed_docx_is_refused():
    assert "a ZIP archive" in refusal("letter.docx", zip_bytes({"letter.txt": b"hello"}))


def test_a_word_document_renamed_pdf_is_refused_saying_what_it_is():
    detail = refusal("letter.pdf", docx_bytes())
    assert detail.startswith("The file is called letter.pdf but it is a Word document (DOCX).")


def test_a_word_file_with_macros_is_refused():
    data = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<document/>",
            "word/vbaProject.bin": b"macro",
        }
    )
    assert "macros" in refusal("letter.docx", data)


def test_an_old_office_file_is_refused_with_what_to_do():
    assert refusal("letter.doc", OLE) == (
        "The file is an older Microsoft Office file (DOC, XLS or PPT), which the council does "
        "not accept here. Save it as DOCX, XLSX or PDF and upload it again."
    )


def test_utf16_text_is_refused_with_what_to_do():
    assert "Save it as UTF-8" in refusal("notes.txt", "Visited".encode("utf-16"))


def test_text_with_nul_bytes_is_refused():
    assert "cannot be recognised" in refusal("notes.txt", b"Visited\x00\x00\x01 at 10")


def test_text_called_pdf_is_refused():
    assert "called letter.pdf but it is a plain text file" in refusal("letter.pdf", b"Dear Sir")


def test_a_declared_type_that_disagrees_with_the_content_is_refused():
    detail = refusal("photo.png", image_bytes("PNG"), declared_type="application/pdf")
    assert detail == "The file photo.png was sent as a PDF document but it is a PNG image."


def test_a_file_without_an_extension_is_refused():
    assert "has no extension" in refusal("statement", pdf_bytes())


def test_an_empty_file_is_refused():
    assert refusal("empty.pdf", b"") == "The file is empty."


def test_a_file_over_the_limit_is_refused_naming_the_limit():
    with override_settings(BURGH_MAX_UPLOAD_BYTES=2 * 1024 * 1024):
        detail = refusal("big.pdf", pdf_bytes() + b"\0" * (2 * 1024 * 1024))
    assert detail == "The file is larger than 2 MB, the largest file you can upload."
    refused = UploadRefusedError(detail)
    assert isinstance(refused, InvalidInputError)
    assert refused.status == 422


def test_the_default_limit_is_20_mb():
    assert "larger than 20 MB" in refusal("big.txt", b"a" * (20 * 1024 * 1024 + 1))
    assert inspect_upload("ok.txt", b"a" * (20 * 1024 * 1024)).size == 20 * 1024 * 1024


def test_a_stream_is_read_only_as_far_as_the_limit_then_rewound():
    big = io.BytesIO(b"a" * 10_000)
    with override_settings(BURGH_MAX_UPLOAD_BYTES=1000), pytest.raises(UploadRefusedError):
        inspect_upload("big.txt", big)
    upload = io.BytesIO(pdf_bytes())
    inspected = inspect_upload("statement.pdf", upload)
    assert upload.tell() == 0
    assert inspected.size == len(upload.getvalue())


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    name=st.text(max_size=30) | st.sampled_from(["a.pdf", "a.docx", "a.txt", "a.csv", "a.png"]),
    data=st.binary(max_size=600) | st.sampled_from([b"PK\x03\x04", OLE, b"%PDF-", PE, ELF]),
    declared=st.sampled_from(["", "application/pdf", "text/plain", "image/png", "x/y"]),
)
def test_any_upload_is_accepted_as_an_allowed_type_or_refused_by_name(name, data, declared):
    try:
        inspected = inspect_upload(name, data, declared_type=declared)
    except UploadRefusedError:
        return
    allowed = ALLOWED_TYPES[inspected.mime_type]
    assert inspected.extension in allowed.extensions
    assert declared in allowed.declared_as | {""}


# Storage


def test_a_saved_document_comes_back_byte_for_byte(tmp_path):
    store = DocumentStore(tmp_path)
    data = pdf_bytes()
    key = store.save(data, inspect_upload("statement.pdf", data))
    sha = inspect_upload("statement.pdf", data).sha256
    assert key == f"{sha[:2]}/{sha[2:4]}/{sha}"
    assert store.exists(key)
    assert store.open(key) == data
    assert b"".join(store.chunks(key, chunk_size=100)) == data
    assert stat.S_IMODE((tmp_path / key).stat().st_mode) == 0o640


def test_a_django_upload_is_inspected_and_stored_as_it_comes(tmp_path):
    data = pdf_bytes()
    upload = SimpleUploadedFile("statement.pdf", data, content_type="application/pdf")
    inspected = inspect_upload(upload.name, upload, declared_type=upload.content_type)
    key = DocumentStore(tmp_path).save(upload, inspected)
    assert DocumentStore(tmp_path).open(key) == data


def test_the_same_content_is_stored_once(tmp_path):
    store = DocumentStore(tmp_path)
    data = docx_bytes()
    first = store.save(data, inspect_upload("a.docx", data))
    second = store.save(io.BytesIO(data), inspect_upload("b.docx", data))
    assert first == second
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [tmp_path / first]


def test_a_write_that_fails_part_way_leaves_nothing_behind(tmp_path):
    store = DocumentStore(tmp_path)
    data = b"x" * (3 * filestore.CHUNK_BYTES)
    inspected = inspect_upload("notes.txt", data)

    class Broken(io.BytesIO):
        def read(self, size=-1):
            if self.tell() >= filestore.CHUNK_BYTES:
                raise OSError("connection reset")
            return super().read(size)

    with pytest.raises(OSError, match="connection reset"):
        store.save(Broken(data), inspected)
    assert not store.exists(store.key_for(inspected.sha256))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_bytes_other_than_those_inspected_are_not_stored(tmp_path):
    store = DocumentStore(tmp_path)
    inspected = inspect_upload("a.txt", b"the inspected text")
    with pytest.raises(ValueError, match="not the file inspected"):
        store.save(b"something else", inspected)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "ab/cd/../../../etc/passwd",
        "ab/cd/" + "0" * 64,  # the folders must be the hash's own first characters
        "AB/CD/AB" + "C" * 62,
        "ab/cd/" + "ab" + "c" * 62 + "/x",
        "",
    ],
)
def test_a_key_that_is_not_a_store_key_is_refused(tmp_path, key):
    store = DocumentStore(tmp_path)
    with pytest.raises(StorageKeyError):
        store.open(key)
    with pytest.raises(StorageKeyError):
        store.exists(key)


def test_a_missing_file_is_a_named_error(tmp_path):
    sha = "ab" + "c" * 62
    with pytest.raises(DocumentMissingError):
        DocumentStore(tmp_path).open(f"ab/cc/{sha}")
    with pytest.raises(DocumentMissingError):
        DocumentStore(tmp_path).chunks(f"ab/cc/{sha}")


def test_documents_live_under_the_var_dir_unless_configured(tmp_path):
    assert DocumentStore().root == Path(settings.VAR_DIR) / "documents"
    with override_settings(BURGH_DOCUMENT_ROOT=str(tmp_path / "docs")):
        assert DocumentStore().root == tmp_path / "docs"


def test_a_document_root_the_web_server_serves_is_refused(tmp_path):
    with (
        override_settings(BURGH_DOCUMENT_ROOT=str(Path(settings.STATIC_ROOT) / "documents")),
        pytest.raises(ImproperlyConfigured, match="STATIC_ROOT"),
    ):
        DocumentStore()
    with (
        override_settings(MEDIA_ROOT=str(tmp_path)),
        pytest.raises(ImproperlyConfigured, match="MEDIA_ROOT"),
    ):
        DocumentStore(tmp_path / "documents")


# Virus scanning


def reports(status: ScanStatus, signature: str = ""):
    return lambda data, name: ScanResult(status, signature=signature)


def test_without_a_scanner_the_file_is_marked_not_scanned():
    assert scan(b"data", "a.txt").status == ScanStatus.NOT_SCANNED == "not_scanned"


def test_a_clean_file_passes(monkeypatch):
    monkeypatch.setattr(filestore, "_test_scanner", reports(ScanStatus.CLEAN), raising=False)
    with override_settings(BURGH_VIRUS_SCANNER="burgh.cases.filestore._test_scanner"):
        assert scan(b"data", "a.txt").status == ScanStatus.CLEAN


def scan_then_save(store, data, inspected):
    # The order the case services follow.
    scan(data, inspected.file_name)
    return store.save(data, inspected)


def test_an_infected_file_is_refused_and_nothing_is_stored(monkeypatch, tmp_path):
    monkeypatch.setattr(
        filestore,
        "_test_scanner",
        reports(ScanStatus.INFECTED, "Eicar-Test-Signature"),
        raising=False,
    )
    store = DocumentStore(tmp_path)
    data = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    with override_settings(BURGH_VIRUS_SCANNER="burgh.cases.filestore._test_scanner"):
        inspected = inspect_upload("eicar.txt", data)
        with pytest.raises(InfectedUploadError, match="Eicar-Test-Signature") as refused:
            scan_then_save(store, data, inspected)
    assert isinstance(refused.value, UploadRefusedError)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "scanner",
    [reports(ScanStatus.ERROR), lambda data, name: 1 / 0],
    ids=["reports-an-error", "raises"],
)
def test_a_scanner_that_fails_refuses_the_upload(monkeypatch, scanner):
    monkeypatch.setattr(filestore, "_test_scanner", scanner, raising=False)
    with (
        override_settings(BURGH_VIRUS_SCANNER="burgh.cases.filestore._test_scanner"),
        pytest.raises(VirusScannerUnavailableError, match="could not be reached") as refused,
    ):
        scan(b"data", "a.txt")
    assert refused.value.status == 503


class FakeClamd:
    """Speaks just enough clamd to take one INSTREAM and give a chosen reply."""

    def __init__(self, reply: bytes, *, unix_path: str = "", stop_after_first_chunk=False):
        if unix_path:
            self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.server.bind(unix_path)
        else:
            self.server = socket.create_server(("127.0.0.1", 0))
        self.server.listen(1)
        self.server.settimeout(5)
        self.reply = reply
        self.stop_after_first_chunk = stop_after_first_chunk
        self.command = b""
        self.lengths: list[int] = []
        self.chunks: list[bytes] = []
        self.buffer = b""
        self.thread = threading.Thread(target=self.serve_one, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.getsockname()[1]

    def read(self, conn, size: int) -> bytes:
        while len(self.buffer) < size:
            part = conn.recv(65536)
            if not part:
                raise EOFError
            self.buffer += part
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def serve_one(self):
        conn, _ = self.server.accept()
        with conn:
            conn.settimeout(5)
            while b"\0" not in self.buffer:
                self.buffer += conn.recv(64)
            command, _, self.buffer = self.buffer.partition(b"\0")
            self.command = command + b"\0"
            while True:
                (length,) = struct.unpack(">I", self.read(conn, 4))
                self.lengths.append(length)
                if length == 0 or self.stop_after_first_chunk:
                    break
                self.chunks.append(self.read(conn, length))
            conn.sendall(self.reply + b"\0")

    def close(self):
        self.thread.join(5)
        self.server.close()


def clamd_on(server: FakeClamd):
    return override_settings(BURGH_CLAMD_HOST="127.0.0.1", BURGH_CLAMD_PORT=server.port)


def test_clamd_client_streams_the_file_in_length_prefixed_chunks():
    server = FakeClamd(b"stream: OK")
    data = bytes(range(256)) * 600  # 150 KiB: three chunks
    with clamd_on(server):
        result = clamd_scanner(data, "a.pdf")
    server.close()
    assert result == ScanResult(ScanStatus.CLEAN)
    assert server.command == b"zINSTREAM\0"
    assert server.lengths == [65536, 65536, len(data) - 131072, 0]
    assert b"".join(server.chunks) == data


def test_clamd_reports_the_virus_it_found():
    server = FakeClamd(b"stream: Eicar-Test-Signature FOUND")
    with clamd_on(server):
        result = clamd_scanner(b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR", "eicar.txt")
    server.close()
    assert result.status == ScanStatus.INFECTED
    assert result.signature == "Eicar-Test-Signature"


def test_clamd_errors_are_scan_errors_and_refuse_the_upload():
    server = FakeClamd(b"INSTREAM size limit exceeded. ERROR", stop_after_first_chunk=True)
    with clamd_on(server):
        result = clamd_scanner(b"x" * 300_000, "big.pdf")
    server.close()
    assert result.status == ScanStatus.ERROR
    assert "INSTREAM size limit exceeded" in result.detail


def test_clamd_that_cannot_be_reached_refuses_the_upload():
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    with override_settings(
        BURGH_VIRUS_SCANNER="burgh.cases.filestore.clamd_scanner",
        BURGH_CLAMD_HOST="127.0.0.1",
        BURGH_CLAMD_PORT=port,
    ):
        assert clamd_scanner(b"data", "a.txt").status == ScanStatus.ERROR
        with pytest.raises(VirusScannerUnavailableError):
            scan(b"data", "a.txt")


def test_clamd_over_a_unix_socket_through_the_configured_scanner():
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        path = f"{folder}/clamd.sock"
        server = FakeClamd(b"stream: Win.Test.EICAR_HDB-1 FOUND", unix_path=path)
        with (
            override_settings(
                BURGH_VIRUS_SCANNER="burgh.cases.filestore.clamd_scanner", BURGH_CLAMD_SOCKET=path
            ),
            pytest.raises(InfectedUploadError, match=r"Win\.Test\.EICAR_HDB-1"),
        ):
            scan(b"data", "a.txt")
        server.close()
    assert server.command == b"zINSTREAM\0"
    assert server.chunks == [b"data"]
