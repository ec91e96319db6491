// Regenerates schema/greenlight.schema.json from the zod config schema (run after `npm run build`).
import { writeFileSync, mkdirSync } from 'node:fs';
import { configJsonSchema } from '../dist/config/index.js';

const schema = {
  $id: 'https://greenlight.dev/schema/greenlight.schema.json',
  title: 'greenlight.yml',
  ...configJsonSchema(),
};
mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('../schema/greenlight.schema.json', import.meta.url),
  `${JSON.stringify(schema, null, 2)}\n`,
);
console.log('wrote schema/greenlight.schema.json');
