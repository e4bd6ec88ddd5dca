/**
 * `kiln system prune [-f] [--dry-run]` and `kiln system df`.
 *
 * prune removes dangling images (no name), then every blob index.json no longer reaches and the
 * temp files of dead kiln processes; blobs another running kiln wrote since it started are kept.
 * df shows what the store holds and what prune would free.
 */
import type { Argv } from "yargs";
import { defineCommand } from "../command.js";
import type { Io } from "../io.js";
import type { RootArgs } from "../store.js";

export interface SystemArgs extends RootArgs {
  readonly _: readonly (string | number)[];
  readonly force?: boolean;
  readonly "dry-run"?: boolean;
}

async function prune(args: SystemArgs, io: Io): Promise<number> {
  const [{ withStore }, { humanSize }] = await Promise.all([import("../store.js"), import("../format.js")]);
  const dry = args["dry-run"] === true;
  await withStore(args, io, async (store) => {
    await store.withLock(async () => {
      const deleted: string[] = [];
      let bytes = 0;
      for (const rec of await store.listImages()) {
        if (rec.names.length > 0) continue;
        deleted.push(rec.id);
        if (!dry) for (const b of await store.deleteImage(rec.digest)) bytes += b.size;
      }
      const result = await store.prune({ dryRun: dry });
      bytes += result.reclaimedBytes;
      // then the build cache: step results whose layers the prune removed, parse and lint caches
      const { pruneBuildCache } = await import("../../builder/executor/cache.js");
      const { parseDigest } = await import("../../image/digest.js");
      const gone = new Set(result.blobs.map((b) => String(b.digest)));
      const build = await pruneBuildCache(store.paths.cache, async (d) => !gone.has(d) && (await store.hasBlob(parseDigest(d))), dry);
      bytes += dry ? 0 : build.bytes;
      if (deleted.length > 0) io.stdout.write(`${dry ? "Would delete" : "Deleted"} Images:\n${deleted.map((id) => `deleted: ${id}\n`).join("")}\n`);
      if (result.blobs.length > 0) io.stdout.write(`${dry ? "Would delete" : "Deleted"} ${result.blobs.length} unreferenced blob${result.blobs.length === 1 ? "" : "s"}\n`);
      if (build.steps > 0) io.stdout.write(`${dry ? "Would delete" : "Deleted"} ${build.steps} build cache step${build.steps === 1 ? "" : "s"} whose layers are gone\n`);
      if (result.tempFiles > 0) io.stdout.write(`Removed ${result.tempFiles} stale temp file${result.tempFiles === 1 ? "" : "s"}\n`);
      io.stdout.write(`Total reclaimed space: ${dry ? "0B" : humanSize(bytes)}\n`);
    });
  });
  return 0;
}

async function df(args: SystemArgs, io: Io): Promise<number> {
  const [{ withStore }, { humanSize, table }] = await Promise.all([import("../store.js"), import("../format.js")]);
  await withStore(args, io, async (store) => {
    const u = await store.usage();
    const pct = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : "");
    io.stdout.write(
      table([
        ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
        ["Images", String(u.images), String(u.namedImages), humanSize(u.referencedBytes), `${humanSize(u.danglingBytes)}${pct(u.danglingBytes, u.referencedBytes)}`],
        ["Blobs", String(u.blobs), "", humanSize(u.blobBytes), `${humanSize(u.unreferencedBytes)}${pct(u.unreferencedBytes, u.blobBytes)}`],
        ["Temp files", "", "", humanSize(u.tempBytes), humanSize(u.tempBytes)],
      ]),
    );
    io.stdout.write(`\nStore: ${store.root}\n`);
  });
  return 0;
}

export const systemCommand = defineCommand<SystemArgs>({
  command: "system <command>",
  describe: "Manage the store (prune, df)",
  builder: (yargs: Argv) =>
    yargs
      .positional("command", { type: "string", choices: ["prune", "df"], describe: "prune: free unused space; df: show usage" })
      .option("force", { alias: "f", type: "boolean", default: false, describe: "prune: do not prompt (kiln never prompts; accepted for docker compatibility)" })
      .option("dry-run", { type: "boolean", default: false, describe: "prune: only report what would be removed" })
      .example("$0 system df", "show what the store holds")
      .example("$0 system prune", "remove dangling images and unreferenced blobs") as unknown as Argv<SystemArgs>,
  run: async (args, io) => {
    const sub = (args as unknown as { command: string }).command;
    return sub === "df" ? df(args, io) : prune(args, io);
  },
});
