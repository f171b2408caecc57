import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { exampleNamespaceRequest } from './exampleRequests';

export const renderExamples: TemplateExample[] = [
  {
    description: 'Render a namespace request into the workspace folder gitops/',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'provisioning:request:render',
          name: 'Render',
          input: { request: exampleNamespaceRequest, targetPath: 'gitops' },
        },
      ],
    }),
  },
];
