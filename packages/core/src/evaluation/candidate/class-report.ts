import {
  confusionMatrix,
  perClassScores,
  predictedClasses,
  type PredictionSet,
} from '../../metrics/index.js'

/**
 * The confusion matrix and the per-class precision, recall and F1 of the served predictions (after
 * the threshold for binary), laid out as scikit-learn's `confusion_matrix` and
 * `classification_report` with `labels=range(K)` and `zero_division=0`, so a reader can check one
 * against the other.
 */

/** One class's row of the report. */
export interface ClassScores {
  readonly class: string
  readonly precision: number
  readonly recall: number
  readonly f1: number
  /** Test rows of this class. */
  readonly support: number
}

/** Averages over classes: unweighted (`macro`) or weighted by support (`weighted`). */
export interface AveragedScores {
  readonly precision: number
  readonly recall: number
  readonly f1: number
}

/** The per-class section of an evaluation report. */
export interface ClassReport {
  /** Class names, in the bundle's order (the rows and columns of `confusion`). */
  readonly labels: readonly string[]
  /** `confusion[i][j]`: test rows of class `labels[i]` predicted as `labels[j]`. */
  readonly confusion: readonly (readonly number[])[]
  readonly perClass: readonly ClassScores[]
  readonly accuracy: number
  readonly macro: AveragedScores
  readonly weighted: AveragedScores
}

const mean = (values: readonly number[], weights?: readonly number[]): number => {
  let sum = 0
  let total = 0
  values.forEach((v, i) => {
    const w = weights ? weights[i]! : 1
    sum += w * v
    total += w
  })
  return total === 0 ? 0 : sum / total
}

/**
 * The class report of a classification prediction set (null for other tasks). Rows are counted
 * unweighted: the report describes the test rows as they are.
 */
export const classReport = (
  data: PredictionSet,
  classes: readonly string[],
): ClassReport | null => {
  if (data.task !== 'binary' && data.task !== 'multiclass') return null
  const pred = predictedClasses(data)
  const labels = classes.map((_, i) => i)
  const cm = confusionMatrix(data.y, pred, { labels })
  const s = perClassScores(data.y, pred, { labels, zeroDivision: 0 })
  let correct = 0
  for (let i = 0; i < labels.length; i++) correct += cm.matrix[i]![i]!
  const average = (weights?: readonly number[]): AveragedScores => ({
    precision: mean(s.precision, weights),
    recall: mean(s.recall, weights),
    f1: mean(s.f1, weights),
  })
  return {
    labels: [...classes],
    confusion: cm.matrix,
    perClass: classes.map((c, i) => ({
      class: c,
      precision: s.precision[i]!,
      recall: s.recall[i]!,
      f1: s.f1[i]!,
      support: s.support[i]!,
    })),
    accuracy: data.y.length === 0 ? 0 : correct / data.y.length,
    macro: average(),
    weighted: average(s.support),
  }
}
