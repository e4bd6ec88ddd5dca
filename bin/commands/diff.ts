/** `kiln diff CONTAINER`: what a kept container changed, as `docker diff` prints it (A/C/D lines). */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";

export interface DiffArgs extends RootArgs {
  readonly container: string;
}

export const diffCommand = defineCommand<DiffArgs>({
  command: "diff <container>",
  describe: "Show the changes a container made to its image's files",
  builder: (yargs) => yargs.positional("container", { type: "string", demandOption: true, describe: "Container id (or a unique prefix)" }),
  run: async (args, io) => {
    const [{ withStore }, rt, { storePaths }] = await Promise.all([import("../store.js"), import("../../runtime/index.js"), import("../../cache/index.js")]);
    return withStore(args, io, async (store) => {
      const { changes } = await rt.containerChanges(storePaths(store.root).snapshots, args.container, store);
      io.stdout.write(rt.formatChanges(changes));
      return 0;
    });
  },
});
