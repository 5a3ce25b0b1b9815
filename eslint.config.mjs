// Type-aware lint (STYLE §10): the promise rules catch the bugs a gateway cannot afford (a floating promise
// on the data path is a lost error), plus exhaustive switches and strict equality.
import tseslint from 'typescript-eslint';

// STYLE's boundary rule: a lib is entered through `@relaymesh/<lib>` only (its index says what it offers), an
// app through `apps/<app>/src/index` only, and only from outside the apps (embedded/, scripts/, bench/, tests):
// no app imports another. Deep paths would let one project lean on another's internals, which then cannot move.
const libBoundary = [
  {
    group: ['@relaymesh/*/**', '!@relaymesh/telemetry/register'],
    message: 'Import a lib through @relaymesh/<lib> (its index), not a path inside it.',
  },
  {
    regex: '(^|/)libs/',
    message: 'Import a lib through @relaymesh/<lib>, not by a relative path.',
  },
  {
    // From inside a lib or an app, a relative path up into a sibling project (`../../routing/src/...`).
    regex: '^(\\.\\./)+[^./][^/]*/src(/|$)',
    message: 'Another project is entered through @relaymesh/<lib> or apps/<app>/src/index only.',
  },
];
const appBoundary = {
  regex: '(^|/)apps/[^/]+/(?!src(/index)?$)',
  message:
    'An app is entered through apps/<app>/src/index only (what it exports for launchers and tests).',
};
const noAppFromApps = {
  regex: '(^|/)apps/',
  message:
    'Apps do not import apps: they talk over NATS (libs/contracts); share code through a lib.',
};

// libs/protocols (its README): wire formats meet only in hub/ (and the two OpenAI formats in openai-base/); no
// format folder imports another's, and the hub imports none, so a format can change without moving another.
const PROTOCOL_FORMATS = ['anthropic-messages', 'gemini', 'openai-chat', 'openai-responses'];
const noOtherFormat = {
  regex: `^\\.\\./(${PROTOCOL_FORMATS.join('|')})/`,
  message:
    'Formats share code through hub/ or openai-base/, not by importing another format folder.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': ['error', { patterns: [...libBoundary, appBoundary] }],
      curly: ['error', 'multi-line'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Nest's decorators and DI make these noisy without finding bugs.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...libBoundary, noAppFromApps] }],
    },
  },
  {
    files: [`libs/protocols/src/{hub,openai-base,${PROTOCOL_FORMATS.join(',')}}/**/*.ts`],
    // Tests may drive two formats end to end (a Codex request through Chat, a variant through an adapter).
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...libBoundary, noAppFromApps, noOtherFormat] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The deploy tests walk rendered YAML (Kubernetes objects, dashboards) as the plain data it is.
    files: ['test/deploy/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
