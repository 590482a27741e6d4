/** One `##vso[area.event key=value;...]message` logging command from a task's output. */
export interface VsoCommand {
  /** e.g. `task.setvariable`. */
  name: string;
  properties: Record<string, string>;
  message: string;
}

const COMMAND = /^##vso\[([A-Za-z]+\.[A-Za-z]+)(?: ([^\]]*))?\](.*)$/;

/** Parses the logging commands of an output, undoing task-lib's escaping. */
export function parseVsoCommands(output: string): VsoCommand[] {
  const commands: VsoCommand[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = COMMAND.exec(line.trim());
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(';')) {
      if (!pair) continue;
      const at = pair.indexOf('=');
      const key = at < 0 ? pair : pair.slice(0, at);
      properties[key.trim()] = at < 0 ? '' : unescapeProperty(pair.slice(at + 1));
    }
    commands.push({ name: match[1] ?? '', properties, message: unescapeMessage(match[3] ?? '') });
  }
  return commands;
}

function unescapeProperty(value: string): string {
  return value
    .replace(/%3B/gi, ';')
    .replace(/%5D/gi, ']')
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(percent(value), '%');
}

function unescapeMessage(value: string): string {
  return value.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(percent(value), '%');
}

/** task-lib 5 writes % as %AZP25, older ones as %25; one text uses one of the two. */
function percent(value: string): RegExp {
  return value.includes('%AZP25') ? /%AZP25/g : /%25/g;
}
