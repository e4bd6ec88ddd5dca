/*
 * kiln-sandbox: the small native half of kiln's runtime (docs/runtime.md).
 *
 *   kiln-sandbox run [options] -- COMMAND [ARG...]
 *       Runs COMMAND in new mount, pid, uts and ipc namespaces (and net with --net none, and a
 *       user namespace with --userns), with the given rootfs as its root. No daemon: this
 *       process stays in the host pid namespace as the supervisor of the sandbox's pid 1 and
 *       exits with the command's status (128+N when a signal N ended it, 125 when the sandbox
 *       could not be set up, 126/127 when the command cannot be executed / found).
 *   kiln-sandbox xattrs DIR
 *       Prints every extended attribute under DIR (not following links): records of
 *       "P" relpath NUL, then per attribute "X" name NUL hexvalue NUL.
 *   kiln-sandbox xattr-set
 *       Reads records path NUL name NUL hexvalue NUL from stdin and lsetxattr()s each.
 *   kiln-sandbox mknod PATH c|b|p MAJOR MINOR MODE
 *   kiln-sandbox mknods
 *       Reads records path NUL c|b|p NUL major NUL minor NUL octal-mode NUL from stdin.
 *
 * Every mount happens inside the new mount namespace after "/" was made recursively private,
 * so nothing leaks to the host, and everything dies with the namespace: SIGKILL of kiln kills
 * this supervisor (PR_SET_PDEATHSIG), which kills pid 1 (same), which ends the namespace.
 *
 * Status lines are written on --status-fd: "created /path" for mount points the sandbox had to
 * create in the rootfs (kiln keeps them out of layers), "pid N" (host pid of the sandbox's
 * pid 1), "error CODE message", "exit N" or "signal N".
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
struct kiln_mount_attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};

#define EXIT_SETUP 125
#define EXIT_NOEXEC 126
#define EXIT_NOTFOUND 127
#define MAX_ITEMS 256

static int status_fd = -1;

static void status(const char *fmt, ...) {
  if (status_fd < 0) return;
  char buf[PATH_MAX + 64];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  ssize_t w = write(status_fd, buf, n);
  (void)w;
}

/* ---- options ---------------------------------------------------------------------------- */

struct bind {
  const char *src, *dst;
  int ro, is_file, fd;
};

struct opts {
  const char *rootfs;     /* the mount point that becomes "/" */
  const char *lower;      /* overlay lowerdir (colon-separated, top first); NULL: bind rootfs */
  const char *upper, *work;
  const char *mount_cwd;  /* chdir here before the overlay mount (relative lowerdirs) */
  int userxattr;
  int volatile_upper;     /* overlay "volatile": no sync of the upper fs at unmount */
  const char *hostname;
  int net_none;
  int userns;
  uid_t uid;
  gid_t gid;
  gid_t groups[MAX_ITEMS];
  int ngroups;
  const char *cwd;
  char *env[MAX_ITEMS * 4 + 2];
  int nenv;
  struct bind binds[MAX_ITEMS];
  int nbinds;
  const char *user;       /* resolved inside the rootfs through /etc/passwd and /etc/group */
  int tty;
  int tty_no_stdin;       /* --tty-no-stdin: the terminal gets no input (docker run -t without -i) */
  int kill_after_ms;
  pid_t parent_pid;
  int readonly_root;
  char **argv;
};

static void usage(const char *why) {
  fprintf(stderr, "kiln-sandbox: %s\n", why);
  exit(2);
}

static long num(const char *s, const char *what) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || end == s || v < 0) {
    fprintf(stderr, "kiln-sandbox: %s: not a number: %s\n", what, s);
    exit(2);
  }
  return v;
}

static void parse_run(int argc, char **argv, struct opts *o) {
  memset(o, 0, sizeof *o);
  o->uid = 0;
  o->gid = 0;
  o->cwd = "/";
  o->kill_after_ms = 2000;
  o->parent_pid = -1;
  int i;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
#define NEXT() (i + 1 < argc ? argv[++i] : (usage("missing value"), (char *)0))
    if (!strcmp(a, "--")) {
      i++;
      break;
    } else if (!strcmp(a, "--rootfs")) o->rootfs = NEXT();
    else if (!strcmp(a, "--lower")) o->lower = NEXT();
    else if (!strcmp(a, "--upper")) o->upper = NEXT();
    else if (!strcmp(a, "--work")) o->work = NEXT();
    else if (!strcmp(a, "--mount-cwd")) o->mount_cwd = NEXT();
    else if (!strcmp(a, "--userxattr")) o->userxattr = 1;
    else if (!strcmp(a, "--volatile")) o->volatile_upper = 1;
    else if (!strcmp(a, "--hostname")) o->hostname = NEXT();
    else if (!strcmp(a, "--net")) {
      const char *v = NEXT();
      if (!strcmp(v, "none")) o->net_none = 1;
      else if (!strcmp(v, "host")) o->net_none = 0;
      else usage("--net must be none or host");
    } else if (!strcmp(a, "--userns")) o->userns = 1;
    else if (!strcmp(a, "--uid")) o->uid = (uid_t)num(NEXT(), "--uid");
    else if (!strcmp(a, "--gid")) o->gid = (gid_t)num(NEXT(), "--gid");
    else if (!strcmp(a, "--groups")) {
      char *v = NEXT();
      char *save, *tok;
      for (tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (o->ngroups >= MAX_ITEMS) usage("too many groups");
        o->groups[o->ngroups++] = (gid_t)num(tok, "--groups");
      }
    } else if (!strcmp(a, "--user")) o->user = NEXT();
    else if (!strcmp(a, "--cwd")) o->cwd = NEXT();
    else if (!strcmp(a, "--env")) {
      if (o->nenv >= MAX_ITEMS * 4) usage("too many variables");
      o->env[o->nenv++] = NEXT();
    } else if (!strcmp(a, "--bind") || !strcmp(a, "--bind-ro") || !strcmp(a, "--file")) {
      if (o->nbinds >= MAX_ITEMS) usage("too many binds");
      struct bind *b = &o->binds[o->nbinds++];
      b->ro = !strcmp(a, "--bind-ro");
      b->is_file = !strcmp(a, "--file");
      b->src = NEXT();
      b->dst = NEXT();
      b->fd = -1;
    } else if (!strcmp(a, "--tty")) o->tty = 1;
    else if (!strcmp(a, "--tty-no-stdin")) o->tty_no_stdin = 1;
    else if (!strcmp(a, "--readonly-root")) o->readonly_root = 1;
    else if (!strcmp(a, "--kill-after")) o->kill_after_ms = (int)num(NEXT(), "--kill-after");
    else if (!strcmp(a, "--parent-pid")) o->parent_pid = (pid_t)num(NEXT(), "--parent-pid");
    else if (!strcmp(a, "--status-fd")) status_fd = (int)num(NEXT(), "--status-fd");
    else {
      fprintf(stderr, "kiln-sandbox: unknown option %s\n", a);
      exit(2);
    }
#undef NEXT
  }
  if (!o->rootfs) usage("--rootfs is required");
  if (o->lower && (!o->upper || !o->work)) usage("--lower needs --upper and --work");
  if (i >= argc) usage("no command");
  o->argv = argv + i;
  o->env[o->nenv] = NULL;
}

