/** WORKDIR: relative chains, expansion, mkdir effect owned by USER, "/" makes no layer. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy, imageConfig } from "../helpers.js";
import { normalizeWorkdir } from "../../../builder/handlers/workdir.js";

const table: [string, string, string][] = [
  ["/", "app", "/app"], ["/app", "src", "/app/src"], ["/app", "../x", "/x"], ["/app", "/abs/", "/abs"], ["/a", "./b/./c", "/a/b/c"], ["/", "/", "/"],
];
for (const [cur, req, want] of table) test(`WORKDIR ${req} in ${cur} → ${want}`, () => assert.is(normalizeWorkdir(cur, req), want));

test("relative WORKDIRs join the previous one (inherited too); each creates its directory", async () => {
  const b = await build("FROM base\nENV SUB=src\nWORKDIR app\nUSER 1000\nWORKDIR $SUB\n", { images: { base: imageConfig({ WorkingDir: "/srv" }) } });
  assert.is(b.target.state.config.WorkingDir, "/srv/app/src");
  const mk = b.effects.filter((e) => e.kind === "mkdir");
  assert.equal(mk.map((e) => e.kind === "mkdir" && [e.path, e.user, e.mode]), [["/srv/app", "", 0o755], ["/srv/app/src", "1000", 0o755]]);
  assert.equal(createdBy(b).filter((t) => t.startsWith("WORKDIR")), ["WORKDIR /srv/app", "WORKDIR /srv/app/src"]);
  assert.ok(mk.every((e) => !e.history.emptyLayer));
});

test("WORKDIR / makes no layer", async () => {
  const b = await build("FROM scratch\nWORKDIR /\n");
  assert.equal(b.effects.map((e) => [e.kind, e.history.createdBy, e.history.emptyLayer]), [["config", "WORKDIR /", true]]);
});

test.run();
