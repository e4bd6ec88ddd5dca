/**
 * `kiln export IMAGE [-o FILE]`: the image's flattened root filesystem (layers applied in order,
 * whiteouts and opaque directories honoured) as one deterministic tar, to FILE or standard
 * output. A FILE is written to a temp name and renamed, so a failure leaves no partial archive.
 */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";
import { streamOf } from "../stdio.js";

export interface ExportArgs extends RootArgs {
  readonly image: string;
  readonly output?: string;
}

export const exportCommand = defineCommand<ExportArgs>({
  command: "export <image>",
  describe: "Export an image's filesystem as a tar archive",
  builder: (yargs) =>
    yargs
      .positional("image", { type: "string", demandOption: true, describe: "Image name or ID" })
      .option("output", { alias: "o", type: "string", requiresArg: true, describe: "Write to a file instead of standard output" })
      .example("$0 export kiln.local/busybox -o rootfs.tar", "the busybox root filesystem"),
  run: async (args, io) => {
    const [{ withStore }, image, { KilnError }, fs, path, { pipeline }] = await Promise.all([
      import("../store.js"),
      import("../../image/index.js"),
      import("../../util/errors.js"),
      import("node:fs"),
      import("node:path"),
      import("node:stream/promises"),
    ]);
    if (args.output === undefined && io.stdout.isTTY) {
      throw new KilnError("refusing-terminal", "cowardly refusing to write a tar archive to a terminal; use -o FILE or redirect the output");
    }
    const epoch = image.parseSourceDateEpoch(io.env["SOURCE_DATE_EPOCH"]);
    await withStore(args, io, async (store) => {
      const img = await store.image(args.image);
      const tar = await image.flattenLayers(await img.layers(), { spoolFile: store.tempPath("export"), ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}) });
      if (args.output !== undefined) {
        const target = path.resolve(io.cwd, args.output);
        const tmp = `${target}.kiln-tmp-${process.pid}`;
        try {
          await pipeline(tar, fs.createWriteStream(tmp, { flags: "wx" }));
          fs.renameSync(tmp, target);
        } catch (err) {
          fs.rmSync(tmp, { force: true });
          throw err;
        }
        return;
      }
      const out = streamOf(io.stdout) as unknown as NodeJS.WritableStream; // Node's stream: backpressure on any pipe
      if (typeof (out as { on?: unknown }).on === "function" && typeof (out as { once?: unknown }).once === "function") {
        for await (const chunk of tar) {
          if (!out.write(chunk as Buffer)) await new Promise((r) => out.once("drain", r));
        }
      } else {
        for await (const chunk of tar) (out as { write(c: unknown): unknown }).write(chunk);
      }
    });
    return 0;
  },
});
