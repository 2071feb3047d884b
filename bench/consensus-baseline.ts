/**
 * What the original Rakis's consensus step did, for comparison: each `bEmbedding` a plain `number[]`
 * of packed bytes, the full n×n matrix of Euclidean distances over those numbers built with `reduce`,
 * then, per row, the count of entries under `secDistance`, and the largest qualifying row.
 */
export function originalRakisClusterSizes(embeddings: number[][], secDistance: number, clusterSizeNeeded: number) {
  const distances: number[][] = [];
  for (let i = 0; i < embeddings.length; i++) {
    distances[i] = [];
    for (let j = 0; j < embeddings.length; j++) {
      distances[i]![j] =
        i === j ? 0 : Math.sqrt(embeddings[i]!.reduce((acc, value, k) => acc + Math.pow(value - embeddings[j]![k]!, 2), 0));
    }
  }
  const clusterSizes = distances
    .map((row) => row.filter((d) => d < secDistance))
    .map((row, commitIndex) => ({ commitIndex, clusterSize: row.length }));
  return clusterSizes.filter((size) => size.clusterSize >= clusterSizeNeeded).sort((a, b) => b.clusterSize - a.clusterSize);
}
