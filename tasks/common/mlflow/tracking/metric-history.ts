import { UserError } from '../../user-error';
import { MLFLOW } from '../endpoints';
import type { MlflowClient } from '../mlflow-client';
import type { Metric } from '../types';

const PAGE_SIZE = 25_000;

/**
 * Every point of a metric's history. `max_results` is always sent: MLflow 3.4 to 3.11 answer
 * a request without it with an empty page whose token points back to the start. A token seen
 * twice stops the loop with an error instead of reading forever.
 */
export async function readMetricHistory(
  client: MlflowClient,
  runId: string,
  key: string,
): Promise<Metric[]> {
  const points: Metric[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await client.call(MLFLOW.getMetricHistory, {
      run_id: runId,
      metric_key: key,
      max_results: PAGE_SIZE,
      ...(token ? { page_token: token } : {}),
    });
    points.push(...(page.metrics ?? []));
    token = page.next_page_token || undefined;
    if (!token) return points;
    if (seen.has(token)) {
      throw new UserError(
        `MLflow returned the same page token twice while reading the history of metric ` +
          `"${key}" of run ${runId}: the server's paging is broken (a known MLflow 3.x ` +
          `defect). Upgrade the server, or report it with the server version.`,
      );
    }
    seen.add(token);
  }
}
