import { z } from 'zod';
import type { SignatureStatus } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

const pct = (share: number): string => `${(Math.floor(share * 1000) / 10).toString()}%`;
/** Commits listed in the details of a failure, at most. */
const LISTED = 50;

export default defineCheck({
  id: 'change.signed-commits',
  title: 'Changes on the branch carry valid signatures',
  needs: ['git'],
  options: z.strictObject({
    includeBots: z
      .boolean()
      .default(false)
      .describe('Count commits pushed by automation identities (kind bot) in the population'),
  }),
  remediation:
    'Sign commits (`git config commit.gpgSign true`, e.g. with `gpg.format ssh` and an SSH key), require ' +
    'signed commits on the branch, and make signers verifiable where greenlight runs: ' +
    '`gpg.ssh.allowedSignersFile` for SSH keys, `gpg --import` for GPG keys (GitHub web-flow: https://github.com/web-flow.gpg).',
  evaluate({ git }, { includeBots }, { config }) {
    if (git.shallow)
      return [
        notAvailable(
          `the clone of ${git.branch} is shallow, so its history is incomplete: run \`git fetch --unshallow\``,
          git.branch,
        ),
      ];
    // The population is the first-parent line: each change as it landed (a forge's merge or squash
    // commit, or a direct push), not the work-in-progress commits a merge brought in.
    const population = git.commits.filter((c) => c.firstParent && (includeBots || c.kind !== 'bot'));
    if (population.length === 0)
      return [notApplicable(`no change reached ${git.branch} in the window`, git.branch)];
    const byStatus: Partial<Record<SignatureStatus, number>> = {};
    for (const c of population) byStatus[c.signature] = (byStatus[c.signature] ?? 0) + 1;
    const good = byStatus.good ?? 0;
    // `%G?` = E: git could not check the signature here (the signer's key is missing, e.g. GitHub's
    // web-flow key). Such a commit is signed but undecided: it counts neither way, and the result is
    // only decided when it would be the same whatever those signatures turn out to be.
    const unverifiable = byStatus['cannot-check'] ?? 0;
    const share = good / population.length;
    const floor = config.thresholds.signedCommitsFloor;
    const details: Record<string, unknown> = { total: population.length, good, share, floor, byStatus };
    const why =
      `${unverifiable} ${unverifiable === 1 ? 'signature' : 'signatures'} git cannot check here (the signer's key is missing, ` +
      "e.g. GitHub's web-flow key): import the signers' keys, or connect GitHub so the forge's verification decides";
    if (unverifiable > 0 && share < floor && (good + unverifiable) / population.length >= floor) {
      details.unverifiable = population
        .filter((c) => c.signature === 'cannot-check')
        .slice(0, LISTED)
        .map((c) => c.sha);
      const checked = population.length - unverifiable;
      return [
        notAvailable(
          (checked === 0
            ? `none of the ${population.length} changes on ${git.branch} could be checked: `
            : `${good} of ${checked} checkable changes on ${git.branch} carry a valid signature, and the floor ` +
              `of ${pct(floor)} depends on the rest: `) + why,
          git.branch,
          { details },
        ),
      ];
    }
    if (share >= floor)
      return [
        pass(
          `${good} of ${population.length} changes on ${git.branch} (${pct(share)}) carry a valid signature (floor ${pct(floor)})`,
          git.branch,
          { details },
        ),
      ];
    const breakdown = Object.entries(byStatus)
      .filter(([status]) => status !== 'good')
      .map(([status, n]) => `${n} ${status}`)
      .join(', ');
    const hints = [...(git.warnings ?? [])];
    if (unverifiable > 0)
      hints.push(`even counting as valid the ${why.replace(/: import.*/, '')}, the floor is not met`);
    if (byStatus['unknown-validity'])
      hints.push('some signers are not trusted here: add them to the allowed signers or import their keys');
    details.unsigned = population
      .filter((c) => c.signature !== 'good')
      .slice(0, LISTED)
      .map((c) => c.sha);
    return [
      fail(
        `only ${good} of ${population.length} changes on ${git.branch} (${pct(share)}) carry a valid signature, ` +
          `below the floor of ${pct(floor)} (${breakdown})` +
          (hints.length > 0 ? `; ${hints.join('; ')}` : ''),
        git.branch,
        { details },
      ),
    ];
  },
});
