"""Reading an archived original back: the workbook exactly as it was uploaded, for a stored version."""
from __future__ import annotations

from pathlib import Path

from etl import db
from etl.store import sha256


def archived_bytes(return_id: int, db_file=None) -> tuple[str, bytes]:
    """The file name and the bytes of a stored version's original workbook (checked against its SHA-256).

    The archive beside the database is tried first, then the path recorded at upload time, so that a warehouse
    copied to another folder together with its archive still finds its files.
    """
    with db.connect(db_file) as con:
        row = con.execute("select file_name, archive_path, sha256 from returns where return_id = ?",
                          [return_id]).fetchone()
    if row is None:
        raise LookupError(f"没有编号为{return_id}的报表版本")
    file_name, recorded, digest = row
    candidates = [db.archive_dir(db_file) / Path(recorded or f"{digest}.xlsx").name]
    if recorded:
        candidates.append(Path(recorded))
    for path in candidates:
        if path.is_file():
            data = path.read_bytes()
            if sha256(data) == digest:
                return file_name or path.name, data
    raise LookupError(f"归档中找不到“{file_name}”的原始文件（或文件已被改动）")
