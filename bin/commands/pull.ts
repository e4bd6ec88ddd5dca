/**
 * `kiln pull [--platform os/arch[/variant]] [-q] REF`: an image from a registry into the store,
 * named REF. For a multi-platform image the manifest for this machine (or --platform) is pulled.
 * Prints docker's lines: per-layer progress (redrawn on a terminal), then `Digest: sha256:…`,
 * `Status: Downloaded newer image for REF` (or `Image is up to date`) and the full reference.
 * `-q` prints only the full reference.
 */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";
import { clientOptions, registryOptions, TransferPrinter, type RegistryArgs } from "../transfer.js";

export interface PullArgs extends RootArgs, RegistryArgs {
  readonly reference: string;
  readonly platform?: string;
  readonly quiet: boolean;
}

export const pullCommand = defineCommand<PullArgs>({
  command: "pull <reference>",
  describe: "Pull an image from a registry into the store",
  builder: (yargs) =>
    registryOptions(
      yargs
        .positional("reference", { type: "string", demandOption: true, describe: "Image reference: name[:tag] or name@sha256:…" })
        .option("platform", { type: "string", requiresArg: true, describe: "Pick this platform of a multi-platform image (os/arch[/variant]); default this machine's" })
        .option("quiet", { alias: "q", type: "boolean", default: false, describe: "Print only the image reference" }),
    )
      .example("$0 pull busybox", "docker.io/library/busybox:latest for this machine")
      .example("$0 pull --platform linux/arm64 localhost:5000/app:1", "another platform's image") as never,
  run: async (args, io) => {
    const [{ withStore }, registry, image] = await Promise.all([import("../store.js"), import("../../registry/index.js"), import("../../image/index.js")]);
    const ref = image.parseReference(args.reference);
    if (args.platform !== undefined) image.parsePlatform(args.platform);
    const client = new registry.RegistryClient(clientOptions(args, io.env, io.cwd));
    const printer = new TransferPrinter(io.stdout, "pull", args.quiet);
    try {
      const result = await withStore(args, io, (store) =>
        registry.pullImage(client, store, ref, { ...(args.platform !== undefined ? { platform: args.platform } : {}), onProgress: printer.listener }),
      );
      printer.done();
      if (!args.quiet) {
        io.stdout.write(`Digest: ${result.digest}\n`);
        io.stdout.write(`Status: ${result.upToDate ? "Image is up to date" : "Downloaded newer image"} for ${ref.familiarName()}\n`);
      }
      io.stdout.write(`${ref.toString()}\n`);
    } finally {
      printer.done();
      client.close();
    }
    return 0;
  },
});
