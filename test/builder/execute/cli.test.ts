/**
 * End-to-end `kiln build` for the CLI paths the other files leave out: ADD of a URL (served on
 * loopback by a child process), the context and the Dockerfile on standard input, json progress,
 * RUN --network=none, and Ctrl-C during a RUN followed by a successful build.
 */
import * as assert from "uvu/assert";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "uvu";
import { kilnLauncher } from "../../bin/helpers.js";
import { BASE, buildOk, cannotRun, makeRoot, rootTest, runIn, type BuildRoot } from "./helpers.js";

let r: BuildRoot;
let server: ChildProcess | undefined;
let port = 0;
const BODY = "downloaded body\n";
const LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";

test.before(async () => {
  if (cannotRun) return;
  r = makeRoot();
  // a loopback HTTP server in its own process (the kiln runs below are synchronous)
  server = spawn(process.execPath, ["-e", `
    const http = require("node:http");
    const s = http.createServer((req, res) => {
      if (req.url === "/file.txt") { res.writeHead(200, { "Last-Modified": ${JSON.stringify(LAST_MODIFIED)} }); res.end(${JSON.stringify(BODY)}); }
      else { res.writeHead(404); res.end("no"); }
    });
    s.listen(0, "127.0.0.1", () => process.stdout.write(s.address().port + "\\n"));
  `], { stdio: ["ignore", "pipe", "inherit"] });
  port = await new Promise<number>((resolve) => server!.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
});
test.after(() => {
  server?.kill();
  r?.cleanup();
});

const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;

rootTest("ADD of a URL: the body lands 0600 with Last-Modified as its mtime; --checksum is verified", () => {
  const url = `http://127.0.0.1:${port}/file.txt`;
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}\nADD --checksum=${sha(BODY)} ${url} /dl/\nRUN stat -c '%a %Y' /dl/file.txt > /stat\n`,
  });
  buildOk(r, ["-t", "add-url"], ctx);
  assert.is(runIn(r, "add-url", "cat", "/dl/file.txt"), BODY);
  assert.is(runIn(r, "add-url", "cat", "/stat").trim(), `600 ${Date.parse(LAST_MODIFIED) / 1000}`);

  const bad = r.context({ Dockerfile: `FROM ${BASE}\nADD --checksum=${sha("other")} ${url} /dl/\n` });
  const res = r.kiln(["build", "--progress", "plain", "-t", "add-bad", bad]);
  assert.is(res.status, 1, res.stderr);
  assert.match(res.stderr, /checksum mismatch: expected sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}/);
  assert.match(res.stderr, /Dockerfile:2/);
  assert.is(r.kiln(["inspect", "add-bad"]).status, 1, "nothing tagged");

  const missing = r.context({ Dockerfile: `FROM ${BASE}\nADD http://127.0.0.1:${port}/nope /x\n` });
  const res404 = r.kiln(["build", "--progress", "plain", missing]);
  assert.is(res404.status, 1);
  assert.match(res404.stderr, /HTTP 404/);
});

rootTest("the context as a tar on standard input (kiln build -), the Dockerfile on standard input (-f -)", () => {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nCOPY a.txt /a.txt\n`, "a.txt": "from the tar\n" });
  const tar = execFileSync("tar", ["-c", "-C", ctx, "."]);
  const env = { ...process.env, KILN_ROOT: r.root, KILN_BUILD_LINT: "0" };
  execFileSync(kilnLauncher, ["build", "-q", "-t", "stdin-ctx", "-"], { input: tar, env });
  assert.is(runIn(r, "stdin-ctx", "cat", "/a.txt"), "from the tar\n");

  const other = r.context({ "b.txt": "context file\n" });
  const res = r.kiln(["build", "-q", "-t", "stdin-df", "-f", "-", other], { input: `FROM ${BASE}\nCOPY b.txt /b.txt\n` });
  assert.is(res.status, 0, res.stderr);
  assert.is(runIn(r, "stdin-df", "cat", "/b.txt"), "context file\n");

  const both = r.kiln(["build", "-f", "-", "-"]);
  assert.is(both.status, 2);
  assert.match(both.stderr, /cannot both come from standard input/);
});

rootTest("--progress json: one event per line, steps started and done, CACHED on a rebuild", () => {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nRUN echo hello-json\n` });
  const events = (out: string) => out.trim().split("\n").map((l) => JSON.parse(l) as { type: string; id?: number; data?: string });
  const first = events(r.kiln(["build", "--progress", "json", "-t", "json1", ctx]).stderr);
  assert.ok(first.some((e) => e.type === "step-start"));
  assert.ok(first.some((e) => e.type === "step-log" && e.data?.includes("hello-json")), "the RUN's output is an event");
  assert.is(first.filter((e) => e.type === "step-start").length, first.filter((e) => e.type === "step-done").length);
  const second = events(r.kiln(["build", "--progress", "json", "-t", "json1", ctx]).stderr);
  assert.ok(second.some((e) => e.type === "step-cached"), "the rebuild reports the RUN cached");
});

rootTest("RUN --network=none sees only loopback; the default is the host's network", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}\nRUN --network=none ls /sys/class/net > /none.txt\nRUN ls /sys/class/net > /host.txt\n`,
  });
  buildOk(r, ["-t", "net"], ctx);
  assert.is(runIn(r, "net", "cat", "/none.txt").trim(), "lo");
  const host = execFileSync("ls", ["/sys/class/net"], { encoding: "utf8" }).trim().split("\n").sort();
  assert.equal(runIn(r, "net", "cat", "/host.txt").trim().split("\n").sort(), host);
});

rootTest("Ctrl-C during a RUN: exit 130, the step's processes and mounts are gone, nothing tagged; the next build succeeds", async () => {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nRUN echo started-sleeping && sleep 3131\n` });
  const child = spawn(kilnLauncher, ["build", "--progress", "plain", "-t", "interrupted", ctx], {
    env: { ...process.env, KILN_ROOT: r.root, KILN_BUILD_LINT: "0", NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the RUN did not start:\n${err}`)), 60_000);
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      if (err.includes("started-sleeping")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill("SIGINT");
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  assert.is(code, 130, err);
  assert.match(err, /build canceled/);
  // no sleep of ours is left (an unusual duration: other processes on the machine may sleep), no mount under the store
  const sleeping = () => execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((l) => l.trim() === "sleep 3131");
  for (let i = 0; i < 20 && sleeping().length > 0; i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(sleeping(), [], "the RUN's process tree was stopped");
  assert.not.ok(readFileSync("/proc/self/mountinfo", "utf8").includes(r.root), "no mount left under the store");
  assert.is(r.kiln(["inspect", "interrupted"]).status, 1, "nothing tagged");

  const ok = r.context({ Dockerfile: `FROM ${BASE}\nRUN echo fine > /fine\n` });
  buildOk(r, ["-t", "interrupted"], ok);
  assert.is(runIn(r, "interrupted", "cat", "/fine"), "fine\n");
});

test.run();
