/**
 * `kiln load [-i FILE]`: images from a docker-archive or an OCI layout tar (gzip'ed or not,
 * told by content) into the store, from FILE or standard input. Prints `Loaded image: NAME:TAG`
 * for every name, or `Loaded image ID: sha256:…` for an image without one, as `docker load`.
 *
 * The archive is read as a stream (manifest.json may come last): blobs are spooled under the
 * store's tmp/ and verified; nothing is written to the store unless the whole archive is valid.
 * Layers are stored as the archive has them.
 */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";

export interface LoadArgs extends RootArgs {
  readonly input?: string;
  readonly quiet: boolean;
}

export const loadCommand = defineCommand<LoadArgs>({
  command: "load",
  describe: "Load images from a tar archive (docker-archive or OCI layout)",
  builder: (yargs) =>
    yargs
      .option("input", { alias: "i", type: "string", requiresArg: true, describe: "Read from a file instead of standard input" })
      .option("quiet", { alias: "q", type: "boolean", default: false, describe: "Print nothing" })
      .example("$0 load -i busybox.tar", "load a docker save / kiln save archive")
      .example("skopeo copy docker://alpine docker-archive:/dev/stdout | $0 load", "from standard input"),
  run: async (args, io) => {
    const [{ withStore }, image, formats, { KilnError }, fs, path] = await Promise.all([
      import("../store.js"),
      import("../../image/index.js"),
      import("../../image/formats/index.js"),
      import("../../util/errors.js"),
      import("node:fs"),
      import("node:path"),
    ]);
    let input: import("node:stream").Readable = io.stdin;
    let where = "standard input";
    if (args.input !== undefined) {
      const file = path.resolve(io.cwd, args.input);
      where = args.input;
      try {
        const st = fs.statSync(file);
        if (st.isDirectory()) throw new KilnError("file-unreadable", `cannot load ${args.input}: it is a directory (pass a tar archive)`);
      } catch (err) {
        if ((err as { code?: string }).code === "ENOENT") throw new KilnError("file-not-found", `cannot load ${args.input}: no such file`);
        throw err;
      }
      input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    } else if ((io.stdin as { isTTY?: boolean }).isTTY) {
      throw new KilnError("refusing-terminal", "requested to load an image archive from a terminal; use -i FILE or redirect standard input");
    }
    const lines = await withStore(args, io, async (store) => {
      const archive = await formats.readArchive(input, { tmpDir: path.dirname(store.tempPath("load")), where });
      try {
        const out: string[] = [];
        for (const { image: img, tags } of archive.images) {
          // OCI ref.name values that are bare tags ("latest") name no repository: skip them
          const names = tags
            .filter((t) => archive.format === "docker-archive" || /[:/]/.test(t))
            .map((t) => image.tryParseReference(t))
            .filter((r): r is import("../../image/index.js").Reference => r !== undefined && r.tag !== undefined);
          const record = await store.writeImage(img, { names: names.map((n) => (n.digest ? n.withTag(n.tag!) : n)) });
          if (names.length === 0) out.push(`Loaded image ID: ${record.id}`);
          for (const n of names) out.push(`Loaded image: ${n.familiarName()}`);
        }
        return out;
      } finally {
        await archive.cleanup();
      }
    });
    if (!args.quiet) for (const line of lines) io.stdout.write(`${line}\n`);
    return 0;
  },
});
