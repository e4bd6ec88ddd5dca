/**
 * bodyChunks (registry/body-chunks.ts), the response-body reader of blob downloads, over real
 * HTTP on loopback: every byte in order whatever the consumer's pace, the socket paused while too
 * much waits (memory stays bounded), a connection cut mid-body is an error (not a short body),
 * and stopping early releases the response.
 */
import { createHash, randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { bodyChunks } from "../../registry/body-chunks.js";

type Handler = (res: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<{ get: () => Promise<http.IncomingMessage>; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: false });
  return {
    get: () => new Promise((resolve, reject) => http.get({ host: "127.0.0.1", port, path: "/", agent }, resolve).on("error", reject)),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test("a fast body read by a slow consumer arrives whole and in order", async () => {
  const body = randomBytes(12 * 1024 * 1024 + 17);
  const s = await serve((res) => res.end(body));
  try {
    const hash = createHash("sha256");
    let n = 0;
    let chunks = 0;
    for await (const chunk of bodyChunks(await s.get())) {
      hash.update(chunk);
      n += chunk.byteLength;
      if (++chunks % 16 === 0) await sleep(2); // the socket keeps delivering meanwhile
    }
    assert.is(n, body.byteLength);
    assert.is(hash.digest("hex"), sha(body));
  } finally {
    await s.close();
  }
});

test("the socket is paused while maxQueued bytes wait, and resumed once they are taken", async () => {
  const body = randomBytes(8 * 1024 * 1024);
  const s = await serve((res) => res.end(body));
  try {
    const res = await s.get();
    const it = bodyChunks(res, 256 * 1024);
    const first = await it.next();
    assert.ok(!first.done);
    await sleep(200); // the consumer stalls: reading stops at about maxQueued
    assert.ok(res.isPaused(), "paused while the queue is full");
    assert.ok(res.readableLength < 2 * 1024 * 1024, `stream buffer bounded (${res.readableLength} bytes)`);
    const parts = [first.value as Buffer];
    for await (const chunk of it) parts.push(chunk);
    assert.is(sha(Buffer.concat(parts)), sha(body));
  } finally {
    await s.close();
  }
});

test("a connection cut before the body ends is an error, not a short body", async () => {
  const s = await serve((res) => {
    res.writeHead(200, { "content-length": String(4 * 1024 * 1024) });
    res.write(randomBytes(256 * 1024), () => setTimeout(() => res.socket?.destroy(), 20));
  });
  try {
    let n = 0;
    let error: unknown;
    try {
      for await (const chunk of bodyChunks(await s.get())) n += chunk.byteLength;
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof Error, "the iteration throws");
    assert.ok(n <= 256 * 1024);
  } finally {
    await s.close();
  }
});

test("an empty body ends at once", async () => {
  const s = await serve((res) => res.end());
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of bodyChunks(await s.get())) chunks.push(chunk);
    assert.equal(chunks, []);
  } finally {
    await s.close();
  }
});

test("leaving the loop early detaches from the response", async () => {
  const s = await serve((res) => res.end(randomBytes(4 * 1024 * 1024)));
  try {
    const res = await s.get();
    for await (const chunk of bodyChunks(res)) {
      assert.ok(chunk.byteLength > 0);
      break;
    }
    assert.is(res.listenerCount("data"), 0);
    res.destroy();
  } finally {
    await s.close();
  }
});

test.run();
