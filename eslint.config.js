import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ and what each may not import (docs/architecture.md). A rule names folders
 * of src/; an import path reaching into one of them, statically or with import(), is an error.
 * Tests and fixtures may use any layer: they assemble real components.
 */
const FS = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'];
const LAYERS = [
  {
    name: 'checks',
    files: ['src/checks/**/*.ts'],
    folders: ['sources', 'store', 'ledger', 'evidence', 'cli'],
    modules: FS,
    why: 'checks are pure: they read facts (src/facts, src/population), never sources, the store, the ledger, the evidence layer or the file system',
  },
  {
    name: 'sources',
    files: ['src/sources/**/*.ts'],
    folders: ['checks', 'report', 'cli'],
    why: 'sources collect facts; they know nothing of checks, reports or commands',
  },
  {
    name: 'store',
    files: ['src/store/**/*.ts'],
    folders: ['evidence', 'population', 'cli'],
    why: 'the store speaks SQL for the ledger; the evidence layer and the population are built on top of it',
  },
  {
    name: 'population',
    files: ['src/population/**/*.ts'],
    folders: ['store', 'ledger', 'evidence', 'sources', 'cli'],
    modules: FS,
    why: 'the change population is pure: the commands load git and recorded evidence and hand them over',
  },
  {
    name: 'no-cli',
    files: ['src/**/*.ts'],
    // The CLI's own files, and the GitHub Action, an entry point that runs the CLI.
    ignores: ['src/cli/**', 'src/action/**'],
    folders: ['cli'],
    why: 'nothing imports the CLI: commands sit on top',
  },
];

/** Matches an import path that reaches into one of `folders` of src/ (`../store/index.js`, `./cli/x.js`). */
const folderRegex = (folders) => `^(\\.{1,2}/)+(\\.\\./)*(${folders.join('|')})(/|$)`;

const layerConfig = (layer) => {
  const regex = folderRegex(layer.folders);
  const message = `${layer.name} layer: ${layer.why}.`;
  return {
    name: `layers/${layer.name}`,
    files: layer.files,
    ignores: ['**/*.test.ts', '**/__fixtures__/**', ...(layer.ignores ?? [])],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: (layer.modules ?? []).map((name) => ({ name, message })),
          patterns: [{ regex, message }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`, message },
      ],
    },
  };
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '**/__fixtures__/**',
      'schema/**',
      '.greenlight/**',
      'bench/.work/**',
      // The committed bundle of src/ the GitHub Action runs (scripts/build-action.mjs).
      'action/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-control-regex': 'off',
    },
  },
  {
    // The command's CommonJS door (bin/greenlight.cjs, bin/code-cache.cjs).
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The broad rule first, so each layer's own (which also bans cli) replaces it for its files.
  ...[LAYERS.at(-1), ...LAYERS.slice(0, -1)].map(layerConfig),
);
