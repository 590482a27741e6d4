import { readFileSync } from 'node:fs';

/** One recorded exchange: the curl command and what the real server answered. */
export interface RecordedExchange {
  title: string;
  /** The curl command as written, with $VARIABLES unexpanded. */
  command: string;
  status: number;
  contentType: string;
  /** Response headers shown in an `http` block. */
  headers: Record<string, string>;
  /** The shown body: JSON text, plain text, or undefined when not shown. */
  body?: string;
  bodyKind: 'json' | 'text' | 'empty' | 'summary';
  /** For summarised binary bodies, the byte count. */
  summarySize?: number;
}

/** A parsed transcript file: its header text and its exchanges in order. */
export interface Transcript {
  file: string;
  header: string;
  exchanges: RecordedExchange[];
}

const fence = '```';

/** Reads a rest-transcript-*.md file into exchanges. */
export function parseTranscript(file: string): Transcript {
  const lines = readFileSync(file, 'utf8').split('\n');
  const exchanges: RecordedExchange[] = [];
  let header = '';
  let index = 0;
  let title = '';
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (line.startsWith('### ')) {
      title = line.slice(4).trim();
      index += 1;
      continue;
    }
    if (line === fence && (lines[index + 1] ?? '').startsWith('curl ')) {
      const parsed = parseExchange(lines, index, title);
      if (parsed !== undefined) {
        exchanges.push(parsed.exchange);
        index = parsed.next;
        continue;
      }
    }
    if (exchanges.length === 0) header += `${line}\n`;
    index += 1;
  }
  return { file, header, exchanges };
}

function readBlock(lines: string[], start: number): { content: string[]; next: number } {
  const content: string[] = [];
  let index = start + 1;
  while (index < lines.length && lines[index] !== fence) {
    content.push(lines[index] ?? '');
    index += 1;
  }
  return { content, next: index + 1 };
}

function skipBlank(lines: string[], index: number): number {
  let at = index;
  while (at < lines.length && (lines[at] ?? '').trim() === '') at += 1;
  return at;
}

function parseExchange(
  lines: string[],
  start: number,
  title: string,
): { exchange: RecordedExchange; next: number } | undefined {
  const command = readBlock(lines, start);
  let index = skipBlank(lines, command.next);
  const statusLine = /^→ \*\*HTTP (\d{3})\*\* `([^`]*)`/.exec(lines[index] ?? '');
  if (statusLine === null) return undefined;
  const exchange: RecordedExchange = {
    title,
    command: command.content.join('\n'),
    status: Number(statusLine[1]),
    contentType: statusLine[2] ?? '',
    headers: {},
    bodyKind: 'empty',
  };
  index = skipBlank(lines, index + 1);
  if (lines[index] === `${fence}http`) {
    const block = readBlock(lines, index);
    for (const header of block.content) {
      const colon = header.indexOf(':');
      if (colon > 0)
        exchange.headers[header.slice(0, colon).toLowerCase()] = header.slice(colon + 1).trim();
    }
    index = skipBlank(lines, block.next);
  }
  const next = lines[index] ?? '';
  if (next === `${fence}json` || next === fence) {
    const block = readBlock(lines, index);
    exchange.body = block.content.join('\n');
    exchange.bodyKind = next === fence ? 'text' : 'json';
    return { exchange, next: block.next };
  }
  const summary = /^\(body: (\d+) bytes/.exec(next);
  if (summary !== null) {
    exchange.bodyKind = 'summary';
    exchange.summarySize = Number(summary[1]);
  }
  return { exchange, next: index };
}
