/**
 * Oracles for what `kiln build` makes: `kiln save` of a built image is read by
 * `skopeo inspect docker-archive:`; `--output type=oci` is unpacked by umoci and run by runc
 * (or crun), printing the CMD's output. Each part is skipped with a note when its tool is missing.
 */
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import { BASE, buildOk, cannotRun, makeRoot, rootTest, type BuildRoot } from "./helpers.js";

let r: BuildRoot;
test.before(() => {
  if (!cannotRun) r = makeRoot();
});
test.after(() => r?.cleanup());

const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const run = (cmd: string, args: string[], cwd?: string) => spawnSync(cmd, args, { encoding: "utf8", timeout: 60_000, ...(cwd ? { cwd } : {}) });

function builtImage(): string {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE} AS build
RUN echo oracle-ok > /msg
FROM ${BASE}
COPY --from=build /msg /msg
CMD ["cat", "/msg"]
`,
  });
  buildOk(r, ["-t", "oracle:1", "--output", `type=oci,dest=${join(r.dir, "oracle-oci.tar")}`], ctx);
  return ctx;
}

rootTest("kiln save of a built image: skopeo inspect docker-archive: reads it", () => {
  builtImage();
  if (!has("skopeo")) {
    console.log("  (skipped: skopeo not installed)");
    return;
  }
  const archive = join(r.dir, "oracle.tar");
  const saved = r.kiln(["save", "-o", archive, "oracle:1"]);
  assert.is(saved.status, 0, saved.stderr);
  const res = run("skopeo", ["inspect", `docker-archive:${archive}`]);
  assert.is(res.status, 0, res.stderr);
  const info = JSON.parse(res.stdout) as { Layers: string[]; Os: string };
  assert.is(info.Os, "linux");
  assert.is(info.Layers.length, 2);
});

rootTest("--output type=oci: umoci unpack + runc run print the CMD's output", () => {
  const rt = ["runc", "crun"].find(has);
  if (!has("umoci") || !rt) {
    console.log("  (skipped: needs umoci and runc or crun)");
    return;
  }
  const layout = join(r.dir, "layout");
  mkdirSync(layout, { recursive: true });
  let res = run("tar", ["-xf", join(r.dir, "oracle-oci.tar"), "-C", layout]);
  assert.is(res.status, 0, res.stderr);
  const bundle = join(r.dir, "bundle");
  res = run("umoci", ["unpack", "--image", `${layout}:1`, bundle]);
  assert.is(res.status, 0, res.stderr);
  const configPath = join(bundle, "config.json");
  const spec = JSON.parse(readFileSync(configPath, "utf8")) as { process: { terminal: boolean; args: string[] } };
  spec.process.terminal = false;
  assert.equal(spec.process.args, ["cat", "/msg"]);
  writeFileSync(configPath, JSON.stringify(spec));
  const id = `kiln-build-oracle-${process.pid}`;
  res = run(rt, ["run", id], bundle);
  if (res.status !== 0 && /cgroup|permission|rlimit/i.test(res.stderr)) {
    console.log(`  (skipped: ${rt} cannot run containers here: ${res.stderr.trim().split("\n").pop()})`);
    run(rt, ["delete", "-f", id]);
    return;
  }
  assert.is(res.status, 0, res.stderr);
  assert.is(res.stdout.trim(), "oracle-ok");
});

test.run();
