"""The studio: the editor's loop as web pages served on the editor's own PC.

A second face beside ``cli/``: every page reads the same files the command
line reads and every change is one of the use cases of ``services.py``, so
editors in the browser and at a terminal can work on one folder. Starlette
and uvicorn are imported only here (``zhuanbao studio``), never by ``build``
or ``check``. See docs/studio.md for what the pages do and the security model.
"""
