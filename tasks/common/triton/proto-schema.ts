/**
 * A small description of a protobuf schema (messages, fields, enums), enough for the text-format
 * parser to check each field as protobuf's own parser does. Schemas are written with `message()`
 * and `enumType()`, whose field specs read like the .proto source: `'repeated int64'`,
 * `'map<string, ModelParameter>'`, `'DataType'`.
 */

/** Protobuf scalar types that appear in text format. */
export type ScalarType =
  'string' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'float' | 'double';

/** One field of a message. */
export interface FieldDescriptor {
  name: string;
  number: number;
  /** A scalar, or `enum` / `message` with `typeName` naming it. */
  type: ScalarType | 'enum' | 'message';
  typeName?: string;
  repeated: boolean;
  /** The oneof this field belongs to, if any. */
  oneof?: string;
}

/** One message type; map fields point at a synthesized `...Entry` type with `mapEntry` set. */
export interface MessageDescriptor {
  fullName: string;
  fields: ReadonlyMap<string, FieldDescriptor>;
  mapEntry: boolean;
}

/** One enum type: value names and numbers. */
export interface EnumDescriptor {
  fullName: string;
  byName: ReadonlyMap<string, number>;
  byNumber: ReadonlyMap<number, string>;
}

/** Every message and enum of a schema, by full name. */
export interface ProtoSchema {
  messages: ReadonlyMap<string, MessageDescriptor>;
  enums: ReadonlyMap<string, EnumDescriptor>;
}

const SCALARS: ReadonlySet<string> = new Set([
  'string',
  'bool',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'float',
  'double',
]);

/** A field spec as written in a schema module: `[number, 'repeated int64']`, with oneof last. */
export type FieldSpec = readonly [number, string] | readonly [number, string, string];

/** A message spec: its full name and its fields by name. */
export interface MessageSpec {
  fullName: string;
  fields: Readonly<Record<string, FieldSpec>>;
}

/** An enum spec: its full name and its values by name. */
export interface EnumSpec {
  fullName: string;
  values: Readonly<Record<string, number>>;
}

/** Declares a message type for `buildSchema`. */
export function message(fullName: string, fields: Record<string, FieldSpec>): MessageSpec {
  return { fullName, fields };
}

/** Declares an enum type for `buildSchema`. */
export function enumType(fullName: string, values: Record<string, number>): EnumSpec {
  return { fullName, values };
}

/** Resolves a type name written in a spec, looking outward from the message that uses it. */
function resolveTypeName(name: string, scope: string, known: ReadonlySet<string>): string {
  const parts = scope.split('.');
  for (let depth = parts.length; depth >= 0; depth -= 1) {
    const candidate = [...parts.slice(0, depth), name].join('.');
    if (known.has(candidate)) return candidate;
  }
  throw new Error(`schema: type "${name}" used in "${scope}" is not declared`);
}

/** Builds a ProtoSchema from specs, resolving type names and synthesizing map entry types. */
export function buildSchema(messages: MessageSpec[], enums: EnumSpec[]): ProtoSchema {
  const known = new Set([...messages.map((m) => m.fullName), ...enums.map((e) => e.fullName)]);
  const enumNames = new Set(enums.map((e) => e.fullName));
  const built = new Map<string, MessageDescriptor>();

  const typeOf = (written: string, scope: string): Pick<FieldDescriptor, 'type' | 'typeName'> => {
    if (SCALARS.has(written)) return { type: written as ScalarType };
    const typeName = resolveTypeName(written, scope, known);
    return { type: enumNames.has(typeName) ? 'enum' : 'message', typeName };
  };

  for (const spec of messages) {
    const fields = new Map<string, FieldDescriptor>();
    for (const [name, [number, written, oneof]] of Object.entries(spec.fields)) {
      const map = /^map<\s*(\w+)\s*,\s*([\w.]+)\s*>$/.exec(written);
      if (map) {
        const entryName = `${spec.fullName}.${toEntryName(name)}`;
        const entryFields = new Map<string, FieldDescriptor>([
          [
            'key',
            { name: 'key', number: 1, repeated: false, ...typeOf(map[1] ?? '', spec.fullName) },
          ],
          [
            'value',
            { name: 'value', number: 2, repeated: false, ...typeOf(map[2] ?? '', spec.fullName) },
          ],
        ]);
        built.set(entryName, { fullName: entryName, fields: entryFields, mapEntry: true });
        fields.set(name, { name, number, repeated: true, type: 'message', typeName: entryName });
        continue;
      }
      const repeated = written.startsWith('repeated ');
      const base = repeated ? written.slice('repeated '.length) : written;
      const field: FieldDescriptor = { name, number, repeated, ...typeOf(base, spec.fullName) };
      if (oneof !== undefined) field.oneof = oneof;
      fields.set(name, field);
    }
    built.set(spec.fullName, { fullName: spec.fullName, fields, mapEntry: false });
  }

  const builtEnums = new Map<string, EnumDescriptor>();
  for (const spec of enums) {
    const byName = new Map(Object.entries(spec.values));
    const byNumber = new Map<number, string>();
    for (const [name, number] of byName) if (!byNumber.has(number)) byNumber.set(number, name);
    builtEnums.set(spec.fullName, { fullName: spec.fullName, byName, byNumber });
  }
  return { messages: built, enums: builtEnums };
}

/** protoc names a map field's entry type after the field: `input_map` becomes `InputMapEntry`. */
function toEntryName(fieldName: string): string {
  const camel = fieldName
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${camel}Entry`;
}
