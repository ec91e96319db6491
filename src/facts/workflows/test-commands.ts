import type { Step } from '../index.js';

/**
 * How CI runs tests, kept as data so every check that needs "does this step run tests?" agrees.
 * Each pattern is matched against one shell command line at a time (comments removed); a match
 * must start at a command boundary, so `echo "npm test"` inside quotes is still a match only when
 * the quoted text begins the command — good enough for CI scripts, where tests are plain commands.
 */
export interface TestCommand {
  /** Short name for messages: the tool as a user would call it. */
  name: string;
  pattern: RegExp;
}

// Start of a command: line start, or after a shell separator, `&&`, `||`, `(`, `$(`, `time`, `xvfb-run`…
const B = String.raw`(?:^|[;&|(]\s*|\$\(\s*|\b(?:time|exec|xvfb-run(?:\s+-a)?|env|sudo|nice)\s+)(?:[A-Za-z_]\w*=\S*\s+)*`;
// Words between a tool and its subcommand: flags (`--silent`, `-w pkg`) and `--filter x`-style pairs.
const FLAGS = String.raw`(?:\s+(?:--?[\w-]+(?:=\S+)?|--filter\s+\S+|--prefix\s+\S+|-w\s+\S+|--workspace\s+\S+|-C\s+\S+))*`;
const END = String.raw`(?=$|[\s;&|)'"])`;

const cmd = (name: string, body: string): TestCommand => ({
  name,
  pattern: new RegExp(`${B}${body}${END}`, 'i'),
});

export const TEST_COMMANDS: readonly TestCommand[] = [
  cmd(
    'npm test',
    String.raw`npm${FLAGS}\s+(?:test|t|tst|run(?:-script)?${FLAGS}\s+test(?::[\w:-]+)?|cit|install-ci-test|it|install-test)`,
  ),
  cmd(
    'pnpm test',
    String.raw`pnpm${FLAGS}(?:\s+-r|\s+--recursive)?${FLAGS}\s+(?:test|t|run${FLAGS}\s+test(?::[\w:-]+)?)`,
  ),
  cmd(
    'yarn test',
    String.raw`yarn${FLAGS}\s+(?:test|run\s+test(?::[\w:-]+)?|workspaces\s+(?:foreach\s+(?:-\S+\s+)*)?run\s+test)`,
  ),
  cmd('bun test', String.raw`bun\s+(?:test|run\s+test(?::[\w:-]+)?)`),
  cmd('deno test', String.raw`deno\s+test`),
  cmd('jest', String.raw`(?:(?:npx|pnpm\s+exec|pnpm\s+dlx|yarn|bunx)\s+)?(?:\.\/node_modules\/\.bin\/)?jest`),
  cmd(
    'vitest',
    String.raw`(?:(?:npx|pnpm\s+exec|pnpm\s+dlx|yarn|bunx)\s+)?(?:\.\/node_modules\/\.bin\/)?vitest(?:\s+run)?`,
  ),
  cmd('mocha', String.raw`(?:(?:npx|pnpm\s+exec|yarn)\s+)?(?:\.\/node_modules\/\.bin\/)?mocha`),
  cmd('playwright test', String.raw`(?:(?:npx|pnpm\s+exec|yarn)\s+)?playwright\s+test`),
  cmd('cypress run', String.raw`(?:(?:npx|pnpm\s+exec|yarn)\s+)?cypress\s+run`),
  cmd('karma', String.raw`(?:(?:npx|pnpm\s+exec|yarn)\s+)?karma\s+start`),
  cmd(
    'nx test',
    String.raw`(?:(?:npx|pnpm\s+exec|yarn)\s+)?nx\s+(?:test|run-many\s+(?:-\S+\s+)*(?:-t|--target[= ])\s*test|affected\s+(?:-\S+\s+)*(?:-t|--target[= ])\s*test)`,
  ),
  cmd('turbo test', String.raw`(?:(?:npx|pnpm\s+exec|yarn)\s+)?turbo\s+(?:run\s+)?test`),
  cmd(
    'pytest',
    String.raw`(?:(?:python3?|py)\s+-m\s+pytest|(?:poetry\s+run\s+|pipenv\s+run\s+|uv\s+run\s+|hatch\s+run\s+)?py\.?test)`,
  ),
  cmd('python unittest', String.raw`(?:python3?|py)\s+-m\s+unittest`),
  cmd('django test', String.raw`(?:python3?\s+)?(?:\.\/)?manage\.py\s+test`),
  cmd('tox', String.raw`(?:python3?\s+-m\s+)?tox`),
  cmd('nox', String.raw`(?:python3?\s+-m\s+)?nox`),
  cmd('go test', String.raw`go\s+test`),
  cmd('gotestsum', String.raw`gotestsum`),
  cmd('mvn test', String.raw`(?:mvn|\.\/mvnw|mvnw)(?:\s+\S+)*?\s+(?:test|verify|install|integration-test)`),
  cmd(
    'gradle test',
    String.raw`(?:gradle|\.\/gradlew|gradlew)(?:\s+\S+)*?\s+(?::?[\w:-]*:)?(?:test|check|build|connectedCheck)`,
  ),
  cmd('sbt test', String.raw`sbt(?:\s+\S+)*?\s+["']?(?:\+\s*)?test`),
  cmd('lein test', String.raw`lein\s+test`),
  cmd('cargo test', String.raw`cargo(?:\s+\+\S+)?\s+(?:test|nextest\s+run)`),
  cmd('dotnet test', String.raw`dotnet\s+test`),
  cmd('rspec', String.raw`(?:bundle\s+exec\s+)?(?:bin\/)?rspec`),
  cmd('rake test', String.raw`(?:bundle\s+exec\s+)?(?:bin\/)?(?:rake|rails)\s+(?:test|spec)`),
  cmd('phpunit', String.raw`(?:php\s+)?(?:\.\/)?(?:vendor\/bin\/)?phpunit`),
  cmd('pest', String.raw`(?:php\s+)?(?:\.\/)?vendor\/bin\/pest`),
  cmd('composer test', String.raw`composer\s+(?:run(?:-script)?\s+)?test`),
  cmd('mix test', String.raw`mix\s+test`),
  cmd('swift test', String.raw`swift\s+test`),
  cmd('xcodebuild test', String.raw`xcodebuild(?:\s+\S+)*?\s+test`),
  cmd('flutter test', String.raw`flutter\s+test`),
  cmd('dart test', String.raw`dart\s+test`),
  cmd('ctest', String.raw`ctest`),
  cmd('bazel test', String.raw`(?:bazel|bazelisk)\s+test`),
  cmd('make test', String.raw`make(?:\s+(?:-[Cf]\s+\S+|-\S+))*\s+(?:test|tests|check|unit-test|test-\w+)`),
  cmd('just test', String.raw`just\s+test`),
  cmd('task test', String.raw`task\s+test`),
];