/* ---- the child (pid 1 of the sandbox) --------------------------------------------------- */

static int err_fd = -1; /* child → supervisor; CLOEXEC, so a successful exec closes it */

static void fail(int code, const char *kind, const char *fmt, ...) {
  char msg[PATH_MAX + 256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (n >= (int)sizeof msg) n = sizeof msg - 1;
  char out[PATH_MAX + 300];
  int m = snprintf(out, sizeof out, "%d %s %.*s", code, kind, n, msg);
  if (err_fd >= 0 && m > 0) {
    ssize_t w = write(err_fd, out, m);
    (void)w;
  } else if (status_fd >= 0) {
    status("error %s %.*s", kind, n, msg);
  } else {
    fprintf(stderr, "kiln-sandbox: %.*s\n", n, msg);
  }
  _exit(code);
}

#define CHECK(expr, what)                                                        \
  do {                                                                           \
    if ((expr) < 0) fail(EXIT_SETUP, "setup", "%s: %s", what, strerror(errno)); \
  } while (0)

static int open_tree_(int dfd, const char *path, unsigned flags) {
  return (int)syscall(SYS_open_tree, dfd, path, flags);
}
static int move_mount_(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) {
  return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}
static int mount_setattr_(int dfd, const char *path, unsigned flags, struct kiln_mount_attr *attr) {
  return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof *attr);
}

/* Resolves an absolute path inside the new root (we are already inside it, so the kernel keeps
 * every lookup, `..` and absolute link there), following symlinks and creating the missing
 * components: directories, and a file for the last one when last_is_file. With `report`, each
 * creation is reported as a mount point (kiln keeps those out of layers) and the parent's times
 * are put back so the image looks untouched. The resolved path goes to `out`. */
static void make_path(const char *path, int last_is_file, int report, char *out) {
  char todo[PATH_MAX * 2], done[PATH_MAX] = "", cand[PATH_MAX + 256], buf[PATH_MAX * 2];
  int links = 0;
  if (strlen(path) >= PATH_MAX) fail(EXIT_SETUP, "setup", "path too long: %s", path);
  strcpy(todo, path);
  char *rest = todo;
  for (;;) {
    while (*rest == '/') rest++;
    if (!*rest) break;
    char *end = strchr(rest, '/');
    size_t len = end ? (size_t)(end - rest) : strlen(rest);
    char comp[NAME_MAX + 1];
    if (len > NAME_MAX) fail(EXIT_SETUP, "setup", "name too long in %s", path);
    memcpy(comp, rest, len);
    comp[len] = '\0';
    rest += len;
    while (*rest == '/') rest++;
    int last = !*rest;
    if (!strcmp(comp, ".")) continue;
    if (!strcmp(comp, "..")) {
      char *slash = strrchr(done, '/');
      if (slash) *slash = '\0';
      continue;
    }
    snprintf(cand, sizeof cand, "%s/%s", done, comp);
    if (strlen(cand) >= PATH_MAX) fail(EXIT_SETUP, "setup", "path too long: %s", path);
    struct stat st;
    if (lstat(cand, &st) < 0) {
      if (errno != ENOENT) fail(EXIT_SETUP, "setup", "stat %s: %s", cand, strerror(errno));
      struct stat pst;
      const char *parent = done[0] ? done : "/";
      int have_parent = report && stat(parent, &pst) == 0;
      if (last && last_is_file) {
        int fd = open(cand, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) fail(EXIT_SETUP, "setup", "create %s: %s", cand, strerror(errno));
        close(fd);
      } else if (mkdir(cand, 0755) < 0) {
        fail(EXIT_SETUP, "setup", "create %s: %s", cand, strerror(errno));
      }
      if (report) status("created %s", cand);
      if (have_parent) {
        struct timespec ts[2] = {pst.st_atim, pst.st_mtim};
        utimensat(AT_FDCWD, parent, ts, 0);
      }
      strcpy(done, cand);
      continue;
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > 40) fail(EXIT_SETUP, "setup", "too many symbolic links in %s", path);
      char target[PATH_MAX];
      ssize_t n = readlink(cand, target, sizeof target - 1);
      if (n < 0) fail(EXIT_SETUP, "setup", "readlink %s: %s", cand, strerror(errno));
      target[n] = '\0';
      if (target[0] == '/') done[0] = '\0';
      snprintf(buf, sizeof buf, "%s/%s", target, rest);
      if (strlen(buf) >= sizeof todo) fail(EXIT_SETUP, "setup", "path too long: %s", path);
      strcpy(todo, buf);
      rest = todo;
      continue;
    }
    strcpy(done, cand);
  }
  strcpy(out, done[0] ? done : "/");
}

/* A directory right below the root (proc, sys), created when missing and reported; refuses
 * anything that is not a real directory. Returns an O_PATH descriptor. */
