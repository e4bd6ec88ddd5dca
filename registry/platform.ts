/** Platforms: this machine's, and picking one manifest out of an index. */
import { formatPlatform, type Descriptor, type Platform } from "../image/index.js";
import { classifyMediaType } from "../image/index.js";
import { KilnError } from "../util/errors.js";

const ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64", loong64: "loong64", mips: "mips", mipsel: "mipsle" };

/** The platform of this machine, as images name it (`linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`). */
export function hostPlatform(): Platform {
  const architecture = ARCH[process.arch] ?? process.arch;
  const os = process.platform === "win32" ? "windows" : process.platform;
  const p: Platform = { os, architecture };
  if (architecture === "arm64") p.variant = "v8";
  if (architecture === "arm") {
    const v = (process.config.variables as { arm_version?: string }).arm_version;
    p.variant = `v${v && /^\d+$/.test(v) ? v : "7"}`;
  }
  return p;
}

/** The variant an architecture means when none is written (arm64 → v8, arm → v7). */
function defaultVariant(architecture: string): string | undefined {
  return architecture === "arm64" ? "v8" : architecture === "arm" ? "v7" : undefined;
}

export function platformMatches(want: Platform, have: Platform | undefined): boolean {
  if (!have) return false;
  if (want.os !== have.os || want.architecture !== have.architecture) return false;
  const wantVariant = want.variant ?? defaultVariant(want.architecture);
  const haveVariant = have.variant ?? defaultVariant(have.architecture);
  return wantVariant === undefined || haveVariant === wantVariant || (want.variant === undefined && have.variant === undefined);
}

/**
 * The image manifest of an index for `want`: an exact match, else (when no variant was asked for
 * explicitly) the same os/architecture. Attestation entries (`unknown/unknown`) never match.
 * Throws KilnError `no-matching-platform` listing what the index has.
 */
export function selectManifest(manifests: readonly Descriptor[], want: Platform, where: string, explicitVariant: boolean): Descriptor {
  const candidates = manifests.filter((m) => {
    const kind = classifyMediaType(m.mediaType).kind;
    return kind === "manifest" || kind === "index";
  });
  const exact = candidates.find((m) => platformMatches(want, m.platform));
  if (exact) return exact;
  if (!explicitVariant) {
    const loose = candidates.find((m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture);
    if (loose) return loose;
  }
  const have = candidates.map((m) => (m.platform ? formatPlatform(m.platform) : "(no platform)")).filter((p) => p !== "unknown/unknown");
  throw new KilnError(
    "no-matching-platform",
    `${where}: no image for ${formatPlatform(want)} in the manifest list (it has ${have.length > 0 ? have.join(", ") : "no images"}); choose one with --platform`,
  );
}
