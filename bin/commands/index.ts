/**
 * Every command of the CLI, in `kiln --help` order. Each module here is loaded on every start:
 * keep them free of static imports of the library (see bin/command.ts).
 */
import type { AnyCommand } from "../command.js";
import { lintCommand } from "./lint.js";
import { parseCommand } from "./parse.js";

export const commands: readonly AnyCommand[] = [parseCommand, lintCommand];
