/** Reading the Dockerfile a command was pointed at (`-f PATH`, or `-` for stdin). */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { KilnError } from "../util/errors.js";
import { HintedError } from "./errors.js";
import { readAll, type Io } from "./io.js";

export interface InputText {
  readonly text: string;
  /** How diagnostics name the input: the path as given, or `<stdin>`. */
  readonly name: string;
}

const reasons: Record<string, string> = {
  ENOENT: "no such file or directory",
  EISDIR: "is a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a parent of it is not a directory",
  ELOOP: "too many levels of symbolic links",
};

export async function readInput(file: string, io: Io): Promise<InputText> {
  if (file === "-") return { text: await readAll(io.stdin), name: "<stdin>" };
  const path = resolve(io.cwd, file);
  try {
    return { text: await readFile(path, "utf8"), name: file };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const reason = reasons[code] ?? (err instanceof Error ? err.message : String(err));
    const shown = path === file ? file : `${file} (${path})`;
    const message = `cannot read ${shown}: ${reason}`;
    if (code === "ENOENT") {
      throw new HintedError("file-not-found", message, "pass -f PATH to choose the Dockerfile, or -f - to read it from stdin", { cause: err });
    }
    throw new KilnError("file-unreadable", message, { cause: err });
  }
}
