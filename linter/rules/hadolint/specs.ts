/**
 * Option specs of the package managers, shared by the rules that read the same commands: parseArgs
 * caches its result per word list and spec object, so one object per tool lets the second rule
 * reuse the first one's parse (each rule had its own copy, and apt-get was parsed four times).
 */
import type { OptionSpec } from "../../shell/index.js";

/** apt-get's options that take a value. */
export const APT: OptionSpec = { shortWithValue: "otc", longWithValue: ["option", "target-release", "default-release", "config-file"] };

/** apk's options that take a value. */
export const APK: OptionSpec = { shortWithValue: "tXpU", longWithValue: ["virtual", "repository", "root", "arch", "cache-dir", "keys-dir", "repositories-file", "cache-max-age", "timeout"] };

/** yum's and dnf's options that take a value. */
export const RPM: OptionSpec = { shortWithValue: "cRdex", longWithValue: ["config", "releasever", "installroot", "enablerepo", "disablerepo", "exclude", "setopt", "repo"] };

/** zypper's options that take a value. */
export const ZYPPER: OptionSpec = { shortWithValue: "trcR", longWithValue: ["type", "repo", "from", "root", "config"] };
