import { columnTransformerDefinition } from './column-transformer.js'
import { hashCrossKind, numericCrossKind } from './cross.js'
import type { TransformerDefinition } from './define.js'
import { discretizerKind } from './discretize.js'
import { frequencyEncoderKind } from './frequency.js'
import { featureHasherKind } from './hashing.js'
import { imputerKind } from './impute.js'
import { oneHotEncoderKind } from './one-hot.js'
import { ordinalEncoderKind } from './ordinal.js'
import { pipelineDefinition } from './pipeline.js'
import { positionalEmbeddingKind } from './positional.js'
import { powerTransformerKind } from './power.js'
import { rowFunctionKind } from './row-function.js'
import {
  log1pKind,
  minMaxScalerKind,
  quantileClipperKind,
  robustScalerKind,
  standardScalerKind,
} from './scale.js'
import { targetEncoderKind } from './target-encoder.js'
import { hashingVectorizerKind } from './text/hashing-vectorizer.js'
import { tfidfVectorizerKind } from './text/tfidf.js'
import { timeFeaturesKind } from './time-features.js'

/** Every transformer kind that ships with Keel, for the registry. */
export const builtinTransformers = (): TransformerDefinition[] => [
  imputerKind,
  standardScalerKind,
  minMaxScalerKind,
  robustScalerKind,
  log1pKind,
  quantileClipperKind,
  powerTransformerKind,
  discretizerKind,
  oneHotEncoderKind,
  ordinalEncoderKind,
  frequencyEncoderKind,
  targetEncoderKind,
  featureHasherKind,
  hashCrossKind,
  numericCrossKind,
  timeFeaturesKind,
  positionalEmbeddingKind,
  hashingVectorizerKind,
  tfidfVectorizerKind,
  rowFunctionKind,
  pipelineDefinition,
  columnTransformerDefinition,
]
