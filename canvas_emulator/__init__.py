"""A local stand-in for Canvas LMS, run as its own process over real HTTP.

Standard library only. Start it with ``python -m canvas_emulator --port N``; see docs/emulator.md.
The portal never imports this package: the two meet only over HTTP.
"""
