"""Textual screens of the launchdeck TUI: presentation only, one module (and one .tcss) per screen."""
