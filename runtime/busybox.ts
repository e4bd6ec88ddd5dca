/**
 * A tiny rootfs made from the host's static busybox (Debian: busybox-static), for tests,
 * benchmarks and trying the runtime without an image store: every applet as a symlink to
 * /bin/busybox (what `busybox --install -s` makes), /etc/passwd with root, app (1000) and
 * nobody, /etc/group with wheel and staff listing app, /tmp, /root and /home/app.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KilnError } from "../util/errors.js";

export const BUSYBOX_CANDIDATES = ["/bin/busybox", "/usr/bin/busybox", "/usr/local/bin/busybox"];

/** The host's busybox if it is statically linked (a dynamic one cannot run in a rootfs without libc). */
export function findStaticBusybox(): string | undefined {
  for (const path of BUSYBOX_CANDIDATES) {
    if (!existsSync(path)) continue;
    try {
      const head = execFileSync("file", ["-L", path], { encoding: "utf8" });
      if (/statically linked|static-pie/.test(head)) return path;
    } catch {
      // no `file`: look for an interpreter in the ELF program headers
      if (!hasInterpreter(path)) return path;
    }
  }
  return undefined;
}

function hasInterpreter(path: string): boolean {
  try {
    const text = execFileSync("readelf", ["-l", path], { encoding: "utf8" });
    return /INTERP/.test(text);
  } catch {
    return true;
  }
}

export const BUSYBOX_PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
export const BUSYBOX_GROUP = "root:x:0:\nwheel:x:10:app\nstaff:x:50:app\napp:x:1000:\nnogroup:x:65534:\n";

/**
 * Writes the busybox rootfs into `dir` (created). Times are fixed (2000-01-01) so two rootfs made
 * this way look alike. Throws KilnError `busybox-missing` without a static busybox.
 */
export function makeBusyboxRootfs(dir: string, busybox = findStaticBusybox()): void {
  if (!busybox) throw new KilnError("busybox-missing", "no static busybox found (install busybox-static)");
  const applets = execFileSync(busybox, ["--list-full"], { encoding: "utf8" }).split("\n").filter((l) => l !== "");
  for (const d of ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "root", "home/app", "var"]) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(busybox, join(dir, "bin/busybox"));
  chmodSync(join(dir, "bin/busybox"), 0o755);
  for (const applet of applets) {
    if (applet === "bin/busybox") continue;
    const p = join(dir, applet);
    mkdirSync(dirname(p), { recursive: true });
    if (!existsSync(p)) symlinkSync("/bin/busybox", p);
  }
  writeFileSync(join(dir, "etc/passwd"), BUSYBOX_PASSWD);
  writeFileSync(join(dir, "etc/group"), BUSYBOX_GROUP);
  chmodSync(join(dir, "tmp"), 0o1777);
  chmodSync(join(dir, "root"), 0o700);
  if (process.getuid?.() === 0) chownSync(join(dir, "home/app"), 1000, 1000);
  const t = new Date("2000-01-01T00:00:00Z");
  for (const f of ["etc/passwd", "etc/group", "bin/busybox", "etc", "tmp", "root", "home/app", "home", "bin", "sbin", "usr/bin", "usr/sbin", "usr", "var", ""]) {
    utimesSync(join(dir, f), t, t);
  }
}
