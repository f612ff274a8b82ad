// ESLint: typescript-eslint's recommended rules, and the folder boundaries of the architecture
// (README "Architecture"): folders depend one way, so there are no folder cycles, the domain
// imports neither the Bot Framework SDK nor mongoose, and only models/ touches mongoose.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** An import of one of these top-level folders, from any depth (`../../bot/x.js`). */
const folder = (name) => `^(\\.\\./)+${name}/`;
const SDK = ['botbuilder', 'botbuilder-*', 'botframework-*', 'restify', 'restify-*'];
const DB = ['mongoose', 'mongodb', '@partner-connect/embedded-mongo'];
/** Metrics and tracing libraries: observability/ only (logging/ reads the active span id). */
const TELEMETRY = ['prom-client', '@opentelemetry/*', '@azure/monitor-opentelemetry'];

/**
 * Each folder with what it must not import (README "Architecture"). Together they form the
 * one-way graph config/logging/i18n <- domain <- models, notifications <- cards <- dialogs
 * <- bot <- composition root, with web/ beside bot.
 */
const boundaries = [
  {
    files: ['domain/**/*.ts'],
    folders: ['bot', 'dialogs', 'cards', 'models', 'notifications', 'web', 'config', 'graph'],
    packages: [...SDK, ...DB, ...TELEMETRY],
    why: 'the domain is plain TypeScript: no SDK, no database, no outer folder',
  },
  {
    files: ['models/**/*.ts'],
    folders: ['bot', 'dialogs', 'cards', 'web'],
    packages: [...SDK],
    why: 'models/ implements the ports of domain/ and notifications/ on mongoose only',
  },
  {
    files: ['graph/**/*.ts'],
    folders: ['bot', 'dialogs', 'cards', 'models', 'web'],
    packages: [...SDK, ...DB],
    why: 'graph/ implements the GDAP port of domain/ over Microsoft Graph only',
  },
  {
    files: ['notifications/**/*.ts'],
    folders: ['bot', 'dialogs', 'cards', 'models', 'web'],
    packages: [...SDK, ...DB, ...TELEMETRY],
    why: 'notifications/ works through its ports; bot/ and models/ implement them',
  },
  {
    files: ['cards/**/*.ts'],
    folders: ['bot', 'dialogs', 'models', 'notifications', 'web', 'config'],
    packages: [...SDK, ...DB],
    why: 'a card renders typed data: no I/O',
  },
  {
    files: ['dialogs/**/*.ts'],
    folders: ['bot', 'models', 'notifications', 'web', 'config'],
    packages: ['restify', ...DB],
    why: 'dialogs call domain services and render cards; bot/ plugs them in',
  },
  {
    files: ['web/**/*.ts'],
    folders: ['bot', 'dialogs', 'cards', 'models', 'notifications', 'domain'],
    packages: [...DB],
    why: 'web/ serves HTTP; features hand it their routes',
  },
  {
    files: ['observability/**/*.ts'],
    folders: ['bot', 'dialogs', 'cards', 'models', 'web', 'domain'],
    packages: [...SDK, 'mongoose', '@partner-connect/embedded-mongo'],
    why: 'observability/ implements the metrics ports of bot/ and notifications/ and starts tracing',
    typesMayCross: true,
  },
  {
    files: ['bot/**/*.ts'],
    folders: [],
    packages: ['mongoose', 'mongodb', '@partner-connect/embedded-mongo', ...TELEMETRY],
    why: 'bot/ reaches the database only through models/ (it may name the connection type)',
    typesMayCross: true,
  },
  {
    files: ['tab/**/*.ts', 'tab/**/*.tsx'],
    folders: [
      'bot',
      'dialogs',
      'cards',
      'models',
      'notifications',
      'web',
      'domain',
      'config',
      'logging',
    ],
    packages: [...SDK, ...DB, ...TELEMETRY, 'node:*'],
    why: 'tab/ runs in the browser and holds no rule: it calls the REST API (it reads i18n/ catalogs)',
  },
  {
    files: ['config/**/*.ts', 'logging/**/*.ts', 'i18n/**/*.ts'],
    folders: ['bot', 'dialogs', 'cards', 'models', 'notifications', 'web', 'domain'],
    packages: [...SDK, 'mongoose', 'mongodb'],
    why: 'the leaves everything else may use (the turn log names the SDK turn type)',
    typesMayCross: true,
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'out/', 'devTools/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'error',
      // A `let` assigned once after a closure that reads it (a lazy reference) stays a let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  ...boundaries.map(({ files, folders, packages, why, typesMayCross = false }) => ({
    files,
    rules: {
      // typescript-eslint's version: `import type` may cross where a folder only names a type.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...folders.map((f) => ({
              regex: folder(f),
              message: `${why} (no ${f}/ here).`,
              allowTypeImports: typesMayCross,
            })),
            { group: packages, message: `${why}.`, allowTypeImports: typesMayCross },
            {
              regex: '^(\\.\\./)+(index|app|app-modules)\\.js$',
              message: 'only the composition root composes: no folder imports it.',
            },
          ],
        },
      ],
    },
  })),
  {
    // Benchmarks share their drivers with the tests through testkit/, so neither reaches into
    // test/ (a test refactoring must not break `npm run bench`).
    files: ['bench/**/*.ts', 'testkit/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: folder('test'),
              message: 'bench/ and testkit/ import no test code: shared drivers live in testkit/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'test/**/*.ts',
      'testkit/**/*.ts',
      'packages/*/test/**/*.ts',
      'packages/*/bench/**/*.ts',
      'scripts/**/*.ts',
    ],
    // Tests read raw JSON from the wire and chai's property assertions are expressions.
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  }
);
