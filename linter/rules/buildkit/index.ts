/** BuildKit's build checks (https://docs.docker.com/reference/build-checks/), under BuildKit's names. */
import type { Rule } from "../../types.js";
import { FromAsCasing } from "./FromAsCasing.js";
import { StageNameCasing } from "./StageNameCasing.js";

export const buildkitRules: readonly Rule[] = [StageNameCasing, FromAsCasing];
