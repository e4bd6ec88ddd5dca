/**
 * Platforms as BuildKit's platform ARGs see them: the host's Node `process.arch` mapped to OCI
 * names, and containerd-style normalisation of `--platform` values (x86_64 → amd64, aarch64 →
 * arm64, `arm` gets variant v7, `arm64/v8` drops its default variant).
 */
import type { Platform } from "../image/types.js";
import { formatPlatform, parsePlatform } from "../image/image.js";

const NODE_ARCH: Readonly<Record<string, string>> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
  mips64el: "mips64le",
  mipsel: "mipsle",
};

/** The OCI platform of a Node process (`process.platform`, `process.arch`). */
export function nodePlatform(nodeOs: string, nodeArch: string, armVersion?: string): Platform {
  const os = nodeOs === "win32" ? "windows" : nodeOs;
  const architecture = NODE_ARCH[nodeArch] ?? nodeArch;
  const p: Platform = { os, architecture };
  if (architecture === "arm") p.variant = `v${armVersion ?? "7"}`;
  return p;
}

/** This host's platform. */
export function hostPlatform(): Platform {
  const vars = (process.config.variables ?? {}) as Record<string, unknown>;
  const arm = vars["arm_version"];
  return nodePlatform(process.platform, process.arch, typeof arm === "string" || typeof arm === "number" ? String(arm) : undefined);
}

/** containerd's platforms.Normalize for os/architecture/variant. */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase();
  switch (architecture) {
    case "i386":
      architecture = "386";
      variant = undefined;
      break;
    case "x86_64":
    case "x86-64":
    case "amd64":
      architecture = "amd64";
      if (variant === "v1") variant = undefined;
      break;
    case "aarch64":
    case "arm64":
      architecture = "arm64";
      if (variant === "8" || variant === "v8" || variant === "v8.0") variant = undefined;
      break;
    case "armhf":
      architecture = "arm";
      variant = "v7";
      break;
    case "armel":
      architecture = "arm";
      variant = "v6";
      break;
    case "arm":
      if (variant === undefined || variant === "" || variant === "7") variant = "v7";
      else if (variant === "5" || variant === "6" || variant === "8") variant = `v${variant}`;
      break;
  }
  const out: Platform = { os, architecture };
  if (variant) out.variant = variant;
  return out;
}

/** Parses and normalises a `--platform` value such as `linux/arm64` or `linux/arm/v7`. */
export function parseTargetPlatform(value: string): Platform {
  return normalizePlatform(parsePlatform(value));
}

export { formatPlatform };
