/** hadolint's DL rules (owned by the `lintsh` branch; see linter/README.md). */
import type { Rule } from "../../types.js";

export const hadolintRules: readonly Rule[] = [];
