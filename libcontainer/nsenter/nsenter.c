// Joins namespaces before the Go runtime starts threads: a process may
// enter a user namespace only while single-threaded, and a mount or time
// namespace only while it shares no fs_struct with other threads. Runs as
// a constructor of `myrunc init`, only when the runtime asked for it.
//
// Input, in the environment (see nsenter.go for the writer):
//   _MYRUNC_NSENTER=<join>;<new>;<pidpipe>;<usersync>
//   <join>    comma-separated type:fd pairs, joined in the given order
//             (the runtime puts "user" first), e.g. user:6,net:7
//   <new>     comma-separated types to create with unshare after joining
//   <pidpipe> fd of a pipe: if a pid namespace was joined or created, we
//             fork, write the child's pid there as decimal text and exit;
//             the child goes on to become the init.
//   <usersync> -1, or the fd of a socket to the runtime: we make a new
//             user namespace before the <new> ones, send one byte, and the
//             runtime has newuidmap/newgidmap write our maps (an
//             unprivileged runtime cannot map more than its own ids) and
//             answers with one byte; only then can we become root there.
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what, const char *arg) {
	fprintf(stderr, "myrunc init: nsenter: %s%s%s: %s\n", what, arg ? " " : "", arg ? arg : "", strerror(errno));
	_exit(1);
}

static int ns_flag(const char *name) {
	static const struct { const char *name; int flag; } table[] = {
		{"user", CLONE_NEWUSER}, {"mount", CLONE_NEWNS}, {"network", CLONE_NEWNET},
		{"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"pid", CLONE_NEWPID},
		{"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return table[i].flag;
	errno = EINVAL;
	die("unknown namespace type", name);
	return 0;
}

// join enters each type:fd pair; returns whether a pid namespace was among them.
static int join(char *list) {
	int pid = 0;
	for (char *save = NULL, *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		if (!colon)
			die("bad namespace entry", item);
		*colon = '\0';
		int flag = ns_flag(item), fd = atoi(colon + 1);
		if (setns(fd, flag) < 0)
			die("setns", item);
		close(fd);
		// become the namespace's root: our host ids are not mapped there,
		// and files the init creates must belong to someone
		if (flag == CLONE_NEWUSER) {
			setgroups(0, NULL); // refused where the namespace denies it; harmless
			if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
				die("become root of the joined user namespace", NULL);
		}
		if (flag == CLONE_NEWPID)
			pid = 1;
	}
	return pid;
}

// new_user_mapped_by_runtime makes a user namespace whose maps the
// runtime writes, then becomes its root. Before execve, so the init keeps
// its capabilities there: a process whose uid is unmapped loses them.
static void new_user_mapped_by_runtime(int sync) {
	if (unshare(CLONE_NEWUSER) < 0)
		die("unshare", "user");
	char c = 'u';
	if (write(sync, &c, 1) != 1)
		die("tell the runtime the user namespace exists", NULL);
	ssize_t n;
	do
		n = read(sync, &c, 1);
	while (n < 0 && errno == EINTR);
	// no answer: the runtime could not write the maps and says why itself
	if (n != 1)
		_exit(1);
	close(sync);
	// allowed only where newgidmap left setgroups enabled: clears the
	// host's groups, which are unmapped here
	setgroups(0, NULL);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		die("become root of the new user namespace", NULL);
}

static int unshare_new(char *list) {
	int flags = 0;
	for (char *save = NULL, *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save))
		flags |= ns_flag(item);
	if (flags && unshare(flags) < 0)
		die("unshare", list);
	return flags & CLONE_NEWPID;
}

__attribute__((constructor)) static void myrunc_nsenter(void) {
	const char *env = getenv("_MYRUNC_NSENTER");
	if (!env)
		return;
	char *spec = strdup(env), *save = NULL;
	unsetenv("_MYRUNC_NSENTER");
	char *joins = strtok_r(spec, ";", &save);
	char *news = strtok_r(NULL, ";", &save);
	char *pipe = strtok_r(NULL, ";", &save);
	char *usersync = strtok_r(NULL, ";", &save);
	if (!joins || !news || !pipe || !usersync)
		die("bad _MYRUNC_NSENTER", env);
	int pidns = join(joins + (*joins == '-'));
	if (atoi(usersync) >= 0)
		new_user_mapped_by_runtime(atoi(usersync));
	pidns |= unshare_new(news + (*news == '-'));
	int pipefd = atoi(pipe);
	if (!pidns) {
		close(pipefd);
		free(spec);
		return;
	}
	// setns/unshare of a pid namespace only applies to children
	pid_t child = fork();
	if (child < 0)
		die("fork", NULL);
	if (child == 0) {
		close(pipefd);
		free(spec);
		return;
	}
	dprintf(pipefd, "%d", child);
	_exit(0);
}
