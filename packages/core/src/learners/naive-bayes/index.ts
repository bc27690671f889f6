export {
  NaiveBayes,
  NaiveBayesModel,
  naiveBayes,
  naiveBayesDefinition,
  naiveBayesParams,
  loadNaiveBayesModel,
  NAIVE_BAYES_MODEL_KIND,
  type NaiveBayesParams,
} from './naive-bayes.js'
