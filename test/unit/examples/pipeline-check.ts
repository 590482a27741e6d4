/**
 * Checks a pipeline's YAML against the task.json files: each task reference, its inputs, and
 * every output variable a later step, job or stage reads, in Azure Pipelines' syntax.
 */
import type { Context, PipelineReport } from './check-context';
import { checkJobReferences, checkStageReferences } from './output-references';
import { readPipeline } from './pipeline-model';
import { checkSteps } from './step-checks';
import type { TaskManifest } from './task-manifests';

export type { PipelineReport } from './check-context';

/** Checks one pipeline file's text; `file` names it in the problems. */
export function checkPipeline(
  file: string,
  text: string,
  manifests: Map<string, TaskManifest>,
): PipelineReport {
  const pipeline = readPipeline(text);
  const report: PipelineReport = { problems: [], resolved: [] };
  const problem = (where: string, message: string): void => {
    report.problems.push(`${file}: ${where}: ${message}`);
  };
  const context: Context = { pipeline, manifests, report, problem };

  for (const stage of pipeline.stages) {
    const stageWhere = stage.implicit ? 'pipeline' : `stage ${stage.name}`;
    for (const text of [...stage.variables.values(), stage.condition ?? '']) {
      checkStageReferences(context, stage, text, stageWhere);
    }
    for (const job of stage.jobs) {
      const jobWhere = stage.implicit ? `job ${job.name}` : `${stageWhere}, job ${job.name}`;
      for (const text of [...job.variables.values(), job.condition ?? '']) {
        checkJobReferences(context, stage, job, text, jobWhere);
      }
      checkSteps(context, stage, job, jobWhere);
    }
  }
  return report;
}
