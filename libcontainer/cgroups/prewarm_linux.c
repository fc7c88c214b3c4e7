// Starts the kernel's slow first cgroup migration as early as possible.
//
// The first cgroup migration after a quiet spell waits for an RCU grace
// period (milliseconds on a small VM) while holding the global cgroup
// lock. `create`, `run` and `exec` must migrate a process, so this
// constructor begins, before the Go runtime even starts, a no-op
// migration in a thread of its own: it writes our pid into the cgroup we
// already are in (pids or freezer hierarchy, or v2). The grace period
// then passes while the runtime parses config.json and spawns the init.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static void *migrate_to_own_cgroup(void *unused) {
	(void)unused;
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return NULL;
	char line[4096], path[4200] = "";
	struct statfs st;
	int v2 = statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *ctl = strchr(line, ':'), *cg = ctl ? strchr(ctl + 1, ':') : NULL;
		if (!cg)
			continue;
		*cg++ = '\0';
		ctl++;
		if (strcmp(ctl, "pids") == 0 || strcmp(ctl, "freezer") == 0) {
			snprintf(path, sizeof path, "/sys/fs/cgroup/%s%s/cgroup.procs", ctl, cg);
			break;
		}
		if (v2 && *ctl == '\0')
			snprintf(path, sizeof path, "/sys/fs/cgroup%s/cgroup.procs", cg);
	}
	fclose(f);
	if (!*path)
		return NULL;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dprintf(fd, "%d", getpid());
		close(fd);
	}
	return NULL;
}

__attribute__((constructor)) static void myrunc_prewarm(int argc, char **argv) {
	if (geteuid() != 0 || argc < 2 || strcmp(argv[1], "init") == 0)
		return;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "create") == 0 || strcmp(argv[i], "run") == 0 || strcmp(argv[i], "exec") == 0) {
			pthread_t t;
			pthread_attr_t a;
			pthread_attr_init(&a);
			pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
			pthread_create(&t, &a, migrate_to_own_cgroup, NULL);
			pthread_attr_destroy(&a);
			return;
		}
	}
}
