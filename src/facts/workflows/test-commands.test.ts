import { describe, expect, it } from 'vitest';
import { findTestCommand, stepRunsTests } from './test-commands.js';

describe('test command recognition', () => {
  const runs: [string, string][] = [
    ['npm test', 'npm test'],
    ['npm run test:unit -- --coverage', 'npm test'],
    ['npm ci && npm t', 'npm test'],
    ['npm --prefix web run test', 'npm test'],
    ['pnpm -r test', 'pnpm test'],
    ['pnpm --filter api run test', 'pnpm test'],
    ['yarn test --ci', 'yarn test'],
    ['yarn workspaces foreach -A run test', 'yarn test'],
    ['npx vitest run', 'vitest'],
    ['CI=true npx jest --runInBand', 'jest'],
    ['xvfb-run -a npx playwright test', 'playwright test'],
    ['python -m pytest -q tests/', 'pytest'],
    ['poetry run pytest', 'pytest'],
    ['go test ./... -race', 'go test'],
    ['./mvnw -B verify', 'mvn test'],
    ['mvn -B -ntp clean install', 'mvn test'],
    ['./gradlew check', 'gradle test'],
    ['./gradlew :app:test --info', 'gradle test'],
    ['cargo test --all-features', 'cargo test'],
    ['cargo nextest run', 'cargo test'],
    ['dotnet test --no-build', 'dotnet test'],
    ['bundle exec rspec', 'rspec'],
    ['vendor/bin/phpunit', 'phpunit'],
    ['make -C backend test', 'make test'],
    ['cd web; npm test', 'npm test'],
    ['mix test', 'mix test'],
    ['bazel test //...', 'bazel test'],
    ['time tox -e py312', 'tox'],
  ];
  for (const [script, name] of runs) {
    it(`recognises \`${script}\``, () => {
      expect(findTestCommand(script)?.name).toBe(name);
    });
  }

  const notTests = [
    'npm ci',
    'npm install jest',
    'npm run build',
    'echo done # npm test',
    '# npm test',
    'mvn -B package',
    'mvn -DskipTests install',
    './gradlew build -x test',
    'go build ./...',
    'cargo build --release',
    'yarn lint',
    'latest-version',
    'cat contest.txt',
  ];
  for (const script of notTests) {
    it(`does not take \`${script}\` for tests`, () => {
      expect(findTestCommand(script)).toBeUndefined();
    });
  }

  it('reports the offset of the matching line', () => {
    const script = 'npm ci\nnpm run build\nnpm test\n';
    expect(findTestCommand(script)).toEqual({ name: 'npm test', command: 'npm test', offset: 21 });
  });

  it('recognises test-running actions, with the input when one is needed', () => {
    expect(stepRunsTests({ uses: 'cypress-io/github-action@v6', with: {} })?.name).toBe('cypress');
    expect(stepRunsTests({ uses: 'actions-rs/cargo@v1', with: { command: 'test' } })?.name).toBe(
      'cargo test',
    );
    expect(stepRunsTests({ uses: 'actions-rs/cargo@v1', with: { command: 'build' } })).toBeUndefined();
    expect(stepRunsTests({ uses: 'actions/checkout@v4', with: {} })).toBeUndefined();
  });
});
