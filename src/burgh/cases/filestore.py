"""Case documents: check an upload is what it says it is, scan it, and keep it off the web root.

The order a service follows is `inspect_upload` (size, type by content, name and declared type
agree), then `scan` (the configured virus scanner; infected or unscannable files are refused),
then `DocumentStore().save`. Nothing is stored until all three pass.

Settings (read here, none required):
- `BURGH_MAX_UPLOAD_BYTES`: the largest file accepted (default 20 MiB).
- `BURGH_DOCUMENT_ROOT`: where files are kept (default `<VAR_DIR>/documents`, `VAR_DIR` being
  `BURGH_VAR_DIR` from the environment); refused if inside `STATIC_ROOT` or `MEDIA_ROOT`.
- `BURGH_VIRUS_SCANNER`: dotted path of a `(data, name) -> ScanResult` callable (default
  `burgh.cases.filestore.no_scanner`; `burgh.cases.filestore.clamd_scanner` for ClamAV).
- `BURGH_CLAMD_SOCKET` (a Unix socket path; wins when set), else `BURGH_CLAMD_HOST` and
  `BURGH_CLAMD_PORT` (default 127.0.0.1:3310); `BURGH_CLAMD_TIMEOUT` seconds (default 30).
  clamd's own `StreamMaxLength` must be at least `BURGH_MAX_UPLOAD_BYTES`.
"""

import hashlib
import io
import logging
import os
import re
import socket
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

import filetype  # type: ignore[import-untyped]  # no stubs; pyproject is shared
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from burgh.core.errors import BurghError, InvalidInputError, NotFoundError

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
POINTER = "#/file"


@dataclass(frozen=True)
class DocumentType:
    label: str  # how a user would name it, after "it is"
    extensions: tuple[str, ...]
    # Content-Types browsers and mail clients send for it (Windows sends CSV as an Excel type).
    declared_as: frozenset[str]


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ODT = "application/vnd.oasis.opendocument.text"
_MSG = "application/vnd.ms-outlook"
# Office files are zips, and a machine without Office may say so; the content is checked anyway.
_ZIPS = "application/zip application/x-zip-compressed"
_CSVS = "text/csv text/plain application/csv text/x-csv text/comma-separated-values"


def _accept(label: str, extensions: str, declared_as: str) -> DocumentType:
    return DocumentType(label, tuple(extensions.split()), frozenset(declared_as.split()))


ALLOWED_TYPES: Mapping[str, DocumentType] = MappingProxyType(
    {
        "application/pdf": _accept("a PDF document", ".pdf", "application/pdf application/x-pdf"),
        _DOCX: _accept("a Word document (DOCX)", ".docx", f"{_DOCX} {_ZIPS}"),
        _XLSX: _accept("an Excel spreadsheet (XLSX)", ".xlsx", f"{_XLSX} {_ZIPS}"),
        _ODT: _accept("an OpenDocument text file (ODT)", ".odt", f"{_ODT} {_ZIPS}"),
        "image/png": _accept("a PNG image", ".png", "image/png image/x-png"),
        "image/jpeg": _accept(
            "a JPEG image", ".jpg .jpeg .jpe", "image/jpeg image/jpg image/pjpeg"
        ),
        "image/tiff": _accept("a TIFF image", ".tif .tiff", "image/tiff image/x-tiff"),
        "text/plain": _accept("a plain text file", ".txt", "text/plain"),
        "text/csv": _accept("a CSV file", ".csv", f"{_CSVS} application/vnd.ms-excel"),
        "message/rfc822": _accept("an email (EML)", ".eml", "message/rfc822 text/plain"),
        _MSG: _accept("an Outlook email (MSG)", ".msg", f"{_MSG} application/x-ole-storage"),
    }
)

