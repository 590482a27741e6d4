/** What an error answer's body says, reduced to what a message can show. */
export interface ErrorBody {
  errorCode?: string;
  message?: string;
  isHtml: boolean;
}

const MAX_SUMMARY = 300;

/** Reads MLflow's `{error_code, message}`, Triton's `{error}`, or summarises text and HTML. */
export function readErrorBody(contentType: string | undefined, text: string): ErrorBody {
  const trimmed = text.trim();
  // MLflow labels plain sentences text/html (401, 403): only markup counts as a page.
  const isHtml =
    /^<(!doctype|html|head|title|body)/i.test(trimmed) ||
    (/html/i.test(contentType ?? '') && /<\/?[a-z][^>]*>/i.test(trimmed));
  if (!isHtml && trimmed.startsWith('{')) {
    try {
      const body = JSON.parse(trimmed) as Record<string, unknown>;
      const errorCode = typeof body.error_code === 'string' ? body.error_code : undefined;
      const raw = body.message ?? body.error;
      const message = typeof raw === 'string' ? shorten(raw) : undefined;
      return { isHtml, ...(errorCode ? { errorCode } : {}), ...(message ? { message } : {}) };
    } catch {
      // Not JSON after all: summarised as text below.
    }
  }
  const message = isHtml ? summariseHtml(trimmed) : shorten(trimmed);
  return { isHtml, ...(message ? { message } : {}) };
}

function summariseHtml(html: string): string | undefined {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
  const paragraph = /<p[^>]*>([\s\S]*?)<\/p>/i.exec(html)?.[1];
  const parts = [title, heading !== title ? heading : undefined, paragraph]
    .filter((part): part is string => Boolean(part))
    .map((part) =>
      part
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
  const summary = parts.length > 0 ? parts.join(': ') : 'an HTML page';
  return `(HTML page) ${shorten(summary)}`;
}

/**
 * One line of at most MAX_SUMMARY characters. Credentials a server echoes back are replaced
 * first: once cut short, a secret no longer matches the agent's mask. Only line breaks are
 * folded, so a secret with runs of spaces stays as the agent knows it.
 */
function shorten(text: string): string {
  const oneLine = redactCredentials(text)
    .replace(/[\r\n]+/g, ' ')
    .trim();
  return oneLine.length > MAX_SUMMARY ? `${oneLine.slice(0, MAX_SUMMARY)}...` : oneLine;
}

function redactCredentials(text: string): string {
  return text
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, '$1 ***')
    .replace(/(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, '$1***')
    .replace(/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1***@');
}
