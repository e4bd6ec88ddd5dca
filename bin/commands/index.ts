/**
 * Every command of the CLI, in `kiln --help` order. Each module here is loaded on every start:
 * keep them free of static imports of the library (see bin/command.ts).
 */
import type { AnyCommand } from "../command.js";
import { buildCommand } from "./build.js";
import { commitCommand } from "./commit.js";
import { diffCommand } from "./diff.js";
import { exportCommand } from "./export.js";
import { historyCommand } from "./history.js";
import { imagesCommand } from "./images.js";
import { importCommand } from "./import.js";
import { inspectCommand } from "./inspect.js";
import { lintCommand } from "./lint.js";
import { loadCommand } from "./load.js";
import { loginCommand } from "./login.js";
import { logoutCommand } from "./logout.js";
import { parseCommand } from "./parse.js";
import { pullCommand } from "./pull.js";
import { pushCommand } from "./push.js";
import { rmiCommand } from "./rmi.js";
import { runCommand } from "./run.js";
import { saveCommand } from "./save.js";
import { systemCommand } from "./system.js";
import { tagCommand } from "./tag.js";

export const commands: readonly AnyCommand[] = [
  parseCommand,
  lintCommand,
  buildCommand,
  runCommand,
  diffCommand,
  commitCommand,
  imagesCommand,
  inspectCommand,
  historyCommand,
  tagCommand,
  rmiCommand,
  importCommand,
  exportCommand,
  saveCommand,
  loadCommand,
  pullCommand,
  pushCommand,
  loginCommand,
  logoutCommand,
  systemCommand,
];
