"""The resident LibreOffice's other half: run by a Python that can ``import uno``, never imported by zhuanbao.

zhuanbao's own interpreter (a venv, an embedded Python on Windows) usually
cannot load LibreOffice's ``pyuno``: it is built for the Python that ships
with LibreOffice (Windows, macOS, TDF builds) or for the system's python3
(Debian's python3-uno). So ``resident.py`` runs this file with that Python
as a child process. It starts its own soffice listening on a named pipe
(``--accept=pipe,…``: no TCP port another local user could connect to),
connects through UNO, then converts one document per request. It speaks to
its parent over stdin/stdout, one JSON object per line:

    ← {"ready": true, "soffice": <pid>}            once connected (or {"ready": false, "error": …})
    → {"id": 1, "source": "/…/a.docx", "target": "/…/a.pdf", "load": "MS Word 2007 XML", "store": "writer_pdf_Export"}
    ← {"id": 1, "ok": true} | {"id": 1, "ok": false, "error": …, "dead": <soffice died>}

When its standard input closes (the parent stopped, or was killed) it stops
soffice, removes the private folder (profile, log) and exits at once, even
in the middle of a conversion: a resident LibreOffice is never left behind. No zhuanbao import, no f-string tricks and
no syntax newer than Python 3.8 (the Python of LibreOffice 7.x on Windows).
"""

from __future__ import annotations

import glob
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

RESTART = 81  # soffice.bin's exit code after it made a new profile: start it again


def reply(message):
    sys.stdout.buffer.write((json.dumps(message) + "\n").encode("ascii"))
    sys.stdout.buffer.flush()


def start_office(binary, profile_url, pipe_name):
    command = [binary, "-env:UserInstallation=" + profile_url, "--headless", "--invisible", "--nocrashreport",
               "--nodefault", "--nofirststartwizard", "--nologo", "--norestore", "--nolockcheck",
               "--accept=pipe,name=" + pipe_name + ";urp;StarOffice.ComponentContext"]  # fmt: skip
    # soffice's own chatter must not reach our stdout, which carries the replies
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=sys.stderr)


def connect(uno, office, binary, profile_url, pipe_name, deadline):
    """The remote desktop, once soffice accepts on the pipe; soffice started again after a new profile."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=" + pipe_name + ";urp;StarOffice.ComponentContext"
    while True:
        try:
            context = resolver.resolve(url)
            desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            return office, desktop
        except Exception:  # NoConnectException until soffice listens
            code = office.poll()
            if code == RESTART:
                office = start_office(binary, profile_url, pipe_name)
            elif code is not None:
                raise RuntimeError("soffice exited with code %d before accepting connections" % code)
            if time.monotonic() > deadline:
                raise RuntimeError("soffice did not accept connections in time")
            time.sleep(0.05)


def stop_office(office, pipe_name):
    if office is not None and office.poll() is None:
        office.terminate()
        try:
            office.wait(5)
        except subprocess.TimeoutExpired:
            office.kill()
    # a killed soffice leaves its pipe's socket behind (/tmp/OSL_PIPE_<uid>_<name>)
    for folder in set(["/tmp", tempfile.gettempdir()]):
        for leftover in glob.glob(os.path.join(folder, "OSL_PIPE_*_" + pipe_name)):
            try:
                os.unlink(leftover)
            except OSError:
                pass


def properties(**values):
    from com.sun.star.beans import PropertyValue

    found = []
    for name, value in values.items():
        item = PropertyValue()
        item.Name, item.Value = name, value
        found.append(item)
    return tuple(found)


def convert(uno, office, desktop, request):
    """One document converted: loaded hidden (with the filter asked for: a .docx is never guessed as text;
    none asked, LibreOffice's type detection picks one), stored with the filter asked for, closed."""
    if office.poll() is not None:
        return {"ok": False, "dead": True, "error": "soffice is not running"}
    load = {"Hidden": True, "ReadOnly": True}
    if request.get("load"):
        load["FilterName"] = request["load"]
    try:
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["source"]), "_blank", 0,
                                                properties(**load))  # fmt: skip
        if document is None:
            return {"ok": False, "dead": office.poll() is not None, "error": "the document could not be loaded"}
        try:
            document.storeToURL(uno.systemPathToFileUrl(request["target"]),
                                properties(FilterName=request["store"]))  # fmt: skip
        finally:
            try:
                document.close(True)
            except Exception:  # a veto or a dying office: the document is dropped with it
                pass
    except Exception as exc:
        dead = office.poll() is not None or type(exc).__name__ == "DisposedException" or "bridge" in str(exc).lower()
        return {"ok": False, "dead": dead, "error": "%s: %s" % (type(exc).__name__, getattr(exc, "Message", str(exc)))}
    return {"ok": True}


def main():
    binary, profile_url, pipe_name, start_seconds, work = sys.argv[1:6]
    try:
        import uno
    except ImportError as exc:
        reply({"ready": False, "error": "import uno: %s" % exc})
        return 3
    office = None
    requests = queue.Queue()
    # The pipe soffice listens on is a socket whose mode follows the umask: only this user may connect,
    # whatever the umask of the account (under 000 another local user could drive LibreOffice).
    os.umask(0o077)

    def read_requests():
        for line in sys.stdin.buffer:
            requests.put(line)
        stop_office(office, pipe_name)  # the parent is gone: take soffice along, even mid-conversion
        if os.path.basename(work).startswith("zhuanbao-lo-"):  # and the private folder it would have removed
            shutil.rmtree(work, ignore_errors=True)
        os._exit(0)

    threading.Thread(target=read_requests, daemon=True).start()
    try:
        office = start_office(binary, profile_url, pipe_name)
        office, desktop = connect(uno, office, binary, profile_url, pipe_name, time.monotonic() + float(start_seconds))
    except Exception as exc:
        stop_office(office, pipe_name)
        reply({"ready": False, "error": str(exc)})
        return 4
    reply({"ready": True, "soffice": office.pid})
    try:
        while True:
            request = json.loads(requests.get().decode("utf-8"))
            if request.get("stop"):
                break
            answer = convert(uno, office, desktop, request)
            answer["id"] = request.get("id")
            reply(answer)
    finally:
        stop_office(office, pipe_name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
