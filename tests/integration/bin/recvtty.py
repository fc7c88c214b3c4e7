#!/usr/bin/env python3
"""recvtty.py SOCKET OUT: listen on SOCKET like an engine's --console-socket,
take the pty master a runtime sends (one SCM_RIGHTS fd), write what the
container prints to OUT until the pty closes; the first line of OUT is the
name the runtime sent with the fd."""
import array, os, socket, sys

path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_LEN(fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
with open(out, "wb") as f:
    f.write(msg + b"\n")
    f.flush()
    if not fds:
        f.write(b"NO-FD\n")
        sys.exit(1)
    while True:
        try:
            chunk = os.read(fds[0], 4096)
        except OSError:  # EIO: every slave is closed
            break
        if not chunk:
            break
        f.write(chunk)
        f.flush()
