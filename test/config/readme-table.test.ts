import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { CONFIG_VARIABLES } from '../../config/config.js';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md');

/** The first-column names of the table under `## Configuration`, in order. */
function documentedVariables(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Configuration\n'));
  if (!section) throw new Error('README.md has no "## Configuration" section');
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|')[1].trim())
    .filter((cell) => cell !== 'Variable' && !/^:?-+:?$/.test(cell))
    .map((cell) => cell.replace(/^`(.*)`$/, '$1'));
}

describe('README configuration table', () => {
  const documented = documentedVariables(fs.readFileSync(README, 'utf8'));

  it('lists exactly the environment variables config/config.ts reads, each once', () => {
    expect(documented).to.have.length(new Set(documented).size);
    expect([...documented].sort()).to.deep.equal([...CONFIG_VARIABLES].sort());
  });

  it('says PUBLIC_BASE_URL must be https when MicrosoftAppId is set', () => {
    const row = fs
      .readFileSync(README, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('| `PUBLIC_BASE_URL` |'));
    expect(row).to.match(/https/i).and.include('MicrosoftAppId');
  });
});
