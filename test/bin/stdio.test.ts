/**
 * The CLI's standard output and error (bin/stdio.ts): plain descriptors are written with
 * writeSync, and Node's stream takes over, with what is left, when a write would block or fails.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { DescriptorOut } from "../../bin/stdio.js";
import { kilnLauncher, repoRoot } from "./helpers.js";

test("a file gets strings and bytes in order, UTF-8, without Node's stream", () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-stdio-"));
  try {
    const path = join(dir, "out");
    const fd = openSync(path, "w");
    let made = 0;
    const out = new DescriptorOut(fd, () => {
      made++;
      return new Writable({ write: (_c, _e, done) => done() });
    });
    out.write("sha256:ab\n");
    out.write(Buffer.from([0xe2, 0x9c, 0x93, 0x0a]));
    out.write("é ünïcode\n");
    closeSync(fd);
    assert.is(readFileSync(path, "utf8"), "sha256:ab\n✓\né ünïcode\n");
    assert.is(made, 0, "no stream was made");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Our end of a pipe to a child that never reads it: libuv made it non-blocking. */
function stuckPipe(): { fd: number; stop: () => void } {
  const child = spawn("sleep", ["30"], { stdio: ["pipe", "ignore", "ignore"] });
  const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
  assert.ok(fd > 2, "the pipe's descriptor");
  return { fd, stop: () => child.kill("SIGKILL") };
}

test("a full non-blocking pipe (EAGAIN): the stream gets exactly the rest, then every later write", () => {
  const pipe = stuckPipe();
  try {
    const chunks: Buffer[] = [];
    let made = 0;
    const out = new DescriptorOut(pipe.fd, () => {
      made++;
      return new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(Buffer.from(chunk));
          done();
        },
      });
    });
    const data = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    out.write(data); // far more than a pipe holds
    assert.is(made, 1, "the stream was made once the pipe was full");
    const rest = Buffer.concat(chunks);
    assert.ok(rest.length > 0 && rest.length < data.length, `the pipe took ${data.length - rest.length} bytes`);
    assert.ok(rest.equals(data.subarray(data.length - rest.length)), "the stream got exactly the bytes the pipe did not take");
    out.write("after\n");
    assert.is(Buffer.concat(chunks).subarray(rest.length).toString(), "after\n", "later writes go to the stream too");
    assert.is(made, 1);
  } finally {
    pipe.stop();
  }
});

test("a pipe whose reader is gone (EPIPE): the stream gets the whole write and reports the error itself", async () => {
  const child = spawn("true", [], { stdio: ["pipe", "ignore", "ignore"] });
  child.stdin.on("error", () => {});
  const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
  await new Promise((r) => child.once("exit", r));
  const chunks: string[] = [];
  const out = new DescriptorOut(fd, () => new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c.toString()), done()) }));
  out.write("lost line\n");
  assert.equal(chunks, ["lost line\n"]);
  child.stdin.destroy();
});

test("kiln's stdout closed early (| head -c 1): exit 0, nothing on stderr", () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-stdio-"));
  try {
    // a JSON AST far bigger than a pipe's buffer, so kiln is still writing when head exits
    const lines = ["FROM busybox"];
    for (let i = 0; i < 3000; i++) lines.push(`RUN echo line ${i} && touch /f${i}`);
    writeFileSync(join(dir, "Dockerfile"), `${lines.join("\n")}\n`);
    const r = spawnSync("bash", ["-c", `"$KILN" parse --format json -f "$DIR/Dockerfile" | head -c 1 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], {
      cwd: repoRoot,
      env: { ...process.env, KILN: kilnLauncher, DIR: dir },
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.is(r.stdout.trim(), "status=0");
    assert.is(r.stderr, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("kiln's output to a pipe and to a file is the same bytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-stdio-"));
  try {
    const viaPipe = spawnSync(kilnLauncher, ["parse", "--format", "json", "-f", "fixtures/cli/Dockerfile"], { cwd: repoRoot, encoding: "utf8" });
    assert.is(viaPipe.status, 0, viaPipe.stderr);
    const file = join(dir, "out.json");
    const fd = openSync(file, "w");
    const viaFile = spawnSync(kilnLauncher, ["parse", "--format", "json", "-f", "fixtures/cli/Dockerfile"], { cwd: repoRoot, stdio: ["ignore", fd, "pipe"] });
    closeSync(fd);
    assert.is(viaFile.status, 0);
    assert.ok(viaPipe.stdout.length > 100);
    assert.is(readFileSync(file, "utf8"), viaPipe.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a pipe that fills up (a late reader): every byte arrives before kiln exits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-stdio-"));
  try {
    // ~1 MB of JSON, far more than a pipe holds
    const lines = ["FROM busybox"];
    for (let i = 0; i < 3000; i++) lines.push(`RUN echo line ${i} && touch /f${i}`);
    writeFileSync(join(dir, "Dockerfile"), `${lines.join("\n")}\n`);
    const args = ["parse", "--format", "json", "-f", join(dir, "Dockerfile")];
    const file = join(dir, "expected.json");
    const fileFd = openSync(file, "w");
    assert.is(spawnSync(kilnLauncher, args, { cwd: repoRoot, stdio: ["ignore", fileFd, "ignore"] }).status, 0);
    closeSync(fileFd);
    const expected = readFileSync(file);
    assert.ok(expected.length > 256 * 1024);

    // a FIFO nobody reads for 300 ms: kiln's writes block once it is full, and its exit comes
    // after the last one (spawn makes the child's descriptor blocking, so this is the common
    // case; the EAGAIN fallback is tested on DescriptorOut above)
    const fifo = join(dir, "out.fifo");
    assert.is(spawnSync("mkfifo", [fifo]).status, 0);
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      const child = spawn(kilnLauncher, args, { cwd: repoRoot, stdio: ["ignore", fd, "pipe"] });
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      await new Promise((r) => setTimeout(r, 300)); // let it fill the pipe
      const got: Buffer[] = [];
      let total = 0;
      const buf = Buffer.alloc(64 * 1024);
      const deadline = Date.now() + 20_000;
      while (total < expected.length && Date.now() < deadline) {
        try {
          const n = readSync(fd, buf, 0, buf.length, null);
          got.push(Buffer.from(buf.subarray(0, n)));
          total += n;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      assert.is(await exited, 0, stderr);
      assert.ok(Buffer.concat(got).equals(expected), `all ${expected.length} bytes arrived (got ${total})`);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
