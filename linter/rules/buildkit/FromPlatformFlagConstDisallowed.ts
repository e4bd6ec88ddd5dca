import type { Rule } from "../../types.js";

const OSES = new Set(["linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "illumos", "aix", "android", "ios", "plan9", "js", "wasip1"]);
const ARCH_ALIASES: Record<string, string> = { x86_64: "amd64", "x86-64": "amd64", aarch64: "arm64", armhf: "arm", armel: "arm", i386: "386" };

/** containerd's platform parsing, reduced to what the check needs: `{ os, arch }` or null. */
export function parsePlatform(text: string): { os: string; arch: string } | null {
  const parts = text.toLowerCase().split("/");
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) return null;
  const norm = (a: string) => ARCH_ALIASES[a] ?? a;
  if (parts.length === 1) {
    const p = parts[0]!;
    return OSES.has(p) ? { os: p, arch: "" } : { os: "linux", arch: norm(p) };
  }
  if (!OSES.has(parts[0]!)) return null;
  return { os: parts[0]!, arch: norm(parts[1]!) };
}

/**
 * BuildKit FromPlatformFlagConstDisallowed: `FROM --platform=linux/amd64` pins the stage to one
 * platform. Allowed when the stage name says so (contains the OS or architecture, e.g.
 * `AS build_amd64`) or the value uses a variable.
 */
export const FromPlatformFlagConstDisallowed: Rule = {
  meta: {
    id: "FromPlatformFlagConstDisallowed",
    source: "buildkit",
    severity: "warning",
    summary: "FROM --platform flag should not use a constant value",
    sameAs: ["DL3029"],
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const flag = stage.from.flags.find((f) => f.name === "platform");
      if (!flag?.value || flag.value.includes("$")) continue;
      const p = parsePlatform(flag.value);
      if (!p) continue;
      const name = stage.name ?? "";
      if ((p.os && name.includes(p.os)) || (p.arch && name.includes(p.arch))) continue;
      ctx.report(this.meta, flag.range, `FROM --platform flag should not use constant value ${JSON.stringify(flag.value)}`);
    }
  },
};