# A Content-Type that says nothing about the file is not a claim to check it against.
_UNDECLARED = frozenset(
    {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}
)
_PROGRAMS = {
    "application/x-msdownload": "a Windows program",
    "application/x-executable": "a Linux program",
    "application/x-mach-binary": "a macOS program",
    "application/x-sharedlib": "a Linux program library",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Every Outlook .msg keeps its properties in storages named like this (in UTF-16 directories).
_MSG_MARKER = "__substg1.0_".encode("utf-16-le")
_TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv", ".eml": "message/rfc822"}
_OLD_OFFICE = "an older Microsoft Office file (DOC, XLS or PPT)"
_MACROS = "an Office file containing macros"
_UTF16 = "a UTF-16 text file"
_ADVICE = {
    _OLD_OFFICE: " Save it as DOCX, XLSX or PDF and upload it again.",
    _MACROS: " Save it without macros, as .docx or .xlsx, and upload it again.",
    _UTF16: " Save it as UTF-8 text and upload it again.",
}
_HEADER_LINE = re.compile(rb"\A\s*[!-9;-~]+:")


class UploadRefusedError(InvalidInputError):
    slug = "upload-refused"
    title = "The file cannot be accepted"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, errors=[{"pointer": POINTER, "detail": detail}])


class InfectedUploadError(UploadRefusedError):
    slug = "upload-infected"
    title = "The file contains a virus"


class VirusScannerUnavailableError(UploadRefusedError):
    """Fail closed: a file nobody could scan is refused, and the user may try again later."""

    status = 503
    slug = "virus-scanner-unavailable"
    title = "The virus scanner could not be reached"


class StorageKeyError(BurghError):
    slug = "invalid-storage-key"
    title = "The document reference is not valid"


class DocumentMissingError(NotFoundError):
    slug = "document-missing"
    title = "The document's file is missing"


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class Inspected:
    file_name: str  # the name as given, without any folder, safe to show and store
    mime_type: str  # from the content, never from the name or the browser
    extension: str  # the name's extension, lower case with its dot: ".pdf"
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "BURGH_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def inspect_upload(
    name: str, data_or_stream: bytes | _Readable, *, declared_type: str = ""
) -> Inspected:
    """Refuse a file that is too big, empty, of a type not accepted, or not what it claims."""
    limit = max_upload_bytes()
    data = _read_at_most(data_or_stream, limit + 1)
    if len(data) > limit:
        raise UploadRefusedError(
            f"The file is larger than {_human_size(limit)}, the largest file you can upload."
        )
    if not data:
        raise UploadRefusedError("The file is empty.")
    file_name = _clean_name(name)
    stem, dot, ext = file_name.rpartition(".")
    extension = f".{ext.lower()}" if dot and stem else ""
    mime, found = _sniff(data, extension)
    if mime is None:
        raise UploadRefusedError(
            f"The file is {found}, which the council does not accept here.{_ADVICE.get(found, '')}"
        )
    expected = ALLOWED_TYPES[mime]
    if extension not in expected.extensions:
        if not extension:
            raise UploadRefusedError(
                f"The file name {file_name} has no extension; it is {expected.label}, so its "
                f"name should end in {expected.extensions[0]}."
            )
        raise UploadRefusedError(
            f"The file is called {file_name} but it is {expected.label}. Only upload files "
            f"whose name says what they are."
        )
    declared = declared_type.split(";", 1)[0].strip().lower()
    if declared not in _UNDECLARED and declared not in expected.declared_as:
        claimed = ALLOWED_TYPES[declared].label if declared in ALLOWED_TYPES else declared
        raise UploadRefusedError(
            f"The file {file_name} was sent as {claimed} but it is {expected.label}."
        )
    return Inspected(
        file_name=file_name,
        mime_type=mime,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _read_at_most(data_or_stream: bytes | _Readable, size: int) -> bytes:
    if isinstance(data_or_stream, bytes | bytearray | memoryview):
        return bytes(data_or_stream)
    data = data_or_stream.read(size)
    # The caller reads the same stream again to store it.
    seek = getattr(data_or_stream, "seek", None)
    if callable(seek):
        seek(0)
    return data


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.3g} KB"


def _clean_name(name: str) -> str:
    # Old browsers send the full path; control and format characters can disguise an extension.
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[: 199 - len(ext)]}.{ext}" if dot and len(ext) < 10 else base[:200]
    return base or "upload"


def _sniff(data: bytes, extension: str) -> tuple[str | None, str]:
    """The allowed MIME type the content is (or None), and how to describe what it is."""
    if data.startswith(_OLE_MAGIC):
        if _MSG_MARKER in data:
            return _MSG, ""
        return None, _OLD_OFFICE
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    kind = filetype.guess(data)
    if kind is not None:
        if kind.mime in ALLOWED_TYPES:
            return kind.mime, ""
        return None, _PROGRAMS.get(kind.mime, f"a {kind.extension.upper()} file")
    return _sniff_text(data, extension)