static int top_dir(int rootfd, const char *name) {
  struct stat st;
  if (fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno != ENOENT) fail(EXIT_SETUP, "setup", "stat /%s: %s", name, strerror(errno));
    struct stat rst;
    int have = fstat(rootfd, &rst) == 0;
    if (mkdirat(rootfd, name, 0755) < 0) fail(EXIT_SETUP, "setup", "create mount point /%s: %s", name, strerror(errno));
    status("created /%s", name);
    if (have) {
      struct timespec ts[2] = {rst.st_atim, rst.st_mtim};
      char p[64];
      snprintf(p, sizeof p, "/proc/self/fd/%d", rootfd);
      utimensat(AT_FDCWD, p, ts, 0);
    }
  } else if (!S_ISDIR(st.st_mode)) {
    fail(EXIT_SETUP, "setup", "/%s in the image is not a directory; cannot mount it", name);
  }
  int fd = openat(rootfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail(EXIT_SETUP, "setup", "open /%s: %s", name, strerror(errno));
  return fd;
}

/* A file mount point (hosts, resolv.conf, hostname): a symlink in the image is followed inside
 * the root; returns 0 (skip) when the path turns out to be a directory. */
static int file_target(const char *dst, char *out) {
  make_path(dst, 1, 1, out);
  struct stat st;
  return stat(out, &st) == 0 && !S_ISDIR(st.st_mode);
}

static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  close(s);
}

static const struct {
  const char *name;
  unsigned maj, min;
} devices[] = {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
#define NDEV (sizeof devices / sizeof devices[0])

static const char *env_get(char **env, const char *name) {
  size_t n = strlen(name);
  const char *found = NULL;
  for (; *env; env++)
    if (!strncmp(*env, name, n) && (*env)[n] == '=') found = *env + n + 1; /* last one wins */
  return found;
}

static void exec_command(char **argv, char **env) {
  const char *file = argv[0];
  if (!*file) fail(EXIT_NOTFOUND, "exec", "empty command");
  if (strchr(file, '/')) {
    execve(file, argv, env);
    int e = errno;
    fail(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC, "exec", "exec %s: %s", file, strerror(e));
  }
  const char *path = env_get(env, "PATH");
  if (!path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  int saw_eacces = 0;
  char cand[PATH_MAX];
  const char *p = path;
  for (;;) {
    const char *colon = strchr(p, ':');
    size_t dl = colon ? (size_t)(colon - p) : strlen(p);
    if (dl == 0) snprintf(cand, sizeof cand, "%s", file);
    else snprintf(cand, sizeof cand, "%.*s/%s", (int)dl, p, file);
    struct stat st;
    if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
      execve(cand, argv, env);
      if (errno == EACCES) saw_eacces = 1;
      else if (errno != ENOENT) fail(EXIT_NOEXEC, "exec", "exec %s: %s", cand, strerror(errno));
    }
    if (!colon) break;
    p = colon + 1;
  }
  if (saw_eacces) fail(EXIT_NOEXEC, "exec", "exec %s: permission denied", file);
  fail(EXIT_NOTFOUND, "exec", "exec: \"%s\": executable file not found in $PATH", file);
}

/* ---- users, as Docker resolves them (runc's libcontainer/user) ----------------------------- */

static int all_digits(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s)) return 0;
  return 1;
}

/* Splits a colon-separated line in place into at most `max` fields; returns the count. */
static int split_fields(char *line, char **f, int max) {
  int n = 0;
  f[n++] = line;
  for (char *c = line; *c && n < max; c++)
    if (*c == ':') {
      *c = '\0';
      f[n++] = c + 1;
    }
  char *nl = strchr(f[n - 1], '\n');
  if (nl) *nl = '\0';
  return n;
}

static char home_buf[PATH_MAX];

/* Resolves USER[:GROUP] (names or ids) inside the new root; sets uid, gid, groups, home. */
static void resolve_user(struct opts *o, const char **home) {
  char spec[512];
  snprintf(spec, sizeof spec, "%s", o->user);
  char *gspec = strchr(spec, ':');
  if (gspec) *gspec++ = '\0';
  const char *uspec = spec;
  if (!*uspec) uspec = "0";
  *home = "/";
  char user_name[256] = "";
  int found = 0;
  int numeric = all_digits(uspec);
  FILE *f = fopen("/etc/passwd", "re");
  char *line = NULL;
  size_t cap = 0;
  if (f) {
    while (getline(&line, &cap, f) > 0) {
      char *fl[7];
      if (line[0] == '#' || split_fields(line, fl, 7) < 7) continue;
      if (!all_digits(fl[2]) || !all_digits(fl[3])) continue;
      if (numeric ? (uid_t)strtoul(fl[2], NULL, 10) == (uid_t)strtoul(uspec, NULL, 10) : !strcmp(fl[0], uspec)) {
        o->uid = (uid_t)strtoul(fl[2], NULL, 10);
        o->gid = (gid_t)strtoul(fl[3], NULL, 10);
        snprintf(user_name, sizeof user_name, "%s", fl[0]);
        snprintf(home_buf, sizeof home_buf, "%s", fl[5]);
        *home = home_buf;
        found = 1;
        break;
      }
    }
    fclose(f);
  }
  if (!found) {
    if (!numeric) fail(EXIT_SETUP, "user", "unable to find user %s: no matching entries in passwd file", uspec);
    o->uid = (uid_t)strtoul(uspec, NULL, 10);
    o->gid = 0;
  }
  int explicit_group = gspec && *gspec;
  if (explicit_group && all_digits(gspec)) o->gid = (gid_t)strtoul(gspec, NULL, 10);
  o->ngroups = 0;
  int group_found = !explicit_group || all_digits(gspec);
  f = fopen("/etc/group", "re");
  if (f) {
    while (getline(&line, &cap, f) > 0) {
      char *fl[4];
      if (line[0] == '#' || split_fields(line, fl, 4) < 4 || !all_digits(fl[2])) continue;
      gid_t gid = (gid_t)strtoul(fl[2], NULL, 10);
      if (explicit_group) {
        if (!all_digits(gspec) && !strcmp(fl[0], gspec) && !group_found) {
          o->gid = gid;
          group_found = 1;
        }
        continue;
      }
      /* supplementary groups: every group that lists the user by name */
      if (!user_name[0]) continue;
      char *save, *m;
      for (m = strtok_r(fl[3], ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        if (!strcmp(m, user_name) && gid != o->gid && o->ngroups < MAX_ITEMS) {
          o->groups[o->ngroups++] = gid;
          break;
        }
      }
    }
    fclose(f);
  }
  free(line);
  if (!group_found) fail(EXIT_SETUP, "user", "unable to find group %s: no matching entries in group file", gspec);
  /* the primary group is a member too, first (what `id` shows as groups=) */
  if (o->ngroups < MAX_ITEMS) {
    memmove(o->groups + 1, o->groups, o->ngroups * sizeof o->groups[0]);
    o->groups[0] = o->gid;
    o->ngroups++;
  }
}

static int sync_fd = -1; /* read end of a pipe the supervisor holds open: HUP means it died */

static void die_with_parent(void) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  struct pollfd p = {sync_fd, POLLIN, 0};
  if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR))) _exit(EXIT_SETUP);
}

