// Before the Go runtime starts any thread: one malloc arena for all.
#include <malloc.h>

__attribute__((constructor)) static void myrunc_one_arena(void) {
	mallopt(M_ARENA_MAX, 1);
}
