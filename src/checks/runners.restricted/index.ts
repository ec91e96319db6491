import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'runners.restricted',
  title: 'Self-hosted runners are not available to public or all repositories',
  needs: ['github'],
  remediation:
    'Organisation settings → Actions → Runner groups: limit each group with self-hosted runners to selected repositories, untick "Allow public repositories", and restrict it to selected workflows where possible.',
  evaluate({ github }) {
    const groups = github.runnerGroups;
    if (isUnavailable(groups)) return [notAvailable(groups.reason, github.org)];
    const used = groups.filter((g) => g.runners > 0);
    if (!used.length) return [notApplicable('no self-hosted runners in the organisation', github.org)];
    return used.map((g) => {
      const problems = [
        g.visibility === 'all' && 'every repository can use it',
        g.allowsPublicRepositories &&
          'public repositories can use it (anyone can run code on it through a pull request)',
      ].filter(Boolean);
      const res = `${github.org} runner group "${g.name}"`;
      return problems.length
        ? fail(`runner group "${g.name}" (${g.runners} runner(s)): ${problems.join('; ')}`, res)
        : pass(
            `runner group "${g.name}" is limited to ${g.visibility} repositories${g.restrictedToWorkflows ? ' and selected workflows' : ''}`,
            res,
          );
    });
  },
});