static int tty_sock = -1;        /* child → supervisor: the terminal's master, by SCM_RIGHTS */
static struct winsize tty_size; /* kiln's terminal size at the start (0x0 without one) */

static void send_fd(int sock, int fd) {
  char byte = 'm';
  struct iovec iov = {&byte, 1};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR) fail(EXIT_SETUP, "setup", "pass the terminal to the supervisor: %s", strerror(errno));
}

static int recv_fd(int sock) {
  char byte;
  struct iovec iov = {&byte, 1};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } u;
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  ssize_t n;
  while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT)) < 0 && errno == EINTR) {}
  if (n <= 0) return -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return fd;
    }
  }
  return -1;
}

/* The terminal, from the sandbox's own devpts instance (so `tty` says /dev/pts/0 and the slave
 * belongs to the container): the master goes to the supervisor, the slave becomes the controlling
 * terminal and stdin/stdout/stderr of the command. Owned by the command's user (group tty as
 * root, like Docker). */
static void setup_tty(uid_t uid, int as_root) {
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail(EXIT_SETUP, "setup", "open /dev/ptmx: %s", strerror(errno));
  int unlock = 0;
  CHECK(ioctl(master, TIOCSPTLCK, &unlock), "unlock the terminal");
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    unsigned n;
    CHECK(ioctl(master, TIOCGPTN, &n), "terminal number");
    char name[64];
    snprintf(name, sizeof name, "/dev/pts/%u", n);
    slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) fail(EXIT_SETUP, "setup", "open %s: %s", name, strerror(errno));
  }
  if (tty_size.ws_row || tty_size.ws_col) ioctl(slave, TIOCSWINSZ, &tty_size);
  if (as_root && uid != 0 && fchown(slave, uid, (gid_t)-1) < 0) fail(EXIT_SETUP, "setup", "chown the terminal: %s", strerror(errno));
  CHECK(ioctl(slave, TIOCSCTTY, 0), "make the terminal the controlling one");
  for (int fd = 0; fd < 3; fd++) CHECK(dup2(slave, fd), "terminal as stdio");
  close(slave);
  send_fd(tty_sock, master);
  close(master);
  close(tty_sock);
  tty_sock = -1;
}

/* The root filesystem on o->rootfs: overlayfs of the snapshot chain, or a bind of the copy. */
static void mount_rootfs(struct opts *o) {
  if (o->lower) {
    /* "volatile" (Linux 5.10+): the unmount at the namespace's end would otherwise sync the whole
     * filesystem holding the upper dir (every dirty page of the host on it, not just ours); a
     * throwaway upper needs no durability. Older kernels refuse it: mount again without. */
    char data[8192];
    /* in a user namespace (userxattr) the kernel accepts only redirect_dir=nofollow */
    int n = snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s,index=off,metacopy=off,%s%s", o->lower, o->upper, o->work,
                     o->userxattr ? "redirect_dir=nofollow,userxattr" : "redirect_dir=off", o->volatile_upper ? ",volatile" : "");
    if (n >= (int)sizeof data || n >= 4096) fail(EXIT_SETUP, "setup", "overlay options too long (%d bytes): too many layers", n);
    char here[PATH_MAX];
    if (o->mount_cwd) {
      if (!getcwd(here, sizeof here)) here[0] = 0;
      CHECK(chdir(o->mount_cwd), "chdir for the overlay mount");
    }
    int r = mount("overlay", o->rootfs, "overlay", 0, data);
    if (r < 0 && errno == EINVAL && o->volatile_upper) {
      data[n - (int)strlen(",volatile")] = 0;
      r = mount("overlay", o->rootfs, "overlay", 0, data);
    }
    if (r < 0) fail(EXIT_SETUP, "setup", "mount overlay on %s: %s", o->rootfs, strerror(errno));
    if (o->mount_cwd && here[0]) CHECK(chdir(here), "chdir back");
  } else {
    CHECK(mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL), "bind the rootfs");
  }
}

/* Docker's default capabilities (what `docker run` and `docker build` give a container's root):
 * every other one leaves the bounding set, so the command, as root or after setuid, can never
 * regain CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_TIME, … (which would reach the host's kernel). */
static void drop_capabilities(void) {
  static const int keep[] = {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, CAP_SETGID,
                             CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE};
  int last = 63;
  FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
  if (f) {
    if (fscanf(f, "%d", &last) != 1) last = 63;
    fclose(f);
  }
  for (int c = 0; c <= last; c++) {
    int kept = 0;
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) kept |= keep[i] == c;
    if (!kept && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) fail(EXIT_SETUP, "setup", "drop capability %d: %s", c, strerror(errno));
  }
}

/* Docker's masked and read-only paths: what a container's root could otherwise use to reach the
 * host through /proc and /sys (sysrq-trigger reboots it, kcore reads its memory). Paths the kernel
 * lacks are skipped; without root (a user namespace) a refusal is tolerated, as rootless Docker. */
