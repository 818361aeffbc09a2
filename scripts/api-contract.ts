/**
 * The API's contract, as code builds it:
 *   tsx scripts/api-contract.ts document [file]   writes the OpenAPI document (stdout by default)
 *   tsx scripts/api-contract.ts lint              lints it with Redocly (redocly.yaml)
 *   tsx scripts/api-contract.ts client            writes the typed client's types
 *   tsx scripts/api-contract.ts client --check    fails when those types are out of date
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { describeApi } from '../src/http/api-document.ts';

const typesFile = path.resolve(import.meta.dirname, '../src/client/api-types.ts');
const header = `/**
 * Types of the Tiershift API, generated from its OpenAPI document by openapi-typescript.
 * Do not edit: run \`npm run client\` after changing a route or a schema.
 */
/* eslint-disable */
`;

async function clientTypes(): Promise<string> {
  const document = await describeApi();
  // A field with a default may be left out of a request: only `required` makes it required.
  const ast = await openapiTS(JSON.stringify(document), {
    alphabetize: false,
    defaultNonNullable: false,
  });
  return `${header}\n${astToString(ast)}`;
}

async function lint(): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tiershift-openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(await describeApi(), null, 2));
    const redocly = path.resolve(import.meta.dirname, '../node_modules/.bin/redocly');
    const result = spawnSync(
      redocly,
      ['lint', '--config', path.resolve(import.meta.dirname, '../redocly.yaml'), file],
      { stdio: 'inherit' },
    );
    return result.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [command, argument] = process.argv.slice(2);
switch (command) {
  case 'document': {
    const json = `${JSON.stringify(await describeApi(), null, 2)}\n`;
    if (argument) writeFileSync(argument, json);
    else process.stdout.write(json);
    break;
  }
  case 'lint':
    process.exitCode = await lint();
    break;
  case 'client': {
    const types = await clientTypes();
    if (argument === '--check') {
      if (readFileSync(typesFile, 'utf8') !== types) {
        console.error(
          `${path.relative(process.cwd(), typesFile)} is out of date: run \`npm run client\`.`,
        );
        process.exitCode = 1;
      }
    } else writeFileSync(typesFile, types);
    break;
  }
  default:
    console.error('usage: api-contract.ts document [file] | lint | client [--check]');
    process.exitCode = 2;
}
