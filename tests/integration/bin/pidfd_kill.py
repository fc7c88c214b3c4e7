#!/usr/bin/env python3
"""pidfd_kill.py SOCKET SIGNAL OUT: a --pidfd-socket receiver. Listens on
SOCKET; from each connection takes one pidfd (SCM_RIGHTS), appends the
message text and the pid the pidfd names (its fdinfo's Pid) to OUT, then
sends SIGNAL (a number) through the pidfd. Runs until killed."""
import array, os, signal, socket, sys

path, sig, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(4)
while True:
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(4 * fds.itemsize))
    conn.close()
    for level, typ, data in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    if len(fds) != 1:
        with open(out, "a") as f:
            f.write("bad %d fds\n" % len(fds))
        continue
    pid = "?"
    with open("/proc/self/fdinfo/%d" % fds[0]) as f:
        for line in f:
            if line.startswith("Pid:"):
                pid = line.split()[1]
    with open(out, "a") as f:
        f.write("%s %s\n" % (msg.decode(), pid))
    signal.pidfd_send_signal(fds[0], sig)
    os.close(fds[0])
