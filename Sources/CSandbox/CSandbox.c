#define _GNU_SOURCE
#include "CSandbox.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <unistd.h>
#include <dirent.h>
#include <stdlib.h>

int paperwork_die_with_parent(void) {
    /* (A parent that died before this call leaves the worker reading a closed stdin, which
       ends its loop: no orphan lingers either way.) */
    return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}

int paperwork_no_new_privileges(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }

int paperwork_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

int paperwork_leave_network(void) {
    if (unshare(CLONE_NEWNET) == 0) return 0;
    return unshare(CLONE_NEWUSER | CLONE_NEWNET);
}

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int paperwork_spawn(const char *path, const char *args, size_t args_length, const char *extra_env, size_t extra_env_length, int *to_child, int *from_child, int *errors_from_child, int *pid) {
    size_t count = 0;
    for (size_t i = 0; i < args_length; i++) if (args[i] == '\0') count++;
    char **argv = calloc(count + 1, sizeof(char *));
    if (!argv) return -1;
    size_t n = 0;
    for (size_t i = 0; i < args_length && n < count; n++) {
        argv[n] = (char *)&args[i];
        i += strlen(&args[i]) + 1;
    }
    int in_pipe[2], out_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) != 0) { free(argv); return -1; }
    if (pipe2(out_pipe, O_CLOEXEC) != 0) { close(in_pipe[0]); close(in_pipe[1]); free(argv); return -1; }
    /* Documents and results of a few hundred KiB cross in one go rather than in 64 KiB
       turns of the scheduler (best effort: the kernel may refuse the size). */
    fcntl(in_pipe[1], F_SETPIPE_SZ, 1 << 20);
    fcntl(out_pipe[1], F_SETPIPE_SZ, 1 << 20);
    int err_pipe[2] = {-1, -1};
    if (errors_from_child && pipe2(err_pipe, O_CLOEXEC) != 0) {
        close(in_pipe[0]); close(in_pipe[1]); close(out_pipe[0]); close(out_pipe[1]); free(argv); return -1;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    if (errors_from_child) posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    /* Nothing else crosses into the child: not even descriptors a C library opened without
       O_CLOEXEC. The child cannot do this itself once its runtime has started (libdispatch
       keeps its epoll, eventfd and timerfd there). */
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    /* The parent's environment, without Swift's crash backtracer: a worker that crashes
       should die at once, not spend a second symbolicating. */
    size_t variables = 0;
    while (environ[variables]) variables++;
    size_t extra = 0;
    for (size_t i = 0; i < extra_env_length; i++) if (extra_env[i] == '\0') extra++;
    char **envp = calloc(variables + extra + 2, sizeof(char *));
    if (!envp) {
        posix_spawn_file_actions_destroy(&actions); free(argv);
        close(in_pipe[0]); close(in_pipe[1]); close(out_pipe[0]); close(out_pipe[1]);
        if (errors_from_child) { close(err_pipe[0]); close(err_pipe[1]); }
        return -1;
    }
    /* Then the caller's variables ("NAME=value\0" each), which replace the parent's of the
       same name. */
    size_t e = 0;
    for (size_t v = 0; v < variables; v++) {
        if (strncmp(environ[v], "SWIFT_BACKTRACE=", 16) == 0) continue;
        int replaced = 0;
        for (size_t i = 0; i < extra_env_length; i += strlen(&extra_env[i]) + 1) {
            const char *equals = strchr(&extra_env[i], '=');
            size_t name_length = equals ? (size_t)(equals - &extra_env[i]) + 1 : 0;
            if (name_length && strncmp(environ[v], &extra_env[i], name_length) == 0) { replaced = 1; break; }
        }
        if (!replaced) envp[e++] = environ[v];
    }
    for (size_t i = 0; i < extra_env_length && e < variables + extra + 1; i += strlen(&extra_env[i]) + 1) {
        envp[e++] = (char *)&extra_env[i];
    }
    envp[e++] = "SWIFT_BACKTRACE=enable=no";
    pid_t child = 0;
    int error = posix_spawn(&child, path, &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    free(envp);
    free(argv);
    close(in_pipe[0]);
    close(out_pipe[1]);
    if (errors_from_child) close(err_pipe[1]);
    if (error != 0) {
        close(in_pipe[1]);
        close(out_pipe[0]);
        if (errors_from_child) close(err_pipe[0]);
        errno = error;
        return -1;
    }
    *to_child = in_pipe[1];
    *from_child = out_pipe[0];
    if (errors_from_child) *errors_from_child = err_pipe[0];
    *pid = child;
    return 0;
}

int paperwork_wait(int pid, int *signal_number, int *exit_status) {
    int status = 0;
    pid_t result;
    do { result = waitpid(pid, &status, 0); } while (result < 0 && errno == EINTR);
    if (result < 0) return -1;
    *signal_number = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return 0;
}

void paperwork_segfault_for_testing(void) {
    volatile int *invalid = (volatile int *)8;
    *invalid = 1;
}

#include <poll.h>
#include <time.h>

int paperwork_wait_readable(int fd, int timeout_ms) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int left = timeout_ms;
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, left);
        if (r > 0) return 1;
        if (r == 0) return 0;
        if (errno != EINTR) return -1;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        left = timeout_ms - (int)elapsed;
        if (left <= 0) return 0;
    }
}

int paperwork_batch_scheduling(void) {
    DIR *tasks = opendir("/proc/self/task");
    if (tasks == NULL) return -1;
    int changed = 0, failure = 0;
    struct dirent *entry;
    while ((entry = readdir(tasks)) != NULL) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        struct sched_param parameters = { .sched_priority = 0 };
        if (sched_setscheduler((pid_t)atoi(entry->d_name), SCHED_BATCH, &parameters) == 0) {
            changed += 1;
        } else if (errno != ESRCH && failure == 0) {  /* a thread that ended meanwhile is no failure */
            failure = errno;
        }
    }
    closedir(tasks);
    if (failure != 0) { errno = failure; return -1; }
    return changed;
}
