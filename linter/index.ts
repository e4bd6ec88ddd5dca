/** kiln's Dockerfile linter: BuildKit's build checks and hadolint's rules over one parser. */
export * from "./types.js";
export { lint, failsThreshold, compareFindings } from "./lint.js";
export type { LintResult } from "./lint.js";
export { LintContext, Scope, hostPlatform, resolveIn, PLATFORM_ARGS, PROXY_ARGS } from "./context.js";
export type { LintOptions, Stage, Binding } from "./context.js";
export { allRules, findRule } from "./registry.js";
export { DEFAULT_CONFIG, parseConfig, loadConfig, mergeConfig, isFailureThreshold } from "./config.js";
export type { LintConfig, FailureThreshold } from "./config.js";