/** Actions that run tests by themselves, with the input that must say so when one is needed. */
export interface TestAction {
  /** `owner/repo` (or `owner/repo/path`) without the ref, lower case. */
  uses: string;
  name: string;
  /** When set: the step runs tests only if this input matches. */
  input?: { name: string; pattern: RegExp };
}

export const TEST_ACTIONS: readonly TestAction[] = [
  { uses: 'cypress-io/github-action', name: 'cypress' },
  {
    uses: 'actions-rs/cargo',
    name: 'cargo test',
    input: { name: 'command', pattern: /^\s*(?:test|nextest)\b/ },
  },
  {
    uses: 'gradle/gradle-build-action',
    name: 'gradle test',
    input: { name: 'arguments', pattern: /(?:^|\s)(?::?[\w:-]*:)?(?:test|check|build)\b/ },
  },
  {
    uses: 'paambaati/codeclimate-action',
    name: 'coverage run',
    input: { name: 'coverageCommand', pattern: /\S/ },
  },
];

export interface TestMatch {
  name: string;
  /** The command line that matched (for GitHub steps) or the action. */
  command: string;
  /** Offset of the matching line in `run`, when it came from a script. */
  offset?: number;
}

/** The first test command in a shell script, or undefined. */
export function findTestCommand(script: string): TestMatch | undefined {
  let offset = 0;
  for (const raw of script.split('\n')) {
    const line = stripComment(raw);
    if (!/(?:^|[\s;&|(])-D?skipTests\b|-Dmaven\.test\.skip\b|\s-x\s+:?test\b/.test(line)) {
      for (const tc of TEST_COMMANDS) {
        if (tc.pattern.test(line.trim())) return { name: tc.name, command: raw.trim(), offset };
      }
    }
    offset += raw.length + 1;
  }
  return undefined;
}

function stripComment(line: string): string {
  const t = line.trimStart();
  if (t.startsWith('#')) return '';
  // ` # comment` at the end of a line (not inside `${{ }}` or a URL fragment).
  return line.replace(/\s#\s.*$/, '');
}

/** Does this step run tests (a test command in `run`, or a test-running action)? */
export function stepRunsTests(step: Pick<Step, 'run' | 'uses' | 'with'>): TestMatch | undefined {
  if (step.run !== undefined) {
    const m = findTestCommand(step.run);
    if (m) return m;
  }
  if (step.uses) {
    const ref = step.uses.split('@')[0]?.toLowerCase() ?? '';
    for (const a of TEST_ACTIONS) {
      if (ref !== a.uses && !ref.startsWith(`${a.uses}/`)) continue;
      if (!a.input) return { name: a.name, command: step.uses };
      const value = step.with[a.input.name];
      if (value !== undefined && a.input.pattern.test(value)) return { name: a.name, command: step.uses };
    }
  }
  return undefined;
}