def _sniff_zip(data: bytes) -> tuple[str | None, str]:
    # filetype guesses Office files from the first few zip entries, which Word, Excel and
    # LibreOffice order differently; the member names inside settle it. Nothing is unpacked.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").file_size < 100
                and archive.read("mimetype").strip() == _ODT.encode()
            ):
                return _ODT, ""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None, "a damaged ZIP file"
    if "[Content_Types].xml" in names:
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            return None, _MACROS
        if "word/document.xml" in names:
            return _DOCX, ""
        if "xl/workbook.xml" in names:
            return _XLSX, ""
    return None, "a ZIP archive"


def _sniff_text(data: bytes, extension: str) -> tuple[str | None, str]:
    # Text has no magic number: it is text if it decodes and has no NUL bytes (binary has many).
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, _UTF16
    if b"\x00" in data:
        return None, "a file of a type that cannot be recognised"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return None, "a file of a type that cannot be recognised"
    mime = _TEXT_TYPES.get(extension, "text/plain")
    if mime == "message/rfc822" and not _HEADER_LINE.match(data.removeprefix(b"\xef\xbb\xbf")):
        return "text/plain", ""
    return mime, ""


# Virus scanning


class ScanStatus(StrEnum):
    # The first two are the values DocumentVersion.scan keeps.
    CLEAN = "clean"
    NOT_SCANNED = "not_scanned"
    INFECTED = "infected"
    ERROR = "error"


@dataclass(frozen=True)
class ScanResult:
    status: ScanStatus
    signature: str = ""  # the scanner's name for what it found
    detail: str = ""  # why a scan failed


Scanner = Callable[[bytes, str], ScanResult]


def no_scanner(data: bytes, name: str) -> ScanResult:
    """The default: no scanner is configured, and the case page says the file was not scanned."""
    return ScanResult(ScanStatus.NOT_SCANNED)


def scan(data: bytes, name: str) -> ScanResult:
    """Run the configured scanner; refuse an infected file, and any file it could not scan."""
    path = getattr(settings, "BURGH_VIRUS_SCANNER", "") or "burgh.cases.filestore.no_scanner"
    try:
        scanner: Scanner = import_string(path)
        result = scanner(data, name)
    except Exception:
        logger.exception("Virus scanner %s failed on %s", path, name)
        result = ScanResult(ScanStatus.ERROR, detail="the scanner failed")
    if result.status is ScanStatus.INFECTED:
        logger.warning("Refused %s: virus scanner found %s", name, result.signature)
        raise InfectedUploadError(
            f"The file {name} contains a virus ({result.signature or 'unnamed'}), so it has not "
            "been saved. Tell the IT service desk where it came from."
        )
    if result.status not in (ScanStatus.CLEAN, ScanStatus.NOT_SCANNED):
        logger.error("Refused %s: virus scan failed: %s", name, result.detail)
        raise VirusScannerUnavailableError(
            f"The file {name} has not been saved because the virus scanner could not be reached. "
            "Try again in a few minutes; if it keeps happening, tell the IT service desk."
        )
    return result


def clamd_scanner(data: bytes, name: str) -> ScanResult:
    """Scan with ClamAV's daemon: INSTREAM, chunks each led by a 4-byte big-endian length."""
    try:
        conn = _clamd_connect()
    except OSError as exc:
        return ScanResult(ScanStatus.ERROR, detail=f"cannot connect to clamd: {exc}")
    with conn:
        try:
            conn.sendall(b"zINSTREAM\0")
            view = memoryview(data)
            for start in range(0, len(data), CHUNK_BYTES):
                chunk = view[start : start + CHUNK_BYTES]
                conn.sendall(struct.pack("!I", len(chunk)))
                conn.sendall(chunk)
            conn.sendall(struct.pack("!I", 0))
        except OSError as exc:
            # clamd closes the connection on a stream over its limit, after saying why.
            reply = _clamd_reply(conn)
            return _clamd_result(reply) if reply else _clamd_error(f"sending failed: {exc}")
        return _clamd_result(_clamd_reply(conn))


