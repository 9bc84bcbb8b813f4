import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (continuation lines joined, comments dropped). */
export function parseDockerfile(path: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  let startLine = 0;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (!pending && (line === '' || line.startsWith('#'))) return;
      if (!pending) startLine = i + 1;
      pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
      if (line.endsWith('\\')) return;
      const [keyword, ...rest] = pending.split(/\s+/);
      const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' '), line: startLine };
      pending = '';
      if (instruction.keyword === 'FROM') {
        const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
        stages.push({ from: m?.[1] ?? instruction.args, name: m?.[2], instructions: [] });
      } else stages.at(-1)?.instructions.push(instruction);
    });
  return stages;
}
