import { LoggerService, RootConfigService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';

/** Dependencies of the provisioning REST router. */
export interface RouterOptions {
  config: RootConfigService;
  logger: LoggerService;
}

/** Builds the provisioning REST router. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { logger } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  logger.info('Provisioning API ready');
  return router;
}
