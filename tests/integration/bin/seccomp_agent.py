#!/usr/bin/env python3
"""seccomp_agent.py SOCKET OUTDIR ANSWER: a seccomp agent for
linux.seccomp.listenerPath (x86_64).

Listens on SOCKET; from each connection K (1, 2, ...) takes the container
process state (JSON) and the seccomp notify listener (one SCM_RIGHTS fd),
saves the state to OUTDIR/state.K.json and answers every notification of
that listener with ANSWER:
  errno:N  the syscall fails with errno N
  ok       the syscall "succeeds" (returns 0) without being run
  close    the listener is closed at once (notified syscalls get ENOSYS)
  continue the syscall runs as if never notified (USER_NOTIF_FLAG_CONTINUE)
  hang     notifications are received and never answered (a stuck agent)
Each notification is logged to OUTDIR/notify.log as "K PID SYSCALL-NR".
OUTDIR/ready appears once SOCKET listens. Runs until killed."""
import array, ctypes, errno, fcntl, os, select, socket, struct, sys

sock_path, outdir, answer = sys.argv[1], sys.argv[2], sys.argv[3]

# linux/seccomp.h: struct seccomp_notif {u64 id; u32 pid; u32 flags;
# struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6]}} and
# struct seccomp_notif_resp {u64 id; s64 val; s32 error; u32 flags}
NOTIF = struct.Struct("=QIIiIQ6Q")
RESP = struct.Struct("=QqiI")


def _iowr(nr, size):  # asm-generic/ioctl.h: dir<<30 | size<<16 | type<<8 | nr
    return (3 << 30) | (size << 16) | (ord("!") << 8) | nr


# the numbers carry the uapi sizes, whatever the running kernel's are
NOTIF_RECV = _iowr(0, NOTIF.size)
NOTIF_SEND = _iowr(1, RESP.size)
assert (NOTIF_RECV, NOTIF_SEND) == (0xC0502100, 0xC0182101)


def kernel_sizes():
    """SECCOMP_GET_NOTIF_SIZES: the kernel may copy out a larger notif."""
    libc = ctypes.CDLL(None, use_errno=True)
    sizes = (ctypes.c_uint16 * 3)()
    SYS_seccomp, SECCOMP_GET_NOTIF_SIZES = 317, 3
    if libc.syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, sizes) != 0:
        return NOTIF.size, RESP.size
    return max(sizes[0], NOTIF.size), max(sizes[1], RESP.size)


NOTIF_BUF, RESP_BUF = kernel_sizes()


def save(name, data):
    tmp = os.path.join(outdir, "." + name)
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, os.path.join(outdir, name))


def log(line):
    with open(os.path.join(outdir, "notify.log"), "a") as f:
        f.write(line + "\n")


def receive(conn):
    """the state and the fd, sent as one message (read to EOF)"""
    fds, data = array.array("i"), b""
    while True:
        msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(16 * fds.itemsize))
        for level, typ, cdata in anc:
            if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                fds.frombytes(cdata[: len(cdata) - len(cdata) % fds.itemsize])
        if not msg:
            return data, list(fds)
        data += msg


def answer_one(k, fd):
    buf = bytearray(NOTIF_BUF)  # RECV wants it zeroed
    try:
        fcntl.ioctl(fd, NOTIF_RECV, buf, True)
    except OSError as e:
        if e.errno in (errno.ENOENT, errno.EINTR):  # the caller went away
            return
        raise
    nid, pid, _flags, nr = NOTIF.unpack_from(buf)[:4]
    log("%d %d %d" % (k, pid, nr))
    if answer == "hang":
        return
    if answer == "ok":
        resp = RESP.pack(nid, 0, 0, 0)
    elif answer == "continue":
        resp = RESP.pack(nid, 0, 0, 1)
    else:
        resp = RESP.pack(nid, 0, -int(answer.split(":", 1)[1]), 0)
    out = bytearray(RESP_BUF)
    out[: RESP.size] = resp
    try:
        fcntl.ioctl(fd, NOTIF_SEND, out, True)
    except OSError as e:
        if e.errno != errno.ENOENT:
            raise


def main():
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path)
    srv.listen(8)
    save("ready", b"1\n")
    poller = select.poll()
    poller.register(srv, select.POLLIN)
    listeners, count = {}, 0
    while True:
        for fd, ev in poller.poll():
            if fd == srv.fileno():
                conn, _ = srv.accept()
                with conn:
                    data, fds = receive(conn)
                count += 1
                save("state.%d.json" % count, data)
                if len(fds) != 1:
                    log("%d bad-fds %d" % (count, len(fds)))
                for extra in fds[1:]:
                    os.close(extra)
                if not fds:
                    continue
                if answer == "close":
                    os.close(fds[0])
                    continue
                listeners[fds[0]] = count
                poller.register(fds[0], select.POLLIN)
            elif ev & (select.POLLHUP | select.POLLERR):
                # every process under the filter is gone
                poller.unregister(fd)
                os.close(fd)
                del listeners[fd]
            else:
                answer_one(listeners[fd], fd)


main()
