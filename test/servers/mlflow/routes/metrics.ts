import { jsonReply } from '../http';
import { optionalInteger, optionalString, readMessage, requireString } from '../message';
import type { Route } from '../router';
import { metricJson, pageToken, readPageToken } from '../views';
import { readRunId } from './runs';

/**
 * `metrics/get-history`. 2.17 ignores paging and returns everything. 3.x pages, and without
 * `max_results` answers an empty page whose token points back to the start (mlflow#23916).
 */
export const metricRoutes: Route[] = [
  {
    pattern: 'mlflow/metrics/get-history',
    methods: {
      GET: (request, context) => {
        const message = readMessage(request);
        const runId = readRunId(message);
        const key = requireString(message, 'metric_key');
        const history = context.store.run(runId).metrics.filter((m) => m.key === key);
        if (context.mode === 2) {
          return jsonReply(history.length > 0 ? { metrics: history.map(metricJson) } : {});
        }
        const maxResults = optionalInteger(message, 'max_results');
        const offset = readPageToken(optionalString(message, 'page_token'));
        if (maxResults === undefined) {
          return jsonReply({ next_page_token: pageToken(offset) });
        }
        const page = history.slice(offset, offset + maxResults);
        const json: Record<string, unknown> = {};
        if (page.length > 0) json.metrics = page.map(metricJson);
        if (offset + maxResults < history.length) {
          json.next_page_token = pageToken(offset + maxResults);
        }
        return jsonReply(json);
      },
    },
  },
];