def _clamd_connect() -> socket.socket:
    timeout = float(getattr(settings, "BURGH_CLAMD_TIMEOUT", 30))
    path = getattr(settings, "BURGH_CLAMD_SOCKET", "")
    if path:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(timeout)
        try:
            conn.connect(str(path))
        except OSError:
            conn.close()
            raise
        return conn
    host = getattr(settings, "BURGH_CLAMD_HOST", "127.0.0.1")
    port = int(getattr(settings, "BURGH_CLAMD_PORT", 3310))
    return socket.create_connection((host, port), timeout=timeout)


def _clamd_reply(conn: socket.socket) -> str:
    # With the z prefix clamd ends its reply with a NUL; it may also just close the connection.
    reply = b""
    try:
        while b"\0" not in reply and len(reply) < 4096:
            part = conn.recv(4096)
            if not part:
                break
            reply += part
    except OSError:
        pass
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _clamd_result(reply: str) -> ScanResult:
    # "stream: OK", "stream: Eicar-Test-Signature FOUND", "... ERROR" or anything unexpected.
    if reply.endswith(" FOUND"):
        found = reply.removesuffix(" FOUND")
        return ScanResult(ScanStatus.INFECTED, signature=found.partition(": ")[2] or found)
    if reply.endswith(": OK"):
        return ScanResult(ScanStatus.CLEAN)
    return _clamd_error(reply or "no reply")


def _clamd_error(detail: str) -> ScanResult:
    return ScanResult(ScanStatus.ERROR, detail=f"clamd: {detail}")


# Storage

_KEY = re.compile(r"\A([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})\Z")


def document_root() -> Path:
    configured = getattr(settings, "BURGH_DOCUMENT_ROOT", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "documents"


class DocumentStore:
    """Files kept by content: the key is `ab/cd/<sha256>`, so the same file is stored once."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else document_root()
        resolved = self.root.resolve()
        for name in ("STATIC_ROOT", "MEDIA_ROOT"):
            served = getattr(settings, name, None)
            if served and resolved.is_relative_to(Path(served).resolve()):
                raise ImproperlyConfigured(
                    f"The document root {self.root} is inside {name}, where the web server "
                    "could hand documents to anyone. Set BURGH_DOCUMENT_ROOT elsewhere."
                )

    @staticmethod
    def key_for(sha256: str) -> str:
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path(self, key: str) -> Path:
        """The file for a key; refuses anything but a well-formed key (no `..`, no `/etc`)."""
        match = _KEY.match(key)
        if match is None or match[3][:2] != match[1] or match[3][2:4] != match[2]:
            raise StorageKeyError(f"{key[:80]!r} is not a document store key.")
        return self.root / key

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def save(self, data: bytes | _Readable, inspected: Inspected) -> str:
        """Store the inspected file and return its key; the bytes must be the ones inspected."""
        key = self.key_for(inspected.sha256)
        path = self.path(key)
        if path.is_file() and path.stat().st_size == inspected.size:
            _check_same(_digest(data), inspected)
            return key
        path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
        # Written beside its final place and renamed, so a reader never sees half a file.
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        temp = Path(temp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                for chunk in _chunks_of(data):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            _check_same((digest.hexdigest(), size), inspected)
            temp.chmod(0o640)
            temp.replace(path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        _fsync_directory(path.parent)
        return key

    def open(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise DocumentMissingError(_missing(key)) from None

    def chunks(self, key: str, chunk_size: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The file in pieces, for a streaming download; opened before the first piece."""
        try:
            handle = self.path(key).open("rb")
        except FileNotFoundError:
            raise DocumentMissingError(_missing(key)) from None
        return _read_chunks(handle, chunk_size)


def _read_chunks(handle: io.BufferedReader, chunk_size: int) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def _missing(key: str) -> str:
    return f"The file for document {key} is not in the document store."


def _chunks_of(data: bytes | _Readable) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
        return
    while chunk := data.read(CHUNK_BYTES):
        yield chunk


def _digest(data: bytes | _Readable) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in _chunks_of(data):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _check_same(found: tuple[str, int], inspected: Inspected) -> None:
    if found != (inspected.sha256, inspected.size):
        raise ValueError(f"The bytes given are not the file inspected as {inspected.file_name}.")


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
