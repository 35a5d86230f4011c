"""Reading a response body within a size bound, counted after decompression.

httpx reads a whole body unless asked not to, and its decoders expand each network chunk in one call: a 64 KB
chunk of a gzip bomb becomes 64 MB at once, a brotli or zstd one (when those packages happen to be installed)
far more. So the body is read raw (`aiter_raw`) and decompressed here with zlib's `max_length`, at most
`_STEP` bytes at a time, counting what comes out: reading stops the moment the count passes the bound, and a
bomb costs what the bound allows, not what it expands to. Only the encodings eiscope asks for (`gzip`,
`deflate`) are accepted. What comes back is an ordinary, fully read `httpx.Response` with the decoded body.
"""

from __future__ import annotations

import zlib

import httpx

from tui.api.errors import BadResponseError, ResponseTooLargeError

__all__ = ["ACCEPT_ENCODING", "read_bounded"]

ACCEPT_ENCODING = "gzip, deflate"
"""What eiscope asks for, whatever packages are installed (httpx adds br and zstd when it can decode them)."""

_STEP = 64 * 1024


class _Inflater:
    """gzip or deflate (zlib-wrapped, or raw as some servers send it), decompressed in bounded steps."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding == "gzip"
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)
        self._first = True

    def feed(self, data: bytes) -> list[bytes]:
        if self._first and not self._gzip:
            self._first = False
            try:
                return self._drain(data)
            except zlib.error:  # a raw deflate stream, without the zlib header (httpx accepts it too)
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._drain(data)

    def _drain(self, data: bytes) -> list[bytes]:
        out = [self._zlib.decompress(data, _STEP)]
        while self._zlib.unconsumed_tail:
            out.append(self._zlib.decompress(self._zlib.unconsumed_tail, _STEP))
        return out

    def finish(self) -> bytes:
        return self._zlib.flush(_STEP)


def _decoder(response: httpx.Response, path: str) -> _Inflater | None:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Inflater("gzip" if encoding != "deflate" else "deflate")
    raise BadResponseError(
        f"the Studio API sent {path} with a content encoding eiscope did not ask for ({encoding[:40]}).",
        path=path,
    )


async def read_bounded(response: httpx.Response, max_bytes: int, path: str, *, cut: bool = False) -> httpx.Response:
    """The response with its body read, or ResponseTooLargeError past `max_bytes` (decoded bytes).

    `cut=True` (an error body, whose `error` text is all eiscope reads) keeps the first `max_bytes` and drops the
    rest instead of raising. A Content-Length above the bound (of a body sent as it is) is refused before a byte
    of it is read. The caller closes the stream (`client.stream(...)` does).
    """
    decoder = _decoder(response, path)
    declared = response.headers.get("content-length", "")
    if not cut and decoder is None and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLargeError(limit_bytes=max_bytes, path=path, declared_bytes=int(declared))
    parts: list[bytes] = []
    total = 0
    try:
        async for raw in response.aiter_raw():
            for part in decoder.feed(raw) if decoder is not None else [raw]:
                total += len(part)
                if total > max_bytes:
                    if cut:
                        parts.append(part[: len(part) - (total - max_bytes)])
                        return _read(response, parts)
                    raise ResponseTooLargeError(limit_bytes=max_bytes, path=path)
                parts.append(part)
        if decoder is not None:
            tail = decoder.finish()
            if total + len(tail) > max_bytes and not cut:
                raise ResponseTooLargeError(limit_bytes=max_bytes, path=path)
            parts.append(tail)
    except zlib.error:
        raise BadResponseError(
            f"the Studio API sent a compressed body for {path} that does not decompress.", path=path
        ) from None
    return _read(response, parts)


def _read(response: httpx.Response, parts: list[bytes]) -> httpx.Response:
    """A plain, fully read response: the decoded body, the headers without the encoding that was undone."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(response.status_code, headers=headers, content=b"".join(parts), request=response.request)
