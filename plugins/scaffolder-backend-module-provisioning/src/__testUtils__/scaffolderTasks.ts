import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';

/** The repository's own templates, as catalog entities of the default namespace. */
export function portalTemplates(): Entity[] {
  const templatesDir = path.resolve(__dirname, '../../../../templates');
  return fs
    .readdirSync(templatesDir, { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(
      d =>
        YAML.parse(
          fs.readFileSync(
            path.join(templatesDir, d.name, 'template.yaml'),
            'utf8',
          ),
        ) as Entity,
    )
    .map(t => ({ ...t, metadata: { ...t.metadata, namespace: 'default' } }));
}

/**
 * Runs a template through the scaffolder backend as a user and waits for the task to end. A task the scaffolder
 * refuses to create has the status `refused <HTTP status>`; the log is the task's messages.
 */
export async function runTemplateTask(
  server: Parameters<typeof request>[0],
  template: string,
  values: Record<string, unknown>,
  user: string,
): Promise<{ task: { status: string }; log: string }> {
  const auth = mockCredentials.user.header(user);
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', auth)
    .send({ templateRef: `template:default/${template}`, values });
  if (created.status !== 201) {
    return {
      task: { status: `refused ${created.status}` },
      log: JSON.stringify(created.body),
    };
  }
  for (let i = 0; i < 600; i++) {
    const task = await request(server)
      .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
      .set('Authorization', auth);
    if (['completed', 'failed', 'cancelled'].includes(task.body.status)) {
      const events = await request(server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
        .set('Authorization', auth);
      const log = (events.body as Array<{ body?: { message?: string } }>)
        .map(e => e.body?.message)
        .filter(Boolean)
        .join('\n');
      return { task: task.body, log };
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`task of ${template} did not finish`);
}
