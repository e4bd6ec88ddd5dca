/**
 * `kiln images [-q] [--no-trunc] [--format table|json|TEMPLATE] [--filter dangling=true|reference=PATTERN]`:
 * the stored images as `docker images` lists them, newest first, one row per name.
 */
import { defineCommand } from "../command.js";
import { UsageError } from "../errors.js";
import type { RootArgs } from "../store.js";

export interface ImagesArgs extends RootArgs {
  readonly quiet: boolean;
  readonly "no-trunc": boolean;
  readonly format: string;
  readonly filter: readonly string[];
  readonly repository?: string;
}

interface Row {
  Containers: string;
  CreatedAt: string;
  CreatedSince: string;
  Digest: string;
  ID: string;
  Repository: string;
  SharedSize: string;
  Size: string;
  Tag: string;
  UniqueSize: string;
  VirtualSize: string;
}

export const imagesCommand = defineCommand<ImagesArgs>({
  command: "images [repository]",
  describe: "List images in the store",
  builder: (yargs) =>
    yargs
      .positional("repository", { type: "string", describe: "Only this repository (or REPOSITORY:TAG)" })
      .option("quiet", { alias: "q", type: "boolean", default: false, describe: "Only show image IDs" })
      .option("no-trunc", { type: "boolean", default: false, describe: "Don't truncate output" })
      .option("format", { type: "string", default: "table", requiresArg: true, describe: "table, json, or a Go template like '{{.Repository}}:{{.Tag}}'" })
      .option("filter", { type: "string", array: true, nargs: 1, default: [] as string[], requiresArg: true, describe: "dangling=true|false, reference=PATTERN" })
      .example("$0 images", "list every image")
      .example("$0 images --filter reference='kiln.local/*'", "names matching a pattern")
      .example("$0 images --format '{{.Repository}}:{{.Tag}} {{.Size}}'", "custom output"),
  run: async (args, io) => {
    const [{ withStore }, { imageDetails }, fmt, { minimatch }, { parseReference }] = await Promise.all([
      import("../store.js"),
      import("../image-info.js"),
      import("../format.js"),
      import("minimatch"),
      import("../../image/index.js"),
    ]);
    let dangling: boolean | undefined;
    const patterns: string[] = [];
    for (const f of args.filter) {
      const eq = f.indexOf("=");
      const key = eq < 0 ? f : f.slice(0, eq);
      const value = eq < 0 ? "" : f.slice(eq + 1);
      if (key === "dangling") {
        if (!["true", "false", "1", "0"].includes(value.toLowerCase())) throw new UsageError(`invalid filter 'dangling=${value}': use true or false`, "images");
        dangling = value === "true" || value === "1";
      } else if (key === "reference") patterns.push(value);
      else throw new UsageError(`invalid filter '${key}' (supported: dangling, reference)`, "images");
    }
    if (args.repository) patterns.push(args.repository.includes(":") ? args.repository : `${args.repository}`);
    const matches = (name: { familiarName(): string; familiarRepository(): string; toString(): string }) =>
      patterns.every((p) => {
        // like Docker's FamiliarMatch: the pattern against name:tag, and against the name alone
        if (minimatch(name.familiarName(), p) || minimatch(name.familiarRepository(), p)) return true;
        try {
          const ref = parseReference(p);
          return ref.toString() === name.toString() || (!p.includes(":") && ref.repository().toString() === name.toString().replace(/:[^:/]*$/, ""));
        } catch {
          return false;
        }
      });

    await withStore(args, io, async (store) => {
      const now = Date.now();
      const records = await store.listImages();
      const rows: { row: Row; created: number }[] = [];
      for (const rec of records) {
        if (dangling === true && rec.names.length > 0) continue;
        if (dangling === false && rec.names.length === 0) continue;
        const names = rec.names.filter((n) => matches(n));
        if (patterns.length > 0 && names.length === 0) continue;
        const d = await imageDetails(store, rec);
        const id = args["no-trunc"] ? rec.id : fmt.shortId(rec.id);
        const base = {
          Containers: "N/A",
          CreatedAt: fmt.goTime(d.config.created),
          CreatedSince: fmt.humanSince(d.config.created, now),
          Digest: "<none>",
          ID: id,
          SharedSize: "N/A",
          Size: fmt.humanSize(d.size),
          UniqueSize: "N/A",
          VirtualSize: fmt.humanSize(d.size),
        };
        const created = Date.parse(d.config.created ?? "") || 0;
        if (names.length === 0) rows.push({ row: { ...base, Repository: "<none>", Tag: "<none>" }, created });
        for (const n of names) rows.push({ row: { ...base, Repository: n.familiarRepository(), Tag: n.tag ?? "<none>" }, created });
      }
      rows.sort((a, b) => b.created - a.created || (a.row.Repository < b.row.Repository ? -1 : a.row.Repository > b.row.Repository ? 1 : a.row.Tag < b.row.Tag ? -1 : 1));
      if (args.quiet) {
        io.stdout.write(rows.map((r) => `${r.row.ID}\n`).join(""));
        return;
      }
      if (args.format === "json") {
        io.stdout.write(rows.map((r) => `${JSON.stringify(r.row)}\n`).join(""));
        return;
      }
      if (args.format === "table" || args.format === "") {
        const table = [["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], ...rows.map(({ row }) => [row.Repository, row.Tag, row.ID, row.CreatedSince, row.Size])];
        io.stdout.write(fmt.table(table));
        return;
      }
      const { compileTemplate } = await import("../template.js");
      const render = compileTemplate(args.format);
      io.stdout.write(rows.map((r) => `${render(r.row)}\n`).join(""));
    });
    return 0;
  },
});
