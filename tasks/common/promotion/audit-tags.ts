import type { KeyValue } from '../mlflow/types';

/** Keys of the audit tags, so a version can be traced to the build that moved it. */
export const AUDIT_TAGS = {
  promotedAt: 'promotion.promoted_at',
  promotedBy: 'promotion.build',
  buildUrl: 'promotion.build_url',
  approvedBy: 'promotion.approved_by',
  approvalSource: 'promotion.approval_source',
  replacedVersion: 'promotion.replaced_version',
  kind: 'promotion.kind',
  demotedAt: 'promotion.demoted_at',
  replacedBy: 'promotion.replaced_by',
  demotedBy: 'promotion.demoted_by_build',
} as const;

/** The facts of one alias move that the audit records. */
export interface AuditFacts {
  /** `promotion` or `rollback`. */
  kind: 'promotion' | 'rollback';
  at: Date;
  /** e.g. `20261203.4 (build 1234)`; "local run" outside a pipeline. */
  build: string;
  buildUrl: string | undefined;
  approvedBy: string;
  approvalSource: 'approval' | 'requester';
  /** Version that is champion now. */
  newChampion: string;
  /** Version that was champion before; undefined for a first promotion. */
  oldChampion: string | undefined;
}

/** Tags for the version that became champion. */
export function promotedTags(facts: AuditFacts): KeyValue[] {
  const tags: KeyValue[] = [
    { key: AUDIT_TAGS.kind, value: facts.kind },
    { key: AUDIT_TAGS.promotedAt, value: facts.at.toISOString() },
    { key: AUDIT_TAGS.promotedBy, value: facts.build },
    { key: AUDIT_TAGS.approvedBy, value: facts.approvedBy },
    {
      key: AUDIT_TAGS.approvalSource,
      value: facts.approvalSource === 'approval' ? 'environment approval' : 'run requester',
    },
    { key: AUDIT_TAGS.replacedVersion, value: facts.oldChampion ?? 'none' },
  ];
  if (facts.buildUrl) tags.push({ key: AUDIT_TAGS.buildUrl, value: facts.buildUrl });
  return tags;
}

/** Tags for the version that stopped being champion. */
export function demotedTags(facts: AuditFacts): KeyValue[] {
  return [
    { key: AUDIT_TAGS.demotedAt, value: facts.at.toISOString() },
    { key: AUDIT_TAGS.replacedBy, value: facts.newChampion },
    { key: AUDIT_TAGS.demotedBy, value: facts.build },
  ];
}
