"""Text from files nobody here wrote, made safe to put on a terminal.

A log line, a compose service name or a file name can carry escape sequences: `ESC ]52;` writes
the clipboard, `ESC [2J` clears the screen, `ESC ]0;` sets the window title, a CR or a backspace
overwrites what was shown, U+202E turns the rest of a line around, and C1 controls (U+009B is an
8-bit CSI) do the same as ESC sequences on many terminals. None of that may reach the terminal raw.

- `strip_escapes`: drop whole escape sequences (colour codes in logs are noise, not content);
- `safe_line`: that, then every remaining control or direction character written as `\\xNN` /
  `\\uNNNN` (tab and newline kept) — for log lines, shown after redaction;
- `visible`: every non-printable or invisible character written as an escape — for names, keys and
  messages, where nothing may hide;
- `json_safe`: JSON text with C1 and direction characters escaped too (json.dumps escapes only C0).
"""

from __future__ import annotations

import re
import unicodedata

# ECMA-48 sequences, 7-bit and 8-bit: CSI; OSC/DCS/SOS/PM/APC up to BEL or ST (or the end of the
# text, as a terminal would swallow it); any other ESC + intermediates + final byte.
_ESCAPE_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c)?"
)
# Controls a terminal acts on, and the characters that reorder text (bidi embeddings, overrides,
# isolates, marks). Tab and newline are layout, not attacks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def has_unsafe(text: str) -> bool:
    """True when `text` holds a character a terminal would act on instead of showing."""
    return bool(_UNSAFE.search(text))


def first_unsafe(text: str) -> str | None:
    """The first character of `text` a terminal would act on, written as an escape (`\\x1b`), or None."""
    m = _UNSAFE.search(text)
    return _escape(m.group()) if m else None


def strip_escapes(text: str) -> str:
    if "\x1b" not in text and not re.search("[\x90-\x9f]", text):
        return text
    return _ESCAPE_SEQ.sub("", text)


def safe_line(text: str) -> str:
    """`text` without escape sequences, other controls and direction characters written as escapes."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: _escape(m.group()), strip_escapes(text))


def visible(text: str, keep_newlines: bool = False) -> str:
    """`text` with control, format (bidi overrides, zero-width) and other invisible characters
    written as escapes: a key from a hostile file must not reorder or hide what the terminal shows."""
    if text.isprintable() and not any(unicodedata.category(c) == "Cf" for c in text):
        return text
    keep = "\n" if keep_newlines else ""
    return "".join(c if c in keep or (c.isprintable() and unicodedata.category(c) != "Cf") else _escape(c)
                   for c in text)


def json_safe(text: str) -> str:
    """JSON (already serialised) with C1 controls and direction characters as \\u escapes, still valid JSON."""
    if not _UNSAFE_JSON.search(text):
        return text
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
