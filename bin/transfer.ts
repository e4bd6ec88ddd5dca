/**
 * What `kiln pull` and `kiln push` print while blobs move, the way docker does: on a terminal one
 * line per layer redrawn in place (`a3ed95caeb02: Downloading [====>   ]  1.2MB/2.3MB`), otherwise
 * one plain line per state change (no byte counts). Also the options every registry command takes.
 */
import type { Argv } from "yargs";
import type { OutStream } from "./io.js";
import type { TransferEvent } from "../registry/progress.js";

export interface RegistryArgs {
  readonly "insecure-registry"?: readonly string[];
  readonly "tls-ca"?: readonly string[];
}

export function registryOptions<T>(yargs: Argv<T>): Argv<T & RegistryArgs> {
  return yargs
    .option("insecure-registry", {
      type: "string",
      array: true,
      nargs: 1, // repeatable, one value each: an array option must not swallow the positional after it
      describe: "Allow plain HTTP and unverified TLS for this registry host[:port] (loopback hosts may always use HTTP)",
    })
    .option("tls-ca", {
      type: "string",
      array: true,
      nargs: 1, // repeatable, one value each: an array option must not swallow the positional after it
      describe: "Trust the CA certificates in this PEM file too (also KILN_EXTRA_CA_CERTS / NODE_EXTRA_CA_CERTS)",
    }) as unknown as Argv<T & RegistryArgs>;
}

/** Client options from the command line and environment. */
export function clientOptions(args: RegistryArgs, env: NodeJS.ProcessEnv, cwd: string): {
  insecureRegistries: string[];
  caFiles: string[];
  env: NodeJS.ProcessEnv;
  userAgent: string;
} {
  const abs = (f: string) => (f.startsWith("/") ? f : `${cwd.replace(/\/$/, "")}/${f}`);
  return {
    insecureRegistries: [...(args["insecure-registry"] ?? [])],
    caFiles: (args["tls-ca"] ?? []).map(abs),
    env,
    userAgent: "kiln",
  };
}

/** go-units HumanSize as docker's progress bar shows it: 1.23MB (decimal, 3 significant digits). */
export function humanBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

function bar(current: number, total: number): string {
  const width = 50;
  const filled = total > 0 ? Math.min(width, Math.floor((current / total) * width)) : 0;
  const arrow = filled < width ? ">" : "";
  return `[${"=".repeat(Math.max(0, filled - (arrow ? 1 : 0)))}${arrow}${" ".repeat(width - filled)}] ${humanBytes(current).padStart(7)}/${humanBytes(total)}`;
}

const WORDS = {
  pull: {
    waiting: "Pulling fs layer",
    exists: "Already exists",
    downloading: "Downloading",
    verifying: "Verifying Checksum",
    downloaded: "Download complete",
    complete: "Pull complete",
  },
  push: {
    preparing: "Preparing",
    compressing: "Preparing",
    pushing: "Pushing",
    pushed: "Pushed",
    exists: "Layer already exists",
    mounted: "Mounted from another repository",
    retrying: "Retrying",
  },
} as const;

/** Renders transfer events on `out`. Call `done()` before printing the summary lines. */
export class TransferPrinter {
  private readonly tty: boolean;
  private readonly order: string[] = [];
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: OutStream,
    private readonly mode: "pull" | "push",
    private readonly quiet: boolean,
  ) {
    this.tty = Boolean(out.isTTY) && !quiet;
  }

  readonly listener = (event: TransferEvent): void => {
    if (this.quiet) return;
    if (event.kind === "start") {
      const ref = event.ref;
      const line = this.mode === "pull"
        ? `${ref.tag ?? ref.digest ?? "latest"}: Pulling from ${ref.familiarRepository()}`
        : `The push refers to repository [${ref.familiarRepository()}]`;
      this.print(line);
      return;
    }
    if (event.role !== "layer") return;
    const id = event.digest.slice(event.digest.indexOf(":") + 1, event.digest.indexOf(":") + 13);
    const words = WORDS[this.mode] as Record<string, string | undefined>;
    const word = words[event.status];
    if (!word) return;
    const moving = event.status === "downloading" || event.status === "pushing";
    const text = `${id}: ${word}${moving && this.tty && event.total ? ` ${bar(event.current ?? 0, event.total)}` : ""}`;
    if (!this.tty) {
      if (moving || this.lines.get(id) === text) return; // plain output: state changes only
      this.lines.set(id, text);
      this.out.write(`${text}\n`);
      return;
    }
    if (!this.lines.has(id)) this.order.push(id);
    this.lines.set(id, text);
    if (moving) this.schedule();
    else this.redraw();
  };

  private print(line: string): void {
    if (this.tty) {
      this.redraw();
      this.out.write(`${line}\n`);
      // lines printed above the layer block stay; the block is redrawn below them
      this.drawn = 0;
      this.order.length = 0;
      this.lines.clear();
    } else this.out.write(`${line}\n`);
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.redraw();
    }, 100);
  }

  private redraw(): void {
    if (!this.tty) return;
    let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    for (const id of this.order) s += `\x1b[2K${this.lines.get(id)}\n`;
    this.drawn = this.order.length;
    this.out.write(s);
  }

  done(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.redraw();
  }
}
