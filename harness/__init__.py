"""Starting the Canvas emulator and gunicorn portals as real processes: one harness for the tests,
`bench/` and `make run` (scripts/run_demo.py).

`emulator.py` runs `python -m canvas_emulator` and calls its control API, `portal.py` runs the
portal under gunicorn with the repo's config, `browser.py` signs a browser in over real HTTP, and
`processes.py` makes sure no child outlives its caller. The portal never imports this package
(import-linter, pyproject.toml): the two meet over HTTP only.
"""
