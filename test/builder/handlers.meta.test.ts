/** Every instruction has a handler file, a dispatch entry and a test file (one file per instruction per layer). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { INSTRUCTION_KINDS } from "../../parser/index.js";
import { HANDLERS } from "../../builder/handlers/index.js";
import { repoRoot } from "../helpers/paths.js";

for (const kind of INSTRUCTION_KINDS) {
  const name = kind.toLowerCase();
  test(`${kind} has builder/handlers/${name}.ts, a HANDLERS entry and test/builder/handlers/${name}.test.ts`, () => {
    assert.ok(existsSync(join(repoRoot, "builder", "handlers", `${name}.ts`)), "handler file");
    assert.type(HANDLERS[kind], "function");
    assert.ok(existsSync(join(repoRoot, "test", "builder", "handlers", `${name}.test.ts`)), "test file");
  });
}

test.run();
