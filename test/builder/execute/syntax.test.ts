/** `kiln build` of a Dockerfile that does not parse: every error at once, with code frames and hints, nothing built. */
import * as assert from "uvu/assert";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import { kiln } from "../../bin/helpers.js";

test("every syntax error of the Dockerfile is reported with its line, column and hint, and the build stops before any step", () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-syntax-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nRUNN echo\nCOPPY a b\nEXPOSE\n");
    const root = join(dir, "root");
    const res = kiln(["build", "--progress", "plain", dir], { env: { KILN_ROOT: root, KILN_BUILD_LINT: "0" } });
    assert.is(res.status, 1);
    assert.match(res.stderr, /error\[unknown-instruction\]: unknown instruction: RUNN\n\s+--> .*Dockerfile:2:1/);
    assert.match(res.stderr, /\^\^\^\^ did you mean RUN\?/);
    assert.match(res.stderr, /unknown instruction: COPPY\n\s+--> .*Dockerfile:3:1/);
    assert.match(res.stderr, /did you mean COPY\?/);
    assert.match(res.stderr, /EXPOSE requires at least one argument\n\s+--> .*Dockerfile:4:1/);
    assert.not.match(res.stdout + res.stderr, /#1 /, "no step started");
    let stored: string[] = [];
    try {
      stored = readdirSync(join(root, "blobs", "sha256"));
    } catch {
      // no store made at all
    }
    assert.equal(stored, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
