/** ajv validators for the report tests: our report schema and the official SARIF 2.1.0 schema. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import AjvModule, { type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const require = createRequire(import.meta.url);

/**
 * The SARIF 2.1.0 schema as the OASIS SARIF TC publishes it in oasis-tcs/sarif-spec
 * (`Schemata/sarif-schema-2.1.0.json`, draft-07), from the npm package that ships it as a file.
 */
export const SARIF_SCHEMA_FILE = path.join(
  path.dirname(require.resolve('@datadog/datadog-ci-plugin-sarif/package.json')),
  'dist/json-schema/sarif-schema-2.1.0.json',
);
export const REPORT_SCHEMA_FILE = new URL('../../../schema/report.schema.json', import.meta.url);

function validator(file: string | URL): (data: unknown) => ErrorObject[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
  return (data) => (validate(data) ? [] : [...(validate.errors ?? [])]);
}

let sarif: ((data: unknown) => ErrorObject[]) | undefined;
let report: ((data: unknown) => ErrorObject[]) | undefined;

/** Schema errors of a SARIF log; empty when valid. */
export const sarifErrors = (data: unknown) => (sarif ??= validator(SARIF_SCHEMA_FILE))(data);
/** Schema errors of a JSON report; empty when valid. */
export const reportErrors = (data: unknown) => (report ??= validator(REPORT_SCHEMA_FILE))(data);
