"""A workbook as a zip package: every part's integrity checked in bounded memory, and its parts found through
the package relationships (_rels/.rels → the workbook part → its sheets), never by a fixed path.

Writers differ: the workbook part may live in another folder than xl/, entry names may use backslashes,
attributes come in any order and with any namespace prefix, and Strict Open XML uses other namespaces.
"""
from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from typing import Callable, Iterator
from xml.sax.saxutils import unescape

from etl.receipt import Problem, error

MB = 1024 * 1024
CHUNK = MB
MAX_INDEX_BYTES = 10 * MB  # workbook.xml and its relationships, read whole: a few KB in a real workbook
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"  # ISO 29500 Strict, rarely met
_OFFICE_DOCUMENT = "/officeDocument"   # the relationship type's tail, transitional and Strict alike
_ENTITY_QUOTES = {"&quot;": '"', "&apos;": "'"}
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*?)/?>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*?)/?>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
WORKSHEET_PREFIX = re.compile(rb"<(\w+):worksheet\b")  # a namespace prefix on a sheet's tags (<x:worksheet>)


def entry_count(data: bytes) -> int | None:
    """The number of entries the end-of-central-directory record declares (before zipfile builds them all)."""
    tail = data[-(65536 + 22):]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count, directory_size = struct.unpack_from("<HI", tail, at + 10)
    if count == 0xFFFF or directory_size == 0xFFFFFFFF:  # zip64: the real values are elsewhere
        return len(data) // 46
    # The count may lie; zipfile reads the whole directory. No real entry needs 1 KB of it.
    return max(count, directory_size // 1024)


def verify_parts(data: bytes, infos: list[zipfile.ZipInfo],
                 watch: dict[str, Callable[[bytes], None]] | None = None) -> Problem | None:
    """Every part unpacks to exactly its declared size with its declared CRC, in bounded memory; no part is
    encrypted or compressed with a method Excel does not use; no XML part declares a DTD (entity expansion).

    `watch` (zip entry → function) is handed each piece of that part as it is unpacked, so that a caller
    looking into a part need not unpack it a second time."""
    lying = error("bad_zip", "文件结构异常：压缩包中部件的实际大小与声明不符（已损坏或被篡改，疑似压缩炸弹）",
                  expected="用Excel重新保存后上传")
    for info in infos:
        if info.flag_bits & 0x1:
            return error("encrypted", "压缩包中的部件被加密，无法读取", expected="未加密的.xlsx工作簿")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return error("bad_zip", "文件使用了Excel不使用的压缩方式，无法读取", expected="用Excel重新保存后上传")
        start = info.header_offset
        if data[start:start + 4] != b"PK\x03\x04":
            return lying
        name_len, extra_len = struct.unpack_from("<HH", data, start + 26)
        local_usize = struct.unpack_from("<I", data, start + 22)[0]
        if not info.flag_bits & 0x8 and local_usize not in (info.file_size, 0xFFFFFFFF):
            return lying
        begin = start + 30 + name_len + extra_len
        compressed = memoryview(data)[begin:begin + info.compress_size]
        if len(compressed) != info.compress_size:
            return lying
        is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
        size, crc, tail = 0, 0, b""
        watcher = (watch or {}).get(info.filename)
        for piece in _unpack(compressed, info.compress_type, info.file_size):
            if watcher is not None:
                watcher(piece)
            size += len(piece)
            if size > info.file_size:
                return lying
            crc = zlib.crc32(piece, crc)
            if is_xml:
                window = tail + piece[:64]
                if (b"<!" in window or b"<!" in piece) and (  # every declaration starts "<!": one pass
                        any(d in window for d in _DTD) or any(d in piece for d in _DTD)):
                    return error("xml_dtd", "工作簿的XML中含有DTD/实体声明（Excel不会写入，可能是恶意文件）",
                                 expected="用Excel重新保存后上传")
                tail = piece[-16:]
        if size != info.file_size or crc != info.CRC:
            return lying
    return None


def _unpack(compressed: memoryview, method: int, declared: int) -> Iterator[bytes]:
    """The part's bytes in pieces of at most CHUNK, stopping just past `declared` (the caller refuses then)."""
    if method == zipfile.ZIP_STORED:
        for at in range(0, len(compressed), CHUNK):
            yield bytes(compressed[at:at + CHUNK])
        return
    inflater = zlib.decompressobj(-15)
    total = 0
    for at in range(0, len(compressed), 64 * 1024):
        pending = bytes(compressed[at:at + 64 * 1024])
        while pending and not inflater.eof:
            piece = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            total += len(piece)
            yield piece
            if total > declared:
                return
        if inflater.eof:
            break
    while not inflater.eof:
        piece = inflater.decompress(b"", CHUNK)
        if not piece:
            break
        total += len(piece)
        yield piece
        if total > declared:
            return
    if not inflater.eof:
        raise zlib.error("deflate stream ends early")


def attributes(tag: bytes) -> dict[str, str]:
    """Attributes of one tag, namespace prefixes dropped ('r:id' → 'id')."""
    return {k.decode().split(":")[-1]: unescape(v.decode("utf-8", "replace"), _ENTITY_QUOTES)
            for k, v in _ATTR.findall(tag)}


class IndexTooLarge(ValueError):
    """A package's index part (relationships, workbook) is larger than MAX_INDEX_BYTES."""


def package_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name as the package means it ('xl/workbook.xml') → name in the zip (some writers use backslashes)."""
    return {n.replace("\\", "/").lstrip("/"): n for n in archive.namelist()}


def read_index(archive: zipfile.ZipFile, names: dict[str, str], part: str) -> bytes:
    real = names.get(part)
    if real is None:
        return b""
    if archive.getinfo(real).file_size > MAX_INDEX_BYTES:
        raise IndexTooLarge(part)
    return archive.read(real)


def relationships(archive: zipfile.ZipFile, names: dict[str, str], part: str) -> list[dict[str, str]]:
    """The relationships of `part` ('' for the package), each with its Target resolved to a part name."""
    folder, base = posixpath.split(part)
    rels = read_index(archive, names, posixpath.join(folder, "_rels", base + ".rels"))
    found = []
    for tag in _REL_TAG.findall(rels):
        a = attributes(tag)
        target = a.get("Target", "").replace("\\", "/")
        if a.get("TargetMode", "") == "External" or not target:
            continue
        target = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found.append({**a, "Target": posixpath.normpath(target)})
    return found


def workbook_part(archive: zipfile.ZipFile, names: dict[str, str] | None = None) -> str | None:
    """The workbook part's name, found through the package relationships (_rels/.rels), not a fixed path."""
    names = package_names(archive) if names is None else names
    for rel in relationships(archive, names, ""):
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT) and rel["Target"] in names:
            return rel["Target"]
    return "xl/workbook.xml" if "xl/workbook.xml" in names else None


def workbook_sheets(archive: zipfile.ZipFile, names: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(sheet name, zip entry, kind) in workbook order; kind is the relationship type's tail: worksheet,
    chartsheet, xlMacrosheet, xlIntlMacrosheet, dialogsheet (attribute order and prefixes do not matter)."""
    names = package_names(archive) if names is None else names
    part = workbook_part(archive, names)
    if part is None:
        return []
    targets = {rel.get("Id", ""): rel for rel in relationships(archive, names, part)}
    sheets = []
    for tag in _SHEET_TAG.findall(read_index(archive, names, part)):
        a = attributes(tag)
        if "name" in a:
            rel = targets.get(a.get("id", ""), {})
            sheets.append((a["name"], names.get(rel.get("Target", ""), ""), rel.get("Type", "").rsplit("/", 1)[-1]))
    return sheets


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → zip entry of its XML, in workbook order."""
    return {name: path for name, path, kind in workbook_sheets(archive) if kind == "worksheet"}
