/**
 * `kiln inspect IMAGE... [--format TEMPLATE]`: `docker image inspect`'s JSON array, or one line
 * per image rendered with a Go template (`{{.Id}}`, `{{json .Config}}`, `{{index .Config.Labels "k"}}`).
 * Unknown images are reported and the exit status is 1; the others are still printed.
 */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";

export interface InspectArgs extends RootArgs {
  readonly images: readonly string[];
  readonly format?: string;
}

export const inspectCommand = defineCommand<InspectArgs>({
  command: "inspect <images..>",
  describe: "Show the details of one or more images as JSON",
  builder: (yargs) =>
    yargs
      .positional("images", { type: "string", array: true, demandOption: true, describe: "Image names or IDs" })
      .option("format", { alias: "f", type: "string", requiresArg: true, describe: "Format with a Go template, e.g. '{{.Config.Env}}'" })
      .example("$0 inspect busybox", "the full JSON")
      .example("$0 inspect --format '{{json .Config}}' busybox", "one field as JSON"),
  run: async (args, io) => {
    const [{ withStore }, { imageDetails, inspectJson }, { compileTemplate }] = await Promise.all([
      import("../store.js"),
      import("../image-info.js"),
      import("../template.js"),
    ]);
    const render = args.format !== undefined ? compileTemplate(args.format) : undefined;
    let status = 0;
    await withStore(args, io, async (store) => {
      const out: Record<string, unknown>[] = [];
      for (const name of args.images) {
        try {
          out.push(inspectJson(await imageDetails(store, await store.resolve(name))));
        } catch (err) {
          if ((err as { code?: string }).code !== "image-not-found") throw err;
          io.stderr.write(`kiln: No such image: ${name}\n`);
          status = 1;
        }
      }
      if (render) io.stdout.write(out.map((o) => `${render(o)}\n`).join(""));
      else io.stdout.write(`${JSON.stringify(out, null, 4)}\n`);
    });
    return status;
  },
});
