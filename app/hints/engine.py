"""The compiled hint engine: one Aho-Corasick pass over lowercased text, then the few candidate rules.

Per line the hot path is C code only (join, lower, automaton scan, newline counting); Python work
happens for the ~1 % of lines that contain a literal some rule needs. `scan()` adds the multi-line
logic: context rules, traceback anchoring, newest-first gcloud output, umbrella suppression and
folding of repeats.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import ahocorasick

from launchdeck.app.hints.entries import entry_fields, entry_timestamp, parse_json_line
from launchdeck.app.hints.hint_catalog import Hint, Rule, load_rules
from launchdeck.app.hints.normalize import ANSI, detect_format, gcloud_text_column, newest_first, normalize

_CHUNK = 20_000  # lines per automaton pass: bounds the transient joined/lowercased copy
_UMBRELLA_WINDOW = 30  # lines either side in which a specific hint outranks an umbrella
_ADJACENT = 3  # the same hint this close (kubectl describe Reason + Exit Code) counts once
_SAME_EVENT = 10  # ... and this close with the same quoted names (BuildKit step error + summary)
_TB_WALK = 200
_KEEP = 4096  # characters of a matched line kept for output and folding
_KEY_LEN = 12
_TERMINAL_WIDTHS = {80, 100, 120, 128, 132, 140, 150, 160, 180, 200, 220, 240, 250, 256}

_FRAME = re.compile(r'^\s*File "[^"]+", line \d+|^\s+at \S+ \(|^\s+at [\w$.<>]+:\d+')
_TB_HEADER = "Traceback (most recent call last)"
_EXC_LINE = re.compile(
    r"^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Warning|Fault|Denied|Forbidden"
    r"|NotFound|Refused|Timeout|Failure|Unavailable)\b"
)
_TB_LINE = re.compile(
    r"^(?:\s*File \"|\s{4,}\S|\s*\^+\s*$|Traceback \(most recent call last\)|The above exception was"
    r"|During handling of the above|\(Background on this error|\s*$)"
)
_REPEAT = re.compile(r"\(x(\d+) over ")
_SHAPE = re.compile(r"0x[0-9a-f]+|[0-9a-f]{8,}|\d+", re.IGNORECASE)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass
class Symptom:
    """A line whose (wrapper) hint is explained by a root cause nearby."""

    line: int
    hint: Hint
    also: tuple[str, ...] = ()


@dataclass
class HintHit:
    line: int  # 1-based line that carries the root cause (its first occurrence)
    hint: Hint
    count: int = 1
    lines: list[int] = field(default_factory=list)  # every line this hint was found on, first included
    also: tuple[str, ...] = ()  # generic hints the first line also matched (the specific one won)
    symptoms: list[Symptom] = field(default_factory=list)  # wrapper lines this root cause explains
    text: str = ""  # the first line as logged (for excerpts; callers redact it)

    def records(self) -> list[dict]:
        """One machine-readable record per hinted line: the first occurrence (with count and lines),
        each repeat (with `first`), each symptom (with `explained_by`)."""
        return list(self.iter_records())

    def iter_records(self) -> Iterator[dict]:
        """`records()` one at a time, in line order (a hint repeated 300,000 times is never held
        as 300,000 dicts)."""
        h = self.hint
        base = {"hint": h.id, "severity": h.severity, "title": h.title, "fix": h.fix}
        lines = self.lines or [self.line]

        def own() -> Iterator[tuple[int, int, dict]]:
            for n in lines:
                if n == self.line:
                    first = {"line": n, **base, "count": self.count, "lines": lines}
                    if self.also:
                        first["also"] = list(self.also)
                    yield n, 0, first
                else:
                    yield n, 0, {"line": n, **base, "first": self.line}
            if self.line not in lines:  # pragma: no cover - fold always lists the first line
                yield self.line, 0, {"line": self.line, **base, "count": self.count, "lines": lines}

        def symptoms() -> Iterator[tuple[int, int, dict]]:
            cause = {"line": self.line, "hint": h.id}
            for s in self.symptoms:
                rec = {"line": s.line, "hint": s.hint.id, "severity": s.hint.severity, "title": s.hint.title,
                       "fix": s.hint.fix, "explained_by": cause}
                if s.also:
                    rec["also"] = list(s.also)
                yield s.line, 1, rec

        import heapq

        for _n, _k, rec in heapq.merge(own(), symptoms(), key=lambda t: (t[0], t[1])):
            yield rec


@dataclass
class _Cand:
    idx: int  # index into the texts being scanned
    rule: Rule
    weak: bool
    text: str  # normalised
    also: tuple[str, ...] = ()
    merged: list[int] = field(default_factory=list)  # other lines (1-based) of the same event (one traceback)
    raw: str = ""  # the text as scanned (prefixes kept: they name the source)
    line: int = 0  # 1-based line in the log
    entry: int = 0  # the log entry it belongs to: two fields of one entry are one event
    pos: int = 0  # distance measure for "nearby" (the text index; the line when streaming)


class Engine:
    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self.by_id = {r.hint.id: r for r in rules}
        self.hints = [r.hint for r in rules]
        self.literals: list[str] = []  # for the grep comparison in bench/scan.py
        table: dict[str, set[int]] = {}
        self.always: list[int] = []
        for i, r in enumerate(rules):
            keys: set[str] = {s.lower() for s in r.substrings} | set(r.literals)
            if (r.regexes or r.weak) and not r.literals:
                self.always.append(i)  # undeclared literals: tried on every line (a test forbids it)
            for k in keys:
                # Keys are cut to _KEY_LEN chars: a much smaller automaton (fewer cache misses) finds
                # the same candidate lines almost exactly; the rules verify every candidate anyway.
                table.setdefault(k[:_KEY_LEN], set()).add(i)
                self.literals.append(k)
        auto = ahocorasick.Automaton()
        for k, ids in table.items():
            auto.add_word(k, tuple(sorted(ids)))
        auto.make_automaton()
        self._auto = auto
        self._match_cache: dict[tuple[str, frozenset[int]], list[tuple[Rule, bool]]] = {}
        self.prefilter_keys = sorted(table)  # what a block finder must look for (app/hints/stream.py)
        self._fast = _fast_finder(self.prefilter_keys)
        self.literals = sorted(set(self.literals))

    # -- single line ---------------------------------------------------------------------------

    def _candidates(self, low: str) -> set[int]:
        found: set[int] = set(self.always)
        for _end, ids in self._auto.iter(low):
            found.update(ids)
        return found

    def _matches(self, text: str, cands: Iterable[int]) -> list[tuple[Rule, bool]]:
        # Error lines repeat (the same message with another timestamp, stripped by normalize):
        # remember the verdict per text. Bounded so a log of unique lines cannot grow it forever.
        key = (text, frozenset(cands))
        got = self._match_cache.get(key)
        if got is not None:
            return got
        out = []
        for i in cands:
            r = self.rules[i]
            res = r.test(text)
            if res:
                out.append((r, res == 2))
        if len(self._match_cache) > 20_000:
            self._match_cache.clear()
        self._match_cache[key] = out
        return out

    @staticmethod
    def _best(matched: list[tuple[Rule, bool]], context_ok) -> tuple[Rule, bool] | None:
        pick = Engine._pick(matched, context_ok)
        return (pick[0], pick[1]) if pick else None

    @staticmethod
    def _pick(matched: list[tuple[Rule, bool]], context_ok) -> tuple[Rule, bool, tuple[str, ...]] | None:
        """The best rule for a line, whether it matched weakly, and the other hints it matched
        (kept as `also`: the specific hint wins, the generic one is not lost)."""
        live = [(r, w) for r, w in matched if not r.context or context_ok(r)]
        if not live:
            return None
        everyone = live
        beaten = set().union(*(r.prefer_over for r, _ in live))
        live = [(r, w) for r, w in live if r.hint.id not in beaten] or live

        def rank(item: tuple[Rule, bool]) -> tuple:
            r, weak = item
            return (0 if r.context else 1, 1 if (r.umbrella or weak) else 0,
                    1 if r.hint.severity == "info" else 0, r.order)

        best = min(live, key=rank)
        also = tuple(dict.fromkeys(r.hint.id for r, _w in sorted(everyone, key=rank) if r is not best[0]))
        return best[0], best[1], also

    def match_line(self, text: str, recent: Sequence[str] = ()) -> Hint | None:
        """The best hint for one line (raw, prefixed or a JSON LogEntry).

        `recent` (optional) are the lines just before it, for hints that need context (a live tail
        keeps a small window); without it those hints fall back to their plain counterpart.
        """
        texts = [text]
        obj = parse_json_line(normalize(text)) if "{" in text else None
        if obj is not None:
            texts = [t for _k, t in entry_fields(obj)] or [text]
        best: tuple[Rule, bool] | None = None
        for t in texts:
            cands = self._candidates(t.lower())
            if not cands:
                continue
            norm = normalize(t)
            matched = self._matches(norm, cands)
            if matched:
                def context_ok(r: Rule, n=norm) -> bool:
                    window = [n] + [normalize(x) for x in list(recent)[-r.within:]] if r.within else [n]
                    return any(rx.search(w) for w in window for rx in r.context)

                pick = self._best(matched, context_ok)
                if pick and (best is None or (pick[0].order < best[0].order and not pick[0].umbrella)):
                    best = pick
        return best[0].hint if best else None

    # -- whole logs ----------------------------------------------------------------------------

    def scan(self, lines: Iterable[str], fmt: str | None = None) -> list[HintHit]:
        """All hints in a log, one per root-cause line, repeats folded with a count."""
        raw = lines if isinstance(lines, list) else list(lines)
        raw = [x.rstrip("\r\n") for x in raw] if raw and raw[0].endswith("\n") else raw
        fmt = fmt or detect_format(raw[:200])
        texts, anchors, entries = _records(raw, fmt)
        if fmt == "gcloud":
            col = gcloud_text_column(raw)
            if col:
                # Table rows: keep the TEXT column with its own indentation (traceback frames).
                texts = [x[col:] if len(x) > col and x[:col].strip() != "" and x[col - 1] == " " else x
                         for x in raw]
        if anchors is None:
            width = wrap_width(raw)
            if width:
                texts = unwrap(raw, width)
        reverse = newest_first(raw[:400]) or newest_first(texts[:400])
        found, explained = self.find(texts, anchors, reverse, entries)
        return self.fold(found, explained)

    def find(self, texts: list[str], anchors: list[int] | None, reverse: bool,
             entries: list[int] | None = None, cand_lines: dict[int, set[int]] | None = None,
             pos: list[int] | None = None) -> tuple[list[_Cand], list[tuple[_Cand, _Cand]]]:
        """Matched lines after the multi-line rules (tracebacks, umbrellas), before folding.

        `anchors[i]` is the 0-based log line of texts[i] (default i); `pos` the index used to
        measure "nearby" (default i)."""
        if cand_lines is None:
            cand_lines = self._prefilter(texts)
        norm_cache: dict[int, str] = {}

        def norm(j: int) -> str:
            s = norm_cache.get(j)
            if s is None:
                s = norm_cache[j] = normalize(texts[j])
            return s

        found: list[_Cand] = []
        for idx in sorted(cand_lines):
            t = norm(idx)
            if _FRAME.match(t):
                continue  # a library path in a stack frame is not the error
            matched = self._matches(t, cand_lines[idx])
            if not matched:
                continue

            def context_ok(r: Rule, idx=idx) -> bool:
                lo, hi = max(0, idx - r.within), min(len(texts), idx + r.within + 1)
                blob = "\n".join(texts[lo:hi])  # one C-level search per regex instead of one per line
                return any(rx.search(blob) for rx in r.context_ml)

            pick = self._pick(matched, context_ok)
            if pick:
                line = (anchors[idx] if anchors is not None else idx) + 1
                found.append(_Cand(idx, pick[0], pick[1], t[:_KEEP], pick[2], raw=texts[idx][:_KEEP], line=line,
                                   entry=entries[idx] if entries is not None else line,
                                   pos=pos[idx] if pos is not None else idx))
        found = self._tracebacks(found, texts, norm, reverse)
        found, explained = self._drop_umbrellas(found)
        return found, explained

    def _prefilter(self, texts: list[str]) -> dict[int, set[int]]:
        cands: dict[int, set[int]] = {}
        auto_iter = self._auto.iter
        for start in range(0, len(texts), _CHUNK):
            blob = "\n".join(texts[start:start + _CHUNK])
            if "\x1b" in blob:
                blob = ANSI.sub("", blob)  # colour codes can sit inside a literal
            low = blob.lower()
            if self._fast is not None:
                self._prefilter_fast(low, start, cands)
                continue
            line, pos = start, 0
            count = low.count
            for end, ids in auto_iter(low):
                line += count("\n", pos, end)
                pos = end
                s = cands.get(line)
                if s is None:
                    cands[line] = set(ids)
                else:
                    s.update(ids)
        if self.always:
            for i in range(len(texts)):
                cands.setdefault(i, set()).update(self.always)
        return cands

    def _prefilter_fast(self, low: str, start: int, cands: dict[int, set[int]]) -> None:
        """Rust Aho-Corasick (ahocorasick_rs, SIMD) finds candidate lines over bytes; each candidate
        line then gets its full, overlapping set of rule ids from the pyahocorasick automaton."""
        data = low.encode("utf-8", "surrogatepass")
        line, pos = start, 0
        last = -1
        count, rfind, find = data.count, data.rfind, data.find
        for _key, s, _e in self._fast.find_matches_as_indexes(data):
            line += count(b"\n", pos, s)
            pos = s
            if line == last:
                continue
            last = line
            a = rfind(b"\n", 0, s) + 1
            b = find(b"\n", s)
            text = data[a:b if b >= 0 else len(data)].decode("utf-8", "replace")
            ids: set[int] = set()
            for _end, found in self._auto.iter(text):
                ids.update(found)
            if ids:
                cands[line] = ids

    @staticmethod
    def _tracebacks(found: list[_Cand], texts: list[str], norm, reverse: bool) -> list[_Cand]:
        """Once per traceback (chained ones included), on its decisive line."""
        group_of: dict[int, int | None] = {}
        flipped: dict[int, bool] = {}

        def tb_ish(j: int) -> bool:
            t = norm(j)
            return bool(_TB_LINE.match(t) or _EXC_LINE.match(t))

        def group(idx: int) -> int | None:
            if idx in group_of:
                return group_of[idx]
            if not _EXC_LINE.match(norm(idx)):
                group_of[idx] = None  # only an exception line can be a traceback's decisive line
                return None
            lo = idx
            while lo > 0 and idx - lo < _TB_WALK and tb_ish(lo - 1):
                lo -= 1
            hi = idx
            while hi + 1 < len(texts) and hi - idx < _TB_WALK and tb_ish(hi + 1):
                hi += 1
            headers = [j for j in range(lo, hi + 1) if norm(j).startswith(_TB_HEADER)]
            group_of[idx] = lo if headers else None
            if headers:
                # Newest-first output without timestamps (gcloud value(textPayload)) shows itself:
                # the header comes after its frames, so the block ends with it.
                flipped[lo] = norm(hi).startswith(_TB_HEADER) and not norm(lo).startswith(_TB_HEADER)
            return group_of[idx]

        keep: dict[tuple[int, str], _Cand] = {}
        out: list[_Cand] = []
        for c in found:
            g = group(c.idx)
            if g is None:
                out.append(c)
                continue
            key = (g, c.rule.hint.id)
            prev = keep.get(key)
            if prev is None:
                keep[key] = c
                out.append(c)
            elif not (reverse or flipped.get(g)):
                out[out.index(prev)] = c  # the later line is the decisive one
                c.merged += [prev.line, *prev.merged]
                keep[key] = c
            else:
                prev.merged.append(c.line)
        return out

    @staticmethod
    def _drop_umbrellas(found: list[_Cand]) -> tuple[list[_Cand], list[tuple[_Cand, _Cand]]]:
        """Same event said twice: an explicitly outranked hit, or an umbrella line, near a better hit
        from the same source (compose service, kubectl pod) gives way to it. Returns the kept hits
        and the (symptom, root cause) pairs, so no hinted line is lost from the output."""
        # Distances are in `pos` (text index, or log line when streaming windows of a big file).
        src = {c.pos: _source(c.raw) for c in found}
        by_idx = {c.pos: c for c in found}
        explained: list[tuple[_Cand, _Cand]] = []

        def same(a: int, b: int) -> bool:
            return src[a] is None or src[b] is None or src[a] == src[b]

        beats: dict[str, list[tuple[int, int]]] = {}
        for w in found:
            for loser in w.rule.prefer_over:
                beats.setdefault(loser, []).append((w.pos, max(w.rule.within, 10)))
        if beats:
            kept = []
            for c in found:
                winners = [i for i, span in beats.get(c.rule.hint.id, ())
                           if abs(i - c.pos) <= span and same(i, c.pos)]
                if winners:
                    explained.append((c, by_idx[min(winners, key=lambda i: abs(i - c.pos))]))
                else:
                    kept.append(c)
            found = kept
        specific = sorted(c.pos for c in found if not (c.rule.umbrella or c.weak) and c.rule.hint.severity == "error")
        if not specific:
            return found, explained
        import bisect

        out = []
        for c in found:
            if c.rule.umbrella or c.weak:
                k = bisect.bisect_left(specific, c.pos - _UMBRELLA_WINDOW)
                near = []
                while k < len(specific) and specific[k] <= c.pos + _UMBRELLA_WINDOW:
                    near.append(specific[k])
                    k += 1
                near = [i for i in near if same(i, c.pos)]
                if near:
                    explained.append((c, by_idx[min(near, key=lambda i: abs(i - c.pos))]))
                    continue
            out.append(c)
        return out, explained

    @staticmethod
    def fold(found: list[_Cand], explained: Sequence[tuple[_Cand, _Cand]] = ()) -> list[HintHit]:
        """Repeats folded into their first occurrence, symptoms attached to their root cause."""
        folder = Folder()
        folder.add(found, explained)
        return folder.finish()


class Folder:
    """Folds matched lines into hits, one batch at a time (a streamed log gives one per segment):
    memory grows with the distinct hits and their line numbers, not with the matched lines."""

    _KEEP_LINES = 5_000  # how far back a symptom's root cause or a same-event neighbour is looked up

    def __init__(self) -> None:
        self.hit_of: dict[tuple[int, str], HintHit] = {}  # (line, hint id) -> the hit it was folded into
        self.hits: list[HintHit] = []
        self.by_shape: dict[tuple[str, str | None, str], HintHit] = {}
        self.last_idx: dict[tuple[str, str | None], tuple[int, HintHit, set[str]]] = {}
        self.entry_of: dict[int, int] = {}  # a hit's log entry: two fields of one entry are one event
        self.pending: list[tuple[_Cand, _Cand]] = []
        self.seen: set[tuple[int, str]] = set()
        self.last_line = 0

    def add(self, found: Sequence[_Cand], explained: Sequence[tuple[_Cand, _Cand]] = ()) -> None:
        by_shape, last_idx, entry_of, hit_of = self.by_shape, self.last_idx, self.entry_of, self.hit_of
        for c in found:
            hid = c.rule.hint.id
            m = _REPEAT.search(c.raw)
            n = int(m.group(1)) if m else 1
            line, entry = c.line, c.entry
            self.last_line = max(self.last_line, line)
            src = _source(c.raw)
            quoted = set(_QUOTED.findall(c.text))
            shape = (hid, src, _shape(c.text))
            prev_near = last_idx.get((hid, src))
            target = by_shape.get(shape)
            if target is None and prev_near:
                # Nearby lines about one event (describe's Reason + Exit Code, a BuildKit step error
                # and its summary) name the same things; two different modules or files do not.
                gap, prev_quoted = c.pos - prev_near[0], prev_near[2]
                if (gap <= _SAME_EVENT and prev_quoted == quoted) or (
                        gap <= _ADJACENT and not (prev_quoted and quoted)):
                    target = prev_near[1]
            if target is not None:
                if shape in by_shape and entry_of[id(target)] != entry:
                    target.count += n  # a true repeat; a second line about the same event adds nothing
                last_idx[(hid, src)] = (c.pos, target, quoted)
                target.lines += [line, *c.merged]
                hit_of[(c.line, hid)] = target
                continue
            hit = HintHit(line=line, hint=c.rule.hint, count=n, also=c.also, text=c.raw,
                          lines=[line, *c.merged])
            hit_of[(c.line, hid)] = hit
            entry_of[id(hit)] = entry
            by_shape[shape] = hit
            last_idx[(hid, src)] = (c.pos, hit, quoted)
            self.hits.append(hit)
        self.pending += explained
        self._resolve(final=False)

    def _resolve(self, final: bool) -> None:
        def key(c: _Cand) -> tuple[int, str]:
            return (c.line, c.rule.hint.id)

        cause_of = {key(sym): cause for sym, cause in self.pending}
        horizon = self.last_line - self._KEEP_LINES
        waiting: list[tuple[_Cand, _Cand]] = []
        for sym, cause in self.pending:
            if key(sym) in self.seen:
                continue  # the same symptom seen from two overlapping windows
            root_cause = cause
            for _ in range(len(cause_of)):  # a cause that is itself a symptom: follow it to its root
                if key(root_cause) in self.hit_of or key(root_cause) not in cause_of:
                    break
                root_cause = cause_of[key(root_cause)]
            root = self.hit_of.get(key(root_cause))
            if root is not None:
                self.seen.add(key(sym))
                root.symptoms.append(Symptom(sym.line, sym.rule.hint, sym.also))
            elif not final and root_cause.line > horizon:
                waiting.append((sym, cause))  # its cause may be folded with the next batch
        self.pending = waiting
        if not final and len(self.hit_of) > 4 * self._KEEP_LINES:
            self.hit_of = {k: v for k, v in self.hit_of.items() if k[0] > horizon}
            self.seen = {k for k in self.seen if k[0] > horizon}

    def finish(self) -> list[HintHit]:
        self._resolve(final=True)
        for h in self.hits:
            h.lines = sorted(set(h.lines))
            if h.line not in h.lines:  # newest-first: the reported line is the decisive one
                h.lines.insert(0, h.line)
            h.symptoms.sort(key=lambda s: s.line)
        self.hits.sort(key=lambda h: h.line)
        return self.hits


_SOURCE = re.compile(
    r"^(?:\x1b\[[0-9;]*m)*(?:([A-Za-z0-9][\w.-]*)\s+(?:\x1b\[[0-9;]*m)*\|"  # compose `svc-1  |`
    r"|\[(?:pod/)?([^\]\s]+?)(?:/[^\]/\s]+)?\]\s"  # kubectl `[pod/name/container]`
    r"|([a-z0-9][a-z0-9.-]+)\s+\d+/\d+\s+[A-Z]"  # a `kubectl get pods` row
    r"|([A-Za-z0-9][\w.-]*) exited with code )"  # compose's own exit line
)


@functools.lru_cache(maxsize=4096)
def _source(line: str) -> str | None:
    """The service / pod a raw line belongs to, when its prefix says so."""
    m = _SOURCE.match(line)
    if not m:
        return None
    name = m.group(1) or m.group(2) or m.group(3) or m.group(4)
    return _REPLICA.sub("", name) if (m.group(1) or m.group(4)) else name


_REPLICA = re.compile(r"-\d+$")


@functools.lru_cache(maxsize=4096)
def _shape(text: str) -> str:
    """The text with its numbers and ids blanked: repeats of one message share a shape."""
    return _SHAPE.sub("#", text)


def wrap_width(lines: list[str]) -> int | None:
    """The terminal width a log was hard-wrapped at (gcloud's interactive output), or None.

    Wrapped output has several lines of exactly the same length W >= 60 and none longer."""
    if len(lines) > 20_000:
        return None  # wrapped terminal captures are short; big logs are never hard-wrapped
    lengths = [len(x) for x in lines]
    if not lengths:
        return None
    longest = max(lengths)
    if longest not in _TERMINAL_WIDTHS or lengths.count(longest) < 2:
        return None
    # ... and words cut in half at the edge ("cannot serv" / "e traffic") on most of those lines.
    edges = [(a, b) for a, b in zip(lines, lines[1:], strict=False) if len(a) == longest]
    cuts = sum(1 for a, b in edges if b and a[-1].isalnum() and (b[0].islower() or b[0].isdigit()))
    return longest if cuts >= 2 and cuts * 2 >= len(edges) else None


def unwrap(lines: list[str], width: int) -> list[str]:
    """Lines of exactly `width` chars joined with their continuation; continuations left empty so
    line numbers stay those of the first physical line."""
    out = list(lines)
    i = 0
    while i < len(lines):
        if len(lines[i]) == width and i + 1 < len(lines) and lines[i + 1].strip():
            j = i
            joined = lines[i]
            while len(lines[j]) == width and j + 1 < len(lines) and lines[j + 1].strip():
                j += 1
                joined += lines[j]
                out[j] = ""
            out[i] = joined
            i = j + 1
        else:
            i += 1
    return out


def _fast_finder(keys: list[str]):
    """An optional, much faster byte-level finder (pip install ahocorasick-rs); None without it."""
    try:
        import ahocorasick_rs
    except ImportError:
        return None
    return ahocorasick_rs.BytesAhoCorasick([k.encode() for k in keys])


def _records(raw: list[str], fmt: str) -> tuple[list[str], list[int] | None, list[int] | None]:
    """Texts to match and, for JSON input, the 0-based line each came from."""
    if fmt == "jsonl":
        texts: list[str] = []
        anchors: list[int] = []
        for i, line in enumerate(raw):
            obj = parse_json_line(line)
            fields = entry_fields(obj) if obj is not None else []
            if obj is not None:
                ts = entry_timestamp(obj)
                for _k, t in fields or [("", line)]:  # no message key we know: the whole line
                    texts.append(f"{ts} {t}" if ts and t and not t.startswith(ts) else t)
                    anchors.append(i)
            else:
                texts.append(line)
                anchors.append(i)
        return texts, anchors, anchors
    if fmt == "json-array":
        return _json_array(raw)
    if fmt == "gcloud-yaml":
        return _yaml_docs(raw)
    return raw, None, None


def _json_array(raw: list[str]) -> tuple[list[str], list[int], list[int]]:
    text = "\n".join(raw)
    dec = json.JSONDecoder()
    texts: list[str] = []
    anchors: list[int] = []
    entries: list[int] = []
    i = text.find("[") + 1
    line_at, pos_at = 0, 0
    n = len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n or text[i] == "]":
            break
        try:
            obj, end = dec.raw_decode(text, i)
        except ValueError:
            break
        line_at += text.count("\n", pos_at, i)
        pos_at = i
        span = text[i:end]
        ts = entry_timestamp(obj)
        for key, t in entry_fields(obj):
            k = span.find(f'"{key}"', span.find('"httpRequest"') if key == "status" else 0)
            line = line_at + (span.count("\n", 0, k) if k >= 0 else 0)
            texts.append(f"{ts} {t}" if ts and t else t)
            anchors.append(line)
            entries.append(line_at)
        i = end
    return texts, anchors, entries


def _yaml_docs(raw: list[str]) -> tuple[list[str], list[int], list[int]]:
    """`gcloud logging read` YAML: one document per entry; long strings are folded over several
    lines, so each document is parsed and its message anchored on the line of its key."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    starts = [i for i, x in enumerate(raw) if x.rstrip() == "---"] or [-1]
    if starts[0] != 0:
        starts.insert(0, -1)
    texts: list[str] = []
    anchors: list[int] = []
    entries: list[int] = []
    for k, s in enumerate(starts):
        lo, hi = s + 1, starts[k + 1] if k + 1 < len(starts) else len(raw)
        if lo >= hi:
            continue
        try:
            obj = yaml.load("\n".join(raw[lo:hi]), Loader=loader)
        except yaml.YAMLError:
            obj = None
        fields = entry_fields(obj) if isinstance(obj, dict) else []
        if not fields:
            # Not an entry we understand: match its lines as they are.
            for j in range(lo, hi):
                texts.append(raw[j])
                anchors.append(j)
                entries.append(j)
            continue
        ts = entry_timestamp(obj)
        for key, t in fields:
            start = lo
            if key == "status":
                start = next((j for j in range(lo, hi) if raw[j].startswith("httpRequest:")), lo)
            line = next((j for j in range(start, hi) if raw[j].lstrip().startswith(key + ":")), lo)
            texts.append(f"{ts} {t}" if ts and t else t)
            anchors.append(line)
            entries.append(lo)
    return texts, anchors, entries


_ENGINE: Engine | None = None


def get_engine() -> Engine:
    """The cached engine over the bundled catalog."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine(load_rules())
    return _ENGINE
