/** Every rule kiln knows: BuildKit's build checks, then hadolint's DL rules. */
import { buildkitRules } from "./rules/buildkit/index.js";
import { hadolintRules } from "./rules/hadolint/index.js";
import type { Rule } from "./types.js";

export const allRules: readonly Rule[] = [...buildkitRules, ...hadolintRules];

const byId = new Map(allRules.map((r) => [r.meta.id.toLowerCase(), r]));

/** The rule with this id (case-insensitive), if any. */
export function findRule(id: string): Rule | undefined {
  return byId.get(id.toLowerCase());
}
