#ifndef PLACEMENT_SYSTEM_SHIMS_H
#define PLACEMENT_SYSTEM_SHIMS_H

#include <sys/types.h>

// Linux interfaces Glibc's Swift module leaves out; including them here makes them visible to
// Swift through this module (as swift-nio's CNIOLinux does).
#include <malloc.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

/// The credentials of the process at the other end of a connected Unix socket (SO_PEERCRED).
/// Glibc's Swift module does not expose `struct ucred`, hence this getter.
/// Returns 0 on success, -1 with errno set on failure.
int placement_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/// accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): a new connection that is
/// non-blocking and not inherited by child processes (accept4 needs _GNU_SOURCE).
int placement_accept(int fd);

#endif
