import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stderr-free stdout; keys and authorization headers are redacted wherever they appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['apiKey', 'masterKey', 'key', '*.apiKey', '*.masterKey', '*.key', 'req.headers.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Shows enough of a secret to recognise it, never enough to use it. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}