static const char *masked_paths[] = {"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                                     "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"};
static const char *readonly_paths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

static void protect_proc(int as_root) {
  for (size_t i = 0; i < sizeof masked_paths / sizeof masked_paths[0]; i++) {
    const char *p = masked_paths[i];
    struct stat st;
    if (lstat(p, &st) < 0) continue;
    int r = S_ISDIR(st.st_mode) ? mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0")
                                : mount("/dev/null", p, NULL, MS_BIND, NULL);
    if (r < 0 && as_root) fail(EXIT_SETUP, "setup", "mask %s: %s", p, strerror(errno));
  }
  for (size_t i = 0; i < sizeof readonly_paths / sizeof readonly_paths[0]; i++) {
    const char *p = readonly_paths[i];
    struct stat st;
    if (lstat(p, &st) < 0) continue;
    int r = mount(p, p, NULL, MS_BIND | MS_REC, NULL);
    if (r == 0) r = mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    if (r < 0 && as_root) fail(EXIT_SETUP, "setup", "read-only %s: %s", p, strerror(errno));
  }
}

static void child(struct opts *o) {
  umask(0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  setsid();
  die_with_parent();
  CHECK(unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | (o->net_none ? CLONE_NEWNET : 0)), "create namespaces");
  CHECK(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL), "make / private");

  mount_rootfs(o);

  /* sources of bind mounts are opened now, while the host's files are still visible */
  int devfd[NDEV];
  int as_root = !o->userns;
  for (size_t i = 0; i < NDEV; i++) {
    devfd[i] = -1;
    if (as_root) continue;
    char p[64];
    snprintf(p, sizeof p, "/dev/%s", devices[i].name);
    devfd[i] = open_tree_(AT_FDCWD, p, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (devfd[i] < 0) fail(EXIT_SETUP, "setup", "open_tree %s: %s", p, strerror(errno));
  }
  for (int i = 0; i < o->nbinds; i++) {
    struct bind *b = &o->binds[i];
    b->fd = open_tree_(AT_FDCWD, b->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (b->is_file ? 0 : AT_RECURSIVE));
    if (b->fd < 0) fail(EXIT_SETUP, "setup", "bind source %s: %s", b->src, strerror(errno));
    if (b->ro) {
      struct kiln_mount_attr attr = {MOUNT_ATTR_RDONLY, 0, 0, 0};
      if (mount_setattr_(b->fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0) fail(EXIT_SETUP, "setup", "read-only %s: %s", b->src, strerror(errno));
    }
  }

  /* /proc and /sys are mounted before the old root goes: the kernel lets a user namespace
   * mount them only while a full proc/sysfs is visible. They are reached through O_PATH
   * descriptors opened without following links, so a symlink in the image cannot redirect them. */
  int rootfd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  CHECK(rootfd, "open the rootfs");
  int procfd = top_dir(rootfd, "proc");
  char fdpath[64];
  snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", procfd);
  CHECK(mount("proc", fdpath, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), "mount /proc");
  close(procfd);
  int sysdir = top_dir(rootfd, "sys");
  snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", sysdir);
  if (mount("sysfs", fdpath, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
    int sysfd = open_tree_(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (sysfd >= 0) {
      struct kiln_mount_attr attr = {MOUNT_ATTR_RDONLY, 0, 0, 0};
      mount_setattr_(sysfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr);
      move_mount_(sysfd, "", sysdir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
      close(sysfd);
    }
  }
  close(sysdir);
  close(rootfd);

  /* make the rootfs "/" (the old root is stacked on it, then detached) */
  CHECK(chdir(o->rootfs), "chdir to the rootfs");
  CHECK(syscall(SYS_pivot_root, ".", "."), "pivot_root");
  CHECK(umount2(".", MNT_DETACH), "detach the old root");
  CHECK(chdir("/"), "chdir /");

  { char devpath[PATH_MAX]; make_path("/dev", 0, 1, devpath); }
  CHECK(mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=755,size=65536k"), "mount /dev");
  for (size_t i = 0; i < NDEV; i++) {
    char p[64];
    snprintf(p, sizeof p, "/dev/%s", devices[i].name);
    if (as_root) {
      CHECK(mknod(p, S_IFCHR | 0666, makedev(devices[i].maj, devices[i].min)), p);
    } else {
      int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
      CHECK(fd, p);
      close(fd);
      CHECK(move_mount_(devfd[i], "", AT_FDCWD, p, MOVE_MOUNT_F_EMPTY_PATH), p);
    }
  }
  CHECK(mkdir("/dev/pts", 0755), "mkdir /dev/pts");
  CHECK(mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, as_root ? "newinstance,ptmxmode=0666,mode=0620,gid=5" : "newinstance,ptmxmode=0666,mode=0620"), "mount /dev/pts");
  CHECK(symlink("pts/ptmx", "/dev/ptmx"), "/dev/ptmx");
  CHECK(mkdir("/dev/shm", 01777), "mkdir /dev/shm");
  CHECK(mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k"), "mount /dev/shm");
  CHECK(symlink("/proc/self/fd", "/dev/fd"), "/dev/fd");
  CHECK(symlink("/proc/self/fd/0", "/dev/stdin"), "/dev/stdin");
  CHECK(symlink("/proc/self/fd/1", "/dev/stdout"), "/dev/stdout");
  CHECK(symlink("/proc/self/fd/2", "/dev/stderr"), "/dev/stderr");
  mkdir("/dev/mqueue", 0755);
  if (mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) rmdir("/dev/mqueue");

  protect_proc(as_root);

  /* files and volumes from the host */
  for (int i = 0; i < o->nbinds; i++) {
    struct bind *b = &o->binds[i];
    char target[PATH_MAX];
    if (b->is_file) {
      if (!file_target(b->dst, target)) continue;
    } else {
      struct stat st;
      int src_is_dir = fstat(b->fd, &st) == 0 && S_ISDIR(st.st_mode);
      make_path(b->dst, !src_is_dir, 1, target);
    }
    if (move_mount_(b->fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) fail(EXIT_SETUP, "setup", "mount %s on %s: %s", b->src, b->dst, strerror(errno));
    close(b->fd);
  }
  if (o->readonly_root) CHECK(mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), "read-only root");

  if (o->hostname) CHECK(sethostname(o->hostname, strlen(o->hostname)), "sethostname");
  if (o->net_none) loopback_up();

  /* working directory, created (root-owned, 0755) when missing, like Docker; kept in the diff */
  if (chdir(o->cwd) < 0) {
    if (errno != ENOENT) fail(EXIT_SETUP, "setup", "chdir %s: %s", o->cwd, strerror(errno));
    char resolved[PATH_MAX];
    make_path(o->cwd, 0, 0, resolved);
    CHECK(chdir(resolved), "chdir to the working directory");
  }

  /* the user */
  const char *home = "/";
  if (o->user) resolve_user(o, &home);
  if (!env_get(o->env, "HOME")) {
    static char home_env[PATH_MAX + 8];
    snprintf(home_env, sizeof home_env, "HOME=%s", home);
    o->env[o->nenv++] = home_env;
    o->env[o->nenv] = NULL;
  }
  if (o->tty) setup_tty(o->uid, as_root);
  drop_capabilities();
  if (!o->userns) CHECK(setgroups(o->ngroups, o->groups), "setgroups");
  else if (o->uid != 0 || o->gid != 0) fail(EXIT_SETUP, "user", "without root, kiln maps only root into the sandbox; user %u:%u is not available", o->uid, o->gid);
  CHECK(setgid(o->gid), "setgid");
  CHECK(setuid(o->uid), "setuid");
  umask(022);
  die_with_parent(); /* changing credentials cleared the parent-death signal */
  exec_command(o->argv, o->env);
}

/* ---- the supervisor --------------------------------------------------------------------- */

static struct termios saved_tio;
static int restore_tio = 0;

static void restore_terminal(void) {
  if (restore_tio) tcsetattr(0, TCSANOW, &saved_tio);
}

static void write_all(int fd, const char *buf, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        struct pollfd p = {fd, POLLOUT, 0};
        poll(&p, 1, -1);
        continue;
      }
      return;
    }
    buf += w;
    n -= w;
  }
}

static int write_map(const char *file, const char *text) {
  int fd = open(file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int cmd_run(int argc, char **argv) {
  struct opts o;
  parse_run(argc, argv, &o);
  if (status_fd >= 0) fcntl(status_fd, F_SETFD, FD_CLOEXEC);

  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (o.parent_pid > 0 && getppid() != o.parent_pid) return EXIT_SETUP; /* kiln is already gone */

  if (o.userns) {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER) < 0) {
      int e = errno;
      status("error userns user namespaces are not available: %s", strerror(e));
      fprintf(stderr, "kiln-sandbox: cannot create a user namespace: %s\n", strerror(e));
      return EXIT_SETUP;
    }
    char map[64];
    snprintf(map, sizeof map, "0 %u 1\n", uid);
    if (write_map("/proc/self/uid_map", map) < 0) goto maperr;
    write_map("/proc/self/setgroups", "deny\n");
    snprintf(map, sizeof map, "0 %u 1\n", gid);
    if (write_map("/proc/self/gid_map", map) < 0) goto maperr;
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the credential change cleared it */
  }
  /* the pid namespace here (our next child is its pid 1); the others in that child, so this
   * supervisor keeps the host's mounts and root */
  if (unshare(CLONE_NEWPID) < 0) {
    int e = errno;
    status("error namespaces cannot create namespaces: %s", strerror(e));
    fprintf(stderr, "kiln-sandbox: cannot create namespaces: %s\n", strerror(e));
    return EXIT_SETUP;
  }

  int master = -1, socks[2] = {-1, -1};
  if (o.tty) {
    /* kiln's terminal size; 24x80 without one (so `stty size` and curses programs work) */
    if ((ioctl(0, TIOCGWINSZ, &tty_size) < 0 || !tty_size.ws_row) && (ioctl(1, TIOCGWINSZ, &tty_size) < 0 || !tty_size.ws_row))
      tty_size = (struct winsize){.ws_row = 24, .ws_col = 80};
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, socks) < 0) {
      status("error setup cannot allocate a pseudo-terminal: socketpair: %s", strerror(errno));
      return EXIT_SETUP;
    }
  }

  sigset_t mask, old;
  sigemptyset(&mask);
  int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGUSR1, SIGUSR2, SIGPIPE};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(&mask, sigs[i]);
  sigprocmask(SIG_BLOCK, &mask, &old);

  int errp[2], syncp[2];
  if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(syncp, O_CLOEXEC) < 0) return EXIT_SETUP;
  pid_t pid = fork();
  if (pid < 0) {
    status("error fork %s", strerror(errno));
    return EXIT_SETUP;
  }
  if (pid == 0) {
    close(errp[0]);
    close(syncp[1]);
    err_fd = errp[1];
    sync_fd = syncp[0];
    if (o.tty) {
      close(socks[0]);
      tty_sock = socks[1];
    }
    child(&o);
    _exit(EXIT_SETUP);
  }
  close(errp[1]);
  close(syncp[0]);
  if (o.tty) close(socks[1]);

  /* wait for exec (EOF) or a setup error */
  char ebuf[PATH_MAX + 300];
  ssize_t en = 0, r;
  while ((r = read(errp[0], ebuf + en, sizeof ebuf - 1 - en)) != 0) {
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    en += r;
    if (en >= (ssize_t)sizeof ebuf - 1) break;
  }
  close(errp[0]);
  if (en > 0) {
    ebuf[en] = '\0';
    int code = atoi(ebuf);
    char *kind = strchr(ebuf, ' ');
    char *msg = kind ? strchr(kind + 1, ' ') : NULL;
    if (kind && msg) {
      *msg++ = '\0';
      kind++;
    } else {
      kind = "setup";
      msg = ebuf;
    }
    waitpid(pid, NULL, 0);
    status("error %s %s", kind, msg);
    if (status_fd < 0) fprintf(stderr, "kiln-sandbox: %s\n", msg);
    return code ? code : EXIT_SETUP;
  }
  if (o.tty) {
    /* sent before the exec that closed the error pipe: already queued */
    master = recv_fd(socks[0]);
    close(socks[0]);
    if (master < 0) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      status("error setup the sandbox did not pass its terminal");
      return EXIT_SETUP;
    }
  }
  status("pid %d", pid);

  int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  if (master >= 0 && !o.tty_no_stdin && isatty(0)) {
    if (tcgetattr(0, &saved_tio) == 0) {
      struct termios raw = saved_tio;
      cfmakeraw(&raw);
      if (tcsetattr(0, TCSANOW, &raw) == 0) restore_tio = 1;
    }
  }
  int stdin_open = master >= 0 && !o.tty_no_stdin;
  int exit_code = -1;
  int term_requests = 0;
  char buf[65536];
  for (;;) {
    struct pollfd p[4];
    int n = 0;
    p[n++] = (struct pollfd){sfd, POLLIN, 0};
    p[n++] = (struct pollfd){tfd, POLLIN, 0};
    int mi = -1, ii = -1;
    if (master >= 0) {
      mi = n;
      p[n++] = (struct pollfd){master, POLLIN, 0};
    }
    if (stdin_open) {
      ii = n;
      p[n++] = (struct pollfd){0, POLLIN, 0};
    }
    if (poll(p, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (mi >= 0 && (p[mi].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t k = read(master, buf, sizeof buf);
      if (k > 0) write_all(1, buf, k);
      else if (k < 0 && errno != EAGAIN && errno != EINTR) {
        /* EIO: every slave fd is closed */
        if (exit_code >= 0) break;
        close(master);
        master = -1;
        stdin_open = 0;
      }
    }
    if (ii >= 0 && (p[ii].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t k = read(0, buf, sizeof buf);
      if (k > 0 && master >= 0) write_all(master, buf, k);
      else if (k == 0) {
        stdin_open = 0;
        if (master >= 0) {
          char eot = 4;
          write_all(master, &eot, 1);
        }
      } else if (k < 0 && errno != EAGAIN && errno != EINTR) stdin_open = 0;
    }
    if (p[1].revents & POLLIN) {
      uint64_t x;
      ssize_t k = read(tfd, &x, sizeof x);
      (void)k;
      kill(pid, SIGKILL);
    }
    if (p[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == sizeof si) {
        int s = (int)si.ssi_signo;
        if (s == SIGCHLD) {
          int st;
          pid_t w;
          while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
            if (w != pid) continue;
            exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            if (WIFEXITED(st)) status("exit %d", WEXITSTATUS(st));
            else status("signal %d", WTERMSIG(st));
          }
        } else if (s == SIGWINCH) {
          struct winsize ws;
          if (master >= 0 && (ioctl(0, TIOCGWINSZ, &ws) == 0 || ioctl(1, TIOCGWINSZ, &ws) == 0)) ioctl(master, TIOCSWINSZ, &ws);
        } else if (s == SIGPIPE) {
          /* ignore */
        } else {
          kill(pid, s);
          if (s == SIGINT || s == SIGTERM || s == SIGHUP || s == SIGQUIT) {
            if (++term_requests > 1 || o.kill_after_ms == 0) kill(pid, SIGKILL);
            else {
              struct itimerspec its = {{0, 0}, {o.kill_after_ms / 1000, (long)(o.kill_after_ms % 1000) * 1000000L}};
              timerfd_settime(tfd, 0, &its, NULL);
            }
          }
        }
        if (exit_code >= 0) break;
      }
    }
    if (exit_code >= 0) {
      if (master < 0) break;
      /* drain what the terminal still holds */
      int fl = fcntl(master, F_GETFL);
      fcntl(master, F_SETFL, fl | O_NONBLOCK);
      ssize_t k;
      while ((k = read(master, buf, sizeof buf)) > 0) write_all(1, buf, k);
      break;
    }
  }
  restore_terminal();
  return exit_code < 0 ? EXIT_SETUP : exit_code;

maperr:
  status("error userns cannot write the user namespace maps: %s", strerror(errno));
  fprintf(stderr, "kiln-sandbox: cannot write the user namespace maps: %s\n", strerror(errno));
  return EXIT_SETUP;
}

/* ---- an OCI runtime (runc, crun) instead of our own namespaces ---------------------------- */

/* `kiln-sandbox oci [run options] -- RUNTIME ARGS...` (root): mounts the rootfs in a private
 * mount namespace, prepares it as `run` would (mount points created and reported, working
 * directory, the user resolved inside the root), reports `target DST RESOLVED` for every file or
 * volume mount, `user UID GID GROUPS HOME` and `ready`, then waits for one byte on fd 4 (kiln
 * writes the bundle's config.json meanwhile) and execs the runtime, which finds the rootfs
 * mounted in this namespace. Nothing is mounted on the host; the namespace ends with the runtime. */
static int cmd_oci(int argc, char **argv) {
  struct opts o;
  parse_run(argc, argv, &o);
  if (status_fd >= 0) fcntl(status_fd, F_SETFD, FD_CLOEXEC);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (o.parent_pid > 0 && getppid() != o.parent_pid) return EXIT_SETUP;
  if (geteuid() != 0) fail(EXIT_SETUP, "setup", "an OCI runtime is used only as root");
  CHECK(unshare(CLONE_NEWNS), "create a mount namespace");
  CHECK(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL), "make / private");
  mount_rootfs(&o);
  int src_dir[MAX_ITEMS];
  for (int i = 0; i < o.nbinds; i++) {
    struct stat st;
    if (stat(o.binds[i].src, &st) < 0) fail(EXIT_SETUP, "setup", "bind source %s: %s", o.binds[i].src, strerror(errno));
    src_dir[i] = S_ISDIR(st.st_mode);
  }
  pid_t pid = fork();
  CHECK(pid, "fork");
  if (pid == 0) {
    /* in a chroot the kernel keeps every lookup inside, as after pivot_root in `run` */
    CHECK(chroot(o.rootfs), "chroot to the rootfs");
    CHECK(chdir("/"), "chdir /");
    char out[PATH_MAX];
    static const char *tops[] = {"/proc", "/sys", "/dev"};
    for (size_t i = 0; i < 3; i++) {
      struct stat st;
      if (lstat(tops[i], &st) == 0 && !S_ISDIR(st.st_mode)) fail(EXIT_SETUP, "setup", "%s in the image is not a directory; cannot mount it", tops[i]);
      make_path(tops[i], 0, 1, out);
    }
    for (int i = 0; i < o.nbinds; i++) {
      struct bind *b = &o.binds[i];
      if (b->is_file ? !file_target(b->dst, out) : (make_path(b->dst, !src_dir[i], 1, out), 0)) continue;
      status("target %s %s", b->dst, out);
    }
    if (chdir(o.cwd) < 0) {
      if (errno != ENOENT) fail(EXIT_SETUP, "setup", "chdir %s: %s", o.cwd, strerror(errno));
      make_path(o.cwd, 0, 0, out);
    }
    const char *home = "/";
    if (!o.user) o.user = "0";
    resolve_user(&o, &home);
    char groups[MAX_ITEMS * 12] = "";
    size_t len = 0;
    for (int i = 0; i < o.ngroups && len < sizeof groups - 12; i++) len += snprintf(groups + len, sizeof groups - len, "%s%u", i ? "," : "", o.groups[i]);
    status("user %u %u %s %s", o.uid, o.gid, groups[0] ? groups : "-", home);
    _exit(0);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return EXIT_SETUP; /* the error is on the status fd */
  status("ready");
  char go;
  ssize_t n;
  while ((n = read(4, &go, 1)) < 0 && errno == EINTR) {
  }
  if (n != 1) return EXIT_SETUP; /* kiln gave up */
  close(4);
  execvp(o.argv[0], o.argv);
  fail(errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC, "setup", "exec %s: %s", o.argv[0], strerror(errno));
  return EXIT_SETUP;
}

/* ---- xattrs and device nodes ------------------------------------------------------------- */

static size_t dump_root_len;

static void put_hex(const unsigned char *v, ssize_t n) {
  static const char hex[] = "0123456789abcdef";
  for (ssize_t i = 0; i < n; i++) {
    putchar(hex[v[i] >> 4]);
    putchar(hex[v[i] & 15]);
  }
}

static int dump_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st;
  (void)type;
  (void)ftw;
  char names[65536];
  ssize_t n = llistxattr(path, names, sizeof names);
  if (n <= 0) return 0;
  const char *rel = path + dump_root_len;
  while (*rel == '/') rel++;
  printf("P%s", rel);
  putchar(0);
  for (char *name = names; name < names + n; name += strlen(name) + 1) {
    unsigned char value[65536];
    ssize_t vn = lgetxattr(path, name, value, sizeof value);
    if (vn < 0) continue;
    printf("X%s", name);
    putchar(0);
    put_hex(value, vn);
    putchar(0);
  }
  return 0;
}

static int cmd_xattrs(int argc, char **argv) {
  if (argc != 1) usage("xattrs DIR");
  dump_root_len = strlen(argv[0]);
  if (nftw(argv[0], dump_one, 64, FTW_PHYS) < 0) {
    fprintf(stderr, "kiln-sandbox: walk %s: %s\n", argv[0], strerror(errno));
    return 1;
  }
  return fflush(stdout) == 0 ? 0 : 1;
}

static int unhex(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static char *read_field(FILE *f) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getdelim(&line, &cap, 0, f);
  if (n <= 0) {
    free(line);
    return NULL;
  }
  return line;
}

static int cmd_xattr_set(void) {
  int rc = 0;
  for (;;) {
    char *path = read_field(stdin);
    if (!path) break;
    char *name = read_field(stdin);
    char *hexv = read_field(stdin);
    if (!name || !hexv) usage("xattr-set: truncated record");
    size_t hl = strlen(hexv);
    unsigned char *v = malloc(hl / 2 + 1);
    for (size_t i = 0; i + 1 < hl; i += 2) v[i / 2] = (unsigned char)(unhex(hexv[i]) << 4 | unhex(hexv[i + 1]));
    if (lsetxattr(path, name, v, hl / 2, 0) < 0) {
      fprintf(stderr, "kiln-sandbox: setxattr %s %s: %s\n", path, name, strerror(errno));
      rc = 1;
    }
    free(v);
    free(path);
    free(name);
    free(hexv);
  }
  return rc;
}

static int cmd_mknod(int argc, char **argv) {
  if (argc != 5) usage("mknod PATH c|b|p MAJOR MINOR MODE");
  mode_t type = !strcmp(argv[1], "c") ? S_IFCHR : !strcmp(argv[1], "b") ? S_IFBLK : !strcmp(argv[1], "p") ? S_IFIFO : 0;
  if (!type) usage("mknod: type must be c, b or p");
  mode_t mode = (mode_t)strtol(argv[4], NULL, 8);
  umask(0);
  if (mknod(argv[0], type | (mode & 07777), makedev(num(argv[2], "major"), num(argv[3], "minor"))) < 0) {
    fprintf(stderr, "kiln-sandbox: mknod %s: %s\n", argv[0], strerror(errno));
    return 1;
  }
  return 0;
}

/* records path NUL type NUL major NUL minor NUL octal-mode NUL on stdin */
static int cmd_mknods(void) {
  int rc = 0;
  umask(0);
  for (;;) {
    char *path = read_field(stdin);
    if (!path) break;
    char *t = read_field(stdin), *ma = read_field(stdin), *mi = read_field(stdin), *mo = read_field(stdin);
    if (!t || !ma || !mi || !mo) usage("mknods: truncated record");
    mode_t type = t[0] == 'c' ? S_IFCHR : t[0] == 'b' ? S_IFBLK : S_IFIFO;
    mode_t mode = (mode_t)strtol(mo, NULL, 8);
    if (mknod(path, type | (mode & 07777), makedev(strtoul(ma, NULL, 10), strtoul(mi, NULL, 10))) < 0) {
      fprintf(stderr, "kiln-sandbox: mknod %s: %s\n", path, strerror(errno));
      rc = 1;
    }
    free(path), free(t), free(ma), free(mi), free(mo);
  }
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) usage("usage: kiln-sandbox run|xattrs|xattr-set|mknod ...");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "run")) return cmd_run(argc - 2, argv + 2);
  if (!strcmp(cmd, "oci")) return cmd_oci(argc - 2, argv + 2);
  if (!strcmp(cmd, "xattrs")) return cmd_xattrs(argc - 2, argv + 2);
  if (!strcmp(cmd, "xattr-set")) return cmd_xattr_set();
  if (!strcmp(cmd, "mknod")) return cmd_mknod(argc - 2, argv + 2);
  if (!strcmp(cmd, "mknods")) return cmd_mknods();
  if (!strcmp(cmd, "--version")) {
    puts("kiln-sandbox 1");
    return 0;
  }
  usage("unknown command");
  return 2;
}
