/*
 * maxrss: runs a command and reports the peak resident set size of that
 * command (the child only, not this wrapper), for the benchmark
 * (tests/e2e/bench-arm64.sh).
 *
 * usage: maxrss COMMAND [ARG]...
 *
 * The command inherits stdin, stdout, stderr and the environment.  When it
 * has ended, one line goes to stdout (flushed):
 *   MAXRSS: kib=N status=S
 * N is wait4()'s ru_maxrss (KiB on Linux), S the command's exit status, or
 * 128 + the signal number when a signal ended it.  maxrss exits with S.
 * Errors go to stderr as "MAXRSS: error: ..." (exit 127).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	pid_t pid, got;
	int status, code;

	if (argc < 2) {
		fprintf(stderr, "usage: maxrss COMMAND [ARG]...\n");
		return 127;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "MAXRSS: error: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "MAXRSS: error: cannot run %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	do {
		memset(&ru, 0, sizeof(ru));
		got = wait4(pid, &status, 0, &ru);
	} while (got < 0 && errno == EINTR);
	if (got < 0) {
		fprintf(stderr, "MAXRSS: error: wait4: %s\n", strerror(errno));
		return 127;
	}
	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		code = 128 + WTERMSIG(status);
	else
		code = 127;
	printf("MAXRSS: kib=%ld status=%d\n", (long)ru.ru_maxrss, code);
	fflush(stdout);
	return code;
}
