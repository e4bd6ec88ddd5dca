/**
 * Child process for kill.test.ts: imports (layers streamed, or put whole first as a build does),
 * tags, untags, deletes and prunes in a loop on the
 * store at argv[2] until it is killed. argv[3] is a seed. Prints "ready" once, then one line
 * per finished operation.
 */
import { openStore } from "../../cache/index.js";
import { appendLayer, emptyImage, layerFromBytes } from "../../image/index.js";
import { tarBytes } from "./helpers.js";

const root = process.argv[2]!;
let seed = Number(process.argv[3] ?? 1) >>> 0;
function rand(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const store = await openStore(root);
process.stdout.write("ready\n");
for (let i = 0; ; i++) {
  const op = rand();
  if (op < 0.25) {
    // a build's way: the layer put whole first (a COPY's step result), then the image naming it
    const body = Buffer.alloc(100 + Math.floor(rand() * 20_000), Math.floor(rand() * 256));
    body.writeUInt32LE(Math.floor(rand() * 2 ** 32), 0);
    const layer = await tarBytes([{ type: "file", path: `s${i}`, body }]);
    await store.putBlob(layer, { deferDirSync: true });
    let image = emptyImage({ os: "linux", architecture: "amd64" });
    image = await appendLayer(image, layerFromBytes(layer));
    await store.writeImage(image, { names: [`w:${Math.floor(rand() * 4)}`] });
  } else if (op < 0.6) {
    const size = 1000 + Math.floor(rand() * 400_000);
    const body = Buffer.alloc(size, Math.floor(rand() * 256));
    body.writeUInt32LE(Math.floor(rand() * 2 ** 32), 0);
    let image = emptyImage({ os: "linux", architecture: "amd64" });
    image = await appendLayer(image, layerFromBytes(await tarBytes([{ type: "file", path: `f${i}`, body }])));
    await store.writeImage(image, { names: [`w:${Math.floor(rand() * 4)}`] });
  } else if (op < 0.75) {
    await store.tag(`w:${Math.floor(rand() * 4)}`, `t:${Math.floor(rand() * 3)}`).catch(() => {});
  } else if (op < 0.85) {
    await store.untag(`t:${Math.floor(rand() * 3)}`).catch(() => {});
  } else if (op < 0.95) {
    const list = await store.listImages();
    const victim = list.find((r) => r.names.length === 0);
    if (victim) await store.deleteImage(victim.digest).catch(() => {});
  } else {
    await store.prune();
  }
  process.stdout.write(`op ${i}\n`);
}
