/** Every instruction has its own argument parser file, named after it (one file per instruction per layer). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { INSTRUCTION_KINDS } from "../../parser/index.js";
import { INSTRUCTION_PARSERS } from "../../parser/instructions/index.js";
import { repoRoot } from "../helpers/paths.js";

test("there are the 18 Dockerfile instructions", () => {
  assert.is(INSTRUCTION_KINDS.length, 18);
  assert.is(new Set(INSTRUCTION_KINDS).size, 18);
});

for (const kind of INSTRUCTION_KINDS) {
  test(`${kind} has parser/instructions/${kind.toLowerCase()}.ts and a dispatch entry`, () => {
    assert.ok(existsSync(join(repoRoot, "parser", "instructions", `${kind.toLowerCase()}.ts`)));
    assert.type(INSTRUCTION_PARSERS[kind], "function");
  });
}

test.run();
