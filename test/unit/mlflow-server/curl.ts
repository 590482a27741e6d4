/** The parts of a curl command the replay needs. */
export interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Headers curl was told to drop (`-H 'Name:'`). */
  removedHeaders: string[];
  data?: string;
  /** `--data-binary @file`: the file name, content supplied by the replay. */
  dataFile?: string;
  user?: string;
  /** Signed for S3 (`--aws-sigv4`). */
  awsSigned: boolean;
}

/** Splits a shell command into words, expanding $NAME inside double quotes and bare words. */
export function shellWords(command: string, variables: Record<string, string>): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let index = 0;
  const append = (text: string): void => {
    current = (current ?? '') + text;
  };
  const expand = (): void => {
    const name = /^\$([A-Z_][A-Z0-9_]*)/.exec(command.slice(index));
    if (name?.[1] === undefined) {
      append('$');
      index += 1;
      return;
    }
    append(variables[name[1]] ?? name[0]);
    index += name[0].length;
  };
  while (index < command.length) {
    const char = command[index] ?? '';
    if (char === "'") {
      const end = command.indexOf("'", index + 1);
      append(command.slice(index + 1, end));
      index = end + 1;
    } else if (char === '"') {
      index += 1;
      while (index < command.length && command[index] !== '"') {
        if (command[index] === '\\' && '"\\$`'.includes(command[index + 1] ?? '')) {
          append(command[index + 1] ?? '');
          index += 2;
        } else if (command[index] === '$') {
          expand();
        } else {
          append(command[index] ?? '');
          index += 1;
        }
      }
      if (current === undefined) current = '';
      index += 1;
    } else if (char === '\\') {
      append(command[index + 1] ?? '');
      index += 2;
    } else if (char === '$') {
      expand();
    } else if (/\s/.test(char)) {
      if (current !== undefined) words.push(current);
      current = undefined;
      index += 1;
    } else {
      append(char);
      index += 1;
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** Reads a curl command line into a request description. */
export function parseCurl(command: string, variables: Record<string, string>): CurlRequest {
  const words = shellWords(command.replace(/\\\n/g, ' '), variables);
  const request: CurlRequest = {
    method: '',
    url: '',
    headers: {},
    removedHeaders: [],
    awsSigned: false,
  };
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] ?? '';
    const value = words[index + 1] ?? '';
    switch (word) {
      case '-X':
        request.method = value;
        index += 1;
        break;
      case '-I':
        request.method = 'HEAD';
        break;
      case '-H': {
        const colon = value.indexOf(':');
        const name = value.slice(0, colon).trim();
        const headerValue = value.slice(colon + 1).trim();
        if (headerValue === '') request.removedHeaders.push(name.toLowerCase());
        else request.headers[name.toLowerCase()] = headerValue;
        index += 1;
        break;
      }
      case '-d':
        request.data = value;
        index += 1;
        break;
      case '--data-binary':
        if (value.startsWith('@')) request.dataFile = value.slice(1);
        else request.data = value;
        index += 1;
        break;
      case '-u':
        request.user = value;
        index += 1;
        break;
      case '--aws-sigv4':
        request.awsSigned = true;
        index += 1;
        break;
      case '--user':
        index += 1;
        break;
      case '--path-as-is':
        break;
      default:
        if (!word.startsWith('-')) request.url = word;
    }
  }
  const hasBody = request.data !== undefined || request.dataFile !== undefined;
  if (request.method === '') request.method = hasBody ? 'POST' : 'GET';
  if (request.data !== undefined && !('content-type' in request.headers)) {
    if (!request.removedHeaders.includes('content-type')) {
      request.headers['content-type'] = 'application/x-www-form-urlencoded';
    }
  }
  if (request.dataFile !== undefined && !('content-type' in request.headers)) {
    if (!request.removedHeaders.includes('content-type')) {
      request.headers['content-type'] = 'application/x-www-form-urlencoded';
    }
  }
  return request;
}
