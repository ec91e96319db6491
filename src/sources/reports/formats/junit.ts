/**
 * JUnit XML as written by Maven Surefire, jest-junit, pytest, Vitest, Gradle and most CI test
 * reporters: `<testsuites>` or a lone `<testsuite>` root, suites nested to any depth, and per
 * `<testcase>` a `<failure>`, `<error>` or `<skipped>` child. Read with a streaming SAX parser
 * (saxes), so a large report is never held as a tree; DTD entities are not expanded.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { TestCase, TestStatus, TestSummary } from '../../../facts/scans.js';
import { ReportProblem, type ReportBody } from '../json-report.js';
import { readChunks, type Digest, type ReportInput } from '../input.js';
import { normalizePath, oneLine } from '../normalize.js';
import { defineFormat } from './module.js';
import type { ReaderOptions } from './options.js';

const RANK: Record<TestStatus, number> = { passed: 0, skipped: 1, failed: 2, errored: 3 };
const CHILD_STATUS: Record<string, TestStatus> = { failure: 'failed', error: 'errored', skipped: 'skipped' };
const MAX_MESSAGE_TEXT = 2000;

async function readJunit(input: ReportInput, digest: Digest, options: ReaderOptions): Promise<ReportBody> {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  const suites: { name: string; file?: string }[] = [];
  const cases: TestCase[] = [];
  let suiteCount = 0;
  let root: SaxesTagPlain | undefined;
  let firstSuite: SaxesTagPlain | undefined;
  let current: TestCase | undefined;
  // Text of a <failure>/<error>/<skipped> without a message attribute, to take its first line.
  let collecting: string | undefined;

  const problem = (message: string) => new ReportProblem(message, null, undefined, parser.line);

  parser.on('opentag', (tag) => {
    if (!root) {
      root = tag;
      if (tag.name !== 'testsuites' && tag.name !== 'testsuite') {
        throw problem(
          `not a JUnit report: the root element is <${tag.name}>, expected <testsuites> or <testsuite>`,
        );
      }
    }
    const a = tag.attributes;
    switch (tag.name) {
      case 'testsuite':
        firstSuite ??= tag;
        suiteCount++;
        suites.push({ name: a.name ?? '', ...(a.file ? { file: a.file } : {}) });
        break;
      case 'testcase': {
        if (current) throw problem('<testcase> inside another <testcase>');
        const suite = suites[suites.length - 1];
        current = { suite: suite?.name ?? '', name: a.name ?? '', status: 'passed' };
        if (a.classname) current.classname = a.classname;
        const file = a.file ?? suite?.file;
        if (file) current.file = normalizePath(file, options.root);
        const line = Number(a.line);
        if (a.line && Number.isInteger(line) && line > 0) current.line = line;
        const time = Number(a.time);
        if (a.time && Number.isFinite(time)) current.time = time;
        break;
      }
      case 'failure':
      case 'error':
      case 'skipped': {
        // Outside a test case (a suite-level `<error>`, say), it is not a test result.
        if (!current) break;
        const status = CHILD_STATUS[tag.name]!;
        if (RANK[status] > RANK[current.status]) {
          current.status = status;
          const message = oneLine(a.message, 500);
          if (message) current.message = message;
          else {
            delete current.message;
            collecting = '';
          }
        }
        break;
      }
    }
  });
  const onText = (text: string) => {
    if (collecting !== undefined && collecting.length < MAX_MESSAGE_TEXT)
      collecting += text.slice(0, MAX_MESSAGE_TEXT);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    switch (tag.name) {
      case 'failure':
      case 'error':
      case 'skipped':
        if (current && collecting !== undefined) {
          const message = oneLine(collecting, 500);
          if (message) current.message = message;
        }
        collecting = undefined;
        break;
      case 'testcase':
        if (current) cases.push(current);
        current = undefined;
        break;
      case 'testsuite':
        suites.pop();
        break;
    }
  });

  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of readChunks(input, digest))
      parser.write(decoder.decode(chunk, { stream: true }));
    parser.write(decoder.decode());
    parser.close();
  } catch (err) {
    if (err instanceof ReportProblem) throw err;
    // saxes prefixes its messages with `line:column: `.
    const message = (err instanceof Error ? err.message : String(err)).replace(/^\d+:\d+: /, '');
    throw new ReportProblem(`invalid XML: ${message}`, null, undefined, parser.line);
  }
  if (!root) throw problem('the file is empty');

  const tests = summarize(cases, suiteCount);
  return {
    tool: { name: toolName(root, firstSuite) },
    format: 'junit',
    scanType: options.scanType ?? 'tests',
    findings: [],
    tests,
  };
}

function summarize(cases: TestCase[], suites: number): TestSummary {
  const count = (s: TestStatus) => cases.filter((c) => c.status === s).length;
  const time = cases.reduce((sum, c) => sum + (c.time ?? 0), 0);
  return {
    total: cases.length,
    passed: count('passed'),
    failed: count('failed'),
    errored: count('errored'),
    skipped: count('skipped'),
    suites,
    time: Math.round(time * 1000) / 1000,
    cases,
  };
}

/** Which runner wrote the report, from the marks each leaves. */
function toolName(root: SaxesTagPlain, firstSuite: SaxesTagPlain | undefined): string {
  const rootName = (root.attributes.name ?? '').toLowerCase();
  const suiteName = (firstSuite?.attributes.name ?? '').toLowerCase();
  const schema = Object.entries(firstSuite?.attributes ?? {}).find(([k]) =>
    k.endsWith('noNamespaceSchemaLocation'),
  )?.[1];
  if (rootName === 'jest tests') return 'jest';
  if (rootName === 'vitest tests') return 'vitest';
  if (rootName === 'pytest tests' || suiteName === 'pytest') return 'pytest';
  if (schema?.includes('surefire')) return 'maven-surefire';
  return 'junit';
}

export const junit = defineFormat({
  id: 'junit',
  label: 'JUnit',
  mediaType: 'application/xml',
  detect: { xmlRoots: ['testsuites', 'testsuite'] },
  scanTypes: ['tests'],
  read: readJunit,
});
