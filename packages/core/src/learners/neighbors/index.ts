export {
  KNearestNeighbors,
  KnnModel,
  kNearestNeighbors,
  knnDefinition,
  knnParams,
  loadKnnModel,
  KNN_MODEL_KIND,
  type KnnParams,
} from './knn.js'
