import type { MlflowMode } from './views';

/** Which SQL database the real server's error texts come from. */
export type Database = 'sqlite' | 'postgres';

const background14 = '(Background on this error at: https://sqlalche.me/e/14/gkpj)';
const background20 = '(Background on this error at: https://sqlalche.me/e/20/gkpj)';

/** The text of a duplicate experiment name, which embeds the SQL error of the database. */
export function duplicateExperimentMessage(
  name: string,
  time: number,
  database: Database,
  mode: MlflowMode,
): string {
  const head = `Experiment(name=${name}) already exists. Error: `;
  if (mode === 3) {
    return (
      `${head}(sqlite3.IntegrityError) UNIQUE constraint failed: experiments.workspace, ` +
      'experiments.name\n[SQL: INSERT INTO experiments (name, workspace, artifact_location, ' +
      'lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)]\n' +
      `[parameters: ('${name}', 'default', '', 'active', ${time}, ${time})]\n${background20}`
    );
  }
  const autoflush =
    '(raised as a result of Query-invoked autoflush; consider using a session.no_autoflush ' +
    'block if this flush is occurring prematurely)\n';
  if (database === 'postgres') {
    return (
      `${head}${autoflush}(psycopg2.errors.UniqueViolation) duplicate key value violates ` +
      `unique constraint "experiments_name_key"\nDETAIL:  Key (name)=(${name}) already exists.` +
      '\n\n[SQL: INSERT INTO experiments (name, artifact_location, lifecycle_stage, ' +
      'creation_time, last_update_time) VALUES (%(name)s, %(artifact_location)s, ' +
      '%(lifecycle_stage)s, %(creation_time)s, %(last_update_time)s) RETURNING ' +
      `experiments.experiment_id]\n[parameters: {'name': '${name}', 'artifact_location': '', ` +
      `'lifecycle_stage': 'active', 'creation_time': ${time}, 'last_update_time': ${time}}]\n` +
      background14
    );
  }
  return (
    `${head}${autoflush}(sqlite3.IntegrityError) UNIQUE constraint failed: experiments.name\n` +
    '[SQL: INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, ' +
    `last_update_time) VALUES (?, ?, ?, ?, ?)]\n[parameters: ('${name}', '', 'active', ` +
    `${time}, ${time})]\n${background14}`
  );
}

/** The text of a duplicate registered model; 3.x no longer embeds the SQL error. */
export function duplicateModelMessage(
  name: string,
  time: number,
  database: Database,
  mode: MlflowMode,
): string {
  const head = `Registered Model (name=${name}) already exists.`;
  if (mode === 3) {
    return head;
  }
  if (database === 'postgres') {
    return (
      `${head} Error: (psycopg2.errors.UniqueViolation) duplicate key value violates unique ` +
      `constraint "registered_model_pk"\nDETAIL:  Key (name)=(${name}) already exists.\n\n` +
      '[SQL: INSERT INTO registered_models (name, creation_time, last_updated_time, ' +
      'description) VALUES (%(name)s, %(creation_time)s, %(last_updated_time)s, ' +
      `%(description)s)]\n[parameters: {'name': '${name}', 'creation_time': ${time}, ` +
      `'last_updated_time': ${time}, 'description': ''}]\n${background14}`
    );
  }
  return (
    `${head} Error: (sqlite3.IntegrityError) UNIQUE constraint failed: registered_models.name\n` +
    '[SQL: INSERT INTO registered_models (name, creation_time, last_updated_time, ' +
    `description) VALUES (?, ?, ?, ?)]\n[parameters: ('${name}', ${time}, ${time}, '')]\n` +
    background14
  );
}
