/** `kiln history IMAGE [--no-trunc] [-q] [-H=false] [--format TEMPLATE]`: the image's steps, newest first, like `docker history`. */
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";

export interface HistoryArgs extends RootArgs {
  readonly image: string;
  readonly "no-trunc": boolean;
  readonly quiet: boolean;
  readonly human: boolean;
  readonly format?: string;
}

export const historyCommand = defineCommand<HistoryArgs>({
  command: "history <image>",
  describe: "Show the history of an image",
  builder: (yargs) =>
    yargs
      .positional("image", { type: "string", demandOption: true, describe: "Image name or ID" })
      .option("no-trunc", { type: "boolean", default: false, describe: "Don't truncate output" })
      .option("quiet", { alias: "q", type: "boolean", default: false, describe: "Only show image IDs" })
      .option("human", { alias: "H", type: "boolean", default: true, describe: "Print sizes and dates in human readable format" })
      .option("format", { type: "string", requiresArg: true, describe: "Go template over ID, CreatedAt, CreatedSince, CreatedBy, Size, Comment" }),
  run: async (args, io) => {
    const [{ withStore }, { imageDetails, historyRows }, fmt] = await Promise.all([import("../store.js"), import("../image-info.js"), import("../format.js")]);
    await withStore(args, io, async (store) => {
      const rec = await store.resolve(args.image);
      const d = await imageDetails(store, rec);
      const now = Date.now();
      const rows = historyRows(d).map(({ entry, size, top }) => {
        const createdBy = (entry.created_by ?? "").replace(/[\t\n]/g, " ");
        return {
          ID: top ? (args["no-trunc"] ? rec.id : fmt.shortId(rec.id)) : "<missing>",
          CreatedAt: args.human ? fmt.humanSince(entry.created, now) : entry.created ?? "",
          CreatedSince: fmt.humanSince(entry.created, now),
          CreatedBy: args["no-trunc"] ? createdBy : fmt.ellipsis(createdBy, 45),
          Size: args.human ? fmt.humanSize(size) : String(size),
          Comment: entry.comment ?? "",
        };
      });
      if (args.quiet) {
        io.stdout.write(rows.map((r) => `${r.ID}\n`).join(""));
        return;
      }
      if (args.format !== undefined && args.format !== "table") {
        const { compileTemplate } = await import("../template.js");
        const render = compileTemplate(args.format === "json" ? "{{json .}}" : args.format);
        io.stdout.write(rows.map((r) => `${render(r)}\n`).join(""));
        return;
      }
      io.stdout.write(fmt.table([["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"], ...rows.map((r) => [r.ID, r.CreatedAt, r.CreatedBy, r.Size, r.Comment])]));
    });
    return 0;
  },
});
