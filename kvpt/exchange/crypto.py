"""Passphrase protection for files carried on removable media (exchange files and backups).

Layout of a protected file (all integers big-endian):

    magic       8 bytes  b"KVPT-ENC"
    version     1 byte   1
    purpose     1 byte   1 = exercise exchange file, 2 = backup
    marking     1 byte   classification of the content (0..3), readable without the passphrase
    log2_n      1 byte   scrypt cost parameter N = 2**log2_n
    r, p        2 bytes  scrypt block size and parallelism
    salt       16 bytes  random
    check      16 bytes  tells a wrong passphrase from an altered file
    nonce      12 bytes  random
    ciphertext  rest     AES-256-GCM of the content, the header above as associated data

The key comes from scrypt (slow on purpose); 64 bytes are derived: the first 32 are the AES key,
the last 32 are hashed into `check`. The whole header is authenticated, so changing the marking or
the parameters is detected like any other alteration.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.utils.translation import gettext as _

MAGIC = b"KVPT-ENC"
VERSION = 1
PURPOSE_EXERCISE = 1
PURPOSE_BACKUP = 2
DEFAULT_LOG2_N = 17  # 128 MiB of memory and about half a second per try
HEADER = struct.Struct(">8sBBBBBB16s16s12s")
MIN_PASSPHRASE = 8


class ProtectionError(Exception):
    """A protected file cannot be opened; the message says why, in Vietnamese."""


def is_protected(data: bytes) -> bool:
    return data[: len(MAGIC)] == MAGIC


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    kdf = Scrypt(salt=salt, length=64, n=2**log2_n, r=r, p=p)
    material = kdf.derive(passphrase.encode("utf-8"))
    return material[:32], hashlib.sha256(b"kvpt-check" + material[32:]).digest()[:16]


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ProtectionError(
            _("Cụm mật khẩu phải có ít nhất %(n)s ký tự.") % {"n": MIN_PASSPHRASE}
        )


def protect(
    data: bytes,
    passphrase: str,
    *,
    purpose: int,
    marking: int = 0,
    log2_n: int = DEFAULT_LOG2_N,
) -> bytes:
    """Encrypt `data` under `passphrase`; the result starts with the header described above."""
    check_passphrase(passphrase)
    salt, nonce = os.urandom(16), os.urandom(12)
    r, p = 8, 1
    key, check = _derive(passphrase, salt, log2_n, r, p)
    header = HEADER.pack(MAGIC, VERSION, purpose, marking, log2_n, r, p, salt, check, nonce)
    return header + AESGCM(key).encrypt(nonce, data, header)


def read_marking(data: bytes) -> int:
    """The classification written in clear in the header (not yet authenticated)."""
    if len(data) < HEADER.size or not is_protected(data):
        return 0
    return HEADER.unpack_from(data)[3]


def unprotect(data: bytes, passphrase: str | None, *, purpose: int) -> bytes:
    """The content of a protected file, or ProtectionError naming what is wrong."""
    if len(data) < HEADER.size or not is_protected(data):
        raise ProtectionError(_("Tệp không có phần đầu của tệp mã hóa KVPT hoặc đã bị cắt cụt."))
    _magic, version, file_purpose, _marking, log2_n, r, p, salt, check, nonce = HEADER.unpack_from(
        data
    )
    if version > VERSION:
        raise ProtectionError(
            _(
                "Tệp được mã hóa theo phiên bản %(found)s, mới hơn phiên bản %(known)s mà bản cài "
                "đặt này đọc được: hãy nâng cấp phần mềm."
            )
            % {"found": version, "known": VERSION}
        )
    if file_purpose != purpose:
        raise ProtectionError(
            _("Tệp mã hóa này là một bản sao lưu, không phải tệp trao đổi cuộc diễn tập.")
            if file_purpose == PURPOSE_BACKUP
            else _("Tệp mã hóa này là tệp trao đổi cuộc diễn tập, không phải bản sao lưu.")
        )
    if not passphrase:
        raise ProtectionError(_("Tệp đã được mã hóa: hãy nhập cụm mật khẩu."))
    if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
        raise ProtectionError(_("Tệp mã hóa có tham số không hợp lệ (phần đầu đã bị sửa đổi)."))
    key, expected = _derive(passphrase, salt, log2_n, r, p)
    if not hmac.compare_digest(check, expected):
        raise ProtectionError(_("Sai cụm mật khẩu: không giải mã được tệp."))
    try:
        return AESGCM(key).decrypt(nonce, data[HEADER.size :], data[: HEADER.size])
    except InvalidTag as exc:
        raise ProtectionError(
            _(
                "Tệp đã bị sửa đổi hoặc bị cắt cụt sau khi mã hóa (kiểm tra toàn vẹn không đạt): "
                "không dùng tệp này."
            )
        ) from exc
