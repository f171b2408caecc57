import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { exampleNamespaceRequest } from './exampleRequests';

export const pullRequestExamples: TemplateExample[] = [
  {
    description: 'Open the pull request of a namespace request',
    example: yaml.stringify({
      steps: [
        {
          id: 'pull-request',
          action: 'provisioning:github:pull-request',
          name: 'Open pull request',
          input: { request: exampleNamespaceRequest },
        },
      ],
    }),
  },
];
