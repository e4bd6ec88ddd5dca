/**
 * Golden fixtures: every `fixtures/dockerfiles/<case>/Dockerfile` parses to the BuildKit dump in
 * `dump`, reports exactly the code frames in `diagnostics`, and, where `ast.json` exists, to
 * that typed AST with ranges. `KILN_UPDATE_GOLDENS=1 npm test` rewrites them (review the diff).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { dump, parse, renderDiagnostics } from "../../parser/index.js";
import { fixturesDir } from "../helpers/paths.js";

const root = join(fixturesDir, "dockerfiles");
const update = process.env.KILN_UPDATE_GOLDENS === "1";

function check(file: string, actual: string): void {
  if (update) writeFileSync(file, actual);
  assert.fixture(actual, readFileSync(file, "utf8"));
}

for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  test(`golden ${name}`, () => {
    const text = readFileSync(join(dir, "Dockerfile"), "utf8");
    const result = parse(text);
    check(join(dir, "dump"), dump(result.dockerfile));
    check(join(dir, "diagnostics"), renderDiagnostics(text, result.diagnostics, { file: `${name}/Dockerfile`, color: false }));
    if (existsSync(join(dir, "ast.json"))) check(join(dir, "ast.json"), JSON.stringify(result, null, 2) + "\n");
  });
}

test.run();
