// /metrics when a process serves its port with node:cluster workers (ingress, RELAYMESH_INGRESS_WORKERS > 1): a
// scrape reaches one worker, but must count what all of them did. The worker that takes the scrape asks the
// primary, which gathers every worker's registry (prom-client's AggregatorRegistry: counters and histograms
// summed, gauges by each metric's aggregator) and sends the text back.
import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { registry } from './metrics';

const SCRAPE_REQUEST = 'relaymesh:metrics-request';
const SCRAPE_ANSWER = 'relaymesh:metrics-answer';
/** The primary waits this long for every worker (prom-client's own bound is 5 s). */
const SCRAPE_TIMEOUT_MS = 6_000;

interface ScrapeRequest {
  type: typeof SCRAPE_REQUEST;
  id: number;
}
interface ScrapeAnswer {
  type: typeof SCRAPE_ANSWER;
  id: number;
  text?: string;
  error?: string;
}

let aggregatorStarted = false;
let nextId = 0;
const waiting = new Map<
  number,
  { resolve: (text: string) => void; reject: (err: Error) => void }
>();

/** In a cluster worker: answer the primary's gathering with this worker's registry. Idempotent. */
function joinAggregation(): void {
  if (aggregatorStarted) return;
  aggregatorStarted = true;
  AggregatorRegistry.setRegistries([registry]);
  // Its constructor installs the listener that answers the primary's gathering requests.
  new AggregatorRegistry();
  process.on('message', (message: ScrapeAnswer) => {
    if (message?.type !== SCRAPE_ANSWER) return;
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.text !== undefined) pending.resolve(message.text);
    else pending.reject(new Error(message.error ?? 'no metrics from the primary'));
  });
}

/** The Prometheus text of this process, or of all the cluster's workers when this is one of them. */
export function metricsText(): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics();
  joinAggregation();
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('the cluster primary did not answer a metrics scrape'));
    }, SCRAPE_TIMEOUT_MS);
    waiting.set(id, {
      resolve: (text) => {
        clearTimeout(timer);
        resolve(text);
      },
      reject: (err) => {
        clearTimeout(timer);
        reject(err);
      },
    });
    process.send!({ type: SCRAPE_REQUEST, id } satisfies ScrapeRequest);
  });
}

/** Every worker takes part in aggregation from its start (not only once it took a scrape itself). */
export function joinClusterMetrics(): void {
  if (cluster.isWorker) joinAggregation();
}

/** In the cluster primary: answer each worker's scrape with the metrics of all workers. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: ScrapeRequest) => {
    if (message?.type !== SCRAPE_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: SCRAPE_ANSWER, id: message.id, text } satisfies ScrapeAnswer),
      (err: Error) =>
        worker.send({
          type: SCRAPE_ANSWER,
          id: message.id,
          error: err.message,
        } satisfies ScrapeAnswer),
    );
  });
}
