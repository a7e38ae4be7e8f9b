#ifndef PAPERWORK_CSANDBOX_H
#define PAPERWORK_CSANDBOX_H

/* Linux process-hardening calls that Swift's Glibc module does not export (they need
   _GNU_SOURCE or <sys/prctl.h>). Each returns 0 on success, -1 with errno set on failure. */

/* SIGKILL this process when its parent dies. */
int paperwork_die_with_parent(void);
/* Never gain privileges through exec (setuid bits, file capabilities). */
int paperwork_no_new_privileges(void);
/* No core dumps, no ptrace by other unprivileged processes. */
int paperwork_not_dumpable(void);
/* Move into a new, empty network namespace (as root, or through a user namespace). */
int paperwork_leave_network(void);

#endif

#ifndef PAPERWORK_CSANDBOX_SPAWN
#define PAPERWORK_CSANDBOX_SPAWN
#include <stddef.h>
/* Starts `path` with arguments `args` (argv[0] first, each ended by a NUL byte, `args_length`
   bytes in all) and this process's environment with `extra_env` over it ("NAME=value" each
   ended by a NUL byte, `extra_env_length` bytes in all; a name there replaces the parent's),
   its stdin and stdout on new pipes, and its
   stderr on a third pipe when `errors_from_child` is not NULL (else it shares ours). The
   pipes are close-on-exec, so no other child inherits them. Sets the parent's ends and the
   child's pid. */
int paperwork_spawn(const char *path, const char *args, size_t args_length, const char *extra_env, size_t extra_env_length, int *to_child, int *from_child, int *errors_from_child, int *pid);
/* Waits for `pid` to end and reaps it. Sets the signal that killed it (0 if none) and its
   exit status. */
int paperwork_wait(int pid, int *signal_number, int *exit_status);
#endif

/* Puts every thread of this process under SCHED_BATCH (nice unchanged). Threads and child
   processes started later inherit it from their creator. Returns the number of threads
   changed, or -1 with errno set by the first that could not be. */
int paperwork_batch_scheduling(void);

/* Test-only: dies of SIGSEGV through a real invalid write, as a parser bug would. */
void paperwork_segfault_for_testing(void);

/* Waits until `fd` is readable (or its writer closed it): 1, or 0 after `timeout_ms`,
   or -1 on error. */
int paperwork_wait_readable(int fd, int timeout_ms);
