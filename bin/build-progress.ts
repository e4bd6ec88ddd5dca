/**
 * How `kiln build` shows progress (events from builder/executor):
 *
 * - `plain` (CI, not a terminal): numbered lines like BuildKit's, with every output line and
 *   timings: `#4 [build 2/5] RUN make`, `#4 0.532 compiling…`, `#4 CACHED`, `#4 DONE 1.2s`;
 * - `tty`: finished steps as lines, the running ones live below them (ora), each with its
 *   elapsed time and the last line of its output;
 * - `json`: one event per line;
 * - `quiet`: nothing.
 */
import type { BuildEvent } from "../builder/executor/types.js";
import type { OutStream } from "./io.js";

export type ProgressMode = "plain" | "tty" | "json" | "quiet";

export interface Progress {
  readonly onEvent: (event: BuildEvent) => void;
  /** Lines after the build (image written, names). */
  line(text: string): void;
  stop(): void;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function plainProgress(out: OutStream): Progress {
  const started = new Map<number, number>();
  const partial = new Map<number, string>();
  let last = 0;
  return {
    onEvent(e) {
      switch (e.type) {
        case "step-start":
          started.set(e.id, e.time);
          out.write(`\n#${e.id} [${e.stage} ${e.index}/${e.total}] ${e.text}\n`);
          last = e.id;
          break;
        case "step-log": {
          const t = ((Date.now() - (started.get(e.id) ?? Date.now())) / 1000).toFixed(3);
          const lines = ((partial.get(e.id) ?? "") + e.data).split("\n");
          partial.set(e.id, lines.pop() ?? "");
          for (const l of lines) out.write(`#${e.id} ${t} ${l}\n`);
          break;
        }
        case "step-cached":
          out.write(`#${e.id} CACHED\n`);
          break;
        case "explain":
          for (const l of e.lines) out.write(`#${e.id} cache miss: ${l}\n`);
          break;
        case "step-done": {
          const rest = partial.get(e.id);
          if (rest) out.write(`#${e.id} ${rest}\n`);
          partial.delete(e.id);
          out.write(`#${e.id} DONE ${secs(e.ms)}\n`);
          break;
        }
        case "step-error": {
          const rest = partial.get(e.id);
          if (rest) out.write(`#${e.id} ${rest}\n`);
          out.write(`#${e.id} ERROR: ${e.message}\n`);
          break;
        }
        case "message":
          out.write(`${e.text}\n`);
          break;
      }
    },
    line(text) {
      out.write(`\n#${++last} ${text}\n`);
    },
    stop() {},
  };
}

export function jsonProgress(out: OutStream): Progress {
  return {
    onEvent: (e) => out.write(`${JSON.stringify(e)}\n`),
    line: (text) => out.write(`${JSON.stringify({ type: "message", text })}\n`),
    stop() {},
  };
}

export function quietProgress(): Progress {
  return { onEvent() {}, line() {}, stop() {} };
}

interface Running {
  readonly title: string;
  readonly start: number;
  lastLine: string;
  partial: string;
}

/** Live lines on a terminal: ora renders the running steps; finished ones are printed above. */
export async function ttyProgress(out: OutStream & NodeJS.WritableStream): Promise<Progress> {
  const { default: ora } = await import("ora");
  const running = new Map<number, Running>();
  // A pseudo-terminal nobody sized (script(1), some CI runners) reports 0 columns; ora divides
  // the text width by it and would then clear an infinite number of lines. Assume 80, as
  // terminals do; a resize (SIGWINCH) sets the real width again.
  const terminal = out as { columns?: number };
  if (!(typeof terminal.columns === "number" && terminal.columns > 0)) terminal.columns = 80;
  const spinner = ora({ stream: out, discardStdin: false, text: "" });
  const width = () => Math.max(40, (terminal.columns || 80) - 4);
  const clip = (s: string, w = width()) => (s.length > w ? `${s.slice(0, w - 1)}…` : s);
  const render = () => {
    if (running.size === 0) {
      if (spinner.isSpinning) spinner.stop();
      return;
    }
    const now = Date.now();
    const lines = [...running.values()].map((r) => {
      const elapsed = secs(now - r.start); // clipped titles keep their time
      const head = `${clip(r.title, width() - elapsed.length - 1)} ${elapsed}`;
      return r.lastLine ? `${head}\n    ${clip(r.lastLine)}` : head;
    });
    spinner.text = lines.join("\n  ");
    if (!spinner.isSpinning) spinner.start();
  };
  const timer = setInterval(render, 100);
  timer.unref();
  const persist = (text: string) => {
    const spinning = spinner.isSpinning;
    if (spinning) spinner.clear();
    out.write(`${text}\n`);
    // redraw what still runs (the step that just finished must not flash back in)
    if (spinning) {
      render();
      if (spinner.isSpinning) spinner.render();
    }
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case "step-start":
          running.set(e.id, { title: `[${e.stage} ${e.index}/${e.total}] ${e.text}`, start: e.time, lastLine: "", partial: "" });
          render();
          break;
        case "step-log": {
          const r = running.get(e.id);
          if (!r) break;
          const lines = (r.partial + e.data).split("\n");
          r.partial = lines.pop() ?? "";
          const last = [...lines].reverse().find((l) => l.trim() !== "");
          if (last !== undefined) r.lastLine = last.replace(/\r/g, "");
          else if (r.partial.trim() !== "") r.lastLine = r.partial.replace(/\r/g, "");
          break;
        }
        case "step-cached": {
          const r = running.get(e.id);
          running.delete(e.id);
          if (r) persist(`✔ ${r.title} CACHED`);
          render();
          break;
        }
        case "explain":
          for (const l of e.lines) persist(`  cache miss: ${l}`);
          break;
        case "step-done": {
          const r = running.get(e.id);
          running.delete(e.id);
          if (r) persist(`✔ ${r.title} ${secs(e.ms)}`);
          render();
          break;
        }
        case "step-error": {
          const r = running.get(e.id);
          running.delete(e.id);
          if (r) persist(`✖ ${r.title} ${secs(e.ms)}`);
          render();
          break;
        }
        case "message":
          persist(e.text);
          break;
      }
    },
    line: (text) => persist(text),
    stop() {
      clearInterval(timer);
      if (spinner.isSpinning) spinner.stop();
    },
  };
}
