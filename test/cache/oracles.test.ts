/**
 * Real tools as oracles (principle 11): the store is an OCI layout that skopeo and umoci read.
 * Needs the Debian packages `skopeo` and `umoci`; without them the tests are skipped, except on
 * CI (CI=true), where a missing tool fails.
 */
import { spawnSync } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openStore } from "../../cache/index.js";
import { file, makeImage, tempDir } from "./helpers.js";

export function haveTool(name: string): boolean {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
  if (!found && process.env["CI"] === "true") throw new Error(`${name} is required on CI (apt-get install ${name})`);
  if (!found) console.warn(`(skipping: ${name} is not installed)`);
  return found;
}

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...(cwd ? { cwd } : {}) });
  assert.is(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

test("skopeo inspect oci:$KILN_ROOT:NAME works for Docker Hub and registry names", async () => {
  if (!haveTool("skopeo")) return;
  const t = tempDir();
  try {
    const store = await openStore(t.dir);
    const image = await makeImage([[file("etc/motd", "hi\n")]], ["/bin/sh"]);
    const rec = await store.writeImage(image, { names: ["busybox:latest", "localhost:5000/x:y", "kiln.local/busybox:latest"] });
    await store.close();
    for (const name of ["busybox:latest", "localhost:5000/x:y", "kiln.local/busybox:latest"]) {
      const out = JSON.parse(run("skopeo", ["inspect", `oci:${t.dir}:${name}`]));
      assert.is(out.Digest, rec.digest, name);
      assert.is(out.Architecture, "amd64");
      assert.equal(out.Layers, (await image.manifest()).layers.map((l) => l.digest));
    }
    const config = JSON.parse(run("skopeo", ["inspect", "--config", `oci:${t.dir}:busybox:latest`]));
    assert.equal(config.config.Cmd, ["/bin/sh"]);
    // and a copy out of the store verifies every blob
    run("skopeo", ["copy", `oci:${t.dir}:busybox:latest`, `oci:${t.dir}-copy:b`]);
  } finally {
    t.cleanup();
    spawnSync("rm", ["-rf", `${t.dir}-copy`]);
  }
});

test("umoci lists and unpacks the store's images", async () => {
  if (!haveTool("umoci")) return;
  const t = tempDir();
  try {
    const store = await openStore(`${t.dir}/root`);
    await store.writeImage(await makeImage([[file("etc/motd", "hi\n")]]), { names: ["localhost:5000/x:y"] });
    await store.writeImage(await makeImage([[file("a", "1")]])); // dangling: no name
    await store.close();
    assert.equal(run("umoci", ["ls", "--layout", `${t.dir}/root`]).trim().split("\n"), ["localhost:5000/x:y"]);
    run("umoci", ["raw", "unpack", "--rootless", "--image", `${t.dir}/root:localhost:5000/x:y`, `${t.dir}/rootfs`]);
    assert.is(run("cat", [`${t.dir}/rootfs/etc/motd`]), "hi\n");
  } finally {
    t.cleanup();
  }
});

test.run();
