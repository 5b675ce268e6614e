// ESLint for the whole tree: typescript-eslint, React hooks, jsx-a11y, and the layers of
// STYLE.md ("A layout that shows the architecture"), the project's style guide, as import rules, so they hold by
// lint rather than by care. Formatting is Prettier's job (eslint-config-prettier comes last).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The shipped product's folders; e2e/, integration/, bench/ and scripts/ are harnesses around it. */
const PRODUCT = ['common', 'main', 'preload', 'renderer', 'emulator'];

/**
 * One zone per folder: files under `target` may not import from `from` (paths resolved on disk,
 * so a zone holds however deep the relative import is).
 */
const zones = [
  {
    target: 'common',
    from: ['main', 'preload', 'renderer', 'emulator'],
    message: 'common/ is the pure contract: it imports nothing from main, preload, renderer or emulator.',
  },
  {
    target: 'main/core',
    from: ['main/electron', 'main/web', 'main/cli', 'preload', 'renderer'],
    message: 'main/core is plain Node: the CLI, the web server and Electron are adapters over it, never the reverse.',
  },
  {
    target: 'main/cli',
    from: ['main/electron', 'preload', 'renderer'],
    message: 'main/cli is a thin layer over main/core (and main/web for `seclab ui`).',
  },
  {
    target: 'main/web',
    from: ['main/electron', 'main/cli', 'preload', 'renderer'],
    message: 'main/web serves main/core over HTTP; it knows nothing of Electron or the CLI.',
  },
  {
    target: PRODUCT.filter((folder) => folder !== 'main').concat(['main/core', 'main/cli', 'main/web']),
    from: 'main/electron',
    message: 'main/electron is the Electron adapter: only its own entry (main/electron/main.ts) wires it.',
  },
  {
    target: 'main/electron',
    from: ['main/cli', 'preload', 'renderer'],
    message: 'main/electron may use main/core and main/web; the renderer reaches it only over IPC.',
  },
  {
    target: 'preload',
    from: ['main', 'renderer', 'emulator'],
    message: 'preload is the contextBridge: it imports the contract from common/ and nothing else of ours.',
  },
  {
    target: 'renderer',
    from: ['preload', 'emulator'],
    message: 'The renderer imports only common/ (the bridge type lives in common/seclab-bridge.ts).',
  },
  {
    target: ['renderer/*.{ts,tsx}', 'renderer/!(testing)/**'],
    from: 'main',
    message: 'The renderer imports only common/; main reaches it through the contract (IPC or HTTP).',
  },
  {
    // Known, deliberate exception: renderer unit tests drive the in-memory demo lab (the same one
    // `seclab ui --demo` and the fake e2e line serve), and that lab runs the real planner. It is test
    // support: renderer/testing never reaches the bundle. Everything else of main stays out.
    target: 'renderer/testing/**',
    from: 'main/**',
    except: ['**/main/web/testing/fake-lab-handlers.ts'],
    message: 'renderer/testing may use the demo lab (main/web/testing/fake-lab-handlers.ts) and nothing else of main.',
  },
  {
    target: 'emulator',
    from: ['common', 'main', 'preload', 'renderer', 'e2e', 'integration', 'bench', 'scripts'],
    message: 'The emulator is self-contained: it is bundled into its own images from emulator/** and its npm dependencies.',
  },
];

const electronOnlyInItsAdapter = {
  name: 'electron',
  message: "Only main/electron (and preload) import 'electron': Electron is an adapter (STYLE.md rule 1).",
  allowTypeImports: false,
};
const dockerodeOnlyInItsAdapter = {
  name: 'dockerode',
  message: "Only the Docker adapter (main/core/docker) imports 'dockerode'; use its DockerEngine and types (STYLE.md rule 1).",
  allowTypeImports: false,
};
const restrictedPackages = (...paths) => ['error', { paths }];
const underProduct = (extensions) => PRODUCT.map((folder) => `${folder}/**/*.${extensions}`);

export default tseslint.config(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'playwright-report/', 'test-results*/', 'scratch/', '.vite/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs,ts,tsx}'],
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones }],
      // Unused catch bindings and `_`-prefixed parameters say "deliberately ignored".
      // `let x; const stop = () => x?.close(); x = await open();`: a handler that may run before the
      // assignment must not meet a const in its temporal dead zone.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    // CommonJS files are CommonJS on purpose (a stand-in for the 'electron' module loaded by require).
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['e2e/**'],
    // Playwright reads a fixture's first parameter as a destructuring pattern to learn what it depends on: `{}` is "nothing".
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['renderer/**/*.tsx'],
    ...jsxA11y.flatConfigs.recommended,
  },
  {
    files: underProduct('{js,mjs,cjs,ts,tsx}'),
    rules: { 'no-restricted-imports': restrictedPackages(electronOnlyInItsAdapter, dockerodeOnlyInItsAdapter) },
  },
  {
    files: ['main/electron/**', 'preload/**'],
    rules: { 'no-restricted-imports': restrictedPackages(dockerodeOnlyInItsAdapter) },
  },
  {
    files: ['main/core/docker/**'],
    rules: { 'no-restricted-imports': restrictedPackages(electronOnlyInItsAdapter) },
  },
  prettier,
);
