import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  /**
   * Short human lines (time, level, message, fields on one line) instead of JSON: for a person at
   * a terminal. pino-pretty formats pino's own JSON, so redaction applies to both the same way.
   */
  human?: boolean;
}

/** JSON logs on stdout (or short human lines); keys and authorization headers are redacted wherever they appear. */
export function createLogger(level: string, destination?: DestinationStream, options: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: undefined,
      // ioredis puts the failed command's arguments on its errors (`err.command.args`): the
      // analytics day's hashing key, query batches, client hashes. Logged errors keep type, message
      // and stack, never the command.
      serializers: { err: errorWithoutCommand },
      redact: {
        paths: ['apiKey', 'masterKey', 'key', '*.apiKey', '*.masterKey', '*.key', 'req.headers.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    options.human ? humanStream(destination) : destination,
  );
}

/**
 * Human lines only for a person: stdout is a terminal and this is not production. A pipe, a file,
 * a container's log collector or NODE_ENV=production get JSON, one object a line.
 */
export function wantsHumanLogs(stdout: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return stdout.isTTY === true && env['NODE_ENV'] !== 'production';
}

/** Formats pino's lines for people; stdout (file descriptor 1, written synchronously) unless told otherwise. */
function humanStream(destination?: DestinationStream): DestinationStream {
  return pretty({
    // pino-pretty pipes into a Node stream; a bare { write } destination gets wrapped.
    destination: destination ? asNodeStream(destination) : 1,
    colorize: destination ? false : process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    // The indexing summary object is followed by its own human lines; pid/hostname are noise here.
    ignore: 'pid,hostname,summary',
    singleLine: true,
    // Written in order with the start-up banner (process.stdout.write).
    sync: true,
  });
}

function asNodeStream(destination: DestinationStream): NodeJS.WritableStream {
  if (destination instanceof Writable) return destination;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      destination.write(chunk.toString());
      done();
    },
  });
}

/** Shows enough of a secret to recognise it, never enough to use it. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}

function errorWithoutCommand(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  delete serialized['command'];
  return serialized;
}
