/**
 * Triton's enums are proto3 enums, so protobuf accepts any number for them (`kind: 7`). A number
 * with no name reaches Triton as a value it does not handle; this rule reports each one.
 */
import { PbMessageNode } from './pbtxt-ast';
import { RuleContext } from './rule-context';

/** Reports enum fields written as a number that names no value. */
export function checkCheckedEnums(ctx: RuleContext): void {
  const visit = (msg: PbMessageNode): void => {
    for (const entry of msg.entries) {
      const value = entry.value;
      if (value.kind === 'message') {
        visit(value);
      } else if (value.enumNumber !== undefined && value.value === '') {
        ctx.report(
          'error',
          'config.enum-number',
          value.pos,
          `${entry.field.name}: ${value.enumNumber} is not a value of ` +
            `${entry.field.typeName ?? 'the enum'}.`,
          'Write the value by name; protobuf accepts unknown numbers but Triton does not.',
        );
      }
    }
  };
  visit(ctx.config);
}
