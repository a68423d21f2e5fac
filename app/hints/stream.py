"""Scan a log file in bounded memory, at close to grep speed.

The file is read in segments of whole lines. A multi-pattern engine looks for the catalog's
literals over each whole segment (hyperscan when its wheel is installed, else the Rust
Aho-Corasick of ahocorasick_rs, both case-insensitive and both reporting every line that holds a
literal, so results do not depend on which one runs). Only those candidate lines, plus the lines
the multi-line rules need around them (a traceback's frames, a context rule's window), are
decoded and handed to the engine; everything else stays bytes and is dropped with its segment.

A line longer than LONG_LINE (a 50 MB JSON blob on one line) is never held whole: it is reduced to
its first bytes plus the excerpts around each literal hit, so it can still match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from launchdeck.app.hints.engine import _EXC_LINE, _TB_LINE, _TB_WALK, Engine, Folder, HintHit, _records
from launchdeck.app.hints.normalize import detect_format, gcloud_text_column, newest_first, normalize

SEGMENT = 1 << 20  # bytes read at a time (three segments are held: before, current, after)
LONG_LINE = 1 << 20  # longer lines are reduced to excerpts around their literal hits
_EXCERPT = 2048  # bytes kept either side of a literal hit in a long line
_MAX_EXCERPTS = 32
_GAP = "\x00"  # separates non-adjacent windows: matches no rule and is no traceback line


class BlockFinder:
    """Every line of a bytes block that holds one of `keys` (lowercase ASCII-insensitive)."""

    def __init__(self, keys: list[str], prefer: str | None = None):
        self.keys = [k.encode("utf-8") for k in keys]
        self.kind = ""
        if prefer in (None, "hyperscan"):
            try:
                import hyperscan

                db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
                db.compile(expressions=self.keys, ids=list(range(len(self.keys))), elements=len(self.keys),
                           flags=[hyperscan.HS_FLAG_CASELESS] * len(self.keys), literal=True)
                self._hs = db
                self.kind = "hyperscan"
            except (ImportError, AttributeError, TypeError):  # no wheel here, or an old API
                if prefer == "hyperscan":
                    raise
        if not self.kind:
            import ahocorasick_rs as acr

            self._ac = acr.BytesAhoCorasick([k.lower() for k in self.keys], implementation=acr.Implementation.DFA)
            self.kind = "ahocorasick-rs"

    def positions(self, block: bytes) -> list[int]:
        """Offsets inside matches, ascending (one or more per matching line)."""
        if self.kind == "hyperscan":
            ends: list[int] = []
            add = ends.append

            def on_match(_id: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
                add(end - 1)

            self._hs.scan(block, match_event_handler=on_match)
            ends.sort()
            return ends
        return [s for _k, s, _e in self._ac.find_matches_as_indexes(block.lower())]

    def lines(self, block: bytes) -> list[int]:
        """0-based numbers of the lines of `block` that hold a key, ascending, unique."""
        out: list[int] = []
        line, pos = 0, 0
        count = block.count
        for p in self.positions(block):
            line += count(b"\n", pos, p)
            pos = p
            if not out or out[-1] != line:
                out.append(line)
        return out


@dataclass
class StreamResult:
    hits: list[HintHit]
    n_lines: int
    finder: str


def bounded_segments(f: BinaryIO, finder: BlockFinder, segment: int = SEGMENT,
                     long_line: int = LONG_LINE, useful: Callable[[bytes], bool] | None = None) -> Iterator[bytes]:
    """Blocks of whole lines (each ends with a newline except maybe the last); a line longer than
    `long_line` arrives reduced to its head and the excerpts around its literal hits."""
    carry = b""
    digest: list[bytes] | None = None  # inside an overlong line: what we keep of it
    while True:
        chunk = f.read(segment)
        eof = not chunk
        data = carry + chunk if carry else chunk
        carry = b""
        if digest is not None:
            nl = data.find(b"\n")
            piece = data if nl < 0 else data[:nl]
            _excerpts(piece, finder, digest, useful)
            if nl < 0 and not eof:
                continue
            yield b" \xe2\x80\xa6 ".join(digest) + b"\n"
            digest = None
            data = data[nl + 1:] if nl >= 0 else b""
        if eof:
            if data:
                yield data
            return
        cut = data.rfind(b"\n")
        if cut < 0:
            if len(data) > long_line:
                digest = [data[:_EXCERPT]]
                _excerpts(data, finder, digest, useful)
            else:
                carry = data
            continue
        carry = data[cut + 1:]
        yield data[:cut + 1]
        if len(carry) > long_line:
            digest = [carry[:_EXCERPT]]
            _excerpts(carry, finder, digest, useful)
            carry = b""


def _excerpts(piece: bytes, finder: BlockFinder, out: list[bytes],
              useful: Callable[[bytes], bool] | None = None) -> None:
    """Excerpts around literal hits; with `useful`, only those a rule really matches (random
    payload bytes hold short literals by chance and must not crowd out the real message)."""
    last_end = -1
    for p in finder.positions(piece):
        if len(out) > _MAX_EXCERPTS:
            return
        if p < last_end:
            continue
        a, b = max(0, p - _EXCERPT), min(len(piece), p + _EXCERPT)
        excerpt = piece[a:b].replace(b"\n", b" ")
        if useful is None or useful(excerpt):
            out.append(excerpt)
            last_end = b
        else:
            # Nothing matched in this window: a message with a literal further on gets a window of
            # its own (half overlapping), so one cut in two by this window is still seen whole.
            last_end = p + _EXCERPT // 2


class _Segment:
    """One block's lines: bytes, decoded on demand."""

    def __init__(self, data: bytes, start: int):
        self.data = data
        self.raw = data.split(b"\n")
        if self.raw and self.raw[-1] == b"":
            self.raw.pop()
        self.start = start  # 0-based log line of its first line
        self.text: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.raw)

    def line(self, i: int) -> str:
        s = self.text.get(i)
        if s is None:
            b = self.raw[i]
            s = self.text[i] = b.decode("utf-8", "replace").rstrip("\r")
        return s


