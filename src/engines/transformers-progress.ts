/** Feeds transformers.js `progress_callback` events into a progress aggregator. */
import type { ProgressAggregator } from './progress.js';

interface TransformersProgressInfo {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

export function trackTransformersProgress(progress: ProgressAggregator): (info: TransformersProgressInfo) => void {
  const open = new Set<string>();
  return (info) => {
    const file = info.file;
    switch (info.status) {
      case 'initiate':
        if (file && isWeights(file)) open.add(file);
        break;
      case 'progress':
        if (file && typeof info.loaded === 'number') progress.file(file, info.loaded, info.total ?? info.loaded);
        break;
      case 'done':
        if (!file || !open.delete(file)) break;
        // The last weights read: what remains is building the inference sessions.
        if (open.size === 0) progress.phase('compile');
        break;
    }
  };
}

function isWeights(file: string): boolean {
  return /\.onnx(_data(_\d+)?)?$/.test(file);
}
