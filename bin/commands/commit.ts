/** `kiln commit CONTAINER [REF]`: a kept container's changes become a new layer on its image. Prints the image ID. */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";

export interface CommitArgs extends RootArgs {
  readonly container: string;
  readonly reference?: string;
  readonly message?: string;
}

export const commitCommand = defineCommand<CommitArgs>({
  command: "commit <container> [reference]",
  describe: "Create a new image from a container's changes",
  builder: (yargs) =>
    yargs
      .positional("container", { type: "string", demandOption: true, describe: "Container id (or a unique prefix)" })
      .positional("reference", { type: "string", describe: "NAME[:TAG] for the new image" })
      .option("message", { alias: "m", type: "string", requiresArg: true, describe: "Commit message (history comment)" }),
  run: async (args, io) => {
    const [{ withStore }, rt, cache, img] = await Promise.all([
      import("../store.js"),
      import("../../runtime/index.js"),
      import("../../cache/index.js"),
      import("../../image/index.js"),
    ]);
    const target = args.reference !== undefined ? cache.parseTagName(args.reference) : undefined;
    return withStore(args, io, async (store) => {
      const { record, changes, root, image } = await rt.containerChanges(cache.storePaths(store.root).snapshots, args.container, store);
      const epoch = img.parseSourceDateEpoch(io.env.SOURCE_DATE_EPOCH);
      const blob = await store.putBlob(rt.changesToTar(changes, root, epoch !== undefined ? { sourceDateEpoch: epoch } : {}));
      const layer = await img.layerFromOpener(() => store.getBlob(blob.digest), { digest: blob.digest, size: blob.size, diffId: blob.digest, mediaType: img.MediaType.OciLayer });
      const created = epoch !== undefined ? new Date(epoch * 1000) : new Date();
      let next = await img.appendLayer(image, layer, { created: img.formatTimestamp(created), created_by: `kiln run ${record.args.join(" ")}`, ...(args.message ? { comment: args.message } : {}) });
      next = await img.editConfig(next, (c) => {
        c.created = img.formatTimestamp(created);
      });
      const written = await store.writeImage(next, target !== undefined ? { names: [target] } : {});
      io.stdout.write(`${written.id}\n`);
      return 0;
    });
  },
});
