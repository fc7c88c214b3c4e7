/* seccomp_enosys: what a process sees of syscalls a seccomp profile
 * does not name (see seccomp_rules.bats). Prints "NAME RESULT ERRNO". */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static void try(const char *name, long nr)
{
	errno = 0;
	long r = syscall(nr, -1, 0, 0);
	printf("%s %ld %d\n", name, r, r < 0 ? errno : 0);
}

int main(void)
{
	try("open_tree", __NR_open_tree); /* newer than the profile */
	try("nr1000", 1000);              /* no such syscall */
	try("getppid", __NR_getppid);     /* older, left out: the default action */
	return 0;
}
