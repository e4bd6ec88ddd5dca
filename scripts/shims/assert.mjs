// Build-time replacement for `node:assert` in yargs' platform shim, which only needs these two
// functions. Loading the real module pulls in AssertionError and util/colors (~5 ms per start).
function fail(message, actual, expected, operator) {
  const err = new Error(message ?? `expected ${String(actual)} ${operator} ${String(expected)}`);
  err.code = "ERR_ASSERTION";
  throw err;
}
export function strictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) fail(message, actual, expected, "===");
}
export function notStrictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) fail(message, actual, expected, "!==");
}
export default { strictEqual, notStrictEqual };
