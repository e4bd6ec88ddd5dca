/** BuildKit's build checks (https://docs.docker.com/reference/build-checks/), under BuildKit's names. */
import type { Rule } from "../../types.js";
import { StageNameCasing } from "./StageNameCasing.js";
import { FromAsCasing } from "./FromAsCasing.js";
import { NoEmptyContinuation } from "./NoEmptyContinuation.js";
import { ConsistentInstructionCasing } from "./ConsistentInstructionCasing.js";
import { DuplicateStageName } from "./DuplicateStageName.js";
import { ReservedStageName } from "./ReservedStageName.js";
import { JSONArgsRecommended } from "./JSONArgsRecommended.js";
import { MaintainerDeprecated } from "./MaintainerDeprecated.js";
import { UndefinedArgInFrom } from "./UndefinedArgInFrom.js";
import { WorkdirRelativePath } from "./WorkdirRelativePath.js";
import { UndefinedVar } from "./UndefinedVar.js";
import { MultipleInstructionsDisallowed } from "./MultipleInstructionsDisallowed.js";
import { LegacyKeyValueFormat } from "./LegacyKeyValueFormat.js";
import { RedundantTargetPlatform } from "./RedundantTargetPlatform.js";
import { SecretsUsedInArgOrEnv } from "./SecretsUsedInArgOrEnv.js";
import { InvalidDefaultArgInFrom } from "./InvalidDefaultArgInFrom.js";
import { FromPlatformFlagConstDisallowed } from "./FromPlatformFlagConstDisallowed.js";
import { CopyIgnoredFile } from "./CopyIgnoredFile.js";
import { ExposeProtoCasing } from "./ExposeProtoCasing.js";
import { ExposeInvalidFormat } from "./ExposeInvalidFormat.js";
import { InvalidDefinitionDescription } from "./InvalidDefinitionDescription.js";

export const buildkitRules: readonly Rule[] = [
  StageNameCasing,
  FromAsCasing,
  NoEmptyContinuation,
  ConsistentInstructionCasing,
  DuplicateStageName,
  ReservedStageName,
  JSONArgsRecommended,
  MaintainerDeprecated,
  UndefinedArgInFrom,
  WorkdirRelativePath,
  UndefinedVar,
  MultipleInstructionsDisallowed,
  LegacyKeyValueFormat,
  RedundantTargetPlatform,
  SecretsUsedInArgOrEnv,
  InvalidDefaultArgInFrom,
  FromPlatformFlagConstDisallowed,
  CopyIgnoredFile,
  ExposeProtoCasing,
  ExposeInvalidFormat,
  InvalidDefinitionDescription,
];