def scan_stream(engine: Engine, f: BinaryIO, finder: BlockFinder | None = None, segment: int = SEGMENT,
                long_line: int = LONG_LINE) -> StreamResult:
    """The hints of a whole log read from `f`, holding about two segments in memory."""
    finder = finder or BlockFinder(engine.prefilter_keys)

    def useful(excerpt: bytes) -> bool:
        text = excerpt.decode("utf-8", "replace")
        return bool(engine._matches(text, engine._candidates(text.lower())))

    segs = bounded_segments(f, finder, segment, long_line, useful)
    fmt = col = None
    reverse = False
    folder = Folder()
    prev: _Segment | None = None
    before: _Segment | None = None  # the segment before `prev` (look-back context)
    n_lines = 0
    for data in segs:
        cur = _Segment(data, n_lines)
        n_lines += len(cur)
        if fmt is None:
            head = [cur.line(i) for i in range(min(400, len(cur)))]
            fmt = detect_format(head[:200])
            if fmt in ("json-array", "gcloud-yaml"):
                fmt = "plain"  # whole-document formats: their lines still carry the messages
            col = gcloud_text_column(head) if fmt == "gcloud" else None
            reverse = newest_first(head)
        if prev is not None:
            _scan_segment(engine, finder, prev, before, cur, fmt, col, reverse, folder)
        before, prev = prev, cur
    if prev is not None:
        _scan_segment(engine, finder, prev, before, None, fmt or "plain", col, reverse, folder)
    return StreamResult(folder.finish(), n_lines, finder.kind)


