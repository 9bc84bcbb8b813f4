/**
 * Checks JSON against a schema of a Google discovery document: $ref, object properties (unknown
 * ones are errors), arrays, enums, int32 numbers, int64 as decimal strings, RFC 3339 times.
 * It is what keeps the emulator from drifting away from Google's shapes.
 */
export interface DiscoverySchema {
  id?: string;
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  items?: DiscoverySchema;
}

export interface DiscoveryDocument {
  schemas: Record<string, DiscoverySchema>;
}

export interface SchemaValidator {
  /** Problems found, as "path: what" lines; empty when the value conforms. */
  validate(schemaName: string, value: unknown): string[];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function createSchemaValidator(doc: DiscoveryDocument): SchemaValidator {
  const walk = (schema: DiscoverySchema, value: unknown, path: string, out: string[]): void => {
    if (schema.$ref) {
      const target = doc.schemas[schema.$ref];
      if (!target) {
        out.push(`${path}: unknown schema ${schema.$ref}`);
        return;
      }
      walk(target, value, path, out);
      return;
    }
    switch (schema.type) {
      case 'any':
        return;
      case 'object': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          out.push(`${path}: expected an object, got ${JSON.stringify(value)}`);
          return;
        }
        for (const [key, v] of Object.entries(value)) {
          const prop = schema.properties?.[key] ?? schema.additionalProperties;
          if (!prop) out.push(`${path}.${key}: not in the schema`);
          else walk(prop, v, `${path}.${key}`, out);
        }
        return;
      }
      case 'array':
        if (!Array.isArray(value)) {
          out.push(`${path}: expected an array`);
          return;
        }
        value.forEach((v, i) => schema.items && walk(schema.items, v, `${path}[${i}]`, out));
        return;
      case 'boolean':
        if (typeof value !== 'boolean') out.push(`${path}: expected a boolean`);
        return;
      case 'integer':
      case 'number':
        if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value)))
          out.push(`${path}: expected ${schema.type}`);
        else if (schema.format === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31))
          out.push(`${path}: out of int32 range`);
        return;
      case 'string':
        if (typeof value !== 'string') {
          out.push(`${path}: expected a string, got ${typeof value}`);
          return;
        }
        if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: ${value} is not one of the enum values`);
        if ((schema.format === 'int64' || schema.format === 'uint64') && !/^-?\d+$/.test(value))
          out.push(`${path}: ${value} is not an int64 string`);
        if ((schema.format === 'date-time' || schema.format === 'google-datetime') && !RFC3339.test(value))
          out.push(`${path}: ${value} is not an RFC 3339 time`);
        if (schema.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) out.push(`${path}: ${value} is not a date`);
        return;
      default:
        out.push(`${path}: schema without a known type (${String(schema.type)})`);
    }
  };
  return {
    validate(schemaName, value) {
      const out: string[] = [];
      walk({ $ref: schemaName }, value, schemaName, out);
      return out;
    },
  };
}
