/** kiln's library API: `import { parse } from "kiln"`. */
export * from "./parser/index.js";
