export { KilnError, assertNever } from "./errors.js";
