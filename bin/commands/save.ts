/**
 * `kiln save [-o FILE] [--format docker|oci] IMAGE...`: images from the store as one archive,
 * to FILE or standard output.
 *
 * - `docker` (default): a docker-archive `docker load`, `podman load` and skopeo read, layers
 *   uncompressed (docs/formats.md). Images named by reference are saved with that name as a
 *   RepoTag; images named by ID are saved without one, as Docker does.
 * - `oci`: a tar of an OCI image layout, layers gzip'ed. A layer compressed here is kept in the
 *   store and remembered (diffId → gzip digest), so the next save reuses it.
 *
 * A FILE is written to a temporary name and renamed, so a failure leaves no partial archive.
 */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";
import { streamOf } from "../stdio.js";

export const saveFormats = ["docker", "oci"] as const;
export type SaveFormat = (typeof saveFormats)[number];

export interface SaveArgs extends RootArgs {
  readonly images: readonly string[];
  readonly output?: string;
  readonly format: SaveFormat;
}

export const saveCommand = defineCommand<SaveArgs>({
  command: "save <images..>",
  describe: "Save images to a tar archive (docker-archive or OCI layout)",
  builder: (yargs) =>
    yargs
      .positional("images", { type: "string", array: true, demandOption: true, describe: "Image names or IDs" })
      .option("output", { alias: "o", type: "string", requiresArg: true, describe: "Write to a file instead of standard output" })
      .option("format", {
        type: "string",
        choices: saveFormats,
        default: "docker" as SaveFormat,
        requiresArg: true,
        describe: "docker: what docker load reads; oci: an OCI image layout tar (gzip layers)",
      })
      .example("$0 save busybox -o busybox.tar", "a docker-archive of busybox:latest")
      .example("$0 save --format oci app:1 | skopeo inspect oci-archive:/dev/stdin", "an OCI layout on standard output"),
  run: async (args, io) => {
    const [{ withStore }, image, formats, { KilnError }, fs, path, { PassThrough }] = await Promise.all([
      import("../store.js"),
      import("../../image/index.js"),
      import("../../image/formats/index.js"),
      import("../../util/errors.js"),
      import("node:fs"),
      import("node:path"),
      import("node:stream"),
    ]);
    if (args.output === undefined && io.stdout.isTTY) {
      throw new KilnError("refusing-terminal", "cowardly refusing to write an image archive to a terminal; use -o FILE or redirect the output");
    }
    const epoch = image.parseSourceDateEpoch(io.env["SOURCE_DATE_EPOCH"]);
    await withStore(args, io, async (store) => {
      // Resolve everything before writing a byte: one entry per image, with every name asked for.
      const entries: { image: import("../../image/index.js").Image; tags: import("../../image/index.js").Reference[] }[] = [];
      const byDigest = new Map<string, (typeof entries)[number]>();
      for (const name of args.images) {
        const record = await store.resolve(name);
        if (record.kind !== "image") throw new KilnError("unsupported-image", `${name} is a multi-platform index; kiln save writes single images`);
        let entry = byDigest.get(record.digest);
        if (!entry) {
          entry = { image: await store.image(record), tags: [] };
          byDigest.set(record.digest, entry);
          entries.push(entry);
        }
        // a name the image has becomes a RepoTag; an ID or name@digest does not (as docker save)
        const ref = image.tryParseReference(name);
        if (ref && ref.digest === undefined && record.names.some((n) => n.equals(ref)) && !entry.tags.some((t) => t.equals(ref))) entry.tags.push(ref);
      }
      const tmpDir = path.dirname(store.tempPath("save"));
      const write = async (out: NodeJS.WritableStream) => {
        const writable = out as unknown as import("node:stream").Writable;
        if (args.format === "docker") {
          await formats.writeDockerArchive(entries, writable, { tmpDir, ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}) });
        } else {
          await formats.writeOciLayout(writable, entries, {
            compression: "gzip",
            tmpDir,
            ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}),
            reuse: async (layer, compression) => {
              if (compression === "none") return undefined;
              const blob = await store.compressedBlob(layer.diffId, compression);
              if (!blob) return undefined;
              return image.layerFromOpener(() => store.getBlob(blob.digest, { size: blob.size }), {
                mediaType: image.layerMediaType("oci", compression),
                digest: blob.digest,
                size: blob.size,
                diffId: layer.diffId,
              });
            },
            onLayer: async (layer) => {
              if (layer.unchanged || layer.reused || layer.compression === "none") return;
              const blob = await store.putBlob(await layer.open(), { expected: { digest: layer.digest, size: layer.size }, what: `gzip copy of layer ${layer.diffId}` });
              await store.recordCompressed(layer.diffId, layer.compression, blob);
            },
          });
        }
      };
      if (args.output !== undefined) {
        const target = path.resolve(io.cwd, args.output);
        const tmp = `${target}.kiln-tmp-${process.pid}`;
        try {
          await write(fs.createWriteStream(tmp, { flags: "wx" }));
          fs.renameSync(tmp, target);
        } catch (err) {
          fs.rmSync(tmp, { force: true });
          throw err;
        }
        return;
      }
      // standard output: real streams get backpressure; in-process Io gets chunks
      const pass = new PassThrough();
      const writing = write(pass);
      writing.catch(() => {}); // awaited below; a failure also ends `pass` with the error
      const out = streamOf(io.stdout) as unknown as NodeJS.WritableStream; // Node's stream: backpressure on any pipe
      const streaming = typeof (out as { once?: unknown }).once === "function";
      for await (const chunk of pass) {
        if (streaming) {
          if (!out.write(chunk as Buffer)) await new Promise((r) => out.once("drain", r));
        } else (out as { write(c: unknown): unknown }).write(chunk);
      }
      await writing;
    });
    return 0;
  },
});