def _scan_segment(engine: Engine, finder: BlockFinder, seg: _Segment, before: _Segment | None,
                  after: _Segment | None, fmt: str, col: int | None, reverse: bool, folder: Folder) -> None:
    own = finder.lines(seg.data)
    if not own:
        return
    # One index space over [before][seg][after]: look-back and look-ahead lines come from the
    # neighbouring segments, already split.
    nb = len(before) if before is not None else 0
    na = len(after) if after is not None else 0

    def get(k: int) -> str:
        if k < nb:
            return before.line(k)  # type: ignore[union-attr]
        k -= nb
        if k < len(seg):
            return seg.line(k)
        return after.line(k - len(seg))  # type: ignore[union-attr]

    total = nb + len(seg) + na
    centres = [nb + i for i in own]
    # Literal lines in the neighbours' near edges count too: an umbrella here may be explained there.
    centres += [k for k in range(max(0, nb - _TB_WALK), nb) if engine._candidates(get(k).lower())]
    centres += [k for k in range(nb + len(seg), min(total, nb + len(seg) + 60))
                if engine._candidates(get(k).lower())]
    centres = sorted(set(centres))

    def tb_ish(k: int) -> bool:
        t = normalize(get(k))
        return bool(_TB_LINE.match(t) or _EXC_LINE.match(t))

    spans: list[list[int]] = []  # [lo, hi] inclusive, in the extended index space
    ids_of: dict[int, set[int]] = {}
    for c in centres:
        text = get(c)
        ids = ids_of[c] = engine._candidates(text.lower())
        within = max((engine.rules[i].within for i in ids), default=0)
        lo, hi = max(0, c - within), min(total - 1, c + within)
        if _EXC_LINE.match(normalize(text)) or text.lstrip().startswith(("Traceback", "File ")):
            k = c
            while k > 0 and c - k < _TB_WALK and tb_ish(k - 1):
                k -= 1
            lo = min(lo, k)
            k = c
            while k + 1 < total and k - c < _TB_WALK and tb_ish(k + 1):
                k += 1
            hi = max(hi, k)
        spans.append([lo, hi])
    merged: list[list[int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    spans = merged
    raw: list[str] = []
    lines: list[int] = []  # 0-based log line of each kept text
    cand: dict[int, set[int]] = {}
    base = seg.start - nb
    j = 0
    for lo, hi in spans:
        if raw:
            raw.append(_GAP)
            lines.append(-1)
        at = len(raw)
        raw += _decode_range(before, seg, after, nb, lo, hi)
        lines += range(base + lo, base + hi + 1)
        while j < len(centres) and centres[j] <= hi:  # every centre lies in a span (both sorted)
            if ids_of[centres[j]]:
                cand[at + centres[j] - lo] = ids_of[centres[j]]
            j += 1
    texts, anchors, entries = raw, lines, lines
    cand_lines: dict[int, set[int]] | None = cand
    if fmt == "jsonl":
        texts, rec_anchors, _e = _records(raw, "jsonl")
        anchors = [lines[a] for a in rec_anchors]
        entries = anchors
        cand_lines = None  # message texts differ from the raw lines: let the engine look again
    elif col:
        texts = [x[col:] if len(x) > col and x[:col].strip() != "" and x[col - 1] == " " else x for x in raw]
        cand_lines = None
    found, explained = engine.find(texts, anchors, reverse, entries, cand_lines=cand_lines, pos=anchors)
    lo_line, hi_line = seg.start + 1, seg.start + len(seg)
    own_found = sorted((c for c in found if lo_line <= c.line <= hi_line), key=lambda c: (c.line, c.idx))
    folder.add(own_found, [(s, c) for s, c in explained if lo_line <= s.line <= hi_line])


def _decode_range(before: _Segment | None, seg: _Segment, after: _Segment | None, nb: int,
                  lo: int, hi: int) -> list[str]:
    """Lines lo..hi of the extended index space, decoded in one go per segment."""
    out: list[str] = []
    for part, start in ((before, 0), (seg, nb), (after, nb + len(seg))):
        if part is None:
            continue
        a, b = max(lo - start, 0), min(hi - start, len(part) - 1)
        if a <= b:
            chunk = b"\n".join(part.raw[a:b + 1]).decode("utf-8", "replace")
            pieces = chunk.split("\n")
            out += [x[:-1] if x.endswith("\r") else x for x in pieces] if "\r" in chunk else pieces
    return out
