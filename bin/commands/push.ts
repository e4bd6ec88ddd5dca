/**
 * `kiln push [--compression gzip|zstd] REF`: the store image REF to its registry. Layers the store
 * keeps uncompressed are compressed first (gzip by default) and the compressed copy is remembered,
 * so the next push reuses it; layers the registry already has are skipped, layers of another
 * repository of the same registry (other names of this image) are mounted. Ends with docker's
 * `<tag>: digest: sha256:… size: N`.
 */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";
import { clientOptions, registryOptions, TransferPrinter, type RegistryArgs } from "../transfer.js";

export const pushCompressions = ["gzip", "zstd"] as const;

export interface PushArgs extends RootArgs, RegistryArgs {
  readonly reference: string;
  readonly compression: (typeof pushCompressions)[number];
  readonly quiet: boolean;
}

export const pushCommand = defineCommand<PushArgs>({
  command: "push <reference>",
  describe: "Push an image from the store to a registry",
  builder: (yargs) =>
    registryOptions(
      yargs
        .positional("reference", { type: "string", demandOption: true, describe: "The image's name in the store, which says where it goes: host[:port]/repo:tag" })
        .option("compression", {
          type: "string",
          choices: pushCompressions,
          default: "gzip" as const,
          requiresArg: true,
          describe: "Compression of layers the store keeps uncompressed (zstd needs Node.js 22.15+)",
        })
        .option("quiet", { alias: "q", type: "boolean", default: false, describe: "Print only the summary line" }),
    ).example("$0 push localhost:5000/app:1", "push app:1 to a local registry") as never,
  run: async (args, io) => {
    const [{ withStore }, registry, image] = await Promise.all([import("../store.js"), import("../../registry/index.js"), import("../../image/index.js")]);
    const ref = image.parseReference(args.reference);
    registry.requirePushCompression(args.compression);
    const client = new registry.RegistryClient(clientOptions(args, io.env, io.cwd));
    const printer = new TransferPrinter(io.stdout, "push", args.quiet);
    try {
      const result = await withStore(args, io, (store) =>
        registry.pushFromStore(client, store, args.reference, { compression: args.compression, onProgress: printer.listener }),
      );
      printer.done();
      io.stdout.write(`${ref.tag ?? ref.digest ?? "latest"}: digest: ${result.digest} size: ${result.size}\n`);
    } finally {
      printer.done();
      client.close();
    }
    return 0;
  },
});
