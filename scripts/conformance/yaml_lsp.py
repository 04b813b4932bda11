"""A minimal Language Server Protocol client: opens one YAML document in yaml-language-server (run
headless over stdio, as an editor runs it) and returns the diagnostics the server publishes for it.

Used by check_schema.py to show what an editor flags in a spec that names trailsmith's schema in
its `# yaml-language-server: $schema=` modeline. The server is told not to use the SchemaStore
catalog (no network): only the modeline's schema applies.
"""
import json
import os
import select
import subprocess
import time

SETTINGS = {"validate": True, "hover": False, "completion": False, "schemaStore": {"enable": False}}


def diagnostics(server, uri, text, timeout=60):
    """The server's diagnostics for `text` opened as `uri`, or None if it published none in time."""
    p = subprocess.Popen([str(server), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    buf = b""

    def send(msg):
        body = json.dumps(msg).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        p.stdin.flush()

    def recv(deadline):
        nonlocal buf
        while True:
            if b"\r\n\r\n" in buf:
                head, rest = buf.split(b"\r\n\r\n", 1)
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length"))
                if len(rest) >= length:
                    buf = rest[length:]
                    return json.loads(rest[:length])
            left = deadline - time.time()
            if left <= 0:
                return None
            ready, _, _ = select.select([p.stdout], [], [], left)
            if ready:
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    return None
                buf += chunk

    deadline = time.time() + timeout
    try:
        send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"processId": os.getpid(), "rootUri": None,
                         "capabilities": {"workspace": {"configuration": True}}}})
        while True:
            m = recv(deadline)
            if m is None:
                return None
            if m.get("id") == 1 and "result" in m:
                send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
                send({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration",
                      "params": {"settings": {"yaml": SETTINGS}}})
                send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                      "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
            elif m.get("method") == "workspace/configuration":
                send({"jsonrpc": "2.0", "id": m["id"], "result": [SETTINGS for _ in m["params"]["items"]]})
            elif "id" in m and "method" in m:
                send({"jsonrpc": "2.0", "id": m["id"], "result": None})
            elif m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                return m["params"]["diagnostics"]
    finally:
        p.kill()
        p.wait()
