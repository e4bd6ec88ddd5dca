/**
 * `kiln rmi [-f] IMAGE...`: removes names and images, as `docker rmi` does.
 *
 * - a name: `Untagged: NAME`; when it was the image's last name, the image is deleted too
 *   (`Deleted: sha256:ID`) with the blobs nothing else uses;
 * - an ID or digest: deletes the image; if it has names in more than one repository that is
 *   refused unless `-f` (names of a single repository are all untagged).
 *
 * Every argument is tried; the exit status is 1 if any failed.
 */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";

export interface RmiArgs extends RootArgs {
  readonly images: readonly string[];
  readonly force: boolean;
}

export const rmiCommand = defineCommand<RmiArgs>({
  command: "rmi <images..>",
  describe: "Remove one or more images",
  builder: (yargs) =>
    yargs
      .positional("images", { type: "string", array: true, demandOption: true, describe: "Image names or IDs" })
      .option("force", { alias: "f", type: "boolean", default: false, describe: "Remove an image ID even if several repositories name it" }),
  run: async (args, io) => {
    const [{ withStore }, { shortId }, { parseReference }, { KilnError }] = await Promise.all([
      import("../store.js"),
      import("../format.js"),
      import("../../image/index.js"),
      import("../../util/errors.js"),
    ]);
    let status = 0;
    await withStore(args, io, async (store) => {
      for (const arg of args.images) {
        try {
          await store.withLock(async () => {
            const rec = await store.resolve(arg);
            let byName: ReturnType<typeof parseReference> | undefined;
            try {
              const ref = parseReference(arg);
              if (ref.digest === undefined && rec.names.some((n) => n.equals(ref))) byName = ref;
            } catch {
              byName = undefined;
            }
            let remaining = rec.names;
            if (byName) {
              await store.untag(byName);
              io.stdout.write(`Untagged: ${byName.familiarName()}\n`);
              remaining = rec.names.filter((n) => !n.equals(byName!));
              if (remaining.length > 0) return;
            } else if (rec.names.length > 0) {
              const repos = new Set(rec.names.map((n) => n.repository().toString()));
              if (repos.size > 1 && !args.force) {
                throw new KilnError("image-conflict", `conflict: unable to delete ${shortId(rec.id)} (must be forced) - image is referenced in multiple repositories`);
              }
              for (const n of rec.names) {
                await store.untag(n);
                io.stdout.write(`Untagged: ${n.familiarName()}\n`);
              }
            }
            await store.deleteImage(rec.digest);
            io.stdout.write(`Deleted: ${rec.id}\n`);
          });
        } catch (err) {
          if (!(err instanceof KilnError)) throw err;
          io.stderr.write(`kiln: ${err.message}\n`);
          status = 1;
        }
      }
    });
    return status;
  },
});
