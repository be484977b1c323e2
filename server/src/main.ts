/**
 * prism-server: parse the environment once, start the service, and own
 * shutdown (stop accepting, let launches finish or hand off, exit after a hard timeout).
 */
import { profileRegion } from './aws/region';
import { ConfigError, parseConfig, type Config } from './config';
import { createLogger } from './logger';
import { startService, tokenFile } from './service';

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  if (!process.env.PRISM_REGION && !process.env.AWS_REGION) {
    config = { ...config, region: (await profileRegion()) ?? config.region };
  }
  const logger = createLogger(config.logLevel);
  try {
    const service = await startService(config, logger);
    if (config.hub) {
      process.stderr.write(`\nPrism is running at ${service.url} as the JupyterHub service '${config.hub.serviceName}'; callers are hub users.\n\n`);
    } else if (!config.token) {
      process.stderr.write(
        `\nPrism is running at ${service.url}api/v1/health\n` +
          `Its token is in ${tokenFile(config.dataDir)}; send it as "Authorization: Bearer <token>".\n\n`
      );
    }
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) {
        return;
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      // The bound: running launches get PRISM_SHUTDOWN_GRACE_SECONDS, closing the rest a few more.
      setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000).unref();
      void service
        .stop(config.shutdownGraceMs)
        .catch(error => logger.error({ err: error }, 'unclean shutdown'))
        .finally(() => {
          logger.flush();
          process.exit(0);
        });
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  } catch (error) {
    logger.fatal({ err: error }, 'prism-server could not start');
    logger.flush();
    process.exit(1);
  }
}
