"""WeChat's message encryption scheme, written from the published description.

This is the *platform's* side (what WeChat does before POSTing to us, and how it opens our
encrypted replies). The server side uses wechatpy's ``WeChatCrypto``; the sandbox, the tests and
the benchmark use this independent implementation so the two check each other.

Scheme: key = base64(EncodingAESKey + "="), 32 bytes, IV = key[:16], AES-256-CBC;
plaintext = 16 random bytes + 4-byte big-endian length + message + appid, PKCS#7 padded to 32;
msg_signature = sha1 of the sorted concatenation of token, timestamp, nonce and the ciphertext.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class CryptoError(ValueError):
    pass


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _key(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise CryptoError("EncodingAESKey must decode to 32 bytes")
    return key


def encrypt(plain: str, encoding_aes_key: str, appid: str, *, rand: bytes | None = None) -> str:
    key = _key(encoding_aes_key)
    body = plain.encode()
    data = (rand or os.urandom(16)) + struct.pack(">I", len(body)) + body + appid.encode()
    pad = BLOCK - len(data) % BLOCK
    data += bytes([pad]) * pad
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(data) + enc.finalize()).decode()


def decrypt(cipher_b64: str, encoding_aes_key: str, appid: str) -> str:
    key = _key(encoding_aes_key)
    try:
        raw = base64.b64decode(cipher_b64)
    except ValueError as exc:
        raise CryptoError("ciphertext is not base64") from exc
    if not raw or len(raw) % 16:
        raise CryptoError("ciphertext length is not a multiple of the AES block")
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    data = dec.update(raw) + dec.finalize()
    pad = data[-1]
    if not 1 <= pad <= BLOCK:
        raise CryptoError("bad padding")
    data = data[:-pad]
    if len(data) < 20:
        raise CryptoError("plaintext too short")
    (length,) = struct.unpack(">I", data[16:20])
    body, tail = data[20 : 20 + length], data[20 + length :]
    if tail.decode(errors="replace") != appid:
        raise CryptoError("appid mismatch")
    return body.decode()
