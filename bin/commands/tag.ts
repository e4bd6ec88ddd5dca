/** `kiln tag SOURCE TARGET`: gives an image another name (moving the name if another image had it). */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";

export interface TagArgs extends RootArgs {
  readonly source: string;
  readonly target: string;
}

export const tagCommand = defineCommand<TagArgs>({
  command: "tag <source> <target>",
  describe: "Create a tag TARGET that refers to SOURCE",
  builder: (yargs) =>
    yargs
      .positional("source", { type: "string", demandOption: true, describe: "Image name or ID" })
      .positional("target", { type: "string", demandOption: true, describe: "New name, NAME[:TAG]" })
      .example("$0 tag kiln.local/busybox:latest localhost:5000/busybox:1", "a second name"),
  run: async (args, io) => {
    const { withStore } = await import("../store.js");
    const { parseTagName } = await import("../../cache/index.js");
    const target = parseTagName(args.target); // refuse a bad name before touching the store
    await withStore(args, io, async (store) => {
      await store.tag(args.source, target);
    });
    return 0;
  },
});
