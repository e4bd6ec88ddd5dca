/**
 * COPY [--from] [--chown] [--chmod] [--link] [--parents] [--exclude] src… dest, or heredoc files.
 * Sources and destination expanded; `--from` must be literal (a stage name, index or image).
 * History `COPY [--parents] [--chown=u] [--chmod=m] src… [<<EOF…] dest # buildkit`.
 */
import type { CopyInstruction } from "../../parser/ast.js";
import { copyLike } from "./files.js";
import type { Handler } from "./types.js";

export const handleCopy: Handler<CopyInstruction> = (state, instruction, ctx) => copyLike(state, instruction, ctx);
