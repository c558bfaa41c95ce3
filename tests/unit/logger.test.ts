import { describe, expect, it } from 'vitest';
import { createLogger, wantsHumanLogs } from '../../core/logger.js';

function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) } };
}

describe('console output', () => {
  it('is human lines only for a terminal outside production', () => {
    expect(wantsHumanLogs({ isTTY: true }, {})).toBe(true);
    expect(wantsHumanLogs({ isTTY: true }, { NODE_ENV: 'development' })).toBe(true);
    expect(wantsHumanLogs({ isTTY: true }, { NODE_ENV: 'production' })).toBe(false);
    expect(wantsHumanLogs({ isTTY: false }, {})).toBe(false);
    expect(wantsHumanLogs({}, {})).toBe(false);
  });

  it('human lines: time, level, message and fields on one line, secrets still redacted', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream, { human: true });
    log.info({ url: 'http://127.0.0.1:7700', masterKey: 'super-secret-master-key' }, 'started embedded Meilisearch');
    log.debug('not shown at info');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: started embedded Meilisearch \{.*"url":"http:\/\/127\.0\.0\.1:7700".*\}$/);
    expect(lines[0]).not.toContain('super-secret');
    expect(lines[0]).toContain('[redacted]');
  });

  it('JSON otherwise: one object a line, the same redaction', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info({ masterKey: 'super-secret-master-key' }, 'hello');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'hello', masterKey: '[redacted]' });
  });

  it('drops the command a Redis error carries (its arguments can be the analytics key or query batches)', () => {
    const lines: string[] = [];
    const error = Object.assign(new Error('Connection is closed.'), { command: { name: 'set', args: ['news:analytics:client-key:2026-12-07', 'secret-day-key'] } });
    createLogger('info', { write: (line: string) => void lines.push(line) }).warn({ err: error }, 'analytics flush failed');
    expect(lines.join('')).toContain('Connection is closed.');
    expect(lines.join('')).not.toContain('secret-day-key');
  });
});

