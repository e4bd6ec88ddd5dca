/**
 * Lint configuration: `.kiln-lint.yaml` (or `--config FILE`), which also accepts the keys of
 * `.hadolint.yaml` so a project can migrate by renaming the file:
 *
 * ```yaml
 * ignored: [DL3008, StageNameCasing]
 * override:
 *   error: [DL3001]
 *   warning: [DL3042]
 *   info: []
 *   style: []
 * failure-threshold: warning      # error | warning | info | style | none
 * trustedRegistries: [docker.io, my-company.com:5000]
 * label-schema:
 *   author: text
 *   version: semver
 * strict-labels: true
 * enable: [CopyIgnoredFile]       # experimental rules (kiln)
 * ```
 */
import { readFileSync } from "node:fs";
import { KilnError } from "../util/errors.js";
import { isSeverity, type LintSeverity } from "./types.js";
import { parseYaml, type YamlValue } from "./yaml.js";

export type FailureThreshold = LintSeverity | "none";

export interface LintConfig {
  /** Rule ids never reported. */
  readonly ignored: readonly string[];
  /** Severity per rule id. */
  readonly override: Readonly<Record<string, LintSeverity>>;
  /** Exit 1 when a finding is at or above this severity (hadolint's default: info). */
  readonly failureThreshold: FailureThreshold;
  /** hadolint DL3026: registries FROM may use (empty: any). */
  readonly trustedRegistries: readonly string[];
  /** hadolint DL3049-DL3058: label name → type (text, url, semver, hash, rfc3339, spdx, email). */
  readonly labelSchema: Readonly<Record<string, string>>;
  /** hadolint: labels not in the schema are findings. */
  readonly strictLabels: boolean;
  /** Experimental rules to run (`all` for every one). */
  readonly enable: readonly string[];
  /** hadolint `disable-ignore-pragma`: inline `# hadolint ignore=` comments are not honoured. */
  readonly disableIgnorePragma: boolean;
}

export const DEFAULT_CONFIG: LintConfig = {
  ignored: [],
  override: {},
  failureThreshold: "info",
  trustedRegistries: [],
  labelSchema: {},
  strictLabels: false,
  enable: [],
  disableIgnorePragma: false,
};

export function isFailureThreshold(s: string): s is FailureThreshold {
  return s === "none" || isSeverity(s);
}

function fail(file: string, message: string): never {
  throw new KilnError("lint-config", `${file}: ${message}`, { exitCode: 2 });
}

function stringList(file: string, key: string, v: YamlValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) {
    return v.map((item) => {
      if (typeof item !== "string") fail(file, `${key}: expected a list of strings`);
      return item;
    });
  }
  return fail(file, `${key}: expected a list of strings`);
}

/** Reads a configuration text (YAML subset). Unknown keys are errors, so typos do not go unnoticed. */
export function parseConfig(text: string, file = ".kiln-lint.yaml"): LintConfig {
  let doc: YamlValue;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return fail(file, err instanceof Error ? err.message : String(err));
  }
  if (doc === null || doc === undefined) return DEFAULT_CONFIG;
  if (typeof doc !== "object" || Array.isArray(doc)) return fail(file, "expected a mapping at the top level");
  const out = { ...DEFAULT_CONFIG, override: {} as Record<string, LintSeverity>, labelSchema: {} as Record<string, string> };
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    switch (key) {
      case "ignored":
      case "ignore":
        ignored.push(...stringList(file, key, value));
        break;
      case "override": {
        if (value === null) break;
        if (typeof value !== "object" || Array.isArray(value)) fail(file, "override: expected a mapping of severity to rule ids");
        for (const [sev, ids] of Object.entries(value)) {
          const list = stringList(file, `override.${sev}`, ids);
          if (sev === "ignore" || sev === "none") ignored.push(...list);
          else if (isSeverity(sev)) for (const id of list) out.override[id] = sev;
          else fail(file, `override: unknown severity ${JSON.stringify(sev)} (error, warning, info, style, ignore)`);
        }
        break;
      }
      case "failure-threshold":
      case "failureThreshold": {
        if (typeof value !== "string" || !(isFailureThreshold(value) || value === "ignore")) {
          fail(file, `${key}: expected error, warning, info, style or none`);
        }
        out.failureThreshold = value === "ignore" ? "none" : value;
        break;
      }
      case "trustedRegistries":
      case "trusted-registries":
        out.trustedRegistries = stringList(file, key, value);
        break;
      case "label-schema":
      case "labelSchema": {
        if (value === null) break;
        if (typeof value !== "object" || Array.isArray(value)) fail(file, `${key}: expected a mapping of label to type`);
        for (const [label, type] of Object.entries(value)) {
          if (typeof type !== "string") fail(file, `${key}.${label}: expected a type name`);
          out.labelSchema[label] = type;
        }
        break;
      }
      case "strict-labels":
      case "strictLabels":
        if (typeof value !== "boolean") fail(file, `${key}: expected true or false`);
        out.strictLabels = value;
        break;
      case "disable-ignore-pragma":
        if (typeof value !== "boolean") fail(file, `${key}: expected true or false`);
        out.disableIgnorePragma = value;
        break;
      case "enable":
        out.enable = stringList(file, key, value);
        break;
      // hadolint keys that only concern its own output: accepted and ignored.
      case "no-fail":
        if (value === true) out.failureThreshold = "none";
        break;
      case "no-color":
      case "format":
      case "verbose":
        break;
      default:
        fail(file, `unknown key ${JSON.stringify(key)}`);
    }
  }
  out.ignored = ignored;
  return out;
}

export function loadConfig(path: string): LintConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new KilnError("lint-config", `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { exitCode: 2, cause: err });
  }
  return parseConfig(text, path);
}

/** Layers `over` on `base`: lists add up, severities and scalars given in `over` win. */
export function mergeConfig(base: LintConfig, over: Partial<LintConfig>): LintConfig {
  return {
    ignored: [...base.ignored, ...(over.ignored ?? [])],
    override: { ...base.override, ...(over.override ?? {}) },
    failureThreshold: over.failureThreshold ?? base.failureThreshold,
    trustedRegistries: [...base.trustedRegistries, ...(over.trustedRegistries ?? [])],
    labelSchema: { ...base.labelSchema, ...(over.labelSchema ?? {}) },
    strictLabels: over.strictLabels ?? base.strictLabels,
    enable: [...base.enable, ...(over.enable ?? [])],
    disableIgnorePragma: over.disableIgnorePragma ?? base.disableIgnorePragma,
  };
}
