import type { Location, WorkflowSet } from '../../facts/index.js';
import { ciResource, describeUse, scansInWorkflows, scriptLines } from '../../scanners/index.js';
import { defineCheck, fail, notApplicable, pass } from '../define-check.js';

const STAGING = /(?:^|[^a-z0-9])(staging|stage|stg|pre-?prod|pre-?production|qa|uat)(?:[^a-z0-9]|$)/i;
const DEPLOY_WORD = /deploy|release|rollout|promote|publish/i;
const DEPLOY_COMMAND =
  /\b(?:deploy|kubectl\s+(?:apply|rollout|set\s+image)|helm\s+(?:upgrade|install)|terraform\s+apply|cdk\s+deploy|sam\s+deploy|serverless\s+deploy|sls\s+deploy|fly\s+deploy|gcloud\s+run\s+deploy|aws\s+ecs\s+update-service|az\s+webapp\s+deploy|kubectl-argo-rollouts|argocd\s+app\s+sync)\b/i;

interface StagingDeploy {
  workflow: string;
  job: string;
  why: string;
  location: Location;
}

/** Jobs that deploy to a staging-like environment. */
function stagingDeploys(workflows: WorkflowSet): StagingDeploy[] {
  const out: StagingDeploy[] = [];
  for (const wf of workflows.files) {
    for (const job of wf.jobs) {
      const base = { workflow: wf.path, job: job.id, location: job.location };
      const names = [job.id, job.name ?? ''].join(' ');
      if (job.environment && STAGING.test(job.environment)) {
        out.push({ ...base, why: `environment ${job.environment}` });
        continue;
      }
      if (
        STAGING.test(names) &&
        (DEPLOY_WORD.test(names) || /^(?:staging|stage|preprod|qa|uat)$/i.test(job.id))
      ) {
        out.push({ ...base, why: `job ${job.name ?? job.id}` });
        continue;
      }
      for (const step of job.steps) {
        const line = scriptLines(step.run ?? '').find(
          (l) => DEPLOY_COMMAND.test(l.text) && STAGING.test(l.text),
        );
        const input = Object.entries(step.with).find(
          ([k, v]) => /env|environment|stage|namespace/i.test(k) && STAGING.test(v),
        );
        if (line || (input && step.uses)) {
          const why = line
            ? `\`${line.text.slice(0, 80)}\``
            : `${step.uses} with ${input?.[0]}: ${input?.[1]}`;
          out.push({ ...base, why, location: step.location });
          break;
        }
      }
    }
  }
  return out;
}

export default defineCheck({
  id: 'scan.dast',
  title: 'A DAST tool runs against the staging deployment',
  needs: ['workflows'],
  remediation:
    'After the staging deploy, run a dynamic scan against the staging URL: e.g. zaproxy/action-baseline (fail_action: true), `nuclei -u $STAGING_URL`, or stackhawk/hawkscan-action, in a job that `needs:` the deploy job.',
  evaluate({ workflows }) {
    const deploys = stagingDeploys(workflows);
    const [deploy] = deploys;
    if (!deploy)
      return [
        notApplicable(
          'No staging deployment found in CI (no job or environment named staging/stage/preprod/qa)',
          ciResource(workflows),
        ),
      ];
    const dast = scansInWorkflows(workflows).filter((u) => u.type === 'dast');
    const [first] = dast;
    const deployed = deploys.map((d) => `${d.workflow} (job ${d.job}: ${d.why})`).join('; ');
    if (!first)
      return [
        fail(
          `Staging is deployed by ${deployed}, but no DAST tool runs (ZAP, Nuclei and StackHawk are recognised)`,
          deploy.workflow,
          {
            location: deploy.location,
          },
        ),
      ];
    const advisory = dast.every((u) => !u.blocking) ? ` (advisory only: ${first.advisory})` : '';
    return [
      pass(
        `DAST runs: ${dast.map(describeUse).join('; ')}${advisory}; staging is deployed by ${deployed}`,
        first.workflow,
        {
          location: first.location,
        },
      ),
    ];
  },
});
